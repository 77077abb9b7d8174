// SPDX-License-Identifier: MIT
/*
 * Long random map/unmap sequences checked against a reference model.
 *
 * The model is a flat array with one word per 4 KiB page of a 4 GiB
 * window: the page's physical address, its permissions and whether it
 * starts an area, or 0 when unmapped. Every operation's return value,
 * unmapped byte count, mapped bytes and area count are predicted by the
 * model; after each operation the pages around it and random pages across
 * the window are translated both by a table walk (iova_to_phys) and through
 * the IOTLB (ioasid_iommu_translate, twice, so the second is a hit), and
 * compared with the model, faults included. The sequences mix 4 KiB, 2 MiB
 * and 1 GiB mappings, aligned and misaligned physical addresses, IOAS
 * unmaps of whole areas and of random (unaligned) ranges, and split unmaps
 * that cut through areas and huge leaves.
 */
#include <string.h>

#include "helpers.h"

#define WIN_BASE GIB(4)
#define WIN_PAGES (1ull << 20) /* 4 GiB */
#define M_PROT 3ull
#define M_START 4ull
#define M_PHYS (~0xfffull)
#define DEVID 42u

struct ctx {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
	uint64_t *pg; /* the model: phys | prot | M_START per page, 0 = unmapped */
	uint64_t mapped; /* pages */
	uint64_t areas;
	uint64_t rng;
	uint64_t faults_expected;
	unsigned long nr_map, nr_unmap, nr_split, nr_eexist, nr_enoent;
	unsigned long nr_map_2m, nr_map_1g; /* maps that could use huge leaves */
};

/* ------------------------------------------------------------------------
 * Checking translations against the model
 */

static void check_page(struct ctx *c, uint64_t p)
{
	static const uint32_t pasids[] = { 0, 3, 1000 };
	uint64_t iova = WIN_BASE + p * KIB(4) + rng_below(&c->rng, KIB(4));
	uint64_t m = c->pg[p], want = (m & M_PHYS) + (iova & 0xfff), phys = 0;
	uint32_t pasid = pasids[rng_below(&c->rng, 3)];
	uint32_t access = m ? (uint32_t)(m & M_PROT) : IOASID_ACCESS_READ;
	int expect = m ? 0 : -EFAULT, i;

	if (m && (m & M_PROT) != M_PROT && !rng_below(&c->rng, 4)) {
		access = (uint32_t)M_PROT;
		expect = -EACCES;
	}
	assert_int_equal(ioasid_domain_iova_to_phys(c->dom, iova, &phys), m ? 0 : -ENOENT);
	if (m)
		assert_int_equal(phys, want);
	for (i = 0; i < 2; i++) {
		phys = 0;
		assert_int_equal(ioasid_iommu_translate(c->iommu, c->dom, DEVID, pasid, iova,
							access, &phys), expect);
		if (!expect)
			assert_int_equal(phys, want);
		else
			c->faults_expected++;
	}
}

/* Pages [p, p + n) and a page either side, sampled when large. */
static void check_range(struct ctx *c, uint64_t p, uint64_t n)
{
	uint64_t first = p ? p - 1 : 0, end = p + n + 1 < WIN_PAGES ? p + n + 1 : WIN_PAGES;
	uint64_t q, i;

	if (end - first <= 256) {
		for (q = first; q < end; q++)
			check_page(c, q);
		return;
	}
	for (i = 0; i < 64; i++) {
		check_page(c, first + i);
		check_page(c, end - 1 - i);
	}
	for (i = 0; i < 128; i++)
		check_page(c, first + rng_below(&c->rng, end - first));
}

/* The fault ring saw exactly the refused translations, and the counters agree. */
static void check_faults_and_counters(struct ctx *c)
{
	struct ioasid_fault buf[64];
	struct ioasid_domain_info info;
	uint64_t got = 0, lost = 0;
	int n, i;

	while ((n = ioasid_domain_fault_read(c->dom, buf, 64, NULL)) > 0) {
		for (i = 0; i < n; i++) {
			assert_int_equal(buf[i].devid, DEVID);
			assert_true(buf[i].reason == IOASID_FAULT_UNMAPPED ||
				    buf[i].reason == IOASID_FAULT_PERMISSION);
		}
		got += (uint64_t)n;
	}
	ioasid_domain_fault_read(c->dom, buf, 0, &lost);
	assert_int_equal(got + lost, c->faults_expected);
	c->faults_expected = 0;
	ioasid_domain_query(c->dom, &info);
	assert_int_equal(info.mapped_bytes, c->mapped * KIB(4));
	assert_int_equal(info.nr_areas, c->areas);
}

/* ------------------------------------------------------------------------
 * The model
 */

static uint64_t model_count(const struct ctx *c, uint64_t p, uint64_t n)
{
	uint64_t q, k = 0;

	for (q = p; q < p + n; q++)
		k += c->pg[q] != 0;
	return k;
}

/* Clear [p, p + n); returns the pages cleared, dropping areas that start there. */
static uint64_t model_clear(struct ctx *c, uint64_t p, uint64_t n)
{
	uint64_t q, k = 0;

	for (q = p; q < p + n; q++) {
		if (!c->pg[q])
			continue;
		c->areas -= !!(c->pg[q] & M_START);
		c->pg[q] = 0;
		k++;
	}
	c->mapped -= k;
	return k;
}

/* IOAS rules for the byte range [s, l] of the window (see domain.c). */
static int model_ioas_check(const struct ctx *c, uint64_t s, uint64_t l)
{
	uint64_t ps = s >> 12, pl = l >> 12;

	if (c->pg[ps] && ((s & 0xfff) || !(c->pg[ps] & M_START)))
		return -ENOENT;
	if (c->pg[pl] && (l & 0xfff) != 0xfff)
		return -ENOENT;
	if (c->pg[pl] && pl + 1 < WIN_PAGES && c->pg[pl + 1] && !(c->pg[pl + 1] & M_START))
		return -ENOENT;
	return model_count(c, ps, pl - ps + 1) ? 0 : -ENOENT;
}

/* ------------------------------------------------------------------------
 * Operations
 */

/* A random page, mapped if one of 64 tries finds one. */
static uint64_t pick_mapped_page(struct ctx *c)
{
	uint64_t p = 0;
	int i;

	for (i = 0; i < 64; i++) {
		p = rng_below(&c->rng, WIN_PAGES);
		if (c->pg[p])
			break;
	}
	return p;
}

static void split_range(struct ctx *c, uint64_t p, uint64_t n);

static void pick_map(struct ctx *c, uint64_t *p, uint64_t *n, uint64_t *phys)
{
	uint64_t r = rng_below(&c->rng, 100);

	if (r < 60) {
		*n = 1 + rng_below(&c->rng, 32);
		*p = rng_below(&c->rng, WIN_PAGES - *n);
		*phys = rng_below(&c->rng, 1ull << 28) << 12;
	} else if (r < 97) {
		*n = 512 * (1 + rng_below(&c->rng, 3));
		if (!rng_below(&c->rng, 4))
			*n += rng_below(&c->rng, 512);
		*p = rng_below(&c->rng, WIN_PAGES / 512) * 512;
		if (!rng_below(&c->rng, 4))
			*p += rng_below(&c->rng, 512);
		*phys = rng_below(&c->rng, 1ull << 19) << 21;
		if (!rng_below(&c->rng, 4))
			*phys += rng_below(&c->rng, 512) << 12;
	} else {
		*n = 262144;
		*p = rng_below(&c->rng, 4) * 262144;
		*phys = rng_below(&c->rng, 1024) << 30;
		/* Make room half of the time, or 1 GiB maps would rarely fit. */
		if (rng_below(&c->rng, 2))
			split_range(c, *p, *n);
	}
	if (*p + *n > WIN_PAGES)
		*p = WIN_PAGES - *n;
}

static void op_map(struct ctx *c)
{
	uint64_t p, n, phys, i;
	uint32_t prot = 1 + (uint32_t)rng_below(&c->rng, 3);
	int expect, ret;

	pick_map(c, &p, &n, &phys);
	expect = model_count(c, p, n) ? -EEXIST : 0;
	ret = ioasid_domain_map(c->dom, WIN_BASE + p * KIB(4), phys, n * KIB(4), prot, 0);
	assert_int_equal(ret, expect);
	if (!ret) {
		for (i = 0; i < n; i++)
			c->pg[p + i] = (phys + i * KIB(4)) | prot | (i ? 0 : M_START);
		c->mapped += n;
		c->areas++;
		c->nr_map++;
		c->nr_map_2m += n >= 512 && !(p % 512) && !(phys % MIB(2));
		c->nr_map_1g += n >= 262144 && !(p % 262144) && !(phys % GIB(1));
	} else {
		c->nr_eexist++;
	}
	check_range(c, p, n);
}

/* The area holding page p (which is mapped). */
static void model_area(const struct ctx *c, uint64_t p, uint64_t *a, uint64_t *b)
{
	*a = p;
	while (!(c->pg[*a] & M_START))
		(*a)--;
	*b = p;
	while (*b + 1 < WIN_PAGES && c->pg[*b + 1] && !(c->pg[*b + 1] & M_START))
		(*b)++;
}

/* An IOAS unmap: a whole area (maybe with what follows) or a random range. */
static void op_unmap(struct ctx *c)
{
	uint64_t p = pick_mapped_page(c), s, l, a, b, bytes = 0;
	int expect, ret;

	if (c->pg[p] && rng_below(&c->rng, 4)) {
		model_area(c, p, &a, &b);
		if (!rng_below(&c->rng, 3))
			b += rng_below(&c->rng, 2048);
		s = a * KIB(4);
		l = (b < WIN_PAGES ? b + 1 : WIN_PAGES) * KIB(4) - 1;
	} else {
		s = p * KIB(4) + (rng_below(&c->rng, 2) ? rng_below(&c->rng, KIB(4)) : 0);
		l = s + rng_below(&c->rng, rng_below(&c->rng, 8) ? MIB(4) : MIB(64));
		if (l >= WIN_PAGES * KIB(4))
			l = WIN_PAGES * KIB(4) - 1;
	}
	expect = model_ioas_check(c, s, l);
	ret = ioasid_domain_unmap(c->dom, WIN_BASE + s, l - s + 1, 0, &bytes);
	assert_int_equal(ret, expect);
	if (!ret) {
		assert_int_equal(bytes, model_clear(c, s >> 12, (l >> 12) - (s >> 12) + 1) * KIB(4));
		c->nr_unmap++;
	} else {
		assert_int_equal(bytes, 0);
		c->nr_enoent++;
	}
	check_range(c, s >> 12, (l >> 12) - (s >> 12) + 1);
}

/* A split unmap of [p, p + n): cuts areas and huge leaves. */
static void split_range(struct ctx *c, uint64_t p, uint64_t n)
{
	uint64_t bytes = 0, k = model_count(c, p, n);
	int ret;

	ret = ioasid_domain_unmap(c->dom, WIN_BASE + p * KIB(4), n * KIB(4),
				  IOASID_UNMAP_SPLIT, &bytes);
	assert_int_equal(ret, k ? 0 : -ENOENT);
	assert_int_equal(bytes, k * KIB(4));
	if (k) {
		/* What follows the range starts an area of its own now. */
		if (p + n < WIN_PAGES && c->pg[p + n] && !(c->pg[p + n] & M_START)) {
			c->pg[p + n] |= M_START;
			c->areas++;
		}
		model_clear(c, p, n);
		c->nr_split++;
	} else {
		c->nr_enoent++;
	}
	check_range(c, p, n);
}

/* A split unmap of a random aligned range, mostly near a mapped page. */
static void op_split(struct ctx *c)
{
	uint64_t n = 1 + rng_below(&c->rng, rng_below(&c->rng, 16) ? 1024 : 300000);
	uint64_t p = pick_mapped_page(c);

	if (n > WIN_PAGES)
		n = WIN_PAGES;
	p = p > n / 2 ? p - rng_below(&c->rng, n / 2 + 1) : 0;
	if (p + n > WIN_PAGES)
		p = WIN_PAGES - n;
	split_range(c, p, n);
}

/* ------------------------------------------------------------------------
 * Runs
 */

static void run_sequence(uint32_t width, uint64_t pgsizes, unsigned int nr_ops)
{
	struct ctx c = { 0 };
	uint64_t i, bytes = 0;
	unsigned int op;

	c.rng = test_seed("iommu_domain_random") ^ ((uint64_t)width << 40);
	c.iommu = iommu_new(width, pgsizes);
	c.dom = paging_new(c.iommu);
	c.pg = calloc(WIN_PAGES, sizeof(*c.pg));
	assert_non_null(c.pg);
	for (op = 0; op < nr_ops; op++) {
		uint64_t r = rng_below(&c.rng, 10);

		if (r < 5)
			op_map(&c);
		else if (r < 8)
			op_unmap(&c);
		else
			op_split(&c);
		for (i = 0; i < 32; i++)
			check_page(&c, rng_below(&c.rng, WIN_PAGES));
		check_faults_and_counters(&c);
	}
	printf("width %u: %lu maps (%lu 2M-capable, %lu 1G-capable), %lu unmaps, "
	       "%lu split unmaps, %lu EEXIST, %lu ENOENT, %llu pages mapped at the end\n",
	       width, c.nr_map, c.nr_map_2m, c.nr_map_1g, c.nr_unmap, c.nr_split,
	       c.nr_eexist, c.nr_enoent, (unsigned long long)c.mapped);
	/* The sequence did exercise huge leaves (and so their splits). */
	assert_true(c.nr_map_2m > 0);
	assert_true(c.nr_map_1g > 0 || !(pgsizes & IOASID_PAGE_SIZE_1G));
	/* Every page of the window, once, by table walk. */
	for (i = 0; i < WIN_PAGES; i++) {
		uint64_t phys = 0;

		assert_int_equal(ioasid_domain_iova_to_phys(c.dom, WIN_BASE + i * KIB(4), &phys),
				 c.pg[i] ? 0 : -ENOENT);
		if (c.pg[i])
			assert_int_equal(phys, c.pg[i] & M_PHYS);
	}
	assert_int_equal(ioasid_domain_unmap(c.dom, 0, UINT64_MAX, 0, &bytes),
			 c.mapped ? 0 : -ENOENT);
	assert_int_equal(bytes, c.mapped * KIB(4));
	assert_domain_empty(c.dom);
	assert_int_equal(ioasid_domain_free(c.dom), 0);
	ioasid_iommu_free(c.iommu);
	free(c.pg);
}

static void test_pgtable_random_48bit_all_sizes(void **state)
{
	run_sequence(48, PGSIZES_ALL, 3000);
	(void)state;
}

static void test_pgtable_random_39bit_no_1g(void **state)
{
	run_sequence(39, IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M, 1500);
	(void)state;
}

static void test_pgtable_random_57bit_all_sizes(void **state)
{
	run_sequence(57, PGSIZES_ALL, 1500);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pgtable_random_48bit_all_sizes),
		cmocka_unit_test(test_pgtable_random_39bit_no_1g),
		cmocka_unit_test(test_pgtable_random_57bit_all_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
