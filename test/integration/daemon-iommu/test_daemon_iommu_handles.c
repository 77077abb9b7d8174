// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: IOMMU objects between handles. A container is its
 * creator's (another handle's ID is ENOENT, its groups EPERM/EBUSY), and
 * closing a handle releases everything in order: containers (mappings
 * unmapped, the daemon's memfd mappings gone, groups detached), then
 * claims, so another handle can claim the groups at once.
 *
 * The other handle is a forked child (one handle per process), driven
 * step by step through a socketpair; it uses no cmocka. A second daemon
 * shows a platform described by --config.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/iommu.h>

#include "iommu_call.h"

#define RW (IOASID_DMA_READ | IOASID_DMA_WRITE)

static struct rawd daemon_;

static int group_setup(void **state)
{
	rawd_start(&daemon_, NULL, false);
	return 0;
}

static int group_teardown(void **state)
{
	int status = rawd_stop(&daemon_);

	rawd_cleanup(&daemon_);
	return status == 0 ? 0 : -1;
}

/* ---- the child: claims dsa, builds a mapped container, waits ---- */

struct child_arg {
	int sync; /* the child's end */
};

static int child_claim(int fd, uint32_t group)
{
	struct ioasid_req_group req = { sizeof(req), 0, group, 0 };

	return raw_try(fd, IOASID_OP_GROUP_CLAIM, &req, sizeof(req), NULL, 0);
}

/* child_build - claim dsa, a TYPE1v2 container with it, 1 MiB mapped. */
static int child_build(int fd, uint32_t *id)
{
	struct ioasid_req_container_create cr = {
		sizeof(cr), 0, IOASID_CONTAINER_TYPE1V2, 0
	};
	struct ioasid_req_container_group at = { sizeof(at), 0, 0, G_DSA };
	struct ioasid_req_map_dma map = { sizeof(map), RW, 0, 0, MIB, MIB, 0 };
	struct ioasid_rep_id rep = { 0 };
	int memfd = memfd_create("dio-child", MFD_CLOEXEC);
	int ret;

	if (memfd < 0 || ftruncate(memfd, MIB))
		return -EIO;
	ret = child_claim(fd, G_DSA);
	if (!ret)
		ret = raw_try(fd, IOASID_OP_CONTAINER_CREATE, &cr, sizeof(cr),
			      &rep, sizeof(rep));
	at.container_id = map.container_id = rep.id;
	if (!ret)
		ret = raw_try(fd, IOASID_OP_CONTAINER_ATTACH_GROUP, &at,
			      sizeof(at), NULL, 0);
	if (!ret)
		ret = raw_try_fd(fd, IOASID_OP_MAP_DMA, &map, sizeof(map), memfd,
				 NULL, 0);
	close(memfd); /* the daemon keeps its own mapping */
	*id = rep.id;
	return ret;
}

static int child_main(void *arg)
{
	struct child_arg *a = arg;
	int fd = raw_try_connect(daemon_.sock);
	uint32_t id = 0;
	int ret;

	if (fd < 0)
		return 1;
	ret = child_build(fd, &id);
	sync_put(a->sync, ret ? 0 : id);
	/* Wait until told to exit: the handle closes with the process. */
	sync_get(a->sync);
	return 0;
}

/* ---- the parent ---- */

static pid_t spawn_child(int sv[2], uint32_t *id)
{
	struct child_arg a;
	pid_t pid;

	sync_pair(sv);
	a.sync = sv[1];
	pid = child_spawn(child_main, &a);
	close(sv[1]);
	*id = sync_get(sv[0]);
	assert_int_not_equal(*id, 0);
	assert_int_not_equal(*id, UINT32_MAX);
	return pid;
}

static void test_iommu_foreign_handle(void **state)
{
	struct ioasid_rep_container_info info;
	struct ioasid_group_entry g;
	struct ioasid_device_entry d;
	uint32_t theirs, mine;
	int sv[2], fd = raw_connect(daemon_.sock);
	int mfd = ic_memfd("dio-foreign", MIB);
	pid_t pid = spawn_child(sv, &theirs);

	/* The listings show who owns what. */
	assert_int_equal(ic_group(fd, G_DSA, &g), 0);
	assert_int_equal(g.owner_pid, pid);
	assert_int_equal(g.container_id, theirs);
	assert_false(g.flags & IOASID_GROUP_F_VIABLE);
	assert_int_equal(ic_device(fd, D_DSA, &d), 0);
	assert_int_equal(d.owner_pid, pid);
	/* Their container is no object of ours. */
	assert_int_equal(ic_info(fd, theirs, &info), -ENOENT);
	assert_int_equal(ic_map(fd, theirs, 0, PAGE, 0, RW, mfd), -ENOENT);
	assert_int_equal(ic_unmap(fd, theirs, MIB, MIB, 0, NULL), -ENOENT);
	assert_int_equal(ic_translate(fd, 0, theirs, 0, MIB, IOASID_DMA_READ,
				      NULL), -ENOENT);
	assert_int_equal(ic_faults(fd, theirs, 0, NULL, NULL), -ENOENT);
	assert_int_equal(ic_destroy(fd, theirs), -ENOENT);
	assert_int_equal(ic_detach(fd, theirs, G_DSA), -ENOENT);
	/* Their group: not ours to claim, release, attach or use. */
	assert_int_equal(ic_claim(fd, G_DSA, IOASID_GROUP_CLAIM_DETACH_DRIVERS),
			 -EBUSY);
	assert_int_equal(ic_release(fd, G_DSA), -EPERM);
	assert_int_equal(ic_create(fd, IOASID_CONTAINER_TYPE1V2, &mine), 0);
	assert_int_not_equal(mine, theirs);
	assert_int_equal(ic_attach(fd, mine, G_DSA), -EPERM);
	assert_int_equal(ic_translate(fd, IOASID_TRANSLATE_DEVICE, D_DSA, 0,
				      MIB, IOASID_DMA_READ, NULL), -EPERM);
	assert_int_equal(ic_pasid(fd, IOASID_OP_CONTAINER_ATTACH_PASID, mine,
				  D_DSA, 1), -EPERM);
	/* Still theirs, untouched. */
	assert_int_equal(ic_group(fd, G_DSA, &g), 0);
	assert_int_equal(g.owner_pid, pid);
	sync_put(sv[0], 1);
	assert_int_equal(child_wait(pid), 0);
	close(sv[0]);
	close(mfd);
	close(fd);
}

static bool group_free(void *arg)
{
	struct ioasid_group_entry g;
	int fd = *(int *)arg;

	return ic_group(fd, G_DSA, &g) == 0 && g.owner_pid == 0 &&
	       g.container_id == 0;
}

static void test_iommu_close_releases_everything(void **state)
{
	struct ioasid_device_entry d;
	uint32_t theirs, mine;
	int sv[2], fd = raw_connect(daemon_.sock);
	pid_t pid = spawn_child(sv, &theirs);

	assert_true(ic_daemon_maps(daemon_.pid, "dio-child"));
	assert_int_equal(ic_claim(fd, G_DSA, 0), -EBUSY);
	sync_put(sv[0], 1); /* the child exits: its handle closes */
	assert_int_equal(child_wait(pid), 0);
	close(sv[0]);
	assert_true(wait_until(group_free, &fd));
	/* The daemon dropped its mapping of the child's memory. */
	assert_false(ic_daemon_maps(daemon_.pid, "dio-child"));
	assert_int_equal(ic_device(fd, D_DSA, &d), 0);
	assert_int_equal(d.driver_kind, IOASID_DRIVER_NONE);
	/* Another handle can claim and use the group at once. */
	assert_int_equal(ic_claim(fd, G_DSA, 0), 0);
	assert_int_equal(ic_create(fd, IOASID_CONTAINER_TYPE1V2, &mine), 0);
	assert_int_equal(ic_attach(fd, mine, G_DSA), 0);
	/* Nothing of the child's mapping reached the group's new user. */
	assert_int_equal(ic_translate(fd, IOASID_TRANSLATE_DEVICE, D_DSA, 0,
				      MIB, IOASID_DMA_READ, NULL), -EFAULT);
	close(fd);
}

static bool group_released(void *arg)
{
	struct ioasid_group_entry g;
	int fd = *(int *)arg;

	return ic_group(fd, G_MFD, &g) == 0 && g.owner_pid == 0;
}

static int claim_and_exit(void *arg)
{
	int fd = raw_try_connect(daemon_.sock);

	(void)arg;
	if (fd < 0)
		return 1;
	return child_claim(fd, G_MFD) == 0 ? 0 : 2;
}

static void test_iommu_close_releases_detached_claim(void **state)
{
	struct ioasid_device_entry d;
	int fd = raw_connect(daemon_.sock);
	struct ioasid_req_group req = { sizeof(req),
					IOASID_GROUP_CLAIM_DETACH_DRIVERS,
					G_MFD, 0 };
	pid_t pid;

	/* The default platform binds idxd to 0000:00:03.0: a child must
	 * detach drivers; its exit must leave the group free for us. */
	assert_int_equal(raw_call(fd, IOASID_OP_GROUP_CLAIM, &req, sizeof(req),
				  NULL, 0, NULL), 0);
	assert_int_equal(ic_release(fd, G_MFD), 0);
	pid = child_spawn(claim_and_exit, NULL);
	assert_int_equal(child_wait(pid), 0);
	assert_true(wait_until(group_released, &fd));
	assert_int_equal(ic_device(fd, D_MFD0, &d), 0);
	assert_int_equal(d.owner_pid, 0);
	assert_int_equal(ic_claim(fd, G_MFD, 0), 0);
	close(fd);
}

static void test_iommu_config_platform(void **state)
{
	static const char config[] =
		"iommu vtd = addr_width=39 pgsizes=4K pasid_bits=4 "
		"reserved=0x100000-0x1fffff\n"
		"group gpu = type=unmanaged\n"
		"group empty =\n"
		"device 0000:65:00.0 = group=gpu parent=pci0000:64 ssid_bits=4 "
		"driver=nouveau\n"
		"device 0000:65:00.1 = group=gpu parent=pci0000:64\n";
	struct ioasid_rep_container_info info;
	struct ioasid_group_entry g;
	struct ioasid_device_entry d;
	struct rawd other;
	uint32_t id;
	int fd;

	rawd_start(&other, config, false);
	fd = raw_connect(other.sock);
	assert_int_equal(ic_group(fd, 0, &g), 0);
	assert_string_equal(g.name, "gpu");
	assert_int_equal(g.type, IOASID_GROUP_TYPE_UNMANAGED);
	assert_int_equal(g.nr_devices, 2);
	assert_int_equal(ic_group(fd, 1, &g), 0);
	assert_int_equal(g.nr_devices, 0);
	assert_int_equal(ic_group(fd, 2, &g), -ENOENT);
	assert_int_equal(ic_device(fd, 1, &d), 0);
	assert_string_equal(d.driver, "nouveau");
	assert_string_equal(d.parent, "pci0000:64");
	assert_int_equal(ic_device(fd, 3, &d), -ENOENT);
	assert_int_equal(ic_claim(fd, 0, 0), -EBUSY);
	assert_int_equal(ic_claim(fd, 0, IOASID_GROUP_CLAIM_DETACH_DRIVERS), 0);
	assert_int_equal(ic_create(fd, IOASID_CONTAINER_TYPE1V2, &id), 0);
	assert_int_equal(ic_attach(fd, id, 0), 0);
	assert_int_equal(ic_info(fd, id, &info), 0);
	assert_int_equal(info.pgsizes, IOASID_PAGE_SIZE_4K);
	/* The configured reserved range replaced the MSI window. */
	assert_int_equal(info.nr_iova_ranges, 2);
	assert_int_equal(info.iova_ranges[0].last, 0xfffff);
	assert_int_equal(info.iova_ranges[1].start, 0x200000);
	assert_int_equal(info.iova_ranges[1].last, (1ull << 39) - 1);
	/* An empty group cannot join a TYPE1v2 container. */
	assert_int_equal(ic_claim(fd, 1, 0), 0);
	assert_int_equal(ic_attach(fd, id, 1), -EINVAL);
	close(fd);
	assert_int_equal(rawd_stop(&other), 0);
	rawd_cleanup(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iommu_foreign_handle),
		cmocka_unit_test(test_iommu_close_releases_everything),
		cmocka_unit_test(test_iommu_close_releases_detached_claim),
		cmocka_unit_test(test_iommu_config_platform),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
