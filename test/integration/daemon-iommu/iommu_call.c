// SPDX-License-Identifier: MIT
/* The IOMMU operations as calls (see iommu_call.h). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "iommu_call.h"

static int call(int fd, uint32_t op, const void *req, size_t len, void *rep,
		size_t max)
{
	return raw_call(fd, op, req, len, rep, max, NULL);
}

int ic_claim(int fd, uint32_t group, uint32_t flags)
{
	struct ioasid_req_group req = { sizeof(req), flags, group, 0 };

	return call(fd, IOASID_OP_GROUP_CLAIM, &req, sizeof(req), NULL, 0);
}

int ic_release(int fd, uint32_t group)
{
	struct ioasid_req_group req = { sizeof(req), 0, group, 0 };

	return call(fd, IOASID_OP_GROUP_RELEASE, &req, sizeof(req), NULL, 0);
}

int ic_create(int fd, uint32_t type, uint32_t *id)
{
	struct ioasid_req_container_create req = { sizeof(req), 0, type, 0 };
	struct ioasid_rep_id rep;
	int ret = call(fd, IOASID_OP_CONTAINER_CREATE, &req, sizeof(req), &rep,
		       sizeof(rep));

	if (!ret) {
		assert_int_equal(rep.size, sizeof(rep));
		*id = rep.id;
	}
	return ret;
}

static int container_group(int fd, uint32_t op, uint32_t c, uint32_t g)
{
	struct ioasid_req_container_group req = { sizeof(req), 0, c, g };

	return call(fd, op, &req, sizeof(req), NULL, 0);
}

int ic_attach(int fd, uint32_t container, uint32_t group)
{
	return container_group(fd, IOASID_OP_CONTAINER_ATTACH_GROUP, container,
			       group);
}

int ic_detach(int fd, uint32_t container, uint32_t group)
{
	return container_group(fd, IOASID_OP_CONTAINER_DETACH_GROUP, container,
			       group);
}

int ic_pasid(int fd, uint32_t op, uint32_t container, uint32_t device,
	     uint32_t pasid)
{
	struct ioasid_req_container_pasid req = { sizeof(req), 0, container,
						  device, pasid, 0 };

	return call(fd, op, &req, sizeof(req), NULL, 0);
}

int ic_info(int fd, uint32_t container, struct ioasid_rep_container_info *rep)
{
	struct ioasid_req_object req = { sizeof(req), 0, container, 0 };
	int ret = call(fd, IOASID_OP_CONTAINER_INFO, &req, sizeof(req), rep,
		       sizeof(*rep));

	if (!ret)
		assert_int_equal(rep->size, sizeof(*rep));
	return ret;
}

int ic_destroy(int fd, uint32_t id)
{
	struct ioasid_req_object req = { sizeof(req), 0, id, 0 };

	return call(fd, IOASID_OP_DESTROY, &req, sizeof(req), NULL, 0);
}

int ic_map(int fd, uint32_t container, uint64_t iova, uint64_t length,
	   uint64_t offset, uint32_t flags, int memfd)
{
	struct ioasid_req_map_dma req = { sizeof(req), flags, container, 0,
					  iova, length, offset };
	struct ioasid_rep_empty rep;

	return raw_call_fd(fd, IOASID_OP_MAP_DMA, &req, sizeof(req), memfd,
			   &rep, sizeof(rep), NULL);
}

int ic_unmap(int fd, uint32_t container, uint64_t iova, uint64_t length,
	     uint32_t flags, uint64_t *unmapped)
{
	struct ioasid_req_unmap_dma req = { sizeof(req), flags, container, 0,
					    iova, length };
	struct ioasid_rep_unmap_dma rep;
	int ret = call(fd, IOASID_OP_UNMAP_DMA, &req, sizeof(req), &rep,
		       sizeof(rep));

	if (!ret && unmapped)
		*unmapped = rep.unmapped;
	return ret;
}

int ic_translate(int fd, uint32_t flags, uint32_t id, uint32_t pasid,
		 uint64_t iova, uint32_t access, struct ioasid_rep_translate *rep)
{
	struct ioasid_req_translate req = { sizeof(req), flags, id, pasid,
					    iova, access, 0 };
	struct ioasid_rep_translate tmp;
	int ret = call(fd, IOASID_OP_TRANSLATE, &req, sizeof(req), &tmp,
		       sizeof(tmp));

	if (!ret) {
		assert_int_equal(tmp.size, sizeof(tmp));
		if (rep)
			*rep = tmp;
	}
	return ret;
}

int ic_faults(int fd, uint32_t container, uint32_t max,
	      struct ioasid_fault_entry *out, uint64_t *lost)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_req_fault_read req = { sizeof(req), 0, container, max };
	struct ioasid_rep_faults rep;
	int ret = call(fd, IOASID_OP_FAULT_READ, &req, sizeof(req), buf,
		       sizeof(buf));

	if (ret)
		return ret;
	memcpy(&rep, buf, sizeof(rep));
	assert_int_equal(rep.size, sizeof(rep) + rep.count * sizeof(*out));
	if (max)
		assert_true(rep.count <= max);
	memcpy(out, buf + sizeof(rep), rep.count * sizeof(*out));
	if (lost)
		*lost = rep.lost;
	return (int)rep.count;
}

static int listing_one(int fd, uint32_t op, uint32_t id, void *e, size_t esz)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_req_page req = { sizeof(req), 0, id, 1, 0 };
	struct ioasid_rep_page page;
	uint32_t got;
	int ret = call(fd, op, &req, sizeof(req), buf, sizeof(buf));

	if (ret)
		return ret;
	memcpy(&page, buf, sizeof(page));
	assert_int_equal(page.size, sizeof(page) + page.count * esz);
	if (!page.count)
		return -ENOENT;
	memcpy(e, buf + sizeof(page), esz);
	memcpy(&got, e, sizeof(got)); /* every entry starts with its id */
	return got == id ? 0 : -ENOENT;
}

int ic_group(int fd, uint32_t id, struct ioasid_group_entry *e)
{
	return listing_one(fd, IOASID_OP_GROUPS, id, e, sizeof(*e));
}

int ic_device(int fd, uint32_t id, struct ioasid_device_entry *e)
{
	return listing_one(fd, IOASID_OP_DEVICES, id, e, sizeof(*e));
}

int ic_memfd(const char *name, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

int ic_daemon_maps(pid_t pid, const char *name)
{
	char path[64], line[512], needle[128];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%ld/maps", (long)pid);
	snprintf(needle, sizeof(needle), "/memfd:%s ", name);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			found = 1;
	fclose(f);
	return found;
}
