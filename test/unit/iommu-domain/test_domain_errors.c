// SPDX-License-Identifier: MIT
/*
 * Error paths of IOMMU instances and domains: every errno row of
 * ioasid/iommu/domain.h (DESIGN.md §4, iommufd IOAS rules), each checked to
 * change nothing.
 */
#include <string.h>

#include "helpers.h"
#include "iommu/domain_internal.h"

/* Teardown asserts the domain is back to its root table before freeing. */
static int teardown(void **state)
{
	struct dom_fixture *f = *state;
	uint64_t n;

	ioasid_domain_unmap(f->dom, 0, UINT64_MAX, 0, &n);
	return dom_fixture_free(f);
}

/* Snapshot of what a failed call must not change. */
static void assert_same_info(struct ioasid_domain *dom, const struct ioasid_domain_info *before)
{
	struct ioasid_domain_info now;

	ioasid_domain_query(dom, &now);
	assert_memory_equal(&now, before, sizeof(now));
}

/* ------------------------------------------------------------------------
 * IOMMU capabilities
 */

static int caps_alloc(const struct ioasid_iommu_caps *caps)
{
	struct ioasid_iommu *iommu = NULL;
	int ret = ioasid_iommu_alloc(caps, &iommu);

	ioasid_iommu_free(iommu);
	return ret;
}

static void test_iommu_caps_rejects_bad_values(void **state)
{
	static const struct ioasid_iova_range unaligned = { 0x1000, 0x1ffe };
	static const struct ioasid_iova_range backwards = { 0x2000, 0xfff };
	struct ioasid_iommu_caps c;

	ioasid_iommu_caps_init(&c);
	assert_int_equal(caps_alloc(&c), 0);
	c.pasid_bits = 21;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	ioasid_iommu_caps_init(&c);
	c.addr_width = 40;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.addr_width = 64;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	ioasid_iommu_caps_init(&c);
	c.pgsize_bitmap = IOASID_PAGE_SIZE_2M;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.pgsize_bitmap = IOASID_PAGE_SIZE_4K | KIB(64);
	assert_int_equal(caps_alloc(&c), -EINVAL);
	ioasid_iommu_caps_init(&c);
	c.aperture = (struct ioasid_iova_range){ 0x800, MIB(1) - 1 };
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.aperture = (struct ioasid_iova_range){ 0, MIB(1) };
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.aperture = (struct ioasid_iova_range){ MIB(2), MIB(1) - 1 };
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.aperture = (struct ioasid_iova_range){ 0, (1ull << 48) + MIB(1) - 1 };
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.aperture = (struct ioasid_iova_range){ MIB(1), 0 };
	assert_int_equal(caps_alloc(&c), -EINVAL);
	ioasid_iommu_caps_init(&c);
	c.reserved = &unaligned;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.reserved = &backwards;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.reserved = NULL;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	ioasid_iommu_caps_init(&c);
	c.iotlb_entries = 6;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.iotlb_entries = 2;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.iotlb_entries = 1u << 21;
	assert_int_equal(caps_alloc(&c), -EINVAL);
	c.iotlb_entries = 4;
	assert_int_equal(caps_alloc(&c), 0);
	ioasid_iommu_caps_init(&c);
	c.flags = 1u << 7;
	assert_int_equal(caps_alloc(&c), -EOPNOTSUPP);
	(void)state;
}

static void test_iommu_caps_width_gives_levels(void **state)
{
	static const uint32_t widths[] = { 39, 48, 57 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct ioasid_iommu *iommu = iommu_new(widths[i], PGSIZES_ALL);
		struct ioasid_domain *dom = paging_new(iommu);
		const struct ioasid_iommu_caps *caps = ioasid_iommu_caps(iommu);
		struct ioasid_domain_info info;

		ioasid_domain_query(dom, &info);
		assert_int_equal(info.levels, 3 + i);
		assert_int_equal(caps->aperture.start, 0);
		assert_int_equal(caps->aperture.last, (1ull << widths[i]) - 1);
		/* The top page of the width maps; the next byte is outside. */
		assert_int_equal(ioasid_domain_map(dom, (1ull << widths[i]) - KIB(4), 0,
						   KIB(4), PROT_RW, 0), 0);
		assert_int_equal(ioasid_domain_map(dom, 1ull << widths[i], 0, KIB(4),
						   PROT_RW, 0), -EINVAL);
		assert_int_equal(ioasid_domain_unmap(dom, 0, UINT64_MAX, 0, NULL), 0);
		assert_domain_empty(dom);
		assert_int_equal(ioasid_domain_free(dom), 0);
		ioasid_iommu_free(iommu);
	}
	(void)state;
}

static void test_iommu_caps_copied_and_sorted(void **state)
{
	struct ioasid_iova_range res[2] = { { GIB(3), GIB(3) + MIB(1) - 1 },
					    { MIB(1), MIB(2) - 1 } };
	char name[] = "dmar7";
	struct ioasid_iommu_caps c;
	struct ioasid_iommu *iommu;
	const struct ioasid_iommu_caps *got;

	ioasid_iommu_caps_init(&c);
	c.name = name;
	c.nr_reserved = 2;
	c.reserved = res;
	assert_int_equal(ioasid_iommu_alloc(&c, &iommu), 0);
	memset(res, 0, sizeof(res));
	name[0] = 'x';
	got = ioasid_iommu_caps(iommu);
	assert_string_equal(got->name, "dmar7");
	assert_int_equal(got->nr_reserved, 2);
	assert_int_equal(got->reserved[0].start, MIB(1));
	assert_int_equal(got->reserved[1].start, GIB(3));
	assert_int_equal(got->iotlb_entries, IOASID_IOTLB_ENTRIES_DEFAULT);
	assert_int_equal(got->pasid_bits, 20);
	ioasid_iommu_free(iommu);
	(void)state;
}

/* ------------------------------------------------------------------------
 * Domains
 */

static void test_domain_alloc_rejects_unknown(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_domain *dom = NULL;

	assert_int_equal(ioasid_domain_alloc(f->iommu, (enum ioasid_domain_type)3, 0, &dom),
			 -EOPNOTSUPP);
	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_PAGING, 1, &dom),
			 -EOPNOTSUPP);
	assert_null(dom);
	assert_int_equal(ioasid_domain_free(NULL), 0);
}

static void test_domain_map_rejects_bad_arguments(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	struct ioasid_domain_info before;

	assert_int_equal(ioasid_domain_map(d, MIB(4), MIB(8), MIB(1), PROT_RW, 0), 0);
	ioasid_domain_query(d, &before);
	/* Unknown flags or prot bits. */
	assert_int_equal(ioasid_domain_map(d, 0, 0, KIB(4), PROT_RW, 1), -EOPNOTSUPP);
	assert_int_equal(ioasid_domain_map(d, 0, 0, KIB(4), PROT_RW | 4, 0), -EOPNOTSUPP);
	/* Neither read nor write; zero length. */
	assert_int_equal(ioasid_domain_map(d, 0, 0, KIB(4), 0, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(d, 0, 0, 0, PROT_RW, 0), -EINVAL);
	/* Wrap, reported even when the range is also unaligned. */
	assert_int_equal(ioasid_domain_map(d, UINT64_MAX - KIB(4) + 1, 0, KIB(8), PROT_RW, 0),
			 -EOVERFLOW);
	assert_int_equal(ioasid_domain_map(d, UINT64_MAX - 10, 0, KIB(4), PROT_RW, 0),
			 -EOVERFLOW);
	assert_int_equal(ioasid_domain_map(d, 0, UINT64_MAX - KIB(4) + 1, KIB(8), PROT_RW, 0),
			 -EOVERFLOW);
	/* Unaligned iova, phys or length. */
	assert_int_equal(ioasid_domain_map(d, 0x800, 0, KIB(4), PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(d, 0, 0x800, KIB(4), PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(d, 0, 0, KIB(6), PROT_RW, 0), -EINVAL);
	/* Physical address beyond 52 bits. */
	assert_int_equal(ioasid_domain_map(d, 0, IOASID_PHYS_LIMIT - KIB(4), KIB(8),
					   PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(d, 0, IOASID_PHYS_LIMIT - KIB(4), KIB(4),
					   PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_unmap(d, 0, KIB(4), 0, NULL), 0);
	/* Outside the aperture; touching the reserved MSI window. */
	assert_int_equal(ioasid_domain_map(d, (1ull << 48) - KIB(4), 0, KIB(8), PROT_RW, 0),
			 -EINVAL);
	assert_int_equal(ioasid_domain_map(d, IOASID_MSI_WINDOW_START - KIB(4), 0, KIB(8),
					   PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(d, IOASID_MSI_WINDOW_LAST + 1 - KIB(4), 0, KIB(8),
					   PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(d, IOASID_MSI_WINDOW_START - KIB(4), 0, KIB(4),
					   PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_unmap(d, IOASID_MSI_WINDOW_START - KIB(4), KIB(4), 0,
					     NULL), 0);
	assert_same_info(d, &before);
}

static void test_domain_map_rejects_overlap(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	struct ioasid_domain_info before;

	assert_int_equal(ioasid_domain_map(d, MIB(4), MIB(8), MIB(2), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(d, GIB(1), GIB(2), GIB(1), PROT_RW, 0), 0);
	ioasid_domain_query(d, &before);
	assert_int_equal(ioasid_domain_map(d, MIB(4), 0, MIB(2), PROT_RW, 0), -EEXIST);
	assert_int_equal(ioasid_domain_map(d, MIB(4) - KIB(4), 0, KIB(8), PROT_RW, 0), -EEXIST);
	assert_int_equal(ioasid_domain_map(d, MIB(6) - KIB(4), 0, KIB(8), PROT_RW, 0), -EEXIST);
	assert_int_equal(ioasid_domain_map(d, MIB(2), 0, MIB(8), PROT_RW, 0), -EEXIST);
	assert_int_equal(ioasid_domain_map(d, MIB(5), 0, KIB(4), PROT_RW, 0), -EEXIST);
	/* Inside a 1 GiB leaf, and a range ending on its first page. */
	assert_int_equal(ioasid_domain_map(d, GIB(1) + MIB(300), 0, KIB(4), PROT_RW, 0),
			 -EEXIST);
	assert_int_equal(ioasid_domain_map(d, GIB(1) - MIB(2), 0, MIB(2) + KIB(4), PROT_RW, 0),
			 -EEXIST);
	assert_same_info(d, &before);
	/* Right beside both is free. */
	assert_int_equal(ioasid_domain_map(d, MIB(6), 0, KIB(4), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(d, GIB(2), 0, KIB(4), PROT_RW, 0), 0);
}

static void test_domain_unmap_rejects_bad_arguments(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	struct ioasid_domain_info before;
	uint64_t n = 123;

	assert_int_equal(ioasid_domain_map(d, MIB(4), MIB(8), MIB(1), PROT_RW, 0), 0);
	ioasid_domain_query(d, &before);
	assert_int_equal(ioasid_domain_unmap(d, MIB(4), MIB(1), 2, &n), -EOPNOTSUPP);
	assert_int_equal(n, 0);
	assert_int_equal(ioasid_domain_unmap(d, MIB(4), 0, 0, &n), -EINVAL);
	assert_int_equal(ioasid_domain_unmap(d, UINT64_MAX - KIB(4) + 1, KIB(8), 0, &n),
			 -EOVERFLOW);
	assert_int_equal(ioasid_domain_unmap(d, MIB(4) + 1, MIB(1), IOASID_UNMAP_SPLIT, &n),
			 -EINVAL);
	assert_int_equal(ioasid_domain_unmap(d, MIB(4), MIB(1) - 1, IOASID_UNMAP_SPLIT, &n),
			 -EINVAL);
	assert_same_info(d, &before);
}

static void test_domain_unmap_finds_nothing(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	uint64_t n = 123;

	assert_int_equal(ioasid_domain_unmap(d, MIB(4), MIB(1), 0, &n), -ENOENT);
	assert_int_equal(n, 0);
	assert_int_equal(ioasid_domain_map(d, MIB(4), MIB(8), MIB(1), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_unmap(d, MIB(5), MIB(1), 0, &n), -ENOENT);
	assert_int_equal(ioasid_domain_unmap(d, MIB(5), MIB(1), IOASID_UNMAP_SPLIT, &n),
			 -ENOENT);
	/* Beyond the aperture nothing is ever mapped. */
	assert_int_equal(ioasid_domain_unmap(d, 1ull << 50, MIB(1), 0, &n), -ENOENT);
	assert_int_equal(n, 0);
}

static void test_domain_unmap_refuses_to_bisect(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	struct ioasid_domain_info before;
	uint64_t n = 123, phys;

	/* Two adjacent areas, one with a 2 MiB leaf, and a third further on. */
	assert_int_equal(ioasid_domain_map(d, MIB(2), MIB(2), MIB(2), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(d, MIB(4), MIB(10), KIB(64), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(d, MIB(8), MIB(20), KIB(8), PROT_RW, 0), 0);
	ioasid_domain_query(d, &before);
	assert_int_equal(before.nr_areas, 3);
	/* Start inside an area, end inside an area, inside a huge leaf. */
	assert_int_equal(ioasid_domain_unmap(d, MIB(2) + KIB(4), MIB(2), 0, &n), -ENOENT);
	assert_int_equal(n, 0);
	assert_int_equal(ioasid_domain_unmap(d, MIB(2), MIB(2) + KIB(4), 0, &n), -ENOENT);
	assert_int_equal(ioasid_domain_unmap(d, MIB(3), KIB(4), 0, &n), -ENOENT);
	assert_int_equal(ioasid_domain_unmap(d, 0, MIB(2) + KIB(4), 0, &n), -ENOENT);
	/* Unaligned ends inside mapped pages also cut. */
	assert_int_equal(ioasid_domain_unmap(d, MIB(2) + 1, MIB(4), 0, &n), -ENOENT);
	assert_int_equal(ioasid_domain_unmap(d, MIB(2), MIB(2) - 1, 0, &n), -ENOENT);
	/* A range covering the first area and a hole, cutting the third. */
	assert_int_equal(ioasid_domain_unmap(d, 0, MIB(8) + KIB(4), 0, &n), -ENOENT);
	assert_same_info(d, &before);
	assert_int_equal(ioasid_domain_iova_to_phys(d, MIB(2), &phys), 0);
	assert_int_equal(phys, MIB(2));
	/* Whole areas and holes between: the sum of the areas, unaligned ends allowed. */
	assert_int_equal(ioasid_domain_unmap(d, 1, MIB(4) + KIB(64) - 2, 0, &n), -ENOENT);
	assert_int_equal(ioasid_domain_unmap(d, KIB(4) + 7, MIB(6), 0, &n), 0);
	assert_int_equal(n, MIB(2) + KIB(64));
	assert_int_equal(ioasid_domain_unmap(d, 0, UINT64_MAX, 0, &n), 0);
	assert_int_equal(n, KIB(8));
}

static void test_domain_free_refuses_while_attached(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_domain *d = paging_new(f->iommu);
	struct ioasid_domain_info info;

	assert_int_equal(ioasid_domain_map(d, MIB(4), MIB(8), MIB(1), PROT_RW, 0), 0);
	assert_int_equal(ioasid__domain_attach_get(d), 0);
	assert_int_equal(ioasid__domain_attach_get(d), 0);
	ioasid_domain_query(d, &info);
	assert_int_equal(info.attachments, 2);
	assert_int_equal(ioasid_domain_free(d), -EBUSY);
	ioasid__domain_attach_put(d);
	assert_int_equal(ioasid_domain_free(d), -EBUSY);
	ioasid__domain_attach_put(d);
	/* Still usable after a refused free. */
	assert_int_equal(ioasid_domain_unmap(d, MIB(4), MIB(1), 0, NULL), 0);
	assert_int_equal(ioasid_domain_map(d, MIB(4), MIB(8), MIB(1), PROT_RW, 0), 0);
	/* A domain with mappings frees; its tables go with it. */
	assert_int_equal(ioasid_domain_free(d), 0);
}

/*
 * A domain private to a holder (a container's) is changed only through
 * the _held calls naming that holder: the public map, unmap and fault
 * read refuse it with -EPERM before any other check, free (after -EBUSY
 * while attached) too, and they change nothing; the calls that only look
 * still answer.
 */
static void test_domain_held_refuses_public_mutators(void **state)
{
	static const char holder, other;
	struct dom_fixture *f = *state;
	struct ioasid_domain *d = paging_new(f->iommu);
	struct ioasid_domain_info before, info;
	struct ioasid_fault fault;
	uint64_t n = 7, lost = 7, phys;

	ioasid__domain_set_holder(d, &holder);
	assert_int_equal(ioasid__domain_map_held(d, MIB(4), MIB(8), MIB(1), PROT_RW,
						 0, &holder), 0);
	ioasid_domain_query(d, &before);
	assert_int_equal(ioasid_domain_map(d, MIB(6), MIB(8), KIB(4), PROT_RW, 0),
			 -EPERM);
	assert_int_equal(ioasid_domain_map(d, MIB(6), MIB(8), KIB(4), 0, 1), -EPERM);
	assert_int_equal(ioasid__domain_map_held(d, MIB(6), MIB(8), KIB(4),
						 PROT_RW, 0, &other), -EPERM);
	assert_int_equal(ioasid_domain_unmap(d, MIB(4), MIB(1), 0, &n), -EPERM);
	assert_int_equal(n, 0);
	n = 7;
	assert_int_equal(ioasid_domain_unmap(d, MIB(4), KIB(4), IOASID_UNMAP_SPLIT,
					     &n), -EPERM);
	assert_int_equal(n, 0);
	assert_int_equal(ioasid_domain_unmap(d, 0, UINT64_MAX, 0, &n), -EPERM);
	assert_int_equal(ioasid__domain_unmap_held(d, MIB(4), MIB(1), 0, &n,
						   &other), -EPERM);
	assert_same_info(d, &before);
	/* Lookups and DMA still work; the fault is the holder's to read. */
	assert_int_equal(ioasid_domain_iova_to_phys(d, MIB(4) + 8, &phys), 0);
	assert_int_equal(phys, MIB(8) + 8);
	assert_int_equal(ioasid_iommu_translate(f->iommu, d, 3, 0, MIB(5),
						IOASID_ACCESS_READ, &phys), -EFAULT);
	assert_int_equal(ioasid_domain_fault_read(d, &fault, 1, &lost), -EPERM);
	assert_int_equal(lost, 7);
	ioasid_domain_query(d, &info);
	assert_int_equal(info.faults_pending, 1);
	assert_int_equal(ioasid__domain_fault_read_held(d, &fault, 1, &lost,
							&other), -EPERM);
	assert_int_equal(ioasid__domain_fault_read_held(d, &fault, 1, &lost,
							&holder), 1);
	assert_int_equal(fault.addr, MIB(5));
	assert_int_equal(lost, 0);
	/* Free: -EBUSY while attached whoever asks, then -EPERM but to the
	 * holder, for whom it cannot fail. */
	assert_int_equal(ioasid__domain_attach_get(d), 0);
	assert_int_equal(ioasid_domain_free(d), -EBUSY);
	assert_int_equal(ioasid__domain_free_held(d, &holder), -EBUSY);
	ioasid__domain_attach_put(d);
	assert_int_equal(ioasid_domain_free(d), -EPERM);
	assert_int_equal(ioasid__domain_free_held(d, &other), -EPERM);
	assert_int_equal(ioasid__domain_unmap_held(d, MIB(4), MIB(1), 0, &n,
						   &holder), 0);
	assert_int_equal(n, MIB(1));
	assert_int_equal(ioasid__domain_map_held(d, MIB(4), MIB(8), MIB(1), PROT_RW,
						 0, &holder), 0);
	assert_int_equal(ioasid__domain_free_held(d, &holder), 0);
	assert_int_equal(ioasid__domain_free_held(NULL, &holder), 0);
}

static void test_domain_non_paging_refuse_map(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_domain *id, *blk;
	uint64_t phys;

	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_IDENTITY, 0, &id), 0);
	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_BLOCKED, 0, &blk), 0);
	assert_int_equal(ioasid_domain_type(id), IOASID_DOMAIN_IDENTITY);
	assert_ptr_equal(ioasid_domain_iommu(blk), f->iommu);
	assert_int_equal(ioasid_domain_map(id, 0, 0, KIB(4), PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(blk, 0, 0, KIB(4), PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_unmap(id, 0, KIB(4), 0, NULL), -EINVAL);
	assert_int_equal(ioasid_domain_unmap(blk, 0, KIB(4), 0, NULL), -EINVAL);
	assert_int_equal(ioasid_domain_iova_to_phys(id, GIB(5) + 12, &phys), 0);
	assert_int_equal(phys, GIB(5) + 12);
	assert_int_equal(ioasid_domain_iova_to_phys(id, IOASID_MSI_WINDOW_START, &phys), -ENOENT);
	assert_int_equal(ioasid_domain_iova_to_phys(id, 1ull << 48, &phys), -ENOENT);
	assert_int_equal(ioasid_domain_iova_to_phys(blk, GIB(5), &phys), -ENOENT);
	assert_int_equal(ioasid_domain_pgtable_bytes(id), 0);
	assert_int_equal(ioasid_domain_free(id), 0);
	assert_int_equal(ioasid_domain_free(blk), 0);
}

static void test_domain_iova_ranges(void **state)
{
	static const struct ioasid_iova_range res[3] = {
		{ 0, MIB(1) - 1 }, { GIB(1), GIB(2) - 1 }, { GIB(1) + MIB(4), GIB(3) - 1 },
	};
	struct dom_fixture *f = *state;
	struct ioasid_iova_range r[4];
	struct ioasid_iommu_caps c;
	struct ioasid_iommu *iommu;
	struct ioasid_domain *d;
	uint32_t nr = 1;

	assert_int_equal(ioasid_domain_iova_ranges(f->dom, r, &nr), -EMSGSIZE);
	assert_int_equal(nr, 2);
	assert_int_equal(ioasid_domain_iova_ranges(f->dom, r, &nr), 0);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].last, IOASID_MSI_WINDOW_START - 1);
	assert_int_equal(r[1].start, IOASID_MSI_WINDOW_LAST + 1);
	assert_int_equal(r[1].last, (1ull << 48) - 1);
	/* Overlapping reserved ranges, one at the aperture start. */
	ioasid_iommu_caps_init(&c);
	c.nr_reserved = 3;
	c.reserved = res;
	c.aperture = (struct ioasid_iova_range){ 0, GIB(4) - 1 };
	assert_int_equal(ioasid_iommu_alloc(&c, &iommu), 0);
	d = paging_new(iommu);
	nr = 4;
	assert_int_equal(ioasid_domain_iova_ranges(d, r, &nr), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(r[0].start, MIB(1));
	assert_int_equal(r[0].last, GIB(1) - 1);
	assert_int_equal(r[1].start, GIB(3));
	assert_int_equal(r[1].last, GIB(4) - 1);
	assert_int_equal(ioasid_domain_map(d, GIB(2), 0, KIB(4), PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(d, GIB(4), 0, KIB(4), PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_free(d), 0);
	ioasid_iommu_free(iommu);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, dom_fixture_setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iommu_caps_rejects_bad_values),
		cmocka_unit_test(test_iommu_caps_width_gives_levels),
		cmocka_unit_test(test_iommu_caps_copied_and_sorted),
		T(test_domain_alloc_rejects_unknown),
		T(test_domain_map_rejects_bad_arguments),
		T(test_domain_map_rejects_overlap),
		T(test_domain_unmap_rejects_bad_arguments),
		T(test_domain_unmap_finds_nothing),
		T(test_domain_unmap_refuses_to_bisect),
		T(test_domain_free_refuses_while_attached),
		T(test_domain_held_refuses_public_mutators),
		T(test_domain_non_paging_refuse_map),
		T(test_domain_iova_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
