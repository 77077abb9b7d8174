// SPDX-License-Identifier: MIT
/*
 * Translation concurrent with map, unmap, split unmaps and invalidation.
 *
 * A writer maps and unmaps pages over and over, each time at a new
 * "generation" encoded in the physical address, and after every unmap
 * publishes the lowest generation still allowed for that page. Readers
 * translate the same pages through the IOTLB: a translation may fault or
 * return a generation that was mapped at some point, but once a reader has
 * seen that an unmap completed, no translation it starts afterwards may
 * return the unmapped generation. Every page sits alone in its level-1
 * table, so each unmap also frees a table under the readers' feet (RCU).
 *
 * cmocka's assertions may only run on the test's own thread, so the other
 * threads count violations (printing the first few) and the test asserts
 * the count is zero.
 */
#include <pthread.h>
#include <string.h>

#include "helpers.h"

#define NR_PAGES 48u
#define NR_READERS 2
#define WRITER_ROUNDS 6000u

struct shared {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
	uint32_t min_gen[NR_PAGES]; /* atomic: generations below are unmapped */
	int done; /* atomic */
	uint64_t seed;
};

static unsigned long violations; /* atomic */

/* Count a violation seen off the test's thread; print the first ones. */
static void violation(const char *what, uint64_t a, uint64_t b)
{
	if (__atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED) < 5)
		fprintf(stderr, "violation: %s (%#llx, %#llx)\n", what, (unsigned long long)a,
			(unsigned long long)b);
}

static uint64_t page_iova(uint32_t p)
{
	return GIB(1) + p * MIB(2) + (p % 4) * KIB(4);
}

static uint64_t page_phys(uint32_t p, uint32_t gen)
{
	return (((uint64_t)p << 20) | gen) << 12;
}

static void *reader(void *arg)
{
	struct shared *s = arg;
	uint64_t rng = s->seed ^ (uint64_t)pthread_self(), phys, ok = 0;

	while (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
		uint32_t p = (uint32_t)rng_below(&rng, NR_PAGES);
		uint32_t min = __atomic_load_n(&s->min_gen[p], __ATOMIC_ACQUIRE);
		int ret = ioasid_iommu_translate(s->iommu, s->dom, 1, (uint32_t)rng_below(&rng, 3),
						 page_iova(p) + 8, IOASID_ACCESS_READ, &phys);

		if (ret == -EFAULT)
			continue;
		if (ret)
			violation("translate failed", p, (uint64_t)-ret);
		else if (phys >> 32 != p || (phys & 0xfff) != 8)
			violation("translation of another page", p, phys);
		else if (((phys >> 12) & 0xfffff) < min)
			violation("stale translation after unmap returned", p, phys);
		else
			ok++;
	}
	return (void *)(uintptr_t)ok;
}

/* One round: map page p at generation gen, let readers at it, unmap, publish. */
static void writer_round(struct shared *s, uint64_t *rng, uint32_t gen)
{
	uint32_t p = (uint32_t)rng_below(rng, NR_PAGES);
	uint64_t n = 0, phys = 0;
	int i;

	assert_int_equal(ioasid_domain_map(s->dom, page_iova(p), page_phys(p, gen), KIB(4),
					   PROT_RW, 0), 0);
	/* Keep the page mapped a little while so the readers meet it. */
	for (i = 0; i < 256; i++) {
		assert_int_equal(ioasid_iommu_translate(s->iommu, s->dom, 2, 0, page_iova(p),
							IOASID_ACCESS_WRITE, &phys), 0);
		assert_int_equal(phys, page_phys(p, gen));
	}
	if (rng_below(rng, 8) == 0) {
		struct ioasid_iotlb_inv inv = { .granule = (uint32_t)rng_below(rng, 4),
						.domain = s->dom, .pasid = 1,
						.iova = page_iova(p), .length = 1 };

		assert_int_equal(ioasid_iommu_iotlb_invalidate(s->iommu, &inv), 0);
	}
	assert_int_equal(ioasid_domain_unmap(s->dom, page_iova(p), KIB(4),
					     rng_below(rng, 2) ? IOASID_UNMAP_SPLIT : 0, &n), 0);
	assert_int_equal(n, KIB(4));
	__atomic_store_n(&s->min_gen[p], gen + 1, __ATOMIC_RELEASE);
}

static void test_translate_concurrent_with_unmap(void **state)
{
	struct shared s = { 0 };
	pthread_t th[NR_READERS];
	uint64_t rng, ok = 0;
	uint32_t gen;
	int i;

	s.seed = rng = test_seed("iommu_domain_concurrency");
	s.iommu = iommu_new(48, PGSIZES_ALL);
	s.dom = paging_new(s.iommu);
	for (i = 0; i < NR_READERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, &s), 0);
	for (gen = 1; gen <= WRITER_ROUNDS; gen++)
		writer_round(&s, &rng, gen);
	__atomic_store_n(&s.done, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NR_READERS; i++) {
		void *r;

		pthread_join(th[i], &r);
		ok += (uintptr_t)r;
	}
	printf("%u map/unmap rounds, %llu successful concurrent translations\n", WRITER_ROUNDS,
	       (unsigned long long)ok);
	assert_int_equal(__atomic_load_n(&violations, __ATOMIC_RELAXED), 0);
	assert_domain_empty(s.dom);
	assert_int_equal(ioasid_domain_free(s.dom), 0);
	ioasid_iommu_free(s.iommu);
	(void)state;
}

/* Two writers on two domains of one IOMMU share its IOTLB while readers translate. */
struct pair {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
	int writer;
};

static void *pair_thread(void *arg)
{
	struct pair *p = arg;
	uint64_t i, phys;

	for (i = 0; i < 4000; i++) {
		uint64_t iova = (i % 64) * KIB(4);

		if (p->writer) {
			if (ioasid_domain_map(p->dom, iova, GIB(1) + iova, KIB(4),
					      IOASID_PROT_READ, 0) ||
			    ioasid_domain_unmap(p->dom, iova, KIB(4), 0, NULL))
				violation("map or unmap failed", iova, 0);
		} else {
			int ret = ioasid_iommu_translate(p->iommu, p->dom, 0, 0, iova,
							 IOASID_ACCESS_READ, &phys);

			if (ret != -EFAULT && (ret || phys != GIB(1) + iova))
				violation("wrong translation", iova, ret ? (uint64_t)-ret : phys);
		}
	}
	return NULL;
}

static void test_iotlb_shared_by_concurrent_domains(void **state)
{
	struct ioasid_iommu *iommu = iommu_new(48, PGSIZES_ALL);
	struct ioasid_domain *d[2] = { paging_new(iommu), paging_new(iommu) };
	struct pair pairs[4];
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++) {
		pairs[i] = (struct pair){ iommu, d[i / 2], i % 2 };
		assert_int_equal(pthread_create(&th[i], NULL, pair_thread, &pairs[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(__atomic_load_n(&violations, __ATOMIC_RELAXED), 0);
	for (i = 0; i < 2; i++) {
		assert_domain_empty(d[i]);
		assert_int_equal(ioasid_domain_free(d[i]), 0);
	}
	ioasid_iommu_free(iommu);
	(void)state;
}

/* More threads than counter shards: the counts stay exact. */
#define COUNT_THREADS 80
#define COUNT_EACH 2000

struct counter_run {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
	pthread_barrier_t *barrier;
};

static void *count_thread(void *arg)
{
	struct counter_run *r = arg;
	uint64_t phys;
	int i;

	/* Everyone claims a shard (or the shared one) before anyone leaves. */
	pthread_barrier_wait(r->barrier);
	for (i = 0; i < COUNT_EACH; i++)
		if (ioasid_iommu_translate(r->iommu, r->dom, 0, 0, (uint64_t)(i % 8) * KIB(4),
					   IOASID_ACCESS_READ, &phys))
			violation("translate failed", (uint64_t)i, 0);
	pthread_barrier_wait(r->barrier);
	return NULL;
}

static void count_round(struct counter_run *r, int nr)
{
	pthread_t th[COUNT_THREADS];
	pthread_barrier_t barrier;
	int i;

	pthread_barrier_init(&barrier, NULL, (unsigned int)nr);
	r->barrier = &barrier;
	for (i = 0; i < nr; i++)
		assert_int_equal(pthread_create(&th[i], NULL, count_thread, r), 0);
	for (i = 0; i < nr; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
}

static void test_iotlb_counters_exact_across_threads(void **state)
{
	struct counter_run r;
	struct ioasid_iotlb_stats st;

	r.iommu = iommu_new(48, PGSIZES_ALL);
	r.dom = paging_new(r.iommu);
	assert_int_equal(ioasid_domain_map(r.dom, 0, GIB(1), KIB(32), PROT_RW, 0), 0);
	count_round(&r, COUNT_THREADS);
	/* Shards of exited threads are handed out again. */
	count_round(&r, 8);
	ioasid_iommu_iotlb_stats(r.iommu, &st);
	assert_int_equal(__atomic_load_n(&violations, __ATOMIC_RELAXED), 0);
	assert_int_equal(st.hits + st.misses, (uint64_t)(COUNT_THREADS + 8) * COUNT_EACH);
	assert_true(st.fills <= st.misses);
	assert_true(st.fills >= 8);
	assert_int_equal(ioasid_domain_unmap(r.dom, 0, KIB(32), 0, NULL), 0);
	assert_int_equal(ioasid_domain_free(r.dom), 0);
	ioasid_iommu_free(r.iommu);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translate_concurrent_with_unmap),
		cmocka_unit_test(test_iotlb_shared_by_concurrent_domains),
		cmocka_unit_test(test_iotlb_counters_exact_across_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
