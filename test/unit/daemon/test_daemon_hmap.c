// SPDX-License-Identifier: MIT
/*
 * Unit tests of ioasidd's u64 hash map (daemon/hmap.c) against a plain
 * array model, including deletion's backward shift and the drain walk.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hmap.h"
#include "sweep.h"

#define KEYS 512

static void test_hmap_empty(void **state)
{
	struct hmap m;
	size_t cursor = 0;

	ioasid__hmap_init(&m);
	assert_null(ioasid__hmap_find(&m, 1));
	assert_false(ioasid__hmap_del(&m, 1));
	assert_null(ioasid__hmap_next(&m, &cursor));
	assert_int_equal(ioasid__hmap_put(&m, HMAP_EMPTY, 1), -EINVAL);
	ioasid__hmap_destroy(&m);
}

static void test_hmap_random_model(void **state)
{
	static uint64_t model[KEYS];
	static bool present[KEYS];
	struct hmap m;

	ioasid__hmap_init(&m);
	srand(42);
	for (int round = 0; round < 20000; round++) {
		/* Keys cluster (k * 1024) to make long probe runs. */
		int k = rand() % KEYS;
		uint64_t key = (uint64_t)k * 1024, *v;

		if (rand() % 3) {
			model[k] = (uint64_t)rand();
			present[k] = true;
			assert_int_equal(ioasid__hmap_put(&m, key, model[k]), 0);
		} else {
			assert_int_equal(ioasid__hmap_del(&m, key), present[k]);
			present[k] = false;
		}
		k = rand() % KEYS;
		v = ioasid__hmap_find(&m, (uint64_t)k * 1024);
		assert_int_equal(v != NULL, present[k]);
		if (v)
			assert_int_equal(*v, model[k]);
	}
	for (int k = 0; k < KEYS; k++) {
		uint64_t *v = ioasid__hmap_find(&m, (uint64_t)k * 1024);

		assert_int_equal(v != NULL, present[k]);
	}
	ioasid__hmap_destroy(&m);
}

static void test_hmap_drain(void **state)
{
	static bool seen[KEYS];
	struct hmap m;
	struct hmap_entry *e;
	size_t cursor = 0, count = 0;

	ioasid__hmap_init(&m);
	for (uint64_t k = 0; k < KEYS; k++)
		assert_int_equal(ioasid__hmap_put(&m, k * 7919, k), 0);
	/* Deleting each entry as it is returned visits each exactly once. */
	while ((e = ioasid__hmap_next(&m, &cursor))) {
		uint64_t k = e->val;

		assert_false(seen[k]);
		seen[k] = true;
		assert_true(ioasid__hmap_del(&m, e->key));
		count++;
	}
	assert_int_equal(count, KEYS);
	assert_int_equal(m.count, 0);
	ioasid__hmap_destroy(&m);
}

static int sweep_step(void *arg)
{
	struct hmap *m = arg;
	int ret = 0;

	ioasid__hmap_init(m);
	for (uint64_t k = 0; k < 100 && !ret; k++)
		ret = ioasid__hmap_put(m, k, k + 1);
	return ret;
}

static void sweep_check(int ret, int fired, void *arg)
{
	struct hmap *m = arg;
	size_t n = m->count;

	assert_int_equal(ret, fired ? -ENOMEM : 0);
	/* What was inserted before the failure is intact. */
	for (uint64_t k = 0; k < n; k++)
		assert_int_equal(*ioasid__hmap_find(m, k), k + 1);
	assert_null(ioasid__hmap_find(m, n));
	ioasid__hmap_destroy(m);
}

static void test_hmap_alloc_sweep(void **state)
{
	struct hmap m;

	assert_true(sweep_alloc_failures(sweep_step, sweep_check, &m) >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmap_empty),
		cmocka_unit_test(test_hmap_random_model),
		cmocka_unit_test(test_hmap_drain),
		cmocka_unit_test(test_hmap_alloc_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
