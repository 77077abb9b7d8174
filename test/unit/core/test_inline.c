// SPDX-License-Identifier: MIT
/*
 * The inline fast paths of ioasid/core_inline.h against the library's
 * out-of-line functions: ioasid_find(...) and ioasid_spid_find(...) written
 * as calls are the inline versions, (ioasid_find)(...) and
 * (ioasid_spid_find)(...) the exported ones. Every case must give the same
 * result, errno and output; under concurrent allocation, freeing and SPID
 * churn (labelled concurrency, so TSan runs it too), every inline answer
 * must be one the contract allows.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

#ifndef IOASID_HAVE_INLINE_VIEW
#error "the library's own tests are C11 with atomics: the inline view must exist"
#endif

#define SPID_KEY 0x5a5a5u /* spid = id ^ SPID_KEY: a bijection */

static void *private_of(ioasid_t id)
{
	return (void *)(((uintptr_t)id << 4) | 8);
}

/* Both paths of ioasid_find() agree on (set, id), result and output. */
static void assert_find_same(struct ioasid_ns *ns, struct ioasid_set *set,
			     ioasid_t id)
{
	void *in = (void *)1, *out = (void *)1;
	int ri = ioasid_find(ns, set, id, &in);
	int ro = (ioasid_find)(ns, set, id, &out);

	assert_int_equal(ri, ro);
	assert_ptr_equal(in, out);
	assert_int_equal(ioasid_find(ns, set, id, NULL), ro);
}

static void assert_spid_same(struct ioasid_set *set, ioasid_t spid)
{
	ioasid_t in = 7, out = 7;
	int ri = ioasid_spid_find(set, spid, false, &in);
	int ro = (ioasid_spid_find)(set, spid, false, &out);

	assert_int_equal(ri, ro);
	assert_int_equal(in, out);
}

/* A slot is the private data plus one; 0 is reserved for "not live". */
static void test_inline_slot_holds_private(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 8);
	void *const values[] = { NULL, private_of(7), (void *)(UINTPTR_MAX - 1) };
	ioasid_t id;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		void *got = (void *)1;

		assert_int_equal(ioasid_alloc(set, 5, 5, values[i], &id), 0);
		assert_int_equal(atomic_load(&ns->view.slots[id]),
				 (uint64_t)(uintptr_t)values[i] + 1);
		assert_int_equal(ioasid_find(ns, NULL, id, &got), 0);
		assert_ptr_equal(got, values[i]);
		assert_find_same(ns, set, id);
		assert_int_equal(ioasid_free(set, id), 0);
		assert_int_equal(atomic_load(&ns->view.slots[id]), 0);
		assert_find_same(ns, NULL, id);
	}
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_inline_find_matches_outofline(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_NONE, 0, 8);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_NONE, 0, 8);
	ioasid_t live, pending, idle = 100;

	assert_int_equal(ioasid_alloc(a, 10, 20, private_of(10), &live), 0);
	assert_int_equal(ioasid_alloc(a, 30, 40, NULL, &pending), 0);
	assert_int_equal(ioasid_get(ns, NULL, pending), 0);
	assert_int_equal(ioasid_free(a, pending), 0); /* FREE_PENDING */
	const ioasid_t ids[] = { 0, live, pending, idle,
				 IOASID_CAPACITY_DEFAULT - 1,
				 IOASID_CAPACITY_DEFAULT, IOASID_INVALID };
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_find_same(ns, NULL, ids[i]);
		assert_find_same(ns, a, ids[i]);
		assert_find_same(ns, b, ids[i]); /* -EPERM for a's IDs */
	}
	assert_int_equal(ioasid_find(ns, b, live, NULL), -EPERM);
	assert_int_equal(ioasid_find(ns, NULL, pending, NULL), 0);
	assert_int_equal(ioasid_find(ns, NULL, 0, NULL), -ENOENT);
	assert_int_equal(ioasid_put(ns, NULL, pending), 0);
	assert_int_equal(ioasid_free(a, live), 0);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

/* An installed capacity below the maximum: IDs above it answer -ENOENT. */
static void test_inline_find_beyond_installed_capacity(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set;
	ioasid_t id;

	assert_int_equal(ioasid_capacity_install(ns, 64), 0);
	set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 8);
	assert_int_equal(ioasid_alloc(set, 63, 63, NULL, &id), 0);
	for (ioasid_t i = 62; i < 70; i++)
		assert_find_same(ns, NULL, i);
	assert_int_equal(ioasid_find(ns, NULL, 64, NULL), -ENOENT);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_inline_spid_find_matches_outofline(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	const uint32_t n = 3000; /* SPIDs over hundreds of leaves */
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, n);
	struct ioasid_set *empty = core_set(ns, IOASID_SET_TYPE_GUEST, 2, 1);
	ioasid_t id, got;

	assert_spid_same(empty, 5); /* the shared empty directory */
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(ioasid_alloc(set, 1, 0xfffff, NULL, &id), 0);
		assert_int_equal(ioasid_spid_attach(set, id, id ^ SPID_KEY), 0);
	}
	for (ioasid_t spid = 0; spid < 8192; spid++) {
		assert_spid_same(set, spid ^ SPID_KEY);
		assert_spid_same(set, spid);
	}
	assert_spid_same(set, IOASID_INVALID);
	assert_spid_same(set, IOASID_CAPACITY_MAX); /* not a PASID */
	assert_spid_same(set, IOASID_CAPACITY_MAX + (1 ^ SPID_KEY));
	assert_int_equal(ioasid_spid_find(set, 1 ^ SPID_KEY, false, &got), 0);
	assert_int_equal(got, 1);
	/* With get, the call goes to the library and takes a reference. */
	assert_int_equal(ioasid_spid_find(set, 1 ^ SPID_KEY, true, &got), 0);
	assert_int_equal(core_refs(ns, 1), 2);
	assert_int_equal(ioasid_put(ns, set, 1), 0);
	/* Detached SPIDs leave zeros in their leaves, which map nothing. */
	for (ioasid_t i = 1; i <= n; i += 2)
		assert_int_equal(ioasid_spid_detach(set, i), 0);
	for (ioasid_t spid = 0; spid < 8192; spid++)
		assert_spid_same(set, spid ^ SPID_KEY);
	assert_int_equal(ioasid_set_free_all(set), (int)n);
	assert_int_equal(ioasid_set_free(set), 0);
	assert_int_equal(ioasid_set_free(empty), 0);
}

/* ------------------------------------------------------------------------
 * Concurrency: writers churn IDs and SPIDs, readers use the inline paths.
 */

#define CHURN_SPAN 256
#define NR_READERS 2

struct churn {
	struct ioasid_ns *ns;
	struct ioasid_set *set;
	struct ioasid_set *other;
	atomic_int stop;
};

static void *churn_writer(void *arg)
{
	struct churn *c = arg;
	unsigned int seed = 1;

	while (!atomic_load(&c->stop)) {
		ioasid_t min = 1 + (ioasid_t)rand_r(&seed) % CHURN_SPAN, id;

		if (ioasid_alloc(c->set, min, CHURN_SPAN, private_of(min), &id))
			continue;
		/* The private data names the hint, not the ID: fix it up. */
		assert_int_equal(ioasid_attach_data(c->set, id, private_of(id)), 0);
		if (rand_r(&seed) & 1) {
			assert_int_equal(ioasid_spid_attach(c->set, id,
							    id ^ SPID_KEY), 0);
			if (rand_r(&seed) & 1) /* else it goes with the ID */
				assert_int_equal(ioasid_spid_detach(c->set, id),
						 0);
		}
		assert_int_equal(ioasid_free(c->set, id), 0);
	}
	return NULL;
}

/* Every answer must be one the contract allows at some instant. */
static void churn_check_find(struct churn *c, ioasid_t id)
{
	void *private = NULL;
	int ret = ioasid_find(c->ns, NULL, id, &private);

	if (ret == 0) {
		/* Published with the hint's data, then fixed up: either. */
		assert_true(private == private_of(id) ||
			    ((uintptr_t)private & 15) == 8);
	} else {
		assert_int_equal(ret, -ENOENT);
	}
	ret = ioasid_find(c->ns, c->other, id, NULL);
	assert_true(ret == -ENOENT || ret == -EPERM);
}

static void churn_check_spid(struct churn *c, ioasid_t id)
{
	ioasid_t got = 0;
	int ret = ioasid_spid_find(c->set, id ^ SPID_KEY, false, &got);

	if (ret == 0)
		assert_int_equal(got, id);
	else
		assert_int_equal(ret, -ENOENT);
}

static void *churn_reader(void *arg)
{
	struct churn *c = arg;

	while (!atomic_load(&c->stop))
		for (ioasid_t id = 1; id <= CHURN_SPAN; id++) {
			churn_check_find(c, id);
			churn_check_spid(c, id);
		}
	return NULL;
}

static void test_inline_concurrent_with_churn(void **state)
{
	struct churn c = { .ns = core_ns(state) };
	pthread_t writer, readers[NR_READERS];
	struct timespec pause = { 0, 300 * 1000 * 1000 };

	c.set = core_set(c.ns, IOASID_SET_TYPE_GUEST, 1, CHURN_SPAN);
	c.other = core_set(c.ns, IOASID_SET_TYPE_GUEST, 2, 1);
	assert_int_equal(pthread_create(&writer, NULL, churn_writer, &c), 0);
	for (int i = 0; i < NR_READERS; i++)
		assert_int_equal(pthread_create(&readers[i], NULL, churn_reader,
						&c), 0);
	nanosleep(&pause, NULL);
	atomic_store(&c.stop, 1);
	pthread_join(writer, NULL);
	for (int i = 0; i < NR_READERS; i++)
		pthread_join(readers[i], NULL);
	assert_int_equal(ioasid_set_free(c.set), 0);
	assert_int_equal(ioasid_set_free(c.other), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_inline_slot_holds_private),
		CORE_TEST(test_inline_find_matches_outofline),
		CORE_TEST(test_inline_find_beyond_installed_capacity),
		CORE_TEST(test_inline_spid_find_matches_outofline),
		CORE_TEST(test_inline_concurrent_with_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
