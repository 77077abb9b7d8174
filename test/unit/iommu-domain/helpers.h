/* SPDX-License-Identifier: MIT */
/* Shared helpers for the iommu-domain tests: PRNG, seeds, fixtures. */
#ifndef IOASID_TEST_IOMMU_DOMAIN_HELPERS_H
#define IOASID_TEST_IOMMU_DOMAIN_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/iommu/domain.h>

#define KIB(x) ((uint64_t)(x) << 10)
#define MIB(x) ((uint64_t)(x) << 20)
#define GIB(x) ((uint64_t)(x) << 30)
#define PROT_RW (IOASID_PROT_READ | IOASID_PROT_WRITE)

/* xorshift64*: small, fast and good enough to drive random sequences. */
static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* A value in [0, n). */
static inline uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return rng_next(s) % n;
}

/* The seed: $IOASID_TEST_SEED if set, else time and pid. Always printed. */
static inline uint64_t test_seed(const char *what)
{
	const char *env = getenv("IOASID_TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) :
			      ((uint64_t)time(NULL) << 16) ^ (uint64_t)getpid();

	if (!seed)
		seed = 1;
	printf("%s: seed %llu (rerun with IOASID_TEST_SEED=%llu)\n", what,
	       (unsigned long long)seed, (unsigned long long)seed);
	return seed;
}

/* An IOMMU with the default caps but the given width and page sizes. */
static inline struct ioasid_iommu *iommu_new(uint32_t addr_width, uint64_t pgsizes)
{
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *iommu = NULL;

	ioasid_iommu_caps_init(&caps);
	caps.addr_width = addr_width;
	caps.pgsize_bitmap = pgsizes;
	assert_int_equal(ioasid_iommu_alloc(&caps, &iommu), 0);
	return iommu;
}

#define PGSIZES_ALL (IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M | IOASID_PAGE_SIZE_1G)

static inline struct ioasid_domain *paging_new(struct ioasid_iommu *iommu)
{
	struct ioasid_domain *dom = NULL;

	assert_int_equal(ioasid_domain_alloc(iommu, IOASID_DOMAIN_PAGING, 0, &dom), 0);
	return dom;
}

/* Teardown check: an empty domain holds its root table only. */
static inline void assert_domain_empty(struct ioasid_domain *dom)
{
	struct ioasid_domain_info info;

	ioasid_domain_query(dom, &info);
	assert_int_equal(info.mapped_bytes, 0);
	assert_int_equal(info.nr_areas, 0);
	assert_int_equal(info.nr_tables, 1);
	assert_int_equal(info.table_bytes, 4096);
	assert_int_equal(ioasid_domain_pgtable_bytes(dom), 4096);
}

/* The fixture of the single-domain tests: an IOMMU and one PAGING domain. */
struct dom_fixture {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
};

static inline int dom_fixture_setup(void **state)
{
	struct dom_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->iommu = iommu_new(48, PGSIZES_ALL);
	f->dom = paging_new(f->iommu);
	*state = f;
	return 0;
}

/* Free the fixture once its domain is back to its root table (asserted). */
static inline int dom_fixture_free(struct dom_fixture *f)
{
	assert_domain_empty(f->dom);
	assert_int_equal(ioasid_domain_free(f->dom), 0);
	ioasid_iommu_free(f->iommu);
	free(f);
	return 0;
}

#endif
