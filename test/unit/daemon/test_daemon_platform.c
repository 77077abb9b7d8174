// SPDX-License-Identifier: MIT
/*
 * Unit tests of ioasidd's hosted platform (daemon/platform.c): the
 * embedded default (groups, a multi-function group, a device with no
 * PASID capability, native drivers), a platform built from config lines,
 * the object-ID counter and group-to-container bookkeeping, and a
 * fail-the-Nth-allocation sweep over the build.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <ioasid/iommu.h>

#include "config.h"
#include "platform.h"
#include "sweep.h"

static void device_info(struct ioasidd_platform *pl, const char *name,
			struct ioasid_device_info *info)
{
	struct ioasid_device *dev;

	assert_int_equal(ioasid_device_lookup_name(pl->p, name, &dev), 0);
	ioasid_device_query(dev, info);
}

static void group_info(struct ioasidd_platform *pl, unsigned int id,
		       struct ioasid_group_info *info)
{
	struct ioasid_group *g;

	assert_int_equal(ioasid_group_lookup(pl->p, id, &g), 0);
	ioasid_group_query(g, info);
	ioasid_group_put(g);
}

static void test_platform_default(void **state)
{
	struct ioasidd_platform_desc none = { 0 };
	struct ioasidd_platform *pl;
	struct ioasid_platform_info pi;
	struct ioasid_device_info di;
	struct ioasid_group_info gi;
	const struct ioasid_iommu_caps *caps;
	char err[128];

	assert_int_equal(ioasid__platform_build(&none, &pl, err, sizeof(err)), 0);
	ioasid_platform_query(pl->p, &pi);
	assert_int_equal(pi.nr_iommus, 2);
	assert_int_equal(pi.nr_groups, 4);
	assert_int_equal(pi.nr_devices, 5);
	assert_int_equal(pi.nr_owned_groups, 0);
	caps = ioasid_iommu_caps(ioasid_platform_iommu(pl->p, 0));
	assert_int_equal(caps->pasid_bits, 20);
	assert_int_equal(caps->addr_width, 48);
	assert_int_equal(caps->pgsize_bitmap, IOASID_PAGE_SIZE_4K |
						      IOASID_PAGE_SIZE_2M |
						      IOASID_PAGE_SIZE_1G);
	assert_int_equal(caps->nr_reserved, 1);
	assert_int_equal(caps->reserved[0].start, IOASID_MSI_WINDOW_START);
	/* Group 1 holds both functions of one device; one is bound. */
	group_info(pl, 1, &gi);
	assert_string_equal(gi.name, "mfd");
	assert_int_equal(gi.nr_devices, 2);
	device_info(pl, "pci0000:00/0000:00:03.0", &di);
	assert_int_equal(di.group_id, 1);
	assert_int_equal(di.driver_kind, IOASID_DRIVER_NATIVE);
	assert_string_equal(di.driver, "idxd");
	assert_int_equal(di.ssid_bits, 20);
	device_info(pl, "pci0000:00/0000:00:03.1", &di);
	assert_int_equal(di.group_id, 1);
	assert_int_equal(di.driver_kind, IOASID_DRIVER_NONE);
	/* The NIC has no PASID capability. */
	device_info(pl, "pci0000:00/0000:00:02.0", &di);
	assert_int_equal(di.ssid_bits, 0);
	assert_int_equal(di.id, 1);
	assert_string_equal(di.driver, "e1000e");
	device_info(pl, "pci0000:80/0000:80:01.0", &di);
	assert_int_equal(di.group_id, 3);
	assert_int_equal(di.iommu_index, 1);
	ioasid__platform_free(pl);
	ioasid__platform_free(NULL);
}

static void test_platform_from_config(void **state)
{
	struct ioasidd_config cfg;
	struct ioasidd_platform *pl;
	struct ioasid_platform_info pi;
	struct ioasid_device_info di;
	struct ioasid_group_info gi;
	const char *text = "iommu x = addr_width=57 pasid_bits=0\n"
			   "group empty = type=blocked\n"
			   "group g = type=identity\n"
			   "device d1 = group=g driver=nvme\n"
			   "device d2 =\n";
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(ioasid__config_parse(&cfg, text, strlen(text), err,
					      sizeof(err)), 0);
	assert_int_equal(ioasid__platform_build(&cfg.platform, &pl, err,
						sizeof(err)), 0);
	ioasid_platform_query(pl->p, &pi);
	assert_int_equal(pi.nr_iommus, 1);
	assert_int_equal(pi.nr_groups, 2); /* the empty group is kept */
	assert_int_equal(pi.nr_devices, 2);
	group_info(pl, 0, &gi);
	assert_string_equal(gi.name, "empty");
	assert_int_equal(gi.type, IOASID_GROUP_TYPE_BLOCKED);
	assert_int_equal(gi.nr_devices, 0);
	device_info(pl, "d1", &di);
	assert_int_equal(di.group_id, 1);
	assert_string_equal(di.driver, "nvme");
	device_info(pl, "d2", &di);
	assert_int_equal(di.group_id, -1);
	assert_int_equal(ioasid_iommu_caps(ioasid_platform_iommu(pl->p, 0))
				 ->addr_width, 57);
	ioasid__platform_free(pl);
	ioasid__config_release(&cfg);
}

static void test_platform_bookkeeping(void **state)
{
	struct ioasidd_platform_desc none = { 0 };
	struct ioasidd_platform *pl;

	assert_int_equal(ioasid__platform_build(&none, &pl, NULL, 0), 0);
	assert_int_equal(ioasid__platform_object_id(pl), 1);
	assert_int_equal(ioasid__platform_object_id(pl), 2);
	pl->next_object_id = UINT32_MAX;
	assert_int_equal(ioasid__platform_object_id(pl), 1); /* never 0 */
	assert_int_equal(ioasid__platform_group_container(pl, 2), 0);
	assert_int_equal(ioasid__platform_group_attached(pl, 2, 7), 0);
	assert_int_equal(ioasid__platform_group_container(pl, 2), 7);
	ioasid__platform_group_detached(pl, 2);
	assert_int_equal(ioasid__platform_group_container(pl, 2), 0);
	ioasid__platform_free(pl);
}

struct sweep_arg {
	struct ioasidd_platform *pl;
};

static int sweep_step(void *arg)
{
	struct ioasidd_platform_desc none = { 0 };
	struct sweep_arg *a = arg;

	a->pl = NULL;
	return ioasid__platform_build(&none, &a->pl, NULL, 0);
}

static void sweep_check(int ret, int fired, void *arg)
{
	struct sweep_arg *a = arg;
	struct ioasid_platform_info pi;

	if (fired) {
		/* Nothing is left allocated (ASan's leak check holds us to
		 * it) and nothing is returned. */
		assert_int_equal(ret, -ENOMEM);
		assert_null(a->pl);
		return;
	}
	assert_int_equal(ret, 0);
	ioasid_platform_query(a->pl->p, &pi);
	assert_int_equal(pi.nr_devices, 5);
	ioasid__platform_free(a->pl);
}

static void test_platform_alloc_sweep(void **state)
{
	struct sweep_arg a;

	assert_true(sweep_alloc_failures(sweep_step, sweep_check, &a) > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_platform_default),
		cmocka_unit_test(test_platform_from_config),
		cmocka_unit_test(test_platform_bookkeeping),
		cmocka_unit_test(test_platform_alloc_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
