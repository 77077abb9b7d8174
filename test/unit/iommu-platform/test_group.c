// SPDX-License-Identifier: MIT
/* Groups: IDs, names, references, membership, link names, notifiers. */
#include <stdio.h>
#include <string.h>

#include "fixture.h"

static void test_group_ids_lowest_free_and_reused(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g[4];

	for (int i = 0; i < 4; i++) {
		g[i] = plat_group(f, NULL);
		assert_int_equal(ioasid_group_id(g[i]), i);
	}
	ioasid_group_put(g[1]);
	ioasid_group_put(g[2]);
	g[1] = plat_group(f, NULL);
	assert_int_equal(ioasid_group_id(g[1]), 1);
	g[2] = plat_group(f, NULL);
	assert_int_equal(ioasid_group_id(g[2]), 2);
	for (int i = 0; i < 4; i++)
		ioasid_group_put(g[i]);
}

static void test_group_ids_grow_past_table(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g[40];
	struct ioasid_platform_info info;

	for (int i = 0; i < 40; i++) {
		g[i] = plat_group(f, NULL);
		assert_int_equal(ioasid_group_id(g[i]), i);
	}
	ioasid_platform_query(f->p, &info);
	assert_int_equal(info.nr_groups, 40);
	for (int i = 0; i < 40; i++)
		ioasid_group_put(g[i]);
}

static void test_group_alloc_rejects_bad_arguments(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = NULL;
	char longname[IOASID_NAME_MAX + 1];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(ioasid_group_alloc(f->p, "", IOASID_GROUP_TYPE_DMA, &g),
			 -EINVAL);
	assert_int_equal(ioasid_group_alloc(f->p, "a/b", IOASID_GROUP_TYPE_DMA, &g),
			 -EINVAL);
	assert_int_equal(ioasid_group_alloc(f->p, "..", IOASID_GROUP_TYPE_DMA, &g),
			 -EINVAL);
	assert_int_equal(ioasid_group_alloc(f->p, longname, IOASID_GROUP_TYPE_DMA,
					    &g), -EINVAL);
	assert_int_equal(ioasid_group_alloc(f->p, "ok", (enum ioasid_group_type)6,
					    &g), -EINVAL);
	assert_null(g);
}

static void test_group_name_and_type(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *named, *anon;
	struct ioasid_group_info info;

	assert_int_equal(ioasid_group_alloc(f->p, "vfio-noiommu",
					    IOASID_GROUP_TYPE_IDENTITY, &named), 0);
	anon = plat_group(f, NULL);
	assert_string_equal(ioasid_group_name(named), "vfio-noiommu");
	assert_null(ioasid_group_name(anon));
	assert_int_equal(ioasid_group_type(named), IOASID_GROUP_TYPE_IDENTITY);
	assert_string_equal(ioasid_group_type_name(IOASID_GROUP_TYPE_IDENTITY),
			    "identity");
	assert_string_equal(ioasid_group_type_name(IOASID_GROUP_TYPE_DMA), "DMA");
	assert_string_equal(ioasid_group_type_name(IOASID_GROUP_TYPE_DMA_FQ),
			    "DMA-FQ");
	ioasid_group_query(named, &info);
	assert_string_equal(info.name, "vfio-noiommu");
	assert_int_equal(info.refs, 1);
	assert_null(info.owner);
	ioasid_group_query(anon, &info);
	assert_string_equal(info.name, "");
	ioasid_group_put(named);
	ioasid_group_put(anon);
}

static int release_count;

static void count_release(void *data)
{
	assert_ptr_equal(data, &release_count);
	release_count++;
}

static void test_group_lives_while_devices_or_references(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = plat_group(f, NULL), *found = NULL;
	struct ioasid_device *dev = plat_device(f, "0000:00:02.0", NULL, 0);
	unsigned int id = ioasid_group_id(g);

	release_count = 0;
	ioasid_group_set_iommu_data(g, &release_count, count_release);
	assert_ptr_equal(ioasid_group_iommu_data(g), &release_count);
	assert_int_equal(ioasid_group_add_device(g, dev), 0);
	ioasid_group_put(g); /* the device keeps it */
	assert_int_equal(ioasid_group_lookup(f->p, id, &found), 0);
	assert_ptr_equal(found, g);
	ioasid_group_put(found);
	assert_int_equal(release_count, 0);
	assert_int_equal(ioasid_device_group(dev, &found), 0);
	assert_ptr_equal(found, g);
	/* Removing the last device while a reference is held keeps it. */
	assert_int_equal(ioasid_group_remove_device(dev), 0);
	assert_int_equal(release_count, 0);
	assert_int_equal(ioasid_group_lookup(f->p, id, &g), 0);
	ioasid_group_put(g);
	ioasid_group_put(found); /* last reference, no device: freed */
	assert_int_equal(release_count, 1);
	assert_int_equal(ioasid_group_lookup(f->p, id, &g), -ENOENT);
	assert_int_equal(ioasid_device_group(dev, &g), -ENOENT);
	ioasid_device_free(dev);
}

static void test_group_freed_with_last_device(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = plat_group(f, NULL), *tmp;
	struct ioasid_device *dev = plat_device(f, "dev", NULL, 0);

	release_count = 0;
	ioasid_group_set_iommu_data(g, &release_count, count_release);
	assert_int_equal(ioasid_group_add_device(g, dev), 0);
	ioasid_group_put(g);
	ioasid_device_free(dev); /* hot-unplug of the last device */
	assert_int_equal(release_count, 1);
	assert_int_equal(ioasid_group_lookup(f->p, 0, &tmp), -ENOENT);
}

static void test_group_device_in_one_group_only(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *a = plat_group(f, NULL), *b = plat_group(f, NULL);
	struct ioasid_device *dev = plat_device(f, "dev", NULL, 0);

	assert_int_equal(ioasid_group_add_device(a, dev), 0);
	assert_int_equal(ioasid_group_add_device(a, dev), -EBUSY);
	assert_int_equal(ioasid_group_add_device(b, dev), -EBUSY);
	assert_int_equal(ioasid_group_remove_device(dev), 0);
	assert_int_equal(ioasid_group_remove_device(dev), -ENOENT);
	assert_int_equal(ioasid_group_add_device(b, dev), 0);
	ioasid_device_free(dev);
	ioasid_group_put(a);
	ioasid_group_put(b);
}

static int collect_links(struct ioasid_device *dev, const char *link, void *arg)
{
	char *out = arg;
	size_t len = strlen(out);

	snprintf(out + len, 256 - len, "%s%s", len ? " " : "", link);
	return 0;
}

static void test_group_link_name_collision_suffix(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *d[4];
	struct ioasid_device_info info;
	char links[256] = "";

	d[0] = plat_device(f, "fn", "pci0000:00", 0);
	d[1] = plat_device(f, "fn", "pci0000:01", 0);
	d[2] = plat_device(f, "fn", "pci0000:02", 0);
	d[3] = plat_device(f, "fn.0", NULL, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ioasid_group_add_device(g, d[i]), 0);
	/* A device whose own name is a taken suffix moves to the next one. */
	assert_int_equal(ioasid_group_add_device(g, d[3]), 0);
	assert_int_equal(ioasid_group_for_each_device(g, collect_links, links), 0);
	assert_string_equal(links, "fn fn.0 fn.1 fn.0.0");
	ioasid_device_query(d[2], &info);
	assert_string_equal(info.link_name, "fn.1");
	assert_string_equal(info.name, "fn");
	assert_string_equal(info.parent, "pci0000:02");
	assert_int_equal(info.group_id, ioasid_group_id(g));
	/* Freed suffixes are reused, lowest first. */
	assert_int_equal(ioasid_group_remove_device(d[1]), 0);
	assert_int_equal(ioasid_group_remove_device(d[0]), 0);
	assert_int_equal(ioasid_group_add_device(g, d[0]), 0);
	ioasid_device_query(d[0], &info);
	assert_string_equal(info.link_name, "fn");
	assert_int_equal(ioasid_group_add_device(g, d[1]), 0);
	ioasid_device_query(d[1], &info);
	assert_string_equal(info.link_name, "fn.0");
	for (int i = 0; i < 4; i++)
		ioasid_device_free(d[i]);
	ioasid_group_put(g);
}

static void test_device_alloc_rules(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_device_desc desc = { .name = "dev", .iommu = f->iommu };
	struct ioasid_device *a, *b, *found;
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *other;

	assert_int_equal(ioasid_device_alloc(f->p, NULL, &a), -EINVAL);
	desc.ssid_bits = 21;
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &a), -EINVAL);
	desc.ssid_bits = 20;
	desc.parent = "pci0000:00//x";
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &a), -EINVAL);
	desc.parent = "pci0000:00/0000:00:01.0";
	desc.iommu = NULL;
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &a), -EINVAL);
	ioasid_iommu_caps_init(&caps);
	assert_int_equal(ioasid_iommu_alloc(&caps, &other), 0);
	desc.iommu = other; /* not on this platform */
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &a), -EINVAL);
	ioasid_iommu_free(other);
	desc.iommu = f->iommu;
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &a), 0);
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &b), -EEXIST);
	desc.parent = NULL;
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &b), 0);
	assert_int_equal(ioasid_device_id(a), 1);
	assert_int_equal(ioasid_device_id(b), 2);
	assert_int_equal(ioasid_device_ssid_bits(a), 20);
	assert_ptr_equal(ioasid_device_iommu(a), f->iommu);
	assert_string_equal(ioasid_device_parent(a), "pci0000:00/0000:00:01.0");
	assert_null(ioasid_device_parent(b));
	assert_int_equal(ioasid_device_lookup(f->p, 2, &found), 0);
	assert_ptr_equal(found, b);
	assert_int_equal(ioasid_device_lookup_name(f->p,
			 "pci0000:00/0000:00:01.0/dev", &found), 0);
	assert_ptr_equal(found, a);
	assert_int_equal(ioasid_device_lookup_name(f->p, "dev", &found), 0);
	assert_ptr_equal(found, a); /* the lowest ID of that name */
	ioasid_device_free(a);
	assert_int_equal(ioasid_device_lookup(f->p, 1, &found), -ENOENT);
	/* IDs are never reused. */
	a = plat_device(f, "again", NULL, 0);
	assert_int_equal(ioasid_device_id(a), 3);
	ioasid_device_free(a);
	ioasid_device_free(b);
	ioasid_device_free(NULL);
}

static void test_group_notifier_device_and_driver_events(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 0);
	struct ioasid_device *b = plat_device(f, "b", NULL, 0);
	struct ioasid_group_notifier *n;
	struct event_log log = { "" };

	assert_int_equal(ioasid_group_notifier_register(g, NULL, NULL, &n), -EINVAL);
	assert_int_equal(ioasid_group_notifier_register(g, event_log_fn, &log, &n),
			 0);
	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_device_bind_driver(b, "e1000e"), 0); /* no group */
	assert_int_equal(ioasid_group_add_device(g, b), 0);
	assert_int_equal(ioasid_device_bind_driver(a, "idxd"), 0);
	assert_int_equal(ioasid_device_bind_driver(a, "other"), -EBUSY);
	assert_int_equal(ioasid_device_unbind_driver(b), 0);
	assert_int_equal(ioasid_device_unbind_driver(b), -ENOENT);
	assert_int_equal(ioasid_group_remove_device(b), 0);
	ioasid_device_free(a); /* unbinds, then leaves the group */
	assert_string_equal(log.text,
		"ADD_DEVICE(a) ADD_DEVICE(b) "
		"BIND_DRIVER(a,idxd) BOUND_DRIVER(a,idxd) "
		"UNBIND_DRIVER(b,e1000e) UNBOUND_DRIVER(b,e1000e) "
		"DEL_DEVICE(b) "
		"UNBIND_DRIVER(a,idxd) UNBOUND_DRIVER(a,idxd) DEL_DEVICE(a)");
	/* After unregister nothing more arrives; the group may then go. */
	ioasid_group_notifier_unregister(n);
	event_log_clear(&log);
	assert_int_equal(ioasid_group_add_device(g, b), 0);
	assert_string_equal(log.text, "");
	ioasid_group_put(g);
	ioasid_device_free(b);
	ioasid_group_notifier_unregister(NULL);
}

static void test_group_notifier_holds_group(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = plat_group(f, NULL), *tmp;
	struct ioasid_group_notifier *n1, *n2;
	struct event_log l1 = { "" }, l2 = { "" };
	struct ioasid_device *dev = plat_device(f, "d", NULL, 0);
	unsigned int id = ioasid_group_id(g);

	assert_int_equal(ioasid_group_notifier_register(g, event_log_fn, &l1, &n1),
			 0);
	assert_int_equal(ioasid_group_notifier_register(g, event_log_fn, &l2, &n2),
			 0);
	ioasid_group_put(g);
	assert_int_equal(ioasid_group_lookup(f->p, id, &tmp), 0);
	ioasid_group_put(tmp);
	assert_int_equal(ioasid_group_add_device(tmp, dev), 0);
	assert_string_equal(l1.text, "ADD_DEVICE(d)");
	assert_string_equal(l2.text, "ADD_DEVICE(d)");
	ioasid_device_free(dev);
	ioasid_group_notifier_unregister(n1);
	ioasid_group_notifier_unregister(n2); /* last holder: group freed */
	assert_int_equal(ioasid_group_lookup(f->p, id, &tmp), -ENOENT);
}

static int count_groups(struct ioasid_group *g, void *arg)
{
	(*(int *)arg)++;
	return ioasid_group_id(g) == 1 ? 7 : 0;
}

static int count_devices(struct ioasid_device *dev, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_platform_walks(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g[3];
	struct ioasid_device *d[2];
	struct ioasid_platform_info info;
	int n = 0;

	for (int i = 0; i < 3; i++)
		g[i] = plat_group(f, NULL);
	d[0] = plat_device(f, "x", NULL, 0);
	d[1] = plat_device(f, "y", NULL, 0);
	assert_int_equal(ioasid_platform_for_each_group(f->p, count_groups, &n), 7);
	assert_int_equal(n, 2); /* stopped at group 1 */
	n = 0;
	assert_int_equal(ioasid_platform_for_each_device(f->p, count_devices, &n),
			 0);
	assert_int_equal(n, 2);
	ioasid_platform_query(f->p, &info);
	assert_int_equal(info.nr_iommus, 1);
	assert_int_equal(info.nr_groups, 3);
	assert_int_equal(info.nr_devices, 2);
	assert_ptr_equal(ioasid_platform_iommu(f->p, 0), f->iommu);
	assert_null(ioasid_platform_iommu(f->p, 1));
	assert_int_equal(ioasid_platform_add_iommu(f->p, f->iommu), -EEXIST);
	assert_int_equal(ioasid_platform_add_iommu(f->p, NULL), -EINVAL);
	for (int i = 0; i < 3; i++)
		ioasid_group_put(g[i]);
	ioasid_device_free(d[0]);
	ioasid_device_free(d[1]);
}

/* A platform freed with groups, claims, notifiers, bound drivers and
 * references still in it releases all of it (ASan checks the memory). */
static void test_platform_free_tears_everything_down(void **state)
{
	struct ioasid_iommu_caps caps;
	struct ioasid_platform *p;
	struct ioasid_iommu *iommu;
	struct ioasid_group *g, *spare;
	struct ioasid_device *dev, *loose;
	struct ioasid_device_desc desc = { .name = "d", .ssid_bits = 8 };
	struct ioasid_group_notifier *n;
	struct event_log log = { "" };
	struct test_owner o;

	ioasid_iommu_caps_init(&caps);
	assert_int_equal(ioasid_platform_alloc(&p), 0);
	assert_int_equal(ioasid_iommu_alloc(&caps, &iommu), 0);
	assert_int_equal(ioasid_platform_add_iommu(p, iommu), 0);
	desc.iommu = iommu;
	assert_int_equal(ioasid_device_alloc(p, &desc, &dev), 0);
	desc.name = "loose";
	assert_int_equal(ioasid_device_alloc(p, &desc, &loose), 0);
	assert_int_equal(ioasid_device_bind_driver(loose, "nvme"), 0);
	assert_int_equal(ioasid_group_alloc(p, "g", IOASID_GROUP_TYPE_DMA, &g), 0);
	assert_int_equal(ioasid_group_alloc(p, NULL, IOASID_GROUP_TYPE_DMA, &spare),
			 0);
	assert_int_equal(ioasid_group_add_device(g, dev), 0);
	assert_int_equal(ioasid_group_notifier_register(g, event_log_fn, &log, &n),
			 0);
	test_owner_init(&o, "owner");
	assert_int_equal(ioasid_group_claim(g, &o.owner, 0), 0);
	assert_int_equal(ioasid_group_claim(g, &o.owner, 0), 0);
	event_log_clear(&log);
	ioasid_platform_free(p);
	/* The owner's device was unbound before it left. */
	assert_string_equal(log.text, "UNBIND_DRIVER(d,owner) "
			    "UNBOUND_DRIVER(d,owner) DEL_DEVICE(d)");
	ioasid_platform_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_group_ids_lowest_free_and_reused,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_group_ids_grow_past_table,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_group_alloc_rejects_bad_arguments,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_group_name_and_type,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(
			test_group_lives_while_devices_or_references, plat_setup,
			plat_teardown),
		cmocka_unit_test_setup_teardown(test_group_freed_with_last_device,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_group_device_in_one_group_only,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_group_link_name_collision_suffix,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_device_alloc_rules, plat_setup,
						plat_teardown),
		cmocka_unit_test_setup_teardown(
			test_group_notifier_device_and_driver_events, plat_setup,
			plat_teardown),
		cmocka_unit_test_setup_teardown(test_group_notifier_holds_group,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_platform_walks, plat_setup,
						plat_teardown),
		cmocka_unit_test(test_platform_free_tears_everything_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
