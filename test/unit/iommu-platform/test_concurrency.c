// SPDX-License-Identifier: MIT
/*
 * Device DMA racing with attach, detach, claims, hot-plug and container
 * map/unmap. Translations take no lock, so each one must see either a
 * whole attachment or none: the physical address of one of the domains
 * attached at some point, or -EFAULT. Run under TSan by `make test`.
 * Threads other than the test's own count what went wrong instead of
 * asserting (cmocka's asserts must run in the test's thread).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define IOVA 0x200000ull
#define PHYS_A 0x10000000ull
#define PHYS_B 0x20000000ull
#define ROUNDS 400
#define READERS 2

struct race {
	struct plat_fixture *f;
	struct ioasid_group *g;
	struct ioasid_device *dev;
	struct ioasid_domain *dom[2];
	struct test_owner owner;
	atomic_int done;
	atomic_ulong ok, blocked, bad;
};

/* Count a call that did not return what it had to. */
#define EXPECT(r, cond)                                                        \
	do {                                                                   \
		if (!(cond))                                                   \
			atomic_fetch_add(&(r)->bad, 1);                        \
	} while (0)

static struct ioasid_domain *mapped_domain(struct plat_fixture *f, uint64_t phys)
{
	struct ioasid_domain *dom;

	assert_int_equal(ioasid_domain_alloc(f->iommu, IOASID_DOMAIN_PAGING, 0,
					     &dom), 0);
	assert_int_equal(ioasid_domain_map(dom, IOVA, phys, 0x1000,
					   IOASID_PROT_READ, 0), 0);
	return dom;
}

static void *reader(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->done)) {
		for (ioasid_t pasid = 0; pasid < 3; pasid++) {
			uint64_t phys = 0;
			int ret = ioasid_device_translate(r->dev, pasid, IOVA + 8,
							  IOASID_ACCESS_READ, &phys);

			if (ret == 0) {
				EXPECT(r, phys == PHYS_A + 8 || phys == PHYS_B + 8);
				atomic_fetch_add(&r->ok, 1);
			} else {
				EXPECT(r, ret == -EFAULT);
				atomic_fetch_add(&r->blocked, 1);
			}
		}
	}
	return NULL;
}

/* Claims, attaches and detaches in turn, with both domains. */
static void *writer(void *arg)
{
	struct race *r = arg;
	struct ioasid_owner *o = &r->owner.owner;

	for (int i = 0; i < ROUNDS; i++) {
		struct ioasid_domain *d = r->dom[i & 1];

		EXPECT(r, ioasid_group_claim(r->g, o, 0) == 0);
		EXPECT(r, ioasid_group_attach(r->g, o, d) == 0);
		EXPECT(r, ioasid_device_attach_pasid(r->dev, o, 1, d) == 0);
		EXPECT(r, ioasid_device_attach_pasid(r->dev, o, 2,
						     r->dom[!(i & 1)]) == 0);
		EXPECT(r, ioasid_device_detach_pasid(r->dev, o, 1) == 0);
		if (i & 2)
			EXPECT(r, ioasid_group_detach(r->g, o) == 0);
		EXPECT(r, ioasid_group_release(r->g, o) == 0);
	}
	/*
	 * On a loaded machine the readers may not have run yet: the test
	 * asserts they translated at least once, so wait for that rather
	 * than depend on the scheduler.
	 */
	while (!atomic_load(&r->ok) && !atomic_load(&r->blocked))
		sched_yield();
	atomic_store(&r->done, 1);
	return NULL;
}

/* Runs under the platform lock, so a plain counter is enough. */
static void count_event(const struct ioasid_group_event_data *ev, void *arg)
{
	(*(int *)arg)++;
}

/* Hot-plugs a sibling device and churns notifiers meanwhile. */
static void *plugger(void *arg)
{
	struct race *r = arg;
	struct ioasid_device_desc desc = { .name = "sibling",
					   .iommu = r->f->iommu };
	int events = 0;

	do { /* at least one round, however late this thread starts */
		struct ioasid_device *sib = NULL;
		struct ioasid_group_notifier *n = NULL;

		EXPECT(r, ioasid_group_notifier_register(r->g, count_event,
							 &events, &n) == 0);
		EXPECT(r, ioasid_device_alloc(r->f->p, &desc, &sib) == 0);
		EXPECT(r, ioasid_group_add_device(r->g, sib) == 0);
		ioasid_device_free(sib);
		ioasid_group_notifier_unregister(n);
	} while (!atomic_load(&r->done));
	/* Each round saw at least ADD_DEVICE and DEL_DEVICE. */
	EXPECT(r, events >= 2);
	return NULL;
}

static void test_concurrency_translate_vs_attach(void **state)
{
	struct race r = { .f = *state };
	pthread_t rd[READERS], wr, pl;

	test_owner_init(&r.owner, "racer");
	r.g = plat_group(r.f, NULL);
	r.dev = plat_device(r.f, "dev", NULL, 4);
	assert_int_equal(ioasid_group_add_device(r.g, r.dev), 0);
	r.dom[0] = mapped_domain(r.f, PHYS_A);
	r.dom[1] = mapped_domain(r.f, PHYS_B);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&rd[i], NULL, reader, &r), 0);
	assert_int_equal(pthread_create(&pl, NULL, plugger, &r), 0);
	assert_int_equal(pthread_create(&wr, NULL, writer, &r), 0);
	pthread_join(wr, NULL);
	pthread_join(pl, NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(rd[i], NULL);
	print_message("%lu translated, %lu blocked\n", atomic_load(&r.ok),
		      atomic_load(&r.blocked));
	assert_int_equal(atomic_load(&r.bad), 0);
	assert_true(atomic_load(&r.ok) + atomic_load(&r.blocked) > 0);
	ioasid_device_free(r.dev);
	ioasid_group_put(r.g);
	assert_int_equal(ioasid_domain_free(r.dom[0]), 0);
	assert_int_equal(ioasid_domain_free(r.dom[1]), 0);
}

struct cont_race {
	struct ioasid_container *c;
	struct ioasid_device *dev;
	atomic_int done;
	atomic_ulong bad;
};

static void *cont_reader(void *arg)
{
	struct cont_race *r = arg;

	while (!atomic_load(&r->done)) {
		for (uint64_t page = 0; page < 4; page++) {
			uint64_t phys = 0, iova = IOVA + page * 0x1000;
			int ret = ioasid_device_translate(r->dev, 0, iova,
							  IOASID_ACCESS_READ, &phys);

			if (ret == 0)
				EXPECT(r, phys == PHYS_A + page * 0x1000);
			else
				EXPECT(r, ret == -EFAULT);
		}
	}
	return NULL;
}

static void test_concurrency_container_map_vs_dma(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_group *g = plat_group(f, NULL);
	struct cont_race r = { .dev = plat_device(f, "dev", NULL, 0) };
	struct ioasid_dma_map m = { .flags = IOASID_DMA_MAP_FLAG_READ,
				    .vaddr = PHYS_A, .iova = IOVA, .size = 0x4000 };
	struct ioasid_dma_unmap u = { .iova = IOVA, .size = 0x4000 };
	pthread_t rd[READERS];
	uint64_t bytes;

	assert_int_equal(ioasid_group_add_device(g, r.dev), 0);
	assert_int_equal(ioasid_container_alloc(f->p, NULL, &r.c), 0);
	assert_int_equal(ioasid_container_attach_group(r.c, g), 0);
	assert_int_equal(ioasid_container_set_iommu(r.c, IOASID_VFIO_TYPE1v2_IOMMU),
			 0);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&rd[i], NULL, cont_reader, &r), 0);
	for (int i = 0; i < ROUNDS; i++) {
		assert_int_equal(ioasid_container_map_dma(r.c, &m), 0);
		assert_int_equal(ioasid_container_unmap_dma(r.c, &u, &bytes), 0);
		assert_int_equal(bytes, 0x4000);
	}
	atomic_store(&r.done, 1);
	for (int i = 0; i < READERS; i++)
		pthread_join(rd[i], NULL);
	assert_int_equal(atomic_load(&r.bad), 0);
	ioasid_container_free(r.c);
	ioasid_device_free(r.dev);
	ioasid_group_put(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_concurrency_translate_vs_attach,
						plat_setup, plat_teardown),
		cmocka_unit_test_setup_teardown(
			test_concurrency_container_map_vs_dma, plat_setup,
			plat_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
