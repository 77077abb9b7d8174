// SPDX-License-Identifier: MIT
/*
 * Page-table structure: leaf size choice, table counts, splits, freeing of
 * empty tables and the memory arithmetic of the 8 KiB-stride layout. These
 * look inside the domain (iommu_priv.h) to see the leaves, not just the
 * translations.
 */
#include "helpers.h"
#include "iommu/iommu_priv.h"

struct fixture {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
};

static int setup_width(void **state, uint32_t width, uint64_t pgsizes)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->iommu = iommu_new(width, pgsizes);
	f->dom = paging_new(f->iommu);
	*state = f;
	return 0;
}

static int setup48(void **state)
{
	return setup_width(state, 48, PGSIZES_ALL);
}

static int setup39(void **state)
{
	return setup_width(state, 39, PGSIZES_ALL);
}

static int setup57_4k(void **state)
{
	return setup_width(state, 57, IOASID_PAGE_SIZE_4K);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ioasid_domain_unmap(f->dom, 0, UINT64_MAX, 0, NULL);
	assert_domain_empty(f->dom);
	assert_int_equal(ioasid_domain_free(f->dom), 0);
	ioasid_iommu_free(f->iommu);
	free(f);
	return 0;
}

static uint64_t tables(struct ioasid_domain *dom)
{
	struct ioasid_domain_info info;

	ioasid_domain_query(dom, &info);
	assert_int_equal(info.table_bytes, info.nr_tables * 4096);
	return info.nr_tables;
}

static uint64_t leaf_size(struct ioasid_domain *dom, uint64_t iova)
{
	struct ioasid__pt_leaf leaf;

	ioasid__pgtable_walk(&dom->pt, iova, &leaf);
	return leaf.pte ? leaf.size : 0;
}

static void assert_phys(struct ioasid_domain *dom, uint64_t iova, uint64_t want)
{
	uint64_t phys = 0;

	assert_int_equal(ioasid_domain_iova_to_phys(dom, iova, &phys), 0);
	assert_int_equal(phys, want);
}

static void test_pgtable_map_picks_largest_leaf(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain *d = f->dom;

	assert_int_equal(tables(d), 1);
	/* 2 MiB aligned on both sides: one 2 MiB leaf, no level-1 table. */
	assert_int_equal(ioasid_domain_map(d, MIB(2), MIB(4), MIB(2), PROT_RW, 0), 0);
	assert_int_equal(leaf_size(d, MIB(3)), MIB(2));
	assert_int_equal(tables(d), 3);
	assert_phys(d, MIB(3) + 5, MIB(5) + 5);
	/* Same IOVA alignment, phys off by 4 KiB: 4 KiB leaves only. */
	assert_int_equal(ioasid_domain_map(d, MIB(6), MIB(8) + KIB(4), MIB(2), PROT_RW, 0), 0);
	assert_int_equal(leaf_size(d, MIB(6)), KIB(4));
	assert_int_equal(leaf_size(d, MIB(8) - KIB(4)), KIB(4));
	assert_int_equal(tables(d), 4);
	/* Ragged edges around a 2 MiB middle. */
	assert_int_equal(ioasid_domain_map(d, MIB(10) - KIB(8), MIB(20) - KIB(8),
					   MIB(2) + KIB(16), PROT_RW, 0), 0);
	assert_int_equal(leaf_size(d, MIB(10) - KIB(8)), KIB(4));
	assert_int_equal(leaf_size(d, MIB(10)), MIB(2));
	assert_int_equal(leaf_size(d, MIB(12)), KIB(4));
	assert_int_equal(leaf_size(d, MIB(12) + KIB(8)), 0);
	assert_phys(d, MIB(12) + KIB(4) + 1, MIB(22) + KIB(4) + 1);
	/* 1 GiB aligned: a 1 GiB leaf in the level-3 table. */
	assert_int_equal(ioasid_domain_map(d, GIB(4), GIB(8), GIB(1), PROT_RW, 0), 0);
	assert_int_equal(leaf_size(d, GIB(4) + MIB(700)), GIB(1));
	assert_phys(d, GIB(5) - 1, GIB(9) - 1);
	assert_int_equal(tables(d), 6);
}

static void test_pgtable_three_levels_hold_1g_in_root(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain_info info;

	ioasid_domain_query(f->dom, &info);
	assert_int_equal(info.levels, 3);
	/* [2G, 4G) holds the MSI window; [4G, 6G) does not. */
	assert_int_equal(ioasid_domain_map(f->dom, GIB(2), GIB(1), GIB(2), PROT_RW, 0), -EINVAL);
	assert_int_equal(ioasid_domain_map(f->dom, GIB(4), GIB(1), GIB(2), PROT_RW, 0), 0);
	assert_int_equal(leaf_size(f->dom, GIB(5)), GIB(1));
	assert_int_equal(tables(f->dom), 1);
	assert_phys(f->dom, GIB(5) + 7, GIB(2) + 7);
}

static void test_pgtable_page_sizes_follow_caps(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ioasid_domain_map(f->dom, GIB(1), GIB(1), GIB(1), PROT_RW, 0), 0);
	assert_int_equal(leaf_size(f->dom, GIB(1)), KIB(4));
	/* 5 levels, 512 level-1 tables for 1 GiB of 4 KiB leaves. */
	assert_int_equal(tables(f->dom), 1 + 1 + 1 + 1 + 512);
	assert_phys(f->dom, GIB(2) - KIB(4), GIB(2) - KIB(4));
}

static void test_pgtable_split_keeps_the_rest(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	struct ioasid_domain_info info;
	uint64_t n, phys, hole = GIB(1) + MIB(300) + KIB(12);

	assert_int_equal(ioasid_domain_map(d, GIB(1), GIB(3), GIB(1), IOASID_PROT_READ, 0), 0);
	assert_int_equal(tables(d), 2);
	/* IOAS rules refuse; the split flag cuts one page out of the 1 GiB leaf. */
	assert_int_equal(ioasid_domain_unmap(d, hole, KIB(4), 0, &n), -ENOENT);
	assert_int_equal(ioasid_domain_unmap(d, hole, KIB(4), IOASID_UNMAP_SPLIT, &n), 0);
	assert_int_equal(n, KIB(4));
	assert_int_equal(ioasid_domain_iova_to_phys(d, hole, &phys), -ENOENT);
	assert_phys(d, hole - 1, GIB(3) + MIB(300) + KIB(12) - 1);
	assert_phys(d, hole + KIB(4), GIB(3) + MIB(300) + KIB(16));
	assert_phys(d, GIB(1), GIB(3));
	assert_phys(d, GIB(2) - 1, GIB(4) - 1);
	assert_int_equal(leaf_size(d, hole + KIB(4)), KIB(4));
	assert_int_equal(leaf_size(d, GIB(1) + MIB(302)), MIB(2));
	/* Root, level 3, the new level 2 and the new level 1. */
	assert_int_equal(tables(d), 4);
	ioasid_domain_query(d, &info);
	assert_int_equal(info.nr_areas, 2);
	assert_int_equal(info.mapped_bytes, GIB(1) - KIB(4));
	/* The two halves are areas of their own now. */
	assert_int_equal(ioasid_domain_unmap(d, GIB(1), hole - GIB(1) - KIB(4), 0, &n), -ENOENT);
	assert_int_equal(ioasid_domain_unmap(d, hole + KIB(4), GIB(2) - hole - KIB(4), 0, &n), 0);
	assert_int_equal(n, GIB(2) - hole - KIB(4));
	assert_int_equal(ioasid_domain_unmap(d, GIB(1), hole - GIB(1), 0, &n), 0);
	assert_int_equal(n, hole - GIB(1));
}

static void test_pgtable_split_at_both_ends_of_one_leaf(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	uint64_t n;

	assert_int_equal(ioasid_domain_map(d, MIB(2), MIB(2), MIB(2), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_unmap(d, MIB(2) + KIB(8), KIB(8), IOASID_UNMAP_SPLIT, &n),
			 0);
	assert_int_equal(n, KIB(8));
	assert_phys(d, MIB(2) + KIB(4), MIB(2) + KIB(4));
	assert_phys(d, MIB(2) + KIB(16), MIB(2) + KIB(16));
	/* A split unmap over whole areas and a hole needs no split at all. */
	assert_int_equal(ioasid_domain_map(d, MIB(8), MIB(8), MIB(2), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_unmap(d, MIB(6), MIB(6), IOASID_UNMAP_SPLIT, &n), 0);
	assert_int_equal(n, MIB(2));
	assert_int_equal(tables(d), 4);
}

static void test_pgtable_frees_empty_tables(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	uint64_t i, n;

	for (i = 0; i < 64; i++)
		assert_int_equal(ioasid_domain_map(d, i * GIB(513) + KIB(4), KIB(4), KIB(4),
						   PROT_RW, 0), 0);
	assert_int_equal(tables(d), 1 + 64 * 3);
	for (i = 0; i < 64; i += 2)
		assert_int_equal(ioasid_domain_unmap(d, i * GIB(513), GIB(1), 0, &n), 0);
	/* Each removal freed its own level-1, level-2 and level-3 tables. */
	assert_int_equal(tables(d), 1 + 32 * 3);
	for (i = 1; i < 64; i += 2)
		assert_int_equal(ioasid_domain_unmap(d, i * GIB(513), GIB(1), 0, &n), 0);
	assert_int_equal(tables(d), 1);
}

/* One-page maps and unmaps take a one-walk path when they can; check its edges. */
static void test_pgtable_single_page_paths(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain *d = f->dom;
	struct ioasid_domain_info info;
	uint64_t n, phys;

	/* First page needs tables (general path), the next ones do not. */
	assert_int_equal(ioasid_domain_map(d, MIB(2), GIB(1), KIB(4), PROT_RW, 0), 0);
	assert_int_equal(tables(d), 4);
	assert_int_equal(ioasid_domain_map(d, MIB(2) + KIB(4), GIB(2), KIB(4), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(d, MIB(2) + KIB(4), GIB(3), KIB(4), PROT_RW, 0), -EEXIST);
	assert_int_equal(ioasid_domain_map(d, MIB(4) - KIB(4), GIB(4), KIB(4), PROT_RW, 0), 0);
	assert_int_equal(ioasid_domain_map(d, MIB(2) + KIB(8), GIB(5), KIB(8), PROT_RW, 0), 0);
	assert_int_equal(tables(d), 4);
	assert_phys(d, MIB(2) + KIB(4) + 3, GIB(2) + 3);
	/* A page of a two-page area is not an area: the general path says ENOENT. */
	assert_int_equal(ioasid_domain_unmap(d, MIB(2) + KIB(8), KIB(4), 0, &n), -ENOENT);
	/* A lone page before a START page; the last slot of a table. */
	assert_int_equal(ioasid_domain_unmap(d, MIB(2) + KIB(4), KIB(4), 0, &n), 0);
	assert_int_equal(n, KIB(4));
	assert_int_equal(ioasid_domain_iova_to_phys(d, MIB(2) + KIB(4), &phys), -ENOENT);
	assert_int_equal(ioasid_domain_unmap(d, MIB(4) - KIB(4), KIB(4), 0, &n), 0);
	assert_int_equal(ioasid_domain_unmap(d, MIB(2) + KIB(8), KIB(8), 0, &n), 0);
	ioasid_domain_query(d, &info);
	assert_int_equal(info.nr_areas, 1);
	assert_int_equal(info.mapped_bytes, KIB(4));
	assert_int_equal(tables(d), 4);
	/* The last page of a table goes with its table (general path). */
	assert_int_equal(ioasid_domain_unmap(d, MIB(2), KIB(4), 0, &n), 0);
	assert_int_equal(tables(d), 1);
}

/*
 * The benchmark layout: 4 KiB mappings at an 8 KiB stride fill every level-1
 * table with 256 leaves, so page-table memory is 16 bytes per mapping plus
 * the upper levels. Checked exactly at 64K mappings.
 */
static void test_pgtable_memory_at_8k_stride(void **state)
{
	struct fixture *f = *state;
	struct ioasid_domain_info info;
	uint64_t i;

	for (i = 0; i < 65536; i++)
		assert_int_equal(ioasid_domain_map(f->dom, GIB(1) + i * KIB(8), i * KIB(4),
						   KIB(4), PROT_RW, 0), 0);
	ioasid_domain_query(f->dom, &info);
	/* 256 level-1 tables, one level-2 (512 MiB), one level-3, the root. */
	assert_int_equal(info.nr_tables, 256 + 1 + 1 + 1);
	assert_int_equal(info.nr_areas, 65536);
	assert_true(info.table_bytes / 65536 <= 24);
	assert_int_equal(ioasid_domain_unmap(f->dom, 0, UINT64_MAX, 0, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pgtable_map_picks_largest_leaf, setup48,
						teardown),
		cmocka_unit_test_setup_teardown(test_pgtable_three_levels_hold_1g_in_root, setup39,
						teardown),
		cmocka_unit_test_setup_teardown(test_pgtable_page_sizes_follow_caps, setup57_4k,
						teardown),
		cmocka_unit_test_setup_teardown(test_pgtable_split_keeps_the_rest, setup48,
						teardown),
		cmocka_unit_test_setup_teardown(test_pgtable_split_at_both_ends_of_one_leaf,
						setup48, teardown),
		cmocka_unit_test_setup_teardown(test_pgtable_frees_empty_tables, setup48, teardown),
		cmocka_unit_test_setup_teardown(test_pgtable_single_page_paths, setup48, teardown),
		cmocka_unit_test_setup_teardown(test_pgtable_memory_at_8k_stride, setup48,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
