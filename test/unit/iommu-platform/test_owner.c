// SPDX-License-Identifier: MIT
/* DMA ownership: claims, native drivers, hot-add into owned groups. */
#include <stdio.h>
#include <string.h>

#include "fixture.h"

struct owned {
	struct ioasid_group *g;
	struct ioasid_device *a, *b; /* a multi-function device */
	struct ioasid_group_notifier *n;
	struct event_log log;
};

static void owned_setup(struct plat_fixture *f, struct owned *o)
{
	memset(o, 0, sizeof(*o));
	o->g = plat_group(f, "mfd");
	o->a = plat_device(f, "0000:03:00.0", NULL, 0);
	o->b = plat_device(f, "0000:03:00.1", NULL, 0);
	assert_int_equal(ioasid_group_add_device(o->g, o->a), 0);
	assert_int_equal(ioasid_group_add_device(o->g, o->b), 0);
	assert_int_equal(ioasid_group_notifier_register(o->g, event_log_fn,
							&o->log, &o->n), 0);
}

static void owned_teardown(struct owned *o)
{
	ioasid_group_notifier_unregister(o->n);
	ioasid_device_free(o->a);
	ioasid_device_free(o->b);
	ioasid_group_put(o->g);
}

static void test_owner_claim_binds_every_device(void **state)
{
	struct plat_fixture *f = *state;
	struct test_owner c;
	struct ioasid_device_info info;
	struct ioasid_group_info ginfo;
	struct owned o;

	owned_setup(f, &o);
	test_owner_init(&c, "container0");
	assert_int_equal(ioasid_group_viable(o.g, &c.owner), 1);
	assert_int_equal(ioasid_group_claim(o.g, &c.owner, 0), 0);
	assert_string_equal(o.log.text,
		"BIND_DRIVER(0000:03:00.0,container0) "
		"BOUND_DRIVER(0000:03:00.0,container0) "
		"BIND_DRIVER(0000:03:00.1,container0) "
		"BOUND_DRIVER(0000:03:00.1,container0)");
	ioasid_device_query(o.b, &info);
	assert_int_equal(info.driver_kind, IOASID_DRIVER_OWNER);
	assert_string_equal(info.driver, "container0");
	assert_ptr_equal(info.owner, &c.owner);
	ioasid_group_query(o.g, &ginfo);
	assert_ptr_equal(ginfo.owner, &c.owner);
	assert_string_equal(ginfo.owner_name, "container0");
	assert_int_equal(ginfo.owner_claims, 1);
	/* An owner's device cannot be unbound like a native driver. */
	assert_int_equal(ioasid_device_unbind_driver(o.a), -EBUSY);
	event_log_clear(&o.log);
	assert_int_equal(ioasid_group_release(o.g, &c.owner), 0);
	assert_string_equal(o.log.text,
		"UNBIND_DRIVER(0000:03:00.0,container0) "
		"UNBOUND_DRIVER(0000:03:00.0,container0) "
		"UNBIND_DRIVER(0000:03:00.1,container0) "
		"UNBOUND_DRIVER(0000:03:00.1,container0)");
	ioasid_device_query(o.a, &info);
	assert_int_equal(info.driver_kind, IOASID_DRIVER_NONE);
	assert_null(info.owner);
	/* Released devices are back in the driver model. */
	assert_int_equal(ioasid_device_bind_driver(o.a, "mlx5_core"), 0);
	assert_int_equal(ioasid_device_unbind_driver(o.a), 0);
	owned_teardown(&o);
}

static void test_owner_native_driver_blocks_claim(void **state)
{
	struct plat_fixture *f = *state;
	struct test_owner c;
	struct ioasid_device_info info;
	struct owned o;

	owned_setup(f, &o);
	test_owner_init(&c, "vfio");
	assert_int_equal(ioasid_device_bind_driver(o.b, "snd_hda_intel"), 0);
	assert_int_equal(ioasid_group_viable(o.g, &c.owner), 0);
	event_log_clear(&o.log);
	assert_int_equal(ioasid_group_claim(o.g, &c.owner, 0), -EBUSY);
	/* A refused claim changes nothing and tells nobody. */
	assert_string_equal(o.log.text, "");
	ioasid_device_query(o.a, &info);
	assert_int_equal(info.driver_kind, IOASID_DRIVER_NONE);
	ioasid_device_query(o.b, &info);
	assert_string_equal(info.driver, "snd_hda_intel");
	/* Asked to, the claim detaches the native driver first. */
	assert_int_equal(ioasid_group_claim(o.g, &c.owner,
					    IOASID_CLAIM_DETACH_DRIVERS), 0);
	assert_string_equal(o.log.text,
		"BIND_DRIVER(0000:03:00.0,vfio) BOUND_DRIVER(0000:03:00.0,vfio) "
		"UNBIND_DRIVER(0000:03:00.1,snd_hda_intel) "
		"UNBOUND_DRIVER(0000:03:00.1,snd_hda_intel) "
		"BIND_DRIVER(0000:03:00.1,vfio) BOUND_DRIVER(0000:03:00.1,vfio)");
	assert_int_equal(ioasid_group_release(o.g, &c.owner), 0);
	/* The native driver is not rebound: the device is unbound. */
	ioasid_device_query(o.b, &info);
	assert_int_equal(info.driver_kind, IOASID_DRIVER_NONE);
	owned_teardown(&o);
}

static void test_owner_no_native_bind_in_owned_group(void **state)
{
	struct plat_fixture *f = *state;
	struct test_owner c;
	struct owned o;

	owned_setup(f, &o);
	test_owner_init(&c, "handle7");
	assert_int_equal(ioasid_group_claim(o.g, &c.owner, 0), 0);
	event_log_clear(&o.log);
	assert_int_equal(ioasid_device_bind_driver(o.a, "e1000e"), -EBUSY);
	assert_string_equal(o.log.text, "");
	assert_int_equal(ioasid_group_release(o.g, &c.owner), 0);
	owned_teardown(&o);
}

static void test_owner_second_owner_refused(void **state)
{
	struct plat_fixture *f = *state;
	struct test_owner c1, c2;
	struct ioasid_group_info info;
	struct owned o;

	owned_setup(f, &o);
	test_owner_init(&c1, "c1");
	test_owner_init(&c2, "c2");
	assert_int_equal(ioasid_group_claim(o.g, &c1.owner, 0), 0);
	assert_int_equal(ioasid_group_viable(o.g, &c2.owner), 0);
	assert_int_equal(ioasid_group_viable(o.g, &c1.owner), 1);
	assert_int_equal(ioasid_group_claim(o.g, &c2.owner,
					    IOASID_CLAIM_DETACH_DRIVERS), -EBUSY);
	assert_int_equal(ioasid_group_release(o.g, &c2.owner), -EPERM);
	/* The same owner may claim again; each claim is released apart. */
	event_log_clear(&o.log);
	assert_int_equal(ioasid_group_claim(o.g, &c1.owner, 0), 0);
	assert_string_equal(o.log.text, "");
	ioasid_group_query(o.g, &info);
	assert_int_equal(info.owner_claims, 2);
	assert_int_equal(ioasid_group_release(o.g, &c1.owner), 0);
	ioasid_group_query(o.g, &info);
	assert_ptr_equal(info.owner, &c1.owner);
	assert_int_equal(ioasid_group_release(o.g, &c1.owner), 0);
	ioasid_group_query(o.g, &info);
	assert_null(info.owner);
	assert_int_equal(ioasid_group_release(o.g, &c1.owner), -ENOENT);
	assert_int_equal(ioasid_group_claim(o.g, &c2.owner, 0), 0);
	assert_int_equal(ioasid_group_release(o.g, &c2.owner), 0);
	owned_teardown(&o);
}

static void test_owner_claim_argument_errors(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_owner nameless = { 0 };
	struct test_owner c;

	test_owner_init(&c, "c");
	assert_int_equal(ioasid_group_claim(g, &c.owner, 1u << 1), -EOPNOTSUPP);
	assert_int_equal(ioasid_group_claim(g, NULL, 0), -EINVAL);
	assert_int_equal(ioasid_group_claim(g, &nameless, 0), -EINVAL);
	assert_int_equal(ioasid_group_release(g, NULL), -EINVAL);
	assert_int_equal(ioasid_group_release(g, &c.owner), -ENOENT);
	ioasid_group_put(g);
}

static void test_owner_hot_add_into_owned_group(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_device *hot;
	struct ioasid_device_info info;
	struct test_owner c;
	struct owned o;

	owned_setup(f, &o);
	test_owner_init(&c, "vm1");
	assert_int_equal(ioasid_group_claim(o.g, &c.owner, 0), 0);
	event_log_clear(&o.log);
	hot = plat_device(f, "0000:03:00.2", NULL, 0);
	assert_int_equal(ioasid_group_add_device(o.g, hot), 0);
	/* Joined, bound to the owner at once, and reported to it. */
	assert_string_equal(o.log.text,
		"ADD_DEVICE(0000:03:00.2) BIND_DRIVER(0000:03:00.2,vm1) "
		"BOUND_DRIVER(0000:03:00.2,vm1)");
	assert_string_equal(c.calls, "added(0000:03:00.2)");
	ioasid_device_query(hot, &info);
	assert_int_equal(info.driver_kind, IOASID_DRIVER_OWNER);
	assert_int_equal(ioasid_device_bind_driver(hot, "nvme"), -EBUSY);
	/* A device that arrives with a native driver is kept out. */
	struct ioasid_device *bound = plat_device(f, "0000:03:00.3", NULL, 0);
	struct ioasid_group *tmp;

	assert_int_equal(ioasid_device_bind_driver(bound, "nvme"), 0);
	event_log_clear(&o.log);
	assert_int_equal(ioasid_group_add_device(o.g, bound), -EBUSY);
	assert_string_equal(o.log.text, "");
	assert_int_equal(ioasid_device_group(bound, &tmp), -ENOENT);
	ioasid_device_free(bound);
	/* Hot-unplug from the owned group: the owner is told, the device
	 * unbound, then the group says it is gone. */
	event_log_clear(&o.log);
	ioasid_device_free(hot);
	assert_string_equal(c.calls, "added(0000:03:00.2) removed(0000:03:00.2)");
	assert_string_equal(o.log.text,
		"UNBIND_DRIVER(0000:03:00.2,vm1) UNBOUND_DRIVER(0000:03:00.2,vm1) "
		"DEL_DEVICE(0000:03:00.2)");
	assert_int_equal(ioasid_group_release(o.g, &c.owner), 0);
	owned_teardown(&o);
}

/* An empty group can be claimed; devices added later go to the owner. */
static void test_owner_claim_empty_group(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *dev = plat_device(f, "late", NULL, 0);
	struct ioasid_device_info info;
	struct test_owner c;

	test_owner_init(&c, "early");
	assert_int_equal(ioasid_group_claim(g, &c.owner, 0), 0);
	ioasid_group_put(g); /* the claim holds the group */
	assert_int_equal(ioasid_group_add_device(g, dev), 0);
	ioasid_device_query(dev, &info);
	assert_ptr_equal(info.owner, &c.owner);
	assert_string_equal(c.calls, "added(late)");
	assert_int_equal(ioasid_group_remove_device(dev), 0);
	assert_string_equal(c.calls, "added(late) removed(late)");
	ioasid_device_query(dev, &info);
	assert_int_equal(info.driver_kind, IOASID_DRIVER_NONE);
	assert_int_equal(ioasid_group_release(g, &c.owner), 0); /* frees g */
	ioasid_device_free(dev);
}

/* A native (ownerless) domain attachment keeps owners out. */
static void test_owner_native_attachment_blocks_claim(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_domain *dom;
	struct test_owner c;
	struct owned o;

	owned_setup(f, &o);
	test_owner_init(&c, "c");
	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_PAGING, 0,
					     &dom), 0);
	assert_int_equal(ioasid_group_attach(o.g, NULL, dom), 0);
	assert_int_equal(ioasid_group_viable(o.g, &c.owner), 0);
	assert_int_equal(ioasid_group_claim(o.g, &c.owner, 0), -EBUSY);
	assert_int_equal(ioasid_group_detach(o.g, NULL), 0);
	assert_int_equal(ioasid_device_attach_pasid(o.a, NULL, 3, dom), -EINVAL);
	owned_teardown(&o);
	assert_int_equal(ioasid_domain_free(dom), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_owner_claim_binds_every_device,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_owner_native_driver_blocks_claim,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(
			test_owner_no_native_bind_in_owned_group, plat_setup,
			plat_teardown),
		cmocka_unit_test_setup_teardown(test_owner_second_owner_refused,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_owner_claim_argument_errors,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_owner_hot_add_into_owned_group,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_owner_claim_empty_group,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(
			test_owner_native_attachment_blocks_claim, plat_setup,
			plat_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
