// SPDX-License-Identifier: MIT
/*
 * IOTLB coherence and controls: hit/miss counting, invalidation by map and
 * unmap, every invalidation granularity, eviction, argument checks of
 * translate and invalidate. Whether a translation was a hit is read from
 * the hit counter around it.
 */
#include <string.h>

#include "helpers.h"

#define R IOASID_ACCESS_READ
#define W IOASID_ACCESS_WRITE

struct fixture {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *a, *b;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->iommu = iommu_new(48, PGSIZES_ALL);
	f->a = paging_new(f->iommu);
	f->b = paging_new(f->iommu);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain *doms[2] = { f->a, f->b };
	int i;

	for (i = 0; i < 2; i++) {
		ioasid_domain_unmap(doms[i], 0, UINT64_MAX, 0, NULL);
		assert_domain_empty(doms[i]);
		assert_int_equal(ioasid_domain_free(doms[i]), 0);
	}
	ioasid_iommu_free(f->iommu);
	free(f);
	return 0;
}

static struct ioasid_iotlb_stats stats(struct ioasid_iommu *iommu)
{
	struct ioasid_iotlb_stats s;

	ioasid_iommu_iotlb_stats(iommu, &s);
	return s;
}

/* Translate for reading and return 1 on an IOTLB hit, 0 on a miss. */
static int probe(struct ioasid_iommu *iommu, struct ioasid_domain *dom, uint32_t pasid,
		 uint64_t iova, uint64_t want)
{
	uint64_t hits = stats(iommu).hits, phys = 0;

	assert_int_equal(ioasid_iommu_translate(iommu, dom, 1, pasid, iova, R, &phys), 0);
	assert_int_equal(phys, want);
	return (int)(stats(iommu).hits - hits);
}

static void test_iotlb_counts_hits_and_misses(void **state)
{
	struct fixture *f = *state;
	struct ioasid_iotlb_stats s;

	assert_int_equal(ioasid_domain_map(f->a, MIB(1), GIB(1), KIB(8), PROT_RW, 0), 0);
	s = stats(f->iommu);
	assert_int_equal(s.hits + s.misses + s.fills, 0);
	assert_int_equal(s.entries, IOASID_IOTLB_ENTRIES_DEFAULT);
	assert_int_equal(s.ways, 4);
	assert_int_equal(probe(f->iommu, f->a, 0, MIB(1) + 5, GIB(1) + 5), 0);
	assert_int_equal(probe(f->iommu, f->a, 0, MIB(1) + 9, GIB(1) + 9), 1);
	/* Another page, another PASID: separate entries. */
	assert_int_equal(probe(f->iommu, f->a, 0, MIB(1) + KIB(4), GIB(1) + KIB(4)), 0);
	assert_int_equal(probe(f->iommu, f->a, 7, MIB(1), GIB(1)), 0);
	assert_int_equal(probe(f->iommu, f->a, 7, MIB(1), GIB(1)), 1);
	s = stats(f->iommu);
	assert_int_equal(s.hits, 2);
	assert_int_equal(s.misses, 3);
	assert_int_equal(s.fills, 3);
	/* Faults are not cached: an unmapped page misses every time. */
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 1, 0, 0, R, &(uint64_t){ 0 }),
			 -EFAULT);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 1, 0, 0, R, &(uint64_t){ 0 }),
			 -EFAULT);
	s = stats(f->iommu);
	assert_int_equal(s.misses, 5);
	assert_int_equal(s.fills, 3);
}

static void test_iotlb_unmap_then_translate_faults(void **state)
{
	struct fixture *f = *state;
	uint64_t phys = 0;
	struct ioasid_fault fault;

	assert_int_equal(ioasid_domain_map(f->a, MIB(1), GIB(1), KIB(4), PROT_RW, 0), 0);
	assert_int_equal(probe(f->iommu, f->a, 3, MIB(1), GIB(1)), 0);
	assert_int_equal(probe(f->iommu, f->a, 3, MIB(1), GIB(1)), 1);
	assert_int_equal(ioasid_domain_unmap(f->a, MIB(1), KIB(4), 0, NULL), 0);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 9, 3, MIB(1) + 4, W, &phys),
			 -EFAULT);
	assert_int_equal(ioasid_domain_fault_read(f->a, &fault, 1, NULL), 1);
	assert_int_equal(fault.devid, 9);
	assert_int_equal(fault.pasid, 3);
	assert_int_equal(fault.addr, MIB(1) + 4);
	assert_int_equal(fault.access, W);
	assert_int_equal(fault.reason, IOASID_FAULT_UNMAPPED);
	/* Mapped again elsewhere: the old translation must not come back. */
	assert_int_equal(ioasid_domain_map(f->a, MIB(1), GIB(2), KIB(4), PROT_RW, 0), 0);
	assert_int_equal(probe(f->iommu, f->a, 3, MIB(1), GIB(2)), 0);
}

static void test_iotlb_split_unmap_invalidates_the_hole_only(void **state)
{
	struct fixture *f = *state;
	uint64_t i, phys;

	assert_int_equal(ioasid_domain_map(f->a, MIB(2), MIB(4), MIB(2), PROT_RW, 0), 0);
	for (i = 0; i < 8; i++)
		probe(f->iommu, f->a, 0, MIB(2) + i * KIB(4), MIB(4) + i * KIB(4));
	assert_int_equal(ioasid_domain_unmap(f->a, MIB(2) + KIB(12), KIB(4), IOASID_UNMAP_SPLIT,
					     NULL), 0);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 1, 0, MIB(2) + KIB(12), R, &phys),
			 -EFAULT);
	assert_int_equal(probe(f->iommu, f->a, 0, MIB(2) + KIB(8), MIB(4) + KIB(8)), 1);
	assert_int_equal(probe(f->iommu, f->a, 0, MIB(2) + KIB(16), MIB(4) + KIB(16)), 1);
	assert_int_equal(ioasid_domain_fault_read(f->a, &(struct ioasid_fault){ 0 }, 1, NULL), 1);
}

/* Warm (dom, pasid, page) for a and b, pasids 1 and 2, pages 0..3. */
static void warm(struct fixture *f)
{
	struct ioasid_domain *doms[2] = { f->a, f->b };
	uint32_t d, pasid, pg;

	for (d = 0; d < 2; d++)
		for (pasid = 1; pasid <= 2; pasid++)
			for (pg = 0; pg < 4; pg++)
				probe(f->iommu, doms[d], pasid, MIB(1) + pg * KIB(4),
				      GIB(1 + d) + pg * KIB(4));
}

static int hit(struct fixture *f, struct ioasid_domain *dom, uint32_t pasid, uint32_t pg)
{
	return probe(f->iommu, dom, pasid, MIB(1) + pg * KIB(4),
		     GIB(dom == f->a ? 1 : 2) + pg * KIB(4));
}

static void invalidate(struct fixture *f, uint32_t granule, uint32_t flags,
		       struct ioasid_domain *dom, uint32_t pasid, uint64_t iova, uint64_t len)
{
	struct ioasid_iotlb_inv inv = {
		.granule = granule, .flags = flags, .domain = dom, .pasid = pasid,
		.iova = iova, .length = len,
	};

	assert_int_equal(ioasid_iommu_iotlb_invalidate(f->iommu, &inv), 0);
}

static void test_iotlb_invalidation_granularities(void **state)
{
	struct fixture *f = *state;
	uint64_t inv0;

	assert_int_equal(ioasid_domain_map(f->a, MIB(1), GIB(1), KIB(16), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(f->b, MIB(1), GIB(2), KIB(16), PROT_RW, 0), 0);
	inv0 = stats(f->iommu).invalidations;
	warm(f);
	/* ADDR: one page of one PASID (a byte range widens to its page). */
	invalidate(f, IOASID_IOTLB_INV_ADDR, 0, f->a, 1, MIB(1) + KIB(4) + 100, 1);
	assert_int_equal(hit(f, f->a, 1, 1), 0);
	assert_int_equal(hit(f, f->a, 1, 0) + hit(f, f->a, 1, 2) + hit(f, f->a, 2, 1), 3);
	assert_int_equal(hit(f, f->b, 1, 1), 1);
	/* ADDR for every PASID, two pages. */
	invalidate(f, IOASID_IOTLB_INV_ADDR, IOASID_IOTLB_INV_F_ALL_PASIDS, f->a, 0,
		   MIB(1) + KIB(8), KIB(8));
	assert_int_equal(hit(f, f->a, 1, 2) + hit(f, f->a, 2, 2) + hit(f, f->a, 2, 3), 0);
	assert_int_equal(hit(f, f->a, 2, 1) + hit(f, f->b, 2, 2), 2);
	/* PASID of one domain, then a PASID in every domain. */
	warm(f);
	invalidate(f, IOASID_IOTLB_INV_PASID, 0, f->a, 2, 0, 0);
	assert_int_equal(hit(f, f->a, 2, 0) + hit(f, f->a, 2, 3), 0);
	assert_int_equal(hit(f, f->a, 1, 0) + hit(f, f->b, 2, 0), 2);
	invalidate(f, IOASID_IOTLB_INV_PASID, 0, NULL, 1, 0, 0);
	assert_int_equal(hit(f, f->a, 1, 3) + hit(f, f->b, 1, 3), 0);
	assert_int_equal(hit(f, f->b, 2, 3), 1);
	/* A whole domain (address space). */
	warm(f);
	invalidate(f, IOASID_IOTLB_INV_DOMAIN, 0, f->a, 0, 0, 0);
	assert_int_equal(hit(f, f->a, 1, 0) + hit(f, f->a, 2, 3), 0);
	assert_int_equal(hit(f, f->b, 1, 0) + hit(f, f->b, 2, 3), 2);
	/* Everything. */
	warm(f);
	invalidate(f, IOASID_IOTLB_INV_GLOBAL, 0, NULL, 0, 0, 0);
	assert_int_equal(hit(f, f->a, 1, 0) + hit(f, f->b, 2, 3) + hit(f, f->b, 1, 1), 0);
	assert_int_equal(stats(f->iommu).invalidations - inv0, 6);
}

static void test_iotlb_invalidate_rejects_bad_requests(void **state)
{
	struct fixture *f = *state;
	struct ioasid_iommu *other = iommu_new(48, PGSIZES_ALL);
	struct ioasid_domain *od = paging_new(other);
	struct ioasid_iotlb_inv inv;
	uint64_t inv0 = stats(f->iommu).invalidations;

#define INV(...) (inv = (struct ioasid_iotlb_inv){ __VA_ARGS__ }, \
		  ioasid_iommu_iotlb_invalidate(f->iommu, &inv))
	assert_int_equal(INV(.granule = 4), -EOPNOTSUPP);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_DOMAIN, .domain = f->a, .flags = 1),
			 -EOPNOTSUPP);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_ADDR, .domain = f->a, .flags = 2,
			     .length = 1), -EOPNOTSUPP);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_GLOBAL, .__reserved = 1), -EOPNOTSUPP);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_DOMAIN), -EINVAL);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_ADDR, .length = 1), -EINVAL);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_DOMAIN, .domain = od), -EINVAL);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_PASID, .pasid = 1u << 20), -EINVAL);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_ADDR, .domain = f->a, .length = 0),
			 -EINVAL);
	assert_int_equal(INV(.granule = IOASID_IOTLB_INV_ADDR, .domain = f->a,
			     .iova = UINT64_MAX, .length = 2), -EOVERFLOW);
	assert_int_equal(stats(f->iommu).invalidations, inv0);
	/* A domain of another IOMMU cannot be translated through this one either. */
	assert_int_equal(ioasid_iommu_translate(f->iommu, od, 0, 0, 0, R, &(uint64_t){ 0 }),
			 -EINVAL);
#undef INV
	assert_int_equal(ioasid_domain_free(od), 0);
	ioasid_iommu_free(other);
}

static void test_iotlb_eviction_keeps_translations_right(void **state)
{
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
	struct ioasid_iotlb_stats s;
	uint64_t i, round;

	ioasid_iommu_caps_init(&caps);
	caps.iotlb_entries = 4;
	assert_int_equal(ioasid_iommu_alloc(&caps, &iommu), 0);
	dom = paging_new(iommu);
	assert_int_equal(ioasid_domain_map(dom, 0, GIB(1), MIB(1), PROT_RW, 0), 0);
	for (round = 0; round < 3; round++)
		for (i = 0; i < 256; i++)
			probe(iommu, dom, (uint32_t)(i % 3), i * KIB(4), GIB(1) + i * KIB(4));
	s = stats(iommu);
	assert_int_equal(s.hits + s.misses, 768);
	assert_true(s.misses > 700);
	assert_int_equal(ioasid_domain_unmap(dom, 0, MIB(1), 0, NULL), 0);
	for (i = 0; i < 256; i++)
		assert_int_equal(ioasid_iommu_translate(iommu, dom, 0, 0, i * KIB(4), R,
							&(uint64_t){ 0 }), -EFAULT);
	assert_int_equal(ioasid_domain_free(dom), 0);
	ioasid_iommu_free(iommu);
	(void)state;
}

static void test_translate_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *nopasid;
	struct ioasid_domain *d;
	struct ioasid_domain_info info;
	uint64_t phys;

	assert_int_equal(ioasid_domain_map(f->a, 0, 0, KIB(4), PROT_RW, 0), 0);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 0, 1u << 20, 0, R, &phys),
			 -EINVAL);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 0, 0, 0, 0, &phys), -EINVAL);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 0, 0, 0, 4, &phys), -EINVAL);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 0, (1u << 20) - 1, 0, R | W,
						&phys), 0);
	ioasid_domain_query(f->a, &info);
	assert_int_equal(info.faults_pending, 0);
	/* Without PASID support only PASID 0 translates. */
	ioasid_iommu_caps_init(&caps);
	caps.pasid_bits = 0;
	assert_int_equal(ioasid_iommu_alloc(&caps, &nopasid), 0);
	d = paging_new(nopasid);
	assert_int_equal(ioasid_domain_map(d, 0, 0, KIB(4), PROT_RW, 0), 0);
	assert_int_equal(ioasid_iommu_translate(nopasid, d, 0, 0, 0, R, &phys), 0);
	assert_int_equal(ioasid_iommu_translate(nopasid, d, 0, 1, 0, R, &phys), -EINVAL);
	assert_int_equal(ioasid_domain_free(d), 0);
	ioasid_iommu_free(nopasid);
}

static void test_translate_checks_permissions(void **state)
{
	struct fixture *f = *state;
	struct ioasid_fault faults[4];
	uint64_t phys;

	assert_int_equal(ioasid_domain_map(f->a, 0, GIB(1), KIB(4), IOASID_PROT_READ, 0), 0);
	assert_int_equal(ioasid_domain_map(f->a, KIB(4), GIB(2), KIB(4), IOASID_PROT_WRITE, 0), 0);
	/* Refused on a miss (walk) and on a hit (cached permissions). */
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 5, 0, 8, W, &phys), -EACCES);
	assert_int_equal(probe(f->iommu, f->a, 0, 8, GIB(1) + 8), 1);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 5, 0, 8, R | W, &phys), -EACCES);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 5, 0, KIB(4), W, &phys), 0);
	assert_int_equal(phys, GIB(2));
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 5, 0, KIB(4), R, &phys), -EACCES);
	assert_int_equal(ioasid_domain_fault_read(f->a, faults, 4, NULL), 3);
	assert_int_equal(faults[0].reason, IOASID_FAULT_PERMISSION);
	assert_int_equal(faults[1].access, R | W);
	assert_int_equal(faults[2].addr, KIB(4));
}

static void test_translate_identity_and_blocked(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain *id, *blk;
	struct ioasid_fault fault;
	uint64_t phys = 0;

	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_IDENTITY, 0, &id), 0);
	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_BLOCKED, 0, &blk), 0);
	assert_int_equal(ioasid_iommu_translate(f->iommu, id, 2, 5, GIB(7) + 3, W, &phys), 0);
	assert_int_equal(phys, GIB(7) + 3);
	assert_int_equal(ioasid_iommu_translate(f->iommu, id, 2, 5, IOASID_MSI_WINDOW_START, W,
						&phys), -EFAULT);
	assert_int_equal(ioasid_iommu_translate(f->iommu, id, 2, 5, 1ull << 48, R, &phys),
			 -EFAULT);
	assert_int_equal(ioasid_domain_fault_read(id, &fault, 1, NULL), 1);
	assert_int_equal(fault.reason, IOASID_FAULT_RESERVED);
	assert_int_equal(ioasid_iommu_translate(f->iommu, blk, 2, 0, 0, R, &phys), -EFAULT);
	assert_int_equal(ioasid_domain_fault_read(blk, &fault, 1, NULL), 1);
	assert_int_equal(fault.reason, IOASID_FAULT_BLOCKED);
	/* A paging domain: outside the aperture and reserved are RESERVED faults. */
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 2, 0, 1ull << 48, R, &phys),
			 -EFAULT);
	assert_int_equal(ioasid_iommu_translate(f->iommu, f->a, 2, 0, IOASID_MSI_WINDOW_LAST, R,
						&phys), -EFAULT);
	assert_int_equal(ioasid_domain_fault_read(f->a, &fault, 1, NULL), 1);
	assert_int_equal(fault.reason, IOASID_FAULT_RESERVED);
	assert_int_equal(ioasid_domain_fault_read(f->a, &fault, 1, NULL), 1);
	assert_int_equal(fault.reason, IOASID_FAULT_RESERVED);
	assert_int_equal(ioasid_domain_free(id), 0);
	assert_int_equal(ioasid_domain_free(blk), 0);
}

static void test_iotlb_freed_domain_leaves_nothing_stale(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain *c = paging_new(f->iommu), *d;

	assert_int_equal(ioasid_domain_map(c, MIB(1), GIB(1), KIB(4), PROT_RW, 0), 0);
	probe(f->iommu, c, 0, MIB(1), GIB(1));
	assert_int_equal(ioasid_domain_free(c), 0);
	/* Whatever the allocator hands out next, its translations are its own. */
	d = paging_new(f->iommu);
	assert_int_equal(ioasid_domain_map(d, MIB(1), GIB(3), KIB(4), PROT_RW, 0), 0);
	assert_int_equal(probe(f->iommu, d, 0, MIB(1), GIB(3)), 0);
	assert_int_equal(ioasid_domain_free(d), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_iotlb_counts_hits_and_misses),
		T(test_iotlb_unmap_then_translate_faults),
		T(test_iotlb_split_unmap_invalidates_the_hole_only),
		T(test_iotlb_invalidation_granularities),
		T(test_iotlb_invalidate_rejects_bad_requests),
		cmocka_unit_test(test_iotlb_eviction_keeps_translations_right),
		T(test_translate_rejects_bad_arguments),
		T(test_translate_checks_permissions),
		T(test_translate_identity_and_blocked),
		T(test_iotlb_freed_domain_leaves_nothing_stale),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
