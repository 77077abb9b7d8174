// SPDX-License-Identifier: MIT
/* Attaching groups and PASIDs to domains; the device DMA path. */
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "iommu/platform_internal.h"

#define IOVA 0x100000ull
#define PHYS 0x7000000ull

static struct ioasid_domain *paging(struct plat_fixture *f)
{
	struct ioasid_domain *dom;

	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_PAGING, 0,
					     &dom), 0);
	assert_int_equal(ioasid_domain_map(dom, IOVA, PHYS, 0x2000,
					   IOASID_PROT_READ | IOASID_PROT_WRITE, 0),
			 0);
	return dom;
}

static uint32_t attachments(struct ioasid_domain *dom)
{
	struct ioasid_domain_info info;

	ioasid_domain_query(dom, &info);
	return info.attachments;
}

static void test_attach_group_translates_every_device(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_domain *dom = paging(f);
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 0);
	struct ioasid_device *b = plat_device(f, "b", NULL, 0);
	struct ioasid_group_info info;
	uint64_t phys = 0;

	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_group_add_device(g, b), 0);
	assert_int_equal(ioasid_group_attach(g, NULL, NULL), -EINVAL);
	assert_int_equal(ioasid_group_attach(g, NULL, dom), 0);
	assert_int_equal(ioasid_group_attach(g, NULL, dom), -EBUSY);
	/* One count for the group, one per device. */
	assert_int_equal(attachments(dom), 3);
	assert_int_equal(ioasid_domain_free(dom), -EBUSY);
	ioasid_group_query(g, &info);
	assert_ptr_equal(info.domain, dom);
	assert_ptr_equal(ioasid_device_domain(a, 0), dom);
	assert_int_equal(ioasid_device_translate(b, 0, IOVA + 0x1234,
						 IOASID_ACCESS_WRITE, &phys), 0);
	assert_int_equal(phys, PHYS + 0x1234);
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, IOASID_ACCESS_READ,
						 &phys), 0);
	assert_int_equal(phys, PHYS);
	assert_int_equal(ioasid_group_detach(g, NULL), 0);
	assert_int_equal(ioasid_group_detach(g, NULL), -ENOENT);
	assert_int_equal(attachments(dom), 0);
	assert_null(ioasid_device_domain(a, 0));
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, IOASID_ACCESS_READ,
						 &phys), -EFAULT);
	ioasid_device_free(a);
	ioasid_device_free(b);
	ioasid_group_put(g);
	assert_int_equal(ioasid_domain_free(dom), 0);
}

/* The second device fails to attach: the first is detached again. */
static void test_attach_group_all_or_nothing(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_domain *dom = paging(f);
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 0);
	struct ioasid_device *b = plat_device(f, "b", NULL, 0);
	struct ioasid_platform_info pinfo;
	struct ioasid_group_info info;
	uint64_t phys;

	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_group_add_device(g, b), 0);
	ioasid__platform_fail_attach_nth(f->p, 2, -EIO);
	assert_int_equal(ioasid_group_attach(g, NULL, dom), -EIO);
	assert_int_equal(attachments(dom), 0);
	assert_null(ioasid_device_domain(a, 0));
	assert_null(ioasid_device_domain(b, 0));
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, IOASID_ACCESS_READ,
						 &phys), -EFAULT);
	ioasid_group_query(g, &info);
	assert_null(info.domain);
	assert_int_equal(info.refs, 1);
	ioasid_platform_query(f->p, &pinfo);
	assert_int_equal(pinfo.nr_attached, 0);
	/* The hook fired once; the same attach now succeeds. */
	assert_int_equal(ioasid_group_attach(g, NULL, dom), 0);
	assert_int_equal(attachments(dom), 3);
	assert_int_equal(ioasid_group_detach(g, NULL), 0);
	ioasid_device_free(a);
	ioasid_device_free(b);
	ioasid_group_put(g);
	assert_int_equal(ioasid_domain_free(dom), 0);
}

static void test_attach_hot_add_joins_domain(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_domain *dom = paging(f);
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 0);
	struct ioasid_device *b = plat_device(f, "b", NULL, 0);
	struct ioasid_group_notifier *n;
	struct event_log log = { "" };
	struct ioasid_group *tmp;
	uint64_t phys;

	assert_int_equal(ioasid_group_attach(g, NULL, dom), 0); /* empty */
	assert_int_equal(attachments(dom), 1);
	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(attachments(dom), 2);
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, IOASID_ACCESS_READ,
						 &phys), 0);
	/* A device whose attach fails does not join at all. */
	assert_int_equal(ioasid_group_notifier_register(g, event_log_fn, &log, &n),
			 0);
	ioasid__platform_fail_attach_nth(f->p, 1, -EIO);
	assert_int_equal(ioasid_group_add_device(g, b), -EIO);
	assert_int_equal(ioasid_device_group(b, &tmp), -ENOENT);
	assert_string_equal(log.text, "");
	assert_int_equal(attachments(dom), 2);
	/* Leaving the group detaches. */
	assert_int_equal(ioasid_group_remove_device(a), 0);
	assert_int_equal(attachments(dom), 1);
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, IOASID_ACCESS_READ,
						 &phys), -EFAULT);
	ioasid_group_notifier_unregister(n);
	assert_int_equal(ioasid_group_detach(g, NULL), 0);
	ioasid_device_free(a);
	ioasid_device_free(b);
	ioasid_group_put(g);
	assert_int_equal(ioasid_domain_free(dom), 0);
}

static void test_attach_iommu_mismatch(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *other;
	struct ioasid_domain *dom = paging(f), *odom;
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 0), *b;
	struct ioasid_device_desc desc = { .name = "b", .ssid_bits = 4 };

	ioasid_iommu_caps_init(&caps);
	assert_int_equal(ioasid_iommu_alloc(&caps, &other), 0);
	assert_int_equal(ioasid_platform_add_iommu(f->p, other), 0);
	desc.iommu = other;
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &b), 0);
	assert_int_equal(ioasid_domain_alloc(other, IOASID_DOMAIN_PAGING, 0, &odom),
			 0);
	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_group_attach(g, NULL, odom), -EINVAL);
	assert_int_equal(attachments(odom), 0);
	assert_int_equal(ioasid_group_attach(g, NULL, dom), 0);
	assert_int_equal(ioasid_group_add_device(g, b), -EINVAL);
	assert_int_equal(ioasid_group_detach(g, NULL), 0);
	ioasid_device_free(a);
	ioasid_device_free(b);
	ioasid_group_put(g);
	assert_int_equal(ioasid_domain_free(dom), 0);
	assert_int_equal(ioasid_domain_free(odom), 0);
}

static void test_attach_owner_rules(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_domain *dom = paging(f);
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 8);
	struct test_owner c1, c2;

	test_owner_init(&c1, "c1");
	test_owner_init(&c2, "c2");
	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_group_attach(g, &c1.owner, dom), -EPERM);
	assert_int_equal(ioasid_group_claim(g, &c1.owner, 0), 0);
	assert_int_equal(ioasid_group_attach(g, NULL, dom), -EPERM);
	assert_int_equal(ioasid_group_attach(g, &c2.owner, dom), -EPERM);
	assert_int_equal(ioasid_device_attach_pasid(a, &c2.owner, 1, dom), -EPERM);
	assert_int_equal(ioasid_group_attach(g, &c1.owner, dom), 0);
	assert_int_equal(ioasid_device_attach_pasid(a, &c1.owner, 1, dom), 0);
	assert_int_equal(ioasid_group_detach(g, &c2.owner), -EPERM);
	assert_int_equal(ioasid_device_detach_pasid(a, &c2.owner, 1), -EPERM);
	assert_int_equal(attachments(dom), 3);
	/* Releasing the group detaches everything the owner attached. */
	assert_int_equal(ioasid_group_release(g, &c1.owner), 0);
	assert_int_equal(attachments(dom), 0);
	assert_null(ioasid_device_domain(a, 0));
	assert_null(ioasid_device_domain(a, 1));
	ioasid_device_free(a);
	ioasid_group_put(g);
	assert_int_equal(ioasid_domain_free(dom), 0);
}

static void test_attach_pasid_rules(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *narrow;
	struct ioasid_domain *dom = paging(f), *ndom, *other;
	struct ioasid_group *g = plat_group(f, NULL), *ng = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 8);
	struct ioasid_device *nopasid = plat_device(f, "legacy", NULL, 0);
	struct ioasid_device_desc desc = { .name = "n", .ssid_bits = 8 };
	struct ioasid_device *n;
	struct ioasid_device_info info;

	/* Not in a group yet. */
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 1, dom), -ENOENT);
	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_group_add_device(g, nopasid), 0);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 0, dom), -EINVAL);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 256, dom), -EINVAL);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 1, NULL), -EINVAL);
	assert_int_equal(ioasid_device_attach_pasid(nopasid, NULL, 1, dom), -EINVAL);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 255, dom), 0);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 255, dom), -EBUSY);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 7, dom), 0);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 100, dom), 0);
	ioasid_device_query(a, &info);
	assert_int_equal(info.nr_pasids, 3);
	assert_ptr_equal(ioasid_device_domain(a, 100), dom);
	assert_null(ioasid_device_domain(a, 101));
	assert_null(ioasid_device_domain(a, 0)); /* untagged: no group domain */
	assert_int_equal(ioasid_device_detach_pasid(a, NULL, 100), 0);
	assert_int_equal(ioasid_device_detach_pasid(a, NULL, 100), -ENOENT);
	assert_int_equal(ioasid_device_detach_pasid(a, NULL, 9), -ENOENT);
	/* A detached PASID can be attached again. */
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 100, dom), 0);
	assert_int_equal(attachments(dom), 3);
	/* The IOMMU's PASID width limits too. */
	ioasid_iommu_caps_init(&caps);
	caps.pasid_bits = 4;
	assert_int_equal(ioasid_iommu_alloc(&caps, &narrow), 0);
	assert_int_equal(ioasid_platform_add_iommu(f->p, narrow), 0);
	desc.iommu = narrow;
	assert_int_equal(ioasid_device_alloc(f->p, &desc, &n), 0);
	assert_int_equal(ioasid_group_add_device(ng, n), 0);
	assert_int_equal(ioasid_domain_alloc(narrow, IOASID_DOMAIN_PAGING, 0, &ndom),
			 0);
	assert_int_equal(ioasid_device_attach_pasid(n, NULL, 16, ndom), -EINVAL);
	assert_int_equal(ioasid_device_attach_pasid(n, NULL, 15, ndom), 0);
	/* A domain of another IOMMU cannot serve the device. */
	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_PAGING, 0,
					     &other), 0);
	assert_int_equal(ioasid_device_attach_pasid(n, NULL, 14, other), -EINVAL);
	/* Leaving the group detaches every PASID. */
	assert_int_equal(ioasid_group_remove_device(a), 0);
	assert_int_equal(attachments(dom), 0);
	ioasid_device_query(a, &info);
	assert_int_equal(info.nr_pasids, 0);
	ioasid_device_free(a);
	ioasid_device_free(n);
	ioasid_device_free(nopasid);
	ioasid_group_put(g);
	ioasid_group_put(ng);
	assert_int_equal(ioasid_domain_free(dom), 0);
	assert_int_equal(ioasid_domain_free(ndom), 0);
	assert_int_equal(ioasid_domain_free(other), 0);
}

static void test_attach_pasid_translate_and_faults(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_domain *dom = paging(f), *ro;
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 8);
	struct ioasid_fault fault[4];
	uint64_t phys, lost;

	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_PAGING, 0, &ro),
			 0);
	assert_int_equal(ioasid_domain_map(ro, IOVA, PHYS + 0x10000, 0x1000,
					   IOASID_PROT_READ, 0), 0);
	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_group_attach(g, NULL, dom), 0);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 5, ro), 0);
	/* Untagged DMA and PASID 5 take different address spaces. */
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, IOASID_ACCESS_READ,
						 &phys), 0);
	assert_int_equal(phys, PHYS);
	assert_int_equal(ioasid_device_translate(a, 5, IOVA, IOASID_ACCESS_READ,
						 &phys), 0);
	assert_int_equal(phys, PHYS + 0x10000);
	/* Refused DMA is recorded with the device's ID. */
	assert_int_equal(ioasid_device_translate(a, 5, IOVA, IOASID_ACCESS_WRITE,
						 &phys), -EACCES);
	assert_int_equal(ioasid_device_translate(a, 5, IOVA + 0x1000,
						 IOASID_ACCESS_READ, &phys), -EFAULT);
	assert_int_equal(ioasid_domain_fault_read(ro, fault, 4, NULL), 2);
	assert_int_equal(fault[0].devid, ioasid_device_id(a));
	assert_int_equal(fault[0].pasid, 5);
	assert_int_equal(fault[0].reason, IOASID_FAULT_PERMISSION);
	assert_int_equal(fault[0].access, IOASID_ACCESS_WRITE);
	assert_int_equal(fault[1].addr, IOVA + 0x1000);
	assert_int_equal(fault[1].reason, IOASID_FAULT_UNMAPPED);
	/* A PASID with nothing attached is blocked: the platform log has it. */
	assert_int_equal(ioasid_device_translate(a, 6, IOVA, IOASID_ACCESS_READ,
						 &phys), -EFAULT);
	assert_int_equal(ioasid_platform_fault_read(f->p, 0, fault, 4, &lost), 1);
	assert_int_equal(lost, 0);
	assert_int_equal(fault[0].devid, ioasid_device_id(a));
	assert_int_equal(fault[0].pasid, 6);
	assert_int_equal(fault[0].reason, IOASID_FAULT_NO_DOMAIN);
	assert_int_equal(ioasid_platform_fault_read(f->p, 7, fault, 4, NULL),
			 -ENOENT);
	/* Bad requests are refused without a fault. */
	assert_int_equal(ioasid_device_translate(a, 256, IOVA, IOASID_ACCESS_READ,
						 &phys), -EINVAL);
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, 0, &phys), -EINVAL);
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, 4, &phys), -EINVAL);
	assert_int_equal(ioasid_platform_fault_read(f->p, 0, fault, 4, NULL), 0);
	assert_int_equal(ioasid_domain_fault_read(ro, fault, 4, NULL), 0);
	assert_int_equal(ioasid_domain_fault_read(dom, fault, 4, NULL), 0);
	assert_int_equal(ioasid_device_detach_pasid(a, NULL, 5), 0);
	assert_int_equal(ioasid_group_detach(g, NULL), 0);
	ioasid_device_free(a);
	ioasid_group_put(g);
	assert_int_equal(ioasid_domain_free(dom), 0);
	assert_int_equal(ioasid_domain_free(ro), 0);
}

static void test_attach_identity_group_passes_through(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g;
	struct ioasid_device *a = plat_device(f, "a", NULL, 0);
	struct ioasid_domain *dom = paging(f);
	struct test_owner c;
	uint64_t phys = 0;

	test_owner_init(&c, "c");
	assert_int_equal(ioasid_group_alloc(f->p, NULL, IOASID_GROUP_TYPE_IDENTITY,
					    &g), 0);
	assert_int_equal(ioasid_device_translate(a, 0, 0x5000, IOASID_ACCESS_READ,
						 &phys), -EFAULT); /* no group */
	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_device_translate(a, 0, 0x5000, IOASID_ACCESS_READ,
						 &phys), 0);
	assert_int_equal(phys, 0x5000);
	/* Claimed, the group is blocked until the owner attaches a domain. */
	assert_int_equal(ioasid_group_claim(g, &c.owner, 0), 0);
	assert_int_equal(ioasid_device_translate(a, 0, 0x5000, IOASID_ACCESS_READ,
						 &phys), -EFAULT);
	assert_int_equal(ioasid_group_attach(g, &c.owner, dom), 0);
	assert_int_equal(ioasid_device_translate(a, 0, IOVA, IOASID_ACCESS_READ,
						 &phys), 0);
	assert_int_equal(phys, PHYS);
	assert_int_equal(ioasid_group_detach(g, &c.owner), 0);
	assert_int_equal(ioasid_device_translate(a, 0, 0x5000, IOASID_ACCESS_READ,
						 &phys), -EFAULT);
	assert_int_equal(ioasid_group_release(g, &c.owner), 0);
	assert_int_equal(ioasid_device_translate(a, 0, 0x5000, IOASID_ACCESS_READ,
						 &phys), 0);
	/* The identity domain still honours the reserved MSI window. */
	assert_int_equal(ioasid_device_translate(a, 0, IOASID_MSI_WINDOW_START,
						 IOASID_ACCESS_WRITE, &phys),
			 -EFAULT);
	ioasid_device_free(a);
	ioasid_group_put(g);
	assert_int_equal(ioasid_domain_free(dom), 0);
}

/* A PASID attached without an owner keeps owners out, as a domain does. */
static void test_attach_native_pasid_blocks_claim(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_domain *dom = paging(f);
	struct ioasid_group *g = plat_group(f, NULL);
	struct ioasid_device *a = plat_device(f, "a", NULL, 4);
	struct test_owner c;

	test_owner_init(&c, "c");
	assert_int_equal(ioasid_group_add_device(g, a), 0);
	assert_int_equal(ioasid_device_attach_pasid(a, NULL, 2, dom), 0);
	assert_int_equal(ioasid_group_claim(g, &c.owner, 0), -EBUSY);
	assert_int_equal(ioasid_device_detach_pasid(a, NULL, 2), 0);
	assert_int_equal(ioasid_group_claim(g, &c.owner, 0), 0);
	assert_int_equal(ioasid_group_release(g, &c.owner), 0);
	ioasid_device_free(a);
	ioasid_group_put(g);
	assert_int_equal(ioasid_domain_free(dom), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_attach_group_translates_every_device, plat_setup,
			plat_teardown),
		cmocka_unit_test_setup_teardown(test_attach_group_all_or_nothing,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_attach_hot_add_joins_domain,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_attach_iommu_mismatch,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_attach_owner_rules, plat_setup,
						plat_teardown),
		cmocka_unit_test_setup_teardown(test_attach_pasid_rules, plat_setup,
						plat_teardown),
		cmocka_unit_test_setup_teardown(
			test_attach_pasid_translate_and_faults, plat_setup,
			plat_teardown),
		cmocka_unit_test_setup_teardown(
			test_attach_identity_group_passes_through, plat_setup,
			plat_teardown),
		cmocka_unit_test_setup_teardown(
			test_attach_native_pasid_blocks_claim, plat_setup,
			plat_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
