// SPDX-License-Identifier: MIT
/*
 * Fail-the-Nth-allocation sweeps: IOMMU and domain allocation, a map that
 * needs tables at several levels, a split unmap, and an unmap that frees
 * tables (which must allocate nothing). After every injected failure the page table
 * must be bit-for-bit what it was: every present entry of every table, at
 * the same addresses, with the same counts.
 */
#include <string.h>

#include "helpers.h"
#include "iommu/iommu_priv.h"
#include "sweep.h"
#include "util/alloc.h"

/* Every present entry of the table tree, as (level << 9 | index, entry) pairs. */
struct dump {
	uint64_t *v;
	size_t n, cap;
};

static void dump_push(struct dump *d, uint64_t x)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 1024;
		d->v = realloc(d->v, d->cap * sizeof(*d->v));
		assert_non_null(d->v);
	}
	d->v[d->n++] = x;
}

static void dump_table(struct dump *d, const uint64_t *t, unsigned int level)
{
	unsigned int i;

	for (i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (!(e & IOASID__PTE_PROT))
			continue;
		dump_push(d, (uint64_t)level << 9 | i);
		dump_push(d, e);
		if (level > 1 && !(e & IOASID__PTE_PS))
			dump_table(d, (const uint64_t *)(uintptr_t)(e & IOASID__PTE_ADDR),
				   level - 1);
	}
}

static struct dump dump_domain(struct ioasid_domain *dom)
{
	struct dump d = { 0 };

	dump_table(&d, dom->pt.root, dom->pt.levels);
	dump_push(&d, dom->pt.nr_tables);
	dump_push(&d, dom->pt.root_count);
	return d;
}

static void assert_dump_equal(struct dump *a, struct dump *b)
{
	assert_int_equal(a->n, b->n);
	assert_memory_equal(a->v, b->v, a->n * sizeof(*a->v));
}

struct sweep_ctx {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
	struct dump before;
	struct ioasid_domain_info info;
	unsigned long failures;
};

static void ctx_snapshot(struct sweep_ctx *c)
{
	free(c->before.v);
	c->before = dump_domain(c->dom);
	ioasid_domain_query(c->dom, &c->info);
}

/* The domain is exactly as at the last snapshot. */
static void ctx_assert_unchanged(struct sweep_ctx *c)
{
	struct dump now = dump_domain(c->dom);
	struct ioasid_domain_info info;

	assert_dump_equal(&now, &c->before);
	ioasid_domain_query(c->dom, &info);
	assert_memory_equal(&info, &c->info, sizeof(info));
	free(now.v);
}

/* ------------------------------------------------------------------------
 * Instances and domains
 */

static int step_iommu_alloc(void *arg)
{
	static const struct ioasid_iova_range res[2] = { { 0, KIB(4) - 1 }, { MIB(1), MIB(2) - 1 } };
	struct sweep_ctx *c = arg;
	struct ioasid_iommu_caps caps;

	ioasid_iommu_caps_init(&caps);
	caps.name = "sweep";
	caps.reserved = res;
	caps.nr_reserved = 2;
	c->iommu = NULL;
	return ioasid_iommu_alloc(&caps, &c->iommu);
}

static void check_alloc(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;

	if (fired) {
		assert_int_equal(ret, -ENOMEM);
		c->failures++;
	} else {
		assert_int_equal(ret, 0);
	}
}

static void check_iommu_alloc(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;

	check_alloc(ret, fired, arg);
	if (fired)
		assert_null(c->iommu);
	ioasid_iommu_free(c->iommu);
}

static void test_sweep_iommu_alloc(void **state)
{
	struct sweep_ctx c = { 0 };

	/* The instance, its name, its reserved ranges, its IOTLB. */
	assert_int_equal(sweep_alloc_failures(step_iommu_alloc, check_iommu_alloc, &c), 4);
	assert_int_equal(c.failures, 4);
	(void)state;
}

static int step_domain_alloc(void *arg)
{
	struct sweep_ctx *c = arg;

	c->dom = NULL;
	return ioasid_domain_alloc(c->iommu, IOASID_DOMAIN_PAGING, 0, &c->dom);
}

static void check_domain_alloc(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;

	check_alloc(ret, fired, arg);
	if (fired)
		assert_null(c->dom);
	assert_int_equal(ioasid_domain_free(c->dom), 0);
}

static void test_sweep_domain_alloc(void **state)
{
	struct sweep_ctx c = { 0 };

	c.iommu = iommu_new(48, PGSIZES_ALL);
	/* The domain and its root table. */
	assert_int_equal(sweep_alloc_failures(step_domain_alloc, check_domain_alloc, &c), 2);
	ioasid_iommu_free(c.iommu);
	(void)state;
}

/* ------------------------------------------------------------------------
 * Map and unmap
 */

static void ctx_setup(struct sweep_ctx *c)
{
	c->iommu = iommu_new(48, PGSIZES_ALL);
	c->dom = paging_new(c->iommu);
	/* Existing mappings the failed calls must leave alone. */
	assert_int_equal(ioasid_domain_map(c->dom, GIB(512) - MIB(8), GIB(8), MIB(2), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(c->dom, GIB(512) - MIB(10), GIB(9), KIB(4), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(c->dom, GIB(600), GIB(10), KIB(4), PROT_RW, 0), 0);
	ctx_snapshot(c);
}

static void ctx_teardown(struct sweep_ctx *c)
{
	assert_int_equal(ioasid_domain_unmap(c->dom, 0, UINT64_MAX, 0, NULL), 0);
	assert_domain_empty(c->dom);
	assert_int_equal(ioasid_domain_free(c->dom), 0);
	ioasid_iommu_free(c->iommu);
	free(c->before.v);
}

/* Across the 512 GiB boundary: ragged 4K edges, 2M leaves, new tables at every level. */
#define MAP_IOVA (GIB(512) - MIB(4) - KIB(8))
#define MAP_LEN (MIB(8) + KIB(16))
#define MAP_PHYS (GIB(20) - MIB(4) - KIB(8))

static int step_map(void *arg)
{
	struct sweep_ctx *c = arg;

	return ioasid_domain_map(c->dom, MAP_IOVA, MAP_PHYS, MAP_LEN, PROT_RW, 0);
}

static void check_map(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	uint64_t phys, n;

	check_alloc(ret, fired, arg);
	if (!fired) {
		assert_int_equal(ioasid_domain_iova_to_phys(c->dom, MAP_IOVA + MAP_LEN - 1, &phys), 0);
		assert_int_equal(phys, MAP_PHYS + MAP_LEN - 1);
		assert_int_equal(ioasid_domain_unmap(c->dom, MAP_IOVA, MAP_LEN, 0, &n), 0);
		assert_int_equal(n, MAP_LEN);
	}
	ctx_assert_unchanged(c);
}

static void test_sweep_map_leaves_table_unchanged(void **state)
{
	struct sweep_ctx c = { 0 };

	ctx_setup(&c);
	/* An L1 for the left edge; an L2 and an L1 beyond 512 GiB (the L3 exists). */
	assert_int_equal(sweep_alloc_failures(step_map, check_map, &c), 3);
	printf("map: %lu injected failures, table unchanged after each\n", c.failures);
	ctx_teardown(&c);
	(void)state;
}

/* A 4 KiB hole out of the middle of a 1 GiB leaf: four split tables. */
#define HOLE (GIB(8) + MIB(301) + KIB(12))

static int step_split(void *arg)
{
	struct sweep_ctx *c = arg;

	return ioasid_domain_unmap(c->dom, HOLE, KIB(4), IOASID_UNMAP_SPLIT, NULL);
}

static void check_split(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	uint64_t phys;

	check_alloc(ret, fired, arg);
	if (fired) {
		ctx_assert_unchanged(c);
		return;
	}
	assert_int_equal(ioasid_domain_iova_to_phys(c->dom, HOLE, &phys), -ENOENT);
	assert_int_equal(ioasid_domain_iova_to_phys(c->dom, HOLE + KIB(4), &phys), 0);
	assert_int_equal(phys, GIB(5) + MIB(301) + KIB(16));
}

static void test_sweep_split_unmap_leaves_table_unchanged(void **state)
{
	struct sweep_ctx c = { 0 };

	ctx_setup(&c);
	assert_int_equal(ioasid_domain_map(c.dom, GIB(8), GIB(5), GIB(1), PROT_RW, 0), 0);
	ctx_snapshot(&c);
	/* 1G -> 2M -> 4K at both ends of the hole, computed before splitting. */
	assert_int_equal(sweep_alloc_failures(step_split, check_split, &c), 4);
	ctx_teardown(&c);
	(void)state;
}

/* Unmapping a lone page frees three tables, through the deferred reclaim. */
static int step_unmap_reclaim(void *arg)
{
	struct sweep_ctx *c = arg;

	return ioasid_domain_unmap(c->dom, GIB(600), KIB(4), 0, NULL);
}

static void check_unmap_reclaim(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	uint64_t phys;

	assert_int_equal(ret, 0);
	assert_false(fired);
	assert_int_equal(ioasid_domain_iova_to_phys(c->dom, GIB(600), &phys), -ENOENT);
	assert_int_equal(ioasid_domain_map(c->dom, GIB(600), GIB(10), KIB(4), PROT_RW, 0), 0);
}

static void test_sweep_unmap_allocates_nothing(void **state)
{
	struct sweep_ctx c = { 0 };

	ctx_setup(&c);
	assert_int_equal(sweep_alloc_failures(step_unmap_reclaim, check_unmap_reclaim, &c), 0);
	ctx_teardown(&c);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_iommu_alloc),
		cmocka_unit_test(test_sweep_domain_alloc),
		cmocka_unit_test(test_sweep_map_leaves_table_unchanged),
		cmocka_unit_test(test_sweep_split_unmap_leaves_table_unchanged),
		cmocka_unit_test(test_sweep_unmap_allocates_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
