// SPDX-License-Identifier: MIT
/* Unit tests of the per-set SPID hash (lib/core/spidmap.c). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/spidmap.h"
#include "util/alloc.h"

static int map_setup(void **state)
{
	struct ioasid__spidmap *map = calloc(1, sizeof(*map));

	assert_non_null(map);
	ioasid__spidmap_init(map);
	*state = map;
	return 0;
}

static int map_teardown(void **state)
{
	ioasid__spidmap_destroy(*state);
	free(*state);
	return 0;
}

static ioasid_t probe(struct ioasid__spidmap *map, ioasid_t spid)
{
	ioasid_t id;

	return ioasid__spidmap_probe(map, spid, &id) ? id : 0;
}

static void test_spidmap_empty_misses(void **state)
{
	struct ioasid__spidmap *map = *state;

	assert_int_equal(probe(map, 0), 0);
	assert_int_equal(probe(map, 5), 0);
	assert_int_equal(probe(map, IOASID_INVALID), 0);
}

static void test_spidmap_insert_probe_remove(void **state)
{
	struct ioasid__spidmap *map = *state;

	assert_int_equal(ioasid__spidmap_insert(map, 0, 7), 0);
	assert_int_equal(ioasid__spidmap_insert(map, 100, 8), 0);
	assert_int_equal(ioasid__spidmap_insert(map, 100, 9), -EEXIST);
	assert_int_equal(probe(map, 0), 7);
	assert_int_equal(probe(map, 100), 8);
	assert_int_equal(probe(map, 101), 0);
	ioasid__spidmap_remove(map, 100);
	assert_int_equal(probe(map, 100), 0);
	assert_int_equal(probe(map, 0), 7);
	assert_int_equal(ioasid__spidmap_insert(map, 100, 9), 0);
	assert_int_equal(probe(map, 100), 9);
}

static void test_spidmap_grows_and_keeps_all(void **state)
{
	struct ioasid__spidmap *map = *state;
	uint64_t seq = ioasid__spidmap_seq(map);

	for (ioasid_t i = 1; i <= 100000; i++)
		assert_int_equal(ioasid__spidmap_insert(map, i * 7919u, i), 0);
	assert_true(ioasid__spidmap_changed(map, seq));
	for (ioasid_t i = 1; i <= 100000; i++)
		assert_int_equal(probe(map, i * 7919u), i);
	assert_int_equal(probe(map, 3), 0);
	for (ioasid_t i = 1; i <= 100000; i += 2)
		ioasid__spidmap_remove(map, i * 7919u);
	for (ioasid_t i = 1; i <= 100000; i++)
		assert_int_equal(probe(map, i * 7919u), i % 2 ? 0 : i);
}

/*
 * Heavy churn at a constant size exercises tombstone clean-up by same-size
 * rebuilds (reusing the spare table); lookups stay right throughout.
 */
static void test_spidmap_churn_stays_correct(void **state)
{
	struct ioasid__spidmap *map = *state;
	ioasid_t live[16];
	unsigned int seed = 7;

	for (int i = 0; i < 16; i++) {
		live[i] = (ioasid_t)i;
		assert_int_equal(ioasid__spidmap_insert(map, live[i], i + 1), 0);
	}
	for (int round = 0; round < 200000; round++) {
		int k = rand_r(&seed) % 16;
		ioasid_t spid = (ioasid_t)rand_r(&seed) & 0x7fffffff;

		if (probe(map, spid))
			continue;
		ioasid__spidmap_remove(map, live[k]);
		assert_int_equal(probe(map, live[k]), 0);
		assert_int_equal(ioasid__spidmap_insert(map, spid, k + 1), 0);
		live[k] = spid;
	}
	for (int i = 0; i < 16; i++)
		assert_int_equal(probe(map, live[i]), i + 1);
}

static void test_spidmap_insert_enomem_changes_nothing(void **state)
{
	struct ioasid__spidmap *map = *state;
	ioasid_t i;

	/* Fill to just below the first growth, then make the growth fail. */
	for (i = 1; i <= 6; i++)
		assert_int_equal(ioasid__spidmap_insert(map, i, i), 0);
	ioasid__alloc_fail_nth(1);
	assert_int_equal(ioasid__spidmap_insert(map, 7, 7), -ENOMEM);
	ioasid__alloc_fail_nth(0);
	assert_int_equal(probe(map, 7), 0);
	for (i = 1; i <= 6; i++)
		assert_int_equal(probe(map, i), i);
	assert_int_equal(ioasid__spidmap_insert(map, 7, 7), 0);
	assert_int_equal(probe(map, 7), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spidmap_empty_misses,
						map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(test_spidmap_insert_probe_remove,
						map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(test_spidmap_grows_and_keeps_all,
						map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(test_spidmap_churn_stays_correct,
						map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(
			test_spidmap_insert_enomem_changes_nothing, map_setup,
			map_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
