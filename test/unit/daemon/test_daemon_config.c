// SPDX-License-Identifier: MIT
/*
 * Unit tests of ioasidd's config parser (daemon/config.c): keys, ranges,
 * limit lines, errors that name the line and change nothing, and a
 * fail-the-Nth-allocation sweep.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/cgroup.h>

#include "config.h"
#include "sweep.h"

static int parse(struct ioasidd_config *cfg, const char *text, char *err)
{
	return ioasid__config_parse(cfg, text, strlen(text), err, err ? 128 : 0);
}

static void test_config_defaults(void **state)
{
	struct ioasidd_config cfg;

	ioasid__config_defaults(&cfg);
	assert_int_equal(cfg.capacity, 1u << 20);
	assert_int_equal(cfg.quota, 1024);
	assert_int_equal(cfg.reclaim_grace_ms, 30000);
	assert_int_equal(cfg.fsync, IOASID_JOURNAL_SYNC_BATCH);
	assert_int_equal(cfg.fsync_interval_ms, 10);
	assert_null(cfg.socket_path);
	assert_null(cfg.state_dir);
	assert_int_equal(cfg.nr_limits, 0);
	ioasid__config_release(&cfg);
	ioasid__config_release(NULL);
}

static void test_config_keys(void **state)
{
	struct ioasidd_config cfg;
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(parse(&cfg,
			       "# a comment\n"
			       "\n"
			       "  socket = /run/x.sock  \r\n"
			       "state_dir=/var/lib/ioasid\n"
			       "capacity = 4096\n"
			       "quota = 16\n"
			       "quota = 17\n"
			       "reclaim_grace_ms = 0\n"
			       "fsync = always\n"
			       "log_level = debug\n"
			       "proc_root = /tmp/proc\n"
			       "\t# indented comment\n"
			       "max_exports = 0",
			       err), 0);
	assert_string_equal(cfg.socket_path, "/run/x.sock");
	assert_string_equal(cfg.state_dir, "/var/lib/ioasid");
	assert_string_equal(cfg.proc_root, "/tmp/proc");
	assert_int_equal(cfg.capacity, 4096);
	assert_int_equal(cfg.quota, 17); /* the last one wins */
	assert_int_equal(cfg.reclaim_grace_ms, 0);
	assert_int_equal(cfg.fsync, IOASID_JOURNAL_SYNC_ALWAYS);
	assert_int_equal(cfg.log_level, IOASIDD_LOG_DEBUG);
	assert_int_equal(cfg.max_exports, 0);
	ioasid__config_release(&cfg);
}

static void test_config_limits(void **state)
{
	struct ioasidd_config cfg;
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(parse(&cfg, "limit /machine = 100\n"
				     "limit\t/machine/vm1 = max\n"
				     "limit /machine = 50\n", err), 0);
	assert_int_equal(cfg.nr_limits, 2);
	assert_string_equal(cfg.limits[0].path, "/machine");
	assert_int_equal(cfg.limits[0].max, 50);
	assert_string_equal(cfg.limits[1].path, "/machine/vm1");
	assert_int_equal(cfg.limits[1].max, IOASID_CGROUP_MAX);
	/* The root has a capacity, not a max; paths must be valid. */
	assert_int_equal(parse(&cfg, "limit / = 5\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limit = 5\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limit machine = 5\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limit /a/../b = 5\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limit /a = -1\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limits /a = 1\n", err), -EINVAL);
	assert_int_equal(cfg.nr_limits, 2);
	ioasid__config_release(&cfg);
}

static void test_config_errors_change_nothing(void **state)
{
	static const char *const bad[] = {
		"capacity = 1\n", /* below 2 */
		"capacity = 1048577\n", /* above 2^20 */
		"quota = 0\n",
		"quota = 012\n", /* leading zero */
		"quota = +5\n",
		"quota = 5x\n",
		"quota = 99999999999\n",
		"quota = 18446744073709551616\n", /* beyond 64 bits */
		"quota = 0x10\n", /* decimal only */
		"quota =\n",
		"quota\n",
		"nosuchkey = 1\n",
		"fsync = sometimes\n",
		"log_level = loud\n",
		"socket = \n",
	};
	struct ioasidd_config cfg;
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(parse(&cfg, "quota = 7\nsocket = /a\n", err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];

		/* A good line first: it must not stick either. */
		snprintf(text, sizeof(text), "quota = 9\nsocket = /b\n%s", bad[i]);
		err[0] = '\0';
		assert_int_equal(parse(&cfg, text, err), -EINVAL);
		assert_non_null(strstr(err, "line 3:"));
		assert_int_equal(cfg.quota, 7);
		assert_string_equal(cfg.socket_path, "/a");
	}
	ioasid__config_release(&cfg);
}

static void test_config_binary_input(void **state)
{
	struct ioasidd_config cfg;
	const char text[] = "quota = 5\0\n";
	char err[128], longline[5000];

	ioasid__config_defaults(&cfg);
	assert_int_equal(ioasid__config_parse(&cfg, text, sizeof(text) - 1, err,
					      sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	memset(longline, 'a', sizeof(longline));
	assert_int_equal(ioasid__config_parse(&cfg, longline, sizeof(longline),
					      err, sizeof(err)), -EINVAL);
	/* Empty text and no error buffer. */
	assert_int_equal(ioasid__config_parse(&cfg, "", 0, NULL, 0), 0);
	assert_int_equal(cfg.quota, 1024);
	ioasid__config_release(&cfg);
}

static void test_config_load(void **state)
{
	char path[] = "/tmp/ioasidd-conf.XXXXXX";
	struct ioasidd_config cfg;
	char err[128];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "quota = 33\n", 11), 11);
	close(fd);
	ioasid__config_defaults(&cfg);
	assert_int_equal(ioasid__config_load(&cfg, path, err, sizeof(err)), 0);
	assert_int_equal(cfg.quota, 33);
	unlink(path);
	assert_int_equal(ioasid__config_load(&cfg, path, err, sizeof(err)),
			 -ENOENT);
	ioasid__config_release(&cfg);
}

static void test_config_platform_lines(void **state)
{
	struct ioasidd_config cfg;
	const struct ioasidd_platform_desc *pd = &cfg.platform;
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(cfg.max_containers, 64);
	assert_int_equal(cfg.dma_entry_limit, 65535);
	assert_int_equal(pd->nr_iommus, 0);
	assert_int_equal(parse(&cfg,
			       "iommu a = pasid_bits=8 addr_width=39 pgsizes=4K,2M "
			       "aperture=0x1000-0x7fffffffff reserved=0x10000-0x1ffff "
			       "reserved=4096-8191 caps=pri iotlb=64\n"
			       "iommu b =\n"
			       "group g0 = type=identity\n"
			       "group g1 =\n"
			       "device 0000:00:01.0 = iommu=b group=g1 parent=pci0000:00 "
			       "ssid_bits=5 driver=nvme\n"
			       "device 0000:00:01.0 = parent=pci0000:01/bridge\n"
			       "device lone =\n"
			       "max_containers = 3\n"
			       "dma_entry_limit = 10\n",
			       err), 0);
	assert_int_equal(pd->nr_iommus, 2);
	assert_string_equal(pd->iommus[0].name, "a");
	assert_int_equal(pd->iommus[0].pasid_bits, 8);
	assert_int_equal(pd->iommus[0].addr_width, 39);
	assert_int_equal(pd->iommus[0].pgsizes,
			 IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M);
	assert_int_equal(pd->iommus[0].aperture.start, 0x1000);
	assert_int_equal(pd->iommus[0].aperture.last, 0x7fffffffffull);
	/* The first reserved= replaces the default MSI window. */
	assert_int_equal(pd->iommus[0].nr_reserved, 2);
	assert_int_equal(pd->iommus[0].reserved[0].start, 0x10000);
	assert_int_equal(pd->iommus[0].reserved[1].last, 8191);
	assert_int_equal(pd->iommus[0].flags, IOASID_IOMMU_CAP_PRI);
	assert_int_equal(pd->iommus[0].iotlb_entries, 64);
	/* Defaults: those of ioasid_iommu_caps_init(). */
	assert_int_equal(pd->iommus[1].pasid_bits, 20);
	assert_int_equal(pd->iommus[1].addr_width, 48);
	assert_int_equal(pd->iommus[1].nr_reserved, 1);
	assert_int_equal(pd->iommus[1].reserved[0].start, IOASID_MSI_WINDOW_START);
	assert_int_equal(pd->nr_groups, 2);
	assert_int_equal(pd->groups[0].type, IOASID_GROUP_TYPE_IDENTITY);
	assert_int_equal(pd->groups[1].type, IOASID_GROUP_TYPE_DMA);
	assert_int_equal(pd->nr_devices, 3);
	assert_int_equal(pd->devices[0].iommu, 1);
	assert_int_equal(pd->devices[0].group, 1);
	assert_string_equal(pd->devices[0].parent, "pci0000:00");
	assert_string_equal(pd->devices[0].driver, "nvme");
	assert_int_equal(pd->devices[0].ssid_bits, 5);
	/* Same name under another parent; no iommu= means the first. */
	assert_string_equal(pd->devices[1].parent, "pci0000:01/bridge");
	assert_int_equal(pd->devices[1].iommu, 0);
	assert_int_equal(pd->devices[2].group, -1);
	assert_string_equal(pd->devices[2].driver, "");
	assert_int_equal(cfg.max_containers, 3);
	assert_int_equal(cfg.dma_entry_limit, 10);
	/* "reserved=none" leaves no reserved range. */
	assert_int_equal(parse(&cfg, "iommu c = reserved=none\n", err), 0);
	assert_int_equal(pd->iommus[2].nr_reserved, 0);
	ioasid__config_release(&cfg);
}

static void test_config_platform_errors_change_nothing(void **state)
{
	static const char *const bad[] = {
		"iommu x = bogus=1\n",
		"iommu x = pasid_bits=21\n",
		"iommu x = addr_width=40\n",
		"iommu x = pgsizes=2M\n", /* 4K is required */
		"iommu x = pgsizes=4K,8K\n",
		"iommu x = aperture=0x1000-0xfff\n", /* start > last */
		"iommu x = aperture=0-0xfffffffffffff\n", /* beyond 48 bits */
		"iommu x = aperture=0x800-0xffff\n", /* not 4K granular */
		"iommu x = reserved=0x1000-0x1800\n",
		"iommu x = reserved=5\n",
		"iommu x = caps=pri,psi\n",
		"iommu x = iotlb=6\n",
		"iommu x = pasid_bits\n",
		"iommu x = =3\n",
		"iommu a =\n", /* declared twice */
		"iommu =\n",
		"iommu a/b =\n",
		"iommu .. =\n",
		"group g = type=dma\n",
		"group g = kind=DMA\n",
		"group g0 =\n", /* declared twice */
		"device d = iommu=nope\n",
		"device d = group=nope\n",
		"device d = ssid_bits=21\n",
		"device d = driver=a/b\n",
		"device d = parent=/pci\n",
		"device d = parent=pci//x\n",
		"device d = parent=pci/\n",
		"device d = parent=pci/..\n",
		"device d = colour=blue\n",
		"device d0 =\n", /* declared twice */
		"max_containers = 4097\n",
		"dma_entry_limit = 0\n",
	};
	struct ioasidd_config cfg;
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(parse(&cfg, "iommu a =\ngroup g0 =\ndevice d0 =\n",
			       err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];

		snprintf(text, sizeof(text), "iommu z =\ndevice e =\n%s", bad[i]);
		err[0] = '\0';
		assert_int_equal(parse(&cfg, text, err), -EINVAL);
		assert_non_null(strstr(err, "line 3:"));
		assert_int_equal(cfg.platform.nr_iommus, 1);
		assert_int_equal(cfg.platform.nr_groups, 1);
		assert_int_equal(cfg.platform.nr_devices, 1);
	}
	ioasid__config_release(&cfg);
	/* A device before any iommu; an overlong option. */
	ioasid__config_defaults(&cfg);
	assert_int_equal(parse(&cfg, "device d =\n", err), -EINVAL);
	assert_non_null(strstr(err, "iommu"));
	{
		char text[600] = "iommu a = caps=";

		memset(text + strlen(text), 'x', 300);
		assert_int_equal(parse(&cfg, text, err), -EINVAL);
		assert_non_null(strstr(err, "too long"));
	}
	assert_int_equal(cfg.platform.nr_iommus, 0);
	ioasid__config_release(&cfg);
}

struct sweep_arg {
	struct ioasidd_config cfg;
};

static int sweep_step(void *arg)
{
	struct sweep_arg *a = arg;

	ioasid__config_defaults(&a->cfg);
	if (parse(&a->cfg, "socket = /x\n", NULL))
		return -1;
	if (parse(&a->cfg, "iommu i0 =\ngroup g =\ndevice d = group=g\n",
		  NULL))
		return -1;
	return parse(&a->cfg, "state_dir = /s\nlimit /a = 1\nlimit /b = 2\n"
			      "socket = /y\niommu i1 =\ngroup h =\n"
			      "device e = iommu=i1 group=h\n", NULL);
}

static void sweep_check(int ret, int fired, void *arg)
{
	struct sweep_arg *a = arg;

	if (ret == -1) {
		/* The set-up parse failed: nothing to check. */
		ioasid__config_release(&a->cfg);
		return;
	}
	if (fired) {
		assert_int_equal(ret, -ENOMEM);
		/* Nothing of the failed parse stuck. */
		assert_string_equal(a->cfg.socket_path, "/x");
		assert_null(a->cfg.state_dir);
		assert_int_equal(a->cfg.nr_limits, 0);
		assert_int_equal(a->cfg.platform.nr_iommus, 1);
		assert_int_equal(a->cfg.platform.nr_devices, 1);
	} else {
		assert_int_equal(ret, 0);
		assert_int_equal(a->cfg.nr_limits, 2);
		assert_int_equal(a->cfg.platform.nr_iommus, 2);
		assert_int_equal(a->cfg.platform.nr_groups, 2);
		assert_int_equal(a->cfg.platform.devices[1].group, 1);
		assert_string_equal(a->cfg.socket_path, "/y");
	}
	ioasid__config_release(&a->cfg);
}

static void test_config_alloc_sweep(void **state)
{
	struct sweep_arg a;

	assert_true(sweep_alloc_failures(sweep_step, sweep_check, &a) > 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_config_limits),
		cmocka_unit_test(test_config_errors_change_nothing),
		cmocka_unit_test(test_config_binary_input),
		cmocka_unit_test(test_config_load),
		cmocka_unit_test(test_config_platform_lines),
		cmocka_unit_test(test_config_platform_errors_change_nothing),
		cmocka_unit_test(test_config_alloc_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
