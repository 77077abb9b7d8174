// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: the IOMMU operations on the embedded default
 * platform, one handle (a fresh connection) per test. Listings, claims
 * (EBUSY for a natively bound device, DETACH_DRIVERS), containers of both
 * models, MAP_DMA with a memfd and the type1 and SPAPR errnos, TRANSLATE
 * through a container and from a device with a PASID, faults, DESTROY,
 * and the decoder's rows for the new ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/iommu.h>

#include "iommu_call.h"

#define RW (IOASID_DMA_READ | IOASID_DMA_WRITE)
#define T1 IOASID_CONTAINER_TYPE1V2
#define SPAPR IOASID_CONTAINER_SPAPR_TCE
#define XLATE_DEV IOASID_TRANSLATE_DEVICE

static struct rawd daemon_;
static int fd_ = -1;

static int group_setup(void **state)
{
	rawd_start(&daemon_, "max_containers = 4\ndma_entry_limit = 8\n", false);
	return 0;
}

static int group_teardown(void **state)
{
	int status = rawd_stop(&daemon_);

	rawd_cleanup(&daemon_);
	return status == 0 ? 0 : -1;
}

/* Each test is one handle; closing it releases what the test left. */
static int setup(void **state)
{
	fd_ = raw_connect(daemon_.sock);
	return 0;
}

static int teardown(void **state)
{
	close(fd_);
	fd_ = -1;
	return 0;
}

/* container_with - claim group and attach it to a new container. */
static uint32_t container_with(uint32_t type, uint32_t group, uint32_t flags)
{
	uint32_t id;

	assert_int_equal(ic_claim(fd_, group, flags), 0);
	assert_int_equal(ic_create(fd_, type, &id), 0);
	assert_int_equal(ic_attach(fd_, id, group), 0);
	return id;
}

static void test_iommu_listings(void **state)
{
	static const char *const names[] = { "nic", "mfd", "dsa", "accel" };
	static const uint32_t ndev[] = { 1, 2, 1, 1 };
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_req_page req = { sizeof(req), 0, 0, 2, 0 };
	struct ioasid_group_entry g;
	struct ioasid_device_entry d;
	struct ioasid_rep_page page;

	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(ic_group(fd_, i, &g), 0);
		assert_string_equal(g.name, names[i]);
		assert_int_equal(g.nr_devices, ndev[i]);
		assert_int_equal(g.type, IOASID_GROUP_TYPE_DMA);
		assert_int_equal(g.owner_pid, 0);
		assert_int_equal(g.container_id, 0);
		/* nic and mfd hold natively bound devices. */
		assert_int_equal(!!(g.flags & IOASID_GROUP_F_VIABLE), i >= G_DSA);
	}
	assert_int_equal(ic_group(fd_, 4, &g), -ENOENT);
	/* Paging: two devices a page, next where the following starts. */
	assert_int_equal(raw_call(fd_, IOASID_OP_DEVICES, &req, sizeof(req),
				  buf, sizeof(buf), NULL), 0);
	memcpy(&page, buf, sizeof(page));
	assert_int_equal(page.count, 2);
	assert_int_equal(page.next, 3);
	req.start = 5;
	assert_int_equal(raw_call(fd_, IOASID_OP_DEVICES, &req, sizeof(req),
				  buf, sizeof(buf), NULL), 0);
	memcpy(&page, buf, sizeof(page));
	assert_int_equal(page.count, 1);
	assert_int_equal(page.next, 0);
	/* A short (20-byte) request, as an older client sends it. */
	req.size = 20;
	req.start = 1;
	req.max_entries = 0;
	assert_int_equal(raw_call(fd_, IOASID_OP_GROUPS, &req, 20, buf,
				  sizeof(buf), NULL), 0);
	memcpy(&page, buf, sizeof(page));
	assert_int_equal(page.count, 3);
	assert_int_equal(page.next, 0);
	req.size = 16; /* below the minimum */
	assert_int_equal(raw_call(fd_, IOASID_OP_GROUPS, &req, 16, buf,
				  sizeof(buf), NULL), -EINVAL);
	assert_int_equal(ic_device(fd_, D_NIC, &d), 0);
	assert_string_equal(d.name, "0000:00:02.0");
	assert_string_equal(d.parent, "pci0000:00");
	assert_int_equal(d.ssid_bits, 0); /* no PASID capability */
	assert_int_equal(d.driver_kind, IOASID_DRIVER_NATIVE);
	assert_string_equal(d.driver, "e1000e");
	assert_int_equal(d.group_id, G_NIC);
	assert_int_equal(ic_device(fd_, D_MFD1, &d), 0);
	assert_string_equal(d.name, "0000:00:03.1");
	assert_int_equal(d.group_id, G_MFD);
	assert_int_equal(d.driver_kind, IOASID_DRIVER_NONE);
	assert_int_equal(d.ssid_bits, 20);
	assert_int_equal(ic_device(fd_, D_ACCEL, &d), 0);
	assert_int_equal(d.iommu, 1);
	assert_int_equal(d.ssid_bits, 8);
}

static void test_iommu_claim_release(void **state)
{
	struct ioasid_device_entry d;
	struct ioasid_group_entry g;
	char owner[32];

	snprintf(owner, sizeof(owner), "ioasidd:%ld", (long)getpid());
	assert_int_equal(ic_claim(fd_, 99, 0), -ENOENT);
	/* 0000:00:03.0 is bound to idxd: the group is not viable. */
	assert_int_equal(ic_claim(fd_, G_MFD, 0), -EBUSY);
	assert_int_equal(ic_device(fd_, D_MFD0, &d), 0);
	assert_string_equal(d.driver, "idxd"); /* the refusal changed nothing */
	assert_int_equal(ic_claim(fd_, G_MFD, 1u << 1), -EOPNOTSUPP);
	assert_int_equal(ic_claim(fd_, G_MFD,
				  IOASID_GROUP_CLAIM_DETACH_DRIVERS), 0);
	/* Both functions are now bound to this handle. */
	for (uint32_t id = D_MFD0; id <= D_MFD1; id++) {
		assert_int_equal(ic_device(fd_, id, &d), 0);
		assert_int_equal(d.driver_kind, IOASID_DRIVER_OWNER);
		assert_string_equal(d.driver, owner);
		assert_int_equal(d.owner_pid, getpid());
	}
	assert_int_equal(ic_group(fd_, G_MFD, &g), 0);
	assert_int_equal(g.owner_pid, getpid());
	assert_true(g.flags & IOASID_GROUP_F_VIABLE); /* for its owner */
	assert_int_equal(ic_claim(fd_, G_MFD, 0), -EBUSY); /* once */
	assert_int_equal(ic_release(fd_, G_MFD), 0);
	assert_int_equal(ic_release(fd_, G_MFD), -ENOENT);
	assert_int_equal(ic_release(fd_, 99), -ENOENT);
	/* Released devices are unbound: the group is viable now. */
	assert_int_equal(ic_device(fd_, D_MFD0, &d), 0);
	assert_int_equal(d.driver_kind, IOASID_DRIVER_NONE);
	assert_int_equal(d.owner_pid, 0);
	assert_int_equal(ic_group(fd_, G_MFD, &g), 0);
	assert_int_equal(g.owner_pid, 0);
	assert_true(g.flags & IOASID_GROUP_F_VIABLE);
	assert_int_equal(ic_claim(fd_, G_MFD, 0), 0);
	assert_int_equal(ic_release(fd_, G_MFD), 0);
}

static void test_iommu_container_errors(void **state)
{
	struct ioasid_rep_container_info info;
	uint32_t id, ids[4];

	assert_int_equal(ic_create(fd_, IOASID_VFIO_TYPE1_IOMMU, &id), -ENODEV);
	assert_int_equal(ic_create(fd_, 7, &id), -ENODEV);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ic_create(fd_, T1, &ids[i]), 0);
	assert_true(ids[1] > ids[0]);
	assert_int_equal(ic_create(fd_, T1, &id), -EDQUOT); /* max_containers */
	assert_int_equal(ic_destroy(fd_, ids[3]), 0);
	assert_int_equal(ic_destroy(fd_, ids[3]), -ENOENT);
	id = ids[0];
	/* No group yet: no model, nothing valid, nothing to map. */
	assert_int_equal(ic_info(fd_, id, &info), 0);
	assert_int_equal(info.type, T1);
	assert_int_equal(info.flags, 0);
	assert_int_equal(info.nr_groups, 0);
	{
		int mfd = ic_memfd("dio-none", MIB);

		assert_int_equal(ic_map(fd_, id, 0, PAGE, 0, RW, mfd), -EINVAL);
		close(mfd);
	}
	assert_int_equal(ic_unmap(fd_, id, 0, PAGE, 0, NULL), -EINVAL);
	assert_int_equal(ic_translate(fd_, 0, id, 0, 0, IOASID_DMA_READ, NULL),
			 -EINVAL);
	assert_int_equal(ic_attach(fd_, id, 99), -ENOENT);
	assert_int_equal(ic_attach(fd_, 12345, G_DSA), -ENOENT);
	assert_int_equal(ic_attach(fd_, id, G_DSA), -EPERM); /* not claimed */
	assert_int_equal(ic_detach(fd_, id, G_DSA), -ENOENT);
	assert_int_equal(ic_info(fd_, 12345, &info), -ENOENT);
	assert_int_equal(ic_claim(fd_, G_DSA, 0), 0);
	assert_int_equal(ic_attach(fd_, id, G_DSA), 0);
	assert_int_equal(ic_attach(fd_, id, G_DSA), -EEXIST);
	assert_int_equal(ic_attach(fd_, ids[1], G_DSA), -EBUSY);
	/* Unmapping in a container that never held a mapping. */
	{
		uint64_t bytes = 1;

		assert_int_equal(ic_unmap(fd_, id, 0, MIB, 0, &bytes), 0);
		assert_int_equal(bytes, 0);
		assert_int_equal(ic_unmap(fd_, id, 0x800, MIB, 0, &bytes),
				 -EINVAL);
		assert_int_equal(ic_unmap(fd_, id, 0, 0, 0, &bytes), -EINVAL);
		assert_int_equal(ic_unmap(fd_, id, UINT64_MAX - PAGE + 1,
					  2 * PAGE, 0, &bytes), -EOVERFLOW);
		assert_int_equal(ic_unmap(fd_, id, PAGE, 0,
					  IOASID_UNMAP_DMA_ALL, &bytes), -EINVAL);
		assert_int_equal(ic_unmap(fd_, id, 0, 0, IOASID_UNMAP_DMA_ALL,
					  &bytes), 0);
		assert_int_equal(bytes, 0);
	}
	/* A group in use can neither be released nor its container go. */
	assert_int_equal(ic_release(fd_, G_DSA), -EBUSY);
	assert_int_equal(ic_destroy(fd_, id), -EBUSY);
	assert_int_equal(ic_detach(fd_, id, G_DSA), 0);
	assert_int_equal(ic_detach(fd_, id, G_DSA), -ENOENT);
	assert_int_equal(ic_destroy(fd_, id), 0);
	assert_int_equal(ic_release(fd_, G_DSA), 0);
}

static void test_iommu_type1_map_unmap(void **state)
{
	struct ioasid_rep_container_info info;
	struct ioasid_rep_translate t;
	uint64_t bytes;
	uint32_t id = container_with(T1, G_DSA, 0);
	int mfd = ic_memfd("dio-type1", 8 * MIB);
	int pfd[2];

	assert_int_equal(ic_info(fd_, id, &info), 0);
	assert_int_equal(info.flags, IOASID_CONTAINER_F_PGSIZES |
					     IOASID_CONTAINER_F_IOVA_RANGES |
					     IOASID_CONTAINER_F_DMA_AVAIL);
	assert_int_equal(info.pgsizes, IOASID_PAGE_SIZE_4K |
					       IOASID_PAGE_SIZE_2M |
					       IOASID_PAGE_SIZE_1G);
	assert_int_equal(info.nr_groups, 1);
	assert_int_equal(info.dma_avail, 8); /* dma_entry_limit */
	/* The MSI window splits the 48-bit space in two usable ranges. */
	assert_int_equal(info.nr_iova_ranges, 2);
	assert_int_equal(info.iova_ranges[0].start, 0);
	assert_int_equal(info.iova_ranges[0].last, IOASID_MSI_WINDOW_START - 1);
	assert_int_equal(info.iova_ranges[1].start, IOASID_MSI_WINDOW_LAST + 1);
	assert_int_equal(info.iova_ranges[1].last, (1ull << 48) - 1);

	/* The request's own errors. */
	assert_int_equal(ic_map(fd_, id, 0, PAGE, 0, 0, mfd), -EINVAL);
	assert_int_equal(ic_map(fd_, id, 0, 0, 0, RW, mfd), -EINVAL);
	assert_int_equal(ic_map(fd_, id, UINT64_MAX - PAGE + 1, 2 * PAGE, 0, RW,
				mfd), -EOVERFLOW);
	assert_int_equal(ic_map(fd_, id, 0, PAGE, UINT64_MAX - PAGE + 1, RW,
				mfd), -EOVERFLOW);
	assert_int_equal(ic_map(fd_, id, 0x800, PAGE, 0, RW, mfd), -EINVAL);
	assert_int_equal(ic_map(fd_, id, 0, PAGE, 0x800, RW, mfd), -EINVAL);
	assert_int_equal(ic_map(fd_, id, 0, 0x1800, 0, RW, mfd), -EINVAL);
	assert_int_equal(ic_map(fd_, 12345, 0, PAGE, 0, RW, mfd), -ENOENT);
	/* The memfd must cover the range; it must be a regular file. */
	assert_int_equal(ic_map(fd_, id, 0, 8 * MIB, PAGE, RW, mfd), -EINVAL);
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(ic_map(fd_, id, 0, PAGE, 0, RW, pfd[0]), -EBADF);
	close(pfd[0]);
	close(pfd[1]);
	{
		struct ioasid_req_map_dma req = { sizeof(req), RW, id, 0, 0,
						  PAGE, 0 };

		assert_int_equal(raw_call(fd_, IOASID_OP_MAP_DMA, &req,
					  sizeof(req), NULL, 0, NULL), -EBADF);
	}
	/* Type1 rules: usable ranges, overlap, the mapping limit. */
	assert_int_equal(ic_map(fd_, id, IOASID_MSI_WINDOW_START, PAGE, 0, RW,
				mfd), -EINVAL);
	assert_int_equal(ic_map(fd_, id, 4 * MIB, 4 * MIB, 0, RW, mfd), 0);
	assert_int_equal(ic_map(fd_, id, 6 * MIB, PAGE, 0, RW, mfd), -EEXIST);
	assert_int_equal(ic_map(fd_, id, 0x10000, PAGE, 3 * PAGE,
				IOASID_DMA_READ, mfd), 0);
	for (uint64_t i = 1; i < 7; i++)
		assert_int_equal(ic_map(fd_, id, 0x10000 + i * PAGE, PAGE, 0,
					RW, mfd), 0);
	assert_int_equal(ic_map(fd_, id, 0x100000, PAGE, 0, RW, mfd), -ENOSPC);
	assert_int_equal(ic_info(fd_, id, &info), 0);
	assert_int_equal(info.nr_mappings, 8);
	assert_int_equal(info.dma_avail, 0);
	assert_int_equal(info.mapped_bytes, 4 * MIB + 7 * PAGE);
	assert_true(ic_daemon_maps(daemon_.pid, "dio-type1"));

	/* TRANSLATE answers the memfd offset, never a daemon address. */
	assert_int_equal(ic_translate(fd_, 0, id, 0, 5 * MIB + 0x123,
				      IOASID_DMA_WRITE, &t), 0);
	assert_int_equal(t.offset, MIB + 0x123);
	assert_int_equal(t.prot, RW);
	assert_int_equal(t.map_iova, 4 * MIB);
	assert_int_equal(t.map_length, 4 * MIB);
	assert_int_equal(t.container_id, id);
	assert_int_equal(ic_translate(fd_, 0, id, 0, 0x10010, IOASID_DMA_READ,
				      &t), 0);
	assert_int_equal(t.offset, 3 * PAGE + 0x10);
	assert_int_equal(t.prot, IOASID_DMA_READ);
	assert_int_equal(ic_translate(fd_, 0, id, 0, 0x10010, 0, &t), -EINVAL);
	assert_int_equal(ic_translate(fd_, 0, id, 3, 0x10010, IOASID_DMA_READ,
				      &t), -EINVAL); /* a PASID needs a device */

	/* UNMAP_DMA: splitting is EINVAL; nothing there is 0 bytes. */
	assert_int_equal(ic_unmap(fd_, id, 4 * MIB, 2 * MIB, 0, &bytes), -EINVAL);
	assert_int_equal(ic_unmap(fd_, id, 64 * MIB, MIB, 0, &bytes), 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(ic_unmap(fd_, id, 0, PAGE, IOASID_UNMAP_DMA_ALL,
				  &bytes), -EINVAL);
	assert_int_equal(ic_unmap(fd_, id, 0x800, PAGE, 0, &bytes), -EINVAL);
	assert_int_equal(ic_unmap(fd_, id, 4 * MIB, 4 * MIB, 0, &bytes), 0);
	assert_int_equal(bytes, 4 * MIB);
	assert_int_equal(ic_translate(fd_, 0, id, 0, 5 * MIB, IOASID_DMA_READ,
				      &t), -EFAULT);
	assert_int_equal(ic_unmap(fd_, id, 0, 0, IOASID_UNMAP_DMA_ALL, &bytes),
			 0);
	assert_int_equal(bytes, 7 * PAGE);
	assert_false(ic_daemon_maps(daemon_.pid, "dio-type1"));
	assert_int_equal(ic_info(fd_, id, &info), 0);
	assert_int_equal(info.nr_mappings, 0);
	assert_int_equal(info.dma_avail, 8);
	close(mfd);
}

static void test_iommu_map_readonly_fd(void **state)
{
	uint32_t id = container_with(T1, G_DSA, 0);
	int mfd = ic_memfd("dio-ro", MIB);
	char path[64];
	int ro;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(ro >= 0);
	/* The daemon cannot map a read-only descriptor for device writes. */
	assert_int_equal(ic_map(fd_, id, 0, PAGE, 0, RW, ro), -EACCES);
	assert_int_equal(ic_map(fd_, id, 0, PAGE, 0, IOASID_DMA_READ, ro), 0);
	close(ro);
	close(mfd);
}

static void test_iommu_translate_faults(void **state)
{
	struct ioasid_fault_entry f[8];
	uint32_t id = container_with(T1, G_DSA, 0);
	int mfd = ic_memfd("dio-faults", MIB);
	uint64_t lost = 1;

	assert_int_equal(ic_faults(fd_, id, 0, f, &lost), 0);
	assert_int_equal(lost, 0);
	assert_int_equal(ic_map(fd_, id, MIB, PAGE, 0, IOASID_DMA_READ, mfd), 0);
	assert_int_equal(ic_translate(fd_, 0, id, 0, MIB, IOASID_DMA_READ, NULL),
			 0);
	assert_int_equal(ic_translate(fd_, 0, id, 0, MIB, IOASID_DMA_WRITE,
				      NULL), -EACCES);
	assert_int_equal(ic_unmap(fd_, id, MIB, PAGE, 0, NULL), 0);
	/* Translate after unmap: refused and recorded. */
	assert_int_equal(ic_translate(fd_, 0, id, 0, MIB + 8, IOASID_DMA_READ,
				      NULL), -EFAULT);
	assert_int_equal(ic_translate(fd_, XLATE_DEV, D_DSA, 0, MIB,
				      IOASID_DMA_READ, NULL), -EFAULT);
	assert_int_equal(ic_faults(fd_, id, 2, f, &lost), 2);
	assert_int_equal(f[0].device_id, 0);
	assert_int_equal(f[0].access, IOASID_DMA_WRITE);
	assert_int_equal(f[0].reason, IOASID_FAULT_PERMISSION);
	assert_int_equal(f[1].addr, MIB + 8);
	assert_int_equal(f[1].reason, IOASID_FAULT_UNMAPPED);
	assert_int_equal(ic_faults(fd_, id, 0, f, &lost), 1);
	assert_int_equal(f[0].device_id, D_DSA);
	assert_int_equal(f[0].pasid, 0);
	assert_int_equal(f[0].addr, MIB);
	assert_int_equal(lost, 0);
	assert_int_equal(ic_faults(fd_, id, 0, f, &lost), 0);
	assert_int_equal(ic_faults(fd_, 12345, 0, f, &lost), -ENOENT);
	close(mfd);
}

static void test_iommu_device_pasid(void **state)
{
	struct ioasid_fault_entry f[4];
	struct ioasid_rep_translate t;
	const uint32_t attach = IOASID_OP_CONTAINER_ATTACH_PASID;
	const uint32_t detach = IOASID_OP_CONTAINER_DETACH_PASID;
	uint32_t id = container_with(T1, G_DSA, 0), other;
	int mfd = ic_memfd("dio-pasid", MIB);

	assert_int_equal(ic_map(fd_, id, 2 * MIB, MIB, 0, RW, mfd), 0);
	/* Untagged DMA from the device goes through its group's container. */
	assert_int_equal(ic_translate(fd_, XLATE_DEV, D_DSA, 0, 2 * MIB + 0x40,
				      IOASID_DMA_WRITE, &t), 0);
	assert_int_equal(t.offset, 0x40);
	assert_int_equal(t.container_id, id);
	/* A PASID with nothing attached: blocked, logged by the platform. */
	assert_int_equal(ic_translate(fd_, XLATE_DEV, D_DSA, 5, 2 * MIB,
				      IOASID_DMA_READ, &t), -EFAULT);
	assert_int_equal(ic_faults(fd_, id, 0, f, NULL), 0);
	assert_int_equal(ic_pasid(fd_, attach, id, D_DSA, 5), 0);
	assert_int_equal(ic_pasid(fd_, attach, id, D_DSA, 5), -EBUSY);
	assert_int_equal(ic_pasid(fd_, attach, id, D_DSA, 0), -EINVAL);
	assert_int_equal(ic_pasid(fd_, attach, id, D_DSA, 1u << 20), -EINVAL);
	assert_int_equal(ic_pasid(fd_, attach, id, 99, 5), -ENOENT);
	assert_int_equal(ic_pasid(fd_, attach, 12345, D_DSA, 5), -ENOENT);
	assert_int_equal(ic_pasid(fd_, attach, id, D_NIC, 5), -EPERM);
	assert_int_equal(ic_translate(fd_, XLATE_DEV, D_DSA, 5, 2 * MIB + PAGE,
				      IOASID_DMA_READ, &t), 0);
	assert_int_equal(t.offset, PAGE);
	assert_int_equal(ic_translate(fd_, XLATE_DEV, D_DSA, 5, 8 * MIB,
				      IOASID_DMA_READ, &t), -EFAULT);
	assert_int_equal(ic_faults(fd_, id, 0, f, NULL), 1);
	assert_int_equal(f[0].device_id, D_DSA);
	assert_int_equal(f[0].pasid, 5);
	assert_int_equal(f[0].addr, 8 * MIB);
	/* Beyond the device's PASID width: refused, no fault. */
	assert_int_equal(ic_translate(fd_, XLATE_DEV, D_DSA, 1u << 20, 0,
				      IOASID_DMA_READ, &t), -EINVAL);
	assert_int_equal(ic_translate(fd_, XLATE_DEV, D_NIC, 0, 0,
				      IOASID_DMA_READ, &t), -EPERM);
	assert_int_equal(ic_translate(fd_, XLATE_DEV, 99, 0, 0,
				      IOASID_DMA_READ, &t), -ENOENT);
	/* A group of another container: not attached to this one. */
	assert_int_equal(ic_claim(fd_, G_ACCEL, 0), 0);
	assert_int_equal(ic_create(fd_, T1, &other), 0);
	assert_int_equal(ic_attach(fd_, other, G_ACCEL), 0);
	assert_int_equal(ic_pasid(fd_, attach, id, D_ACCEL, 3), -ENOENT);
	assert_int_equal(ic_pasid(fd_, detach, id, D_DSA, 5), 0);
	assert_int_equal(ic_pasid(fd_, detach, id, D_DSA, 5), -ENOENT);
	/* A device with no PASID capability has no PASID to attach. */
	assert_int_equal(ic_claim(fd_, G_NIC, IOASID_GROUP_CLAIM_DETACH_DRIVERS),
			 0);
	assert_int_equal(ic_attach(fd_, id, G_NIC), 0);
	assert_int_equal(ic_pasid(fd_, attach, id, D_NIC, 1), -EINVAL);
	/* Detaching a group takes its PASIDs along. */
	assert_int_equal(ic_pasid(fd_, attach, id, D_DSA, 7), 0);
	assert_int_equal(ic_detach(fd_, id, G_DSA), 0);
	assert_int_equal(ic_pasid(fd_, detach, id, D_DSA, 7), -ENOENT);
	close(mfd);
}

static void test_iommu_two_iommus(void **state)
{
	struct ioasid_rep_container_info info;
	struct ioasid_rep_translate t;
	uint32_t id = container_with(T1, G_DSA, 0);
	int mfd = ic_memfd("dio-two", MIB);

	assert_int_equal(ic_claim(fd_, G_ACCEL, 0), 0);
	/* A mapping beyond dmar1's 39 bits keeps the group out. */
	assert_int_equal(ic_map(fd_, id, 1ull << 40, PAGE, 0, RW, mfd), 0);
	assert_int_equal(ic_attach(fd_, id, G_ACCEL), -EINVAL);
	assert_int_equal(ic_unmap(fd_, id, 1ull << 40, PAGE, 0, NULL), 0);
	assert_int_equal(ic_map(fd_, id, MIB, MIB, 0, RW, mfd), 0);
	assert_int_equal(ic_attach(fd_, id, G_ACCEL), 0);
	assert_int_equal(ic_info(fd_, id, &info), 0);
	assert_int_equal(info.nr_groups, 2);
	assert_int_equal(info.pgsizes,
			 IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M);
	assert_int_equal(info.iova_ranges[1].last, (1ull << 39) - 1);
	/* The existing mapping was replayed for the new IOMMU's device. */
	assert_int_equal(ic_translate(fd_, XLATE_DEV, D_ACCEL, 0, MIB + 0x10,
				      IOASID_DMA_READ, &t), 0);
	assert_int_equal(t.offset, 0x10);
	assert_int_equal(ic_map(fd_, id, 1ull << 40, PAGE, 0, RW, mfd), -EINVAL);
	/* Detaching one group keeps the mappings; the last drops them. */
	assert_int_equal(ic_detach(fd_, id, G_DSA), 0);
	assert_int_equal(ic_translate(fd_, 0, id, 0, MIB, IOASID_DMA_READ, &t),
			 0);
	assert_true(ic_daemon_maps(daemon_.pid, "dio-two"));
	assert_int_equal(ic_detach(fd_, id, G_ACCEL), 0);
	assert_false(ic_daemon_maps(daemon_.pid, "dio-two"));
	assert_int_equal(ic_info(fd_, id, &info), 0);
	assert_int_equal(info.flags, 0);
	assert_int_equal(info.nr_mappings, 0);
	assert_int_equal(ic_attach(fd_, id, G_DSA), 0);
	assert_int_equal(ic_translate(fd_, 0, id, 0, MIB, IOASID_DMA_READ, &t),
			 -EFAULT);
	close(mfd);
}

static void test_iommu_spapr(void **state)
{
	struct ioasid_rep_container_info info;
	struct ioasid_rep_translate t;
	uint64_t bytes;
	uint32_t id = container_with(SPAPR, G_DSA, 0);
	int mfd = ic_memfd("dio-spapr", MIB);

	assert_int_equal(ic_claim(fd_, G_ACCEL, 0), 0);
	assert_int_equal(ic_attach(fd_, id, G_ACCEL), -EBUSY); /* one group */
	assert_int_equal(ic_info(fd_, id, &info), 0);
	assert_int_equal(info.type, SPAPR);
	assert_true(info.flags & IOASID_CONTAINER_F_DMA32_WINDOW);
	assert_int_equal(info.dma32_window_start, 0);
	assert_int_equal(info.dma32_window_size, 0x80000000u);
	assert_int_equal(ic_map(fd_, id, 0x80000000ull, PAGE, 0, RW, mfd),
			 -EINVAL);
	assert_int_equal(ic_map(fd_, id, 0x800, PAGE, 0, RW, mfd), -EINVAL);
	assert_int_equal(ic_map(fd_, id, 0x100000, 16 * PAGE, 0, RW, mfd), 0);
	assert_int_equal(ic_map(fd_, id, 0x100000 + PAGE, PAGE, 0, RW, mfd),
			 -EEXIST);
	/* TCEs clear page by page: a clear may cut a mapping in two. */
	assert_int_equal(ic_unmap(fd_, id, 0x100000 + 4 * PAGE, 2 * PAGE, 0,
				  &bytes), 0);
	assert_int_equal(bytes, 2 * PAGE);
	assert_int_equal(ic_translate(fd_, 0, id, 0, 0x100000 + 5 * PAGE,
				      IOASID_DMA_READ, &t), -EFAULT);
	assert_int_equal(ic_translate(fd_, 0, id, 0, 0x100000 + 9 * PAGE + 1,
				      IOASID_DMA_READ, &t), 0);
	assert_int_equal(t.offset, 9 * PAGE + 1);
	assert_int_equal(t.map_iova, 0x100000 + 6 * PAGE);
	assert_int_equal(t.map_length, 10 * PAGE);
	assert_int_equal(ic_translate(fd_, 0, id, 0, 0x100000 + 3 * PAGE,
				      IOASID_DMA_READ, &t), 0);
	assert_int_equal(t.map_length, 4 * PAGE);
	assert_int_equal(ic_unmap(fd_, id, 0, 0, IOASID_UNMAP_DMA_ALL, &bytes),
			 -EOPNOTSUPP);
	assert_int_equal(ic_pasid(fd_, IOASID_OP_CONTAINER_ATTACH_PASID, id,
				  D_DSA, 1), -EINVAL);
	/* Clearing the whole window empties it. */
	assert_int_equal(ic_unmap(fd_, id, 0, 0x80000000ull, 0, &bytes), 0);
	assert_int_equal(bytes, 14 * PAGE);
	assert_false(ic_daemon_maps(daemon_.pid, "dio-spapr"));
	/* Detach and attach again: every TCE cleared. */
	assert_int_equal(ic_map(fd_, id, 0, PAGE, 0, RW, mfd), 0);
	assert_int_equal(ic_detach(fd_, id, G_DSA), 0);
	assert_int_equal(ic_attach(fd_, id, G_DSA), 0);
	assert_int_equal(ic_translate(fd_, 0, id, 0, 0, IOASID_DMA_READ, &t),
			 -EFAULT);
	close(mfd);
}

static void test_iommu_huge_mapping(void **state)
{
	uint32_t id = container_with(T1, G_DSA, 0);
	struct ioasid_rep_translate t;
	int mfd = ic_memfd("dio-huge", 6 * MIB);

	/* An unaligned start: the daemon places the memory so 2M leaves
	 * fit; translation is byte-exact either way. */
	assert_int_equal(ic_map(fd_, id, 2 * MIB + PAGE, 5 * MIB, PAGE, RW,
				mfd), 0);
	for (uint64_t off = 0; off < 5 * MIB; off += MIB / 2 + PAGE) {
		assert_int_equal(ic_translate(fd_, 0, id, 0, 2 * MIB + PAGE + off,
					      IOASID_DMA_READ, &t), 0);
		assert_int_equal(t.offset, PAGE + off);
	}
	close(mfd);
}

static void test_iommu_decoder_rows(void **state)
{
	struct ioasid_req_translate tr = { sizeof(tr), 1u << 1, 1, 0, 0, 1, 0 };
	struct ioasid_req_group g = { sizeof(g), 0, G_DSA, 1 };
	struct ioasid_req_unmap_dma un = { sizeof(un), 0, 1, 0, 0, PAGE };

	assert_int_equal(raw_call(fd_, IOASID_OP_TRANSLATE, &tr, sizeof(tr),
				  NULL, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(raw_call(fd_, IOASID_OP_GROUP_CLAIM, &g, sizeof(g),
				  NULL, 0, NULL), -EOPNOTSUPP); /* __rsvd */
	assert_int_equal(raw_call(fd_, IOASID_OP_GROUP_CLAIM, &g, 12, NULL, 0,
				  NULL), -EINVAL); /* below the minimum */
	assert_int_equal(raw_call(fd_, IOASID_OP_UNMAP_DMA, &un, sizeof(un),
				  NULL, 0, NULL), -ENOENT);
	un.__rsvd = 1;
	assert_int_equal(raw_call(fd_, IOASID_OP_UNMAP_DMA, &un, sizeof(un),
				  NULL, 0, NULL), -EOPNOTSUPP);
	{
		int mfd = ic_memfd("dio-dec", PAGE);

		assert_int_equal(ic_map(fd_, 1, 0, PAGE, 0, 1u << 2, mfd),
				 -EOPNOTSUPP);
		close(mfd);
	}
	assert_int_equal(raw_call(fd_, 0x302, &g, sizeof(g), NULL, 0, NULL),
			 -ENOTTY);
	assert_int_equal(raw_call(fd_, 0x350, &g, sizeof(g), NULL, 0, NULL),
			 -ENOTTY);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_iommu_listings),
		T(test_iommu_claim_release),
		T(test_iommu_container_errors),
		T(test_iommu_type1_map_unmap),
		T(test_iommu_map_readonly_fd),
		T(test_iommu_translate_faults),
		T(test_iommu_device_pasid),
		T(test_iommu_two_iommus),
		T(test_iommu_spapr),
		T(test_iommu_huge_mapping),
		T(test_iommu_decoder_rows),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
