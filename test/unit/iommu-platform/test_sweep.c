// SPDX-License-Identifier: MIT
/*
 * Fail-the-Nth-allocation sweeps over whole lifecycles: platform build,
 * groups with devices, claims, notifiers and attachments, and containers
 * of both models. Every step unwinds what it did when a call fails; the
 * checks assert that any failure was the injected -ENOMEM and that the
 * platform holds no group, device, claim or attachment afterwards (ASan
 * checks the memory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "sweep.h"

static void assert_platform_empty(struct ioasid_platform *p)
{
	struct ioasid_platform_info info;

	ioasid_platform_query(p, &info);
	assert_int_equal(info.nr_groups, 0);
	assert_int_equal(info.nr_devices, 0);
	assert_int_equal(info.nr_owned_groups, 0);
	assert_int_equal(info.nr_attached, 0);
}

/* A step may absorb a failed allocation and still succeed (the domain
 * layer falls back to synchronous reclaim; a container keeps its narrower
 * IOVA ranges when it cannot recompute wider ones). Any failure it
 * reports must be the injected one. */
static void check_ret(int ret, int fired, void *arg)
{
	if (ret) {
		assert_true(fired);
		assert_int_equal(ret, -ENOMEM);
	}
}

static void check_empty(int ret, int fired, void *arg)
{
	struct plat_fixture *f = arg;

	check_ret(ret, fired, arg);
	assert_platform_empty(f->p);
}

/* ------------------------------------------------------------------------
 * A platform built and torn down.
 */

static int platform_step(void *arg)
{
	struct ioasid_iommu_caps caps;
	struct ioasid_platform *p;
	struct ioasid_iommu *iommu;
	struct ioasid_device_desc desc = { .name = "d0", .ssid_bits = 4 };
	struct ioasid_device *dev;
	struct ioasid_group *g;
	int ret;

	ioasid_iommu_caps_init(&caps);
	ret = ioasid_platform_alloc(&p);
	if (ret)
		return ret;
	ret = ioasid_iommu_alloc(&caps, &iommu);
	if (ret)
		goto free_platform;
	ret = ioasid_platform_add_iommu(p, iommu);
	if (ret) {
		ioasid_iommu_free(iommu);
		goto free_platform;
	}
	desc.iommu = iommu;
	ret = ioasid_device_alloc(p, &desc, &dev);
	if (ret)
		goto free_platform;
	ret = ioasid_group_alloc(p, "g", IOASID_GROUP_TYPE_DMA, &g);
	if (ret)
		goto free_platform;
	ret = ioasid_group_add_device(g, dev);
	/* The platform tears down whatever was built. */
free_platform:
	ioasid_platform_free(p);
	return ret;
}

static void test_sweep_platform_build(void **state)
{
	unsigned long n = sweep_alloc_failures(platform_step, check_ret, NULL);

	print_message("%lu allocation failure points\n", n);
	assert_true(n > 5);
}

/* ------------------------------------------------------------------------
 * A group's whole life: devices, notifier, claim, attachments.
 */

static void noop_event(const struct ioasid_group_event_data *ev, void *arg)
{
	(*(int *)arg)++;
}

struct group_run {
	struct ioasid_group *g;
	struct ioasid_device *d[2];
	struct ioasid_group_notifier *n;
	struct ioasid_domain *dom;
	struct test_owner owner;
	int events;
};

static int group_life(struct plat_fixture *f, struct group_run *r)
{
	struct ioasid_device_desc desc = { .iommu = f->iommu, .ssid_bits = 8 };
	int ret;

	ret = ioasid_group_alloc(f->p, "life", IOASID_GROUP_TYPE_DMA, &r->g);
	if (ret)
		return ret;
	for (int i = 0; i < 2; i++) {
		desc.name = "fn";
		desc.parent = i ? "pci0000:01" : "pci0000:00";
		ret = ioasid_device_alloc(f->p, &desc, &r->d[i]);
		if (!ret)
			ret = ioasid_group_add_device(r->g, r->d[i]);
		if (ret)
			return ret;
	}
	ret = ioasid_group_notifier_register(r->g, noop_event, &r->events, &r->n);
	if (!ret)
		ret = ioasid_device_bind_driver(r->d[0], "native");
	if (!ret)
		ret = ioasid_group_claim(r->g, &r->owner.owner,
					 IOASID_CLAIM_DETACH_DRIVERS);
	if (ret)
		return ret;
	ret = ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_PAGING, 0, &r->dom);
	if (!ret)
		ret = ioasid_domain_map(r->dom, 0x10000, 0x20000, 0x1000,
					IOASID_PROT_READ, 0);
	if (!ret)
		ret = ioasid_group_attach(r->g, &r->owner.owner, r->dom);
	for (ioasid_t pasid = 1; pasid < 6 && !ret; pasid++)
		ret = ioasid_device_attach_pasid(r->d[1], &r->owner.owner, pasid,
						 r->dom);
	if (!ret)
		ret = ioasid_device_detach_pasid(r->d[1], &r->owner.owner, 3);
	if (!ret)
		ret = ioasid_device_attach_pasid(r->d[1], &r->owner.owner, 9, r->dom);
	return ret;
}

static void group_unwind(struct group_run *r)
{
	if (r->g && r->dom)
		ioasid_group_detach(r->g, &r->owner.owner);
	if (r->g)
		ioasid_group_release(r->g, &r->owner.owner);
	ioasid_group_notifier_unregister(r->n);
	for (int i = 0; i < 2; i++)
		ioasid_device_free(r->d[i]);
	ioasid_group_put(r->g);
	assert_int_equal(ioasid_domain_free(r->dom), 0);
}

static int group_step(void *arg)
{
	struct group_run r;
	int ret;

	memset(&r, 0, sizeof(r));
	test_owner_init(&r.owner, "sweeper");
	ret = group_life(arg, &r);
	group_unwind(&r);
	return ret;
}

static void test_sweep_group_lifecycle(void **state)
{
	unsigned long n = sweep_alloc_failures(group_step, check_empty, *state);

	print_message("%lu allocation failure points\n", n);
	assert_true(n > 10);
}

/* ------------------------------------------------------------------------
 * Containers.
 */

struct container_run {
	struct ioasid_group *g[2];
	struct ioasid_device *d[2];
	struct ioasid_iommu *second;
	struct ioasid_container *c;
};

static int container_devices(struct plat_fixture *f, struct container_run *r)
{
	struct ioasid_device_desc desc = { .ssid_bits = 4 };
	int ret;

	for (int i = 0; i < 2; i++) {
		desc.name = i ? "b" : "a";
		desc.iommu = i ? r->second : f->iommu;
		ret = ioasid_group_alloc(f->p, NULL, IOASID_GROUP_TYPE_DMA, &r->g[i]);
		if (!ret)
			ret = ioasid_device_alloc(f->p, &desc, &r->d[i]);
		if (!ret)
			ret = ioasid_group_add_device(r->g[i], r->d[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int container_map_some(struct ioasid_container *c)
{
	struct ioasid_dma_map m = { .flags = IOASID_DMA_MAP_FLAG_READ,
				    .size = 0x3000 };
	int ret = 0;

	for (int i = 0; i < 8 && !ret; i++) {
		m.iova = 0x100000ull * (uint64_t)(i + 1);
		m.vaddr = 0x40000000ull + 0x10000ull * (uint64_t)i;
		ret = ioasid_container_map_dma(c, &m);
	}
	return ret;
}

/* Devices, a container holding the first group with the model type set,
 * and a few mappings: the start both models' lives share. */
static int container_start(struct plat_fixture *f, struct container_run *r,
			   uint32_t type)
{
	int ret = container_devices(f, r);

	if (!ret)
		ret = ioasid_container_alloc(f->p, NULL, &r->c);
	if (!ret)
		ret = ioasid_container_attach_group(r->c, r->g[0]);
	if (!ret)
		ret = ioasid_container_set_iommu(r->c, type);
	if (!ret)
		ret = container_map_some(r->c);
	return ret;
}

static int type1_life(struct plat_fixture *f, struct container_run *r)
{
	struct ioasid_dma_unmap u = { .iova = 0x300000, .size = 0x200000 };
	struct ioasid_container_info info;
	uint64_t bytes;
	int ret = container_start(f, r, IOASID_VFIO_TYPE1v2_IOMMU);

	/* A group behind another IOMMU: a new domain and a replay. */
	if (!ret)
		ret = ioasid_container_attach_group(r->c, r->g[1]);
	if (!ret)
		ret = ioasid_container_attach_pasid(r->c, r->d[0], 3);
	if (!ret)
		ret = ioasid_container_attach_pasid(r->c, r->d[1], 3);
	if (!ret)
		ret = ioasid_container_get_info(r->c, &info);
	if (!ret)
		ret = ioasid_container_unmap_dma(r->c, &u, &bytes);
	if (!ret)
		ret = ioasid_container_detach_group(r->c, r->g[1]);
	return ret;
}

static int spapr_life(struct plat_fixture *f, struct container_run *r)
{
	struct ioasid_dma_unmap u = { .iova = 0x301000, .size = 0x1000 };
	uint64_t bytes;
	int ret = container_start(f, r, IOASID_VFIO_SPAPR_TCE_IOMMU);

	if (!ret)
		ret = ioasid_container_unmap_dma(r->c, &u, &bytes);
	if (!ret)
		ret = ioasid_container_detach_group(r->c, r->g[0]);
	return ret;
}

static void container_unwind(struct container_run *r)
{
	ioasid_container_free(r->c);
	for (int i = 0; i < 2; i++) {
		ioasid_device_free(r->d[i]);
		ioasid_group_put(r->g[i]);
	}
}

static int container_step(void *arg, bool spapr)
{
	struct plat_fixture *f = arg;
	struct container_run r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.second = ioasid_platform_iommu(f->p, 1);
	ret = spapr ? spapr_life(f, &r) : type1_life(f, &r);
	container_unwind(&r);
	return ret;
}

static int type1_step(void *arg)
{
	return container_step(arg, false);
}

static int spapr_step(void *arg)
{
	return container_step(arg, true);
}

static int second_iommu_setup(void **state)
{
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *iommu;
	struct plat_fixture *f;

	plat_setup(state);
	f = *state;
	ioasid_iommu_caps_init(&caps);
	caps.pgsize_bitmap = IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M;
	assert_int_equal(ioasid_iommu_alloc(&caps, &iommu), 0);
	assert_int_equal(ioasid_platform_add_iommu(f->p, iommu), 0);
	return 0;
}

static void test_sweep_container_type1(void **state)
{
	unsigned long n = sweep_alloc_failures(type1_step, check_empty, *state);

	print_message("%lu allocation failure points\n", n);
	assert_true(n > 10);
}

static void test_sweep_container_spapr(void **state)
{
	unsigned long n = sweep_alloc_failures(spapr_step, check_empty, *state);

	print_message("%lu allocation failure points\n", n);
	assert_true(n > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_platform_build),
		cmocka_unit_test_setup_teardown(test_sweep_group_lifecycle,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_sweep_container_type1,
						second_iommu_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(test_sweep_container_spapr,
						second_iommu_setup, plat_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
