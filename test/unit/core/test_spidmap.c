// SPDX-License-Identifier: MIT
/* Unit tests of the per-set SPID table (lib/core/spidmap.c). */
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
	return ioasid__spidmap_lookup(map, spid);
}

/* Leaves of the map's own (not the shared empty one). */
static uint32_t own_leaves(struct ioasid__spidmap *map)
{
	struct ioasid_spid_dir *dir = atomic_load(&map->view.dir);
	struct ioasid__spidmap fresh;
	struct ioasid_spid_leaf *empty;
	uint32_t n = 0;

	/* In a map without SPIDs every leaf is the shared one. */
	ioasid__spidmap_init(&fresh);
	empty = atomic_load(&atomic_load(&fresh.view.dir)->leaves[0]);
	for (uint32_t i = 0; i < IOASID_SPID_DIR_LEAVES; i++)
		if (atomic_load(&dir->leaves[i]) != empty)
			n++;
	return n;
}

static void test_spidmap_empty_misses(void **state)
{
	struct ioasid__spidmap *map = *state;

	assert_int_equal(probe(map, 0), 0);
	assert_int_equal(probe(map, 5), 0);
	assert_int_equal(probe(map, IOASID_CAPACITY_MAX - 1), 0);
	assert_int_equal(probe(map, IOASID_CAPACITY_MAX), 0);
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
	assert_int_equal(ioasid__spidmap_insert(map, IOASID_CAPACITY_MAX - 1, 3),
			 0);
	assert_int_equal(probe(map, IOASID_CAPACITY_MAX - 1), 3);
}

static void test_spidmap_many_keeps_all(void **state)
{
	struct ioasid__spidmap *map = *state;

	for (ioasid_t i = 1; i <= 100000; i++)
		assert_int_equal(ioasid__spidmap_insert(
					 map, (i * 7919u) % IOASID_CAPACITY_MAX,
					 i),
				 0);
	for (ioasid_t i = 1; i <= 100000; i++)
		assert_int_equal(probe(map, (i * 7919u) % IOASID_CAPACITY_MAX),
				 i);
	assert_int_equal(probe(map, 3), 0);
	for (ioasid_t i = 1; i <= 100000; i += 2)
		ioasid__spidmap_remove(map, (i * 7919u) % IOASID_CAPACITY_MAX);
	for (ioasid_t i = 1; i <= 100000; i++)
		assert_int_equal(probe(map, (i * 7919u) % IOASID_CAPACITY_MAX),
				 i % 2 ? 0 : i);
}

/*
 * Memory follows the ranges in use: one leaf per range of
 * IOASID_SPID_LEAF_IDS SPIDs, kept after its SPIDs go, never more than the
 * directory holds however the SPIDs are spread.
 */
static void test_spidmap_leaves_per_range(void **state)
{
	struct ioasid__spidmap *map = *state;

	assert_int_equal(own_leaves(map), 0);
	assert_int_equal(ioasid__spidmap_insert(map, 1, 1), 0);
	assert_int_equal(ioasid__spidmap_insert(map, 2, 2), 0);
	assert_int_equal(own_leaves(map), 1);
	assert_int_equal(ioasid__spidmap_insert(map, IOASID_SPID_LEAF_IDS, 3), 0);
	assert_int_equal(own_leaves(map), 2);
	ioasid__spidmap_remove(map, IOASID_SPID_LEAF_IDS);
	assert_int_equal(own_leaves(map), 2);
	for (ioasid_t r = 0; r < IOASID_SPID_DIR_LEAVES; r++) {
		ioasid_t spid = r * IOASID_SPID_LEAF_IDS + 7;

		assert_int_equal(ioasid__spidmap_insert(map, spid, r + 10), 0);
	}
	assert_int_equal(own_leaves(map), IOASID_SPID_DIR_LEAVES);
	assert_int_equal(probe(map, 5 * IOASID_SPID_LEAF_IDS + 7), 15);
}

/*
 * Every allocation an insert makes (the directory, then the leaf) can fail,
 * and a failure changes nothing: the map reads as before and takes the same
 * insert afterwards.
 */
static void test_spidmap_insert_enomem_changes_nothing(void **state)
{
	struct ioasid__spidmap *map = *state;

	for (int nth = 1; nth <= 2; nth++) {
		ioasid__alloc_fail_nth(nth);
		assert_int_equal(ioasid__spidmap_insert(map, 7, 7), -ENOMEM);
		ioasid__alloc_fail_nth(0);
		assert_int_equal(probe(map, 7), 0);
		assert_int_equal(own_leaves(map), 0);
	}
	assert_int_equal(ioasid__spidmap_insert(map, 7, 7), 0);
	ioasid__alloc_fail_nth(1);
	assert_int_equal(ioasid__spidmap_insert(map, 5000, 8), -ENOMEM);
	ioasid__alloc_fail_nth(0);
	assert_int_equal(probe(map, 5000), 0);
	assert_int_equal(own_leaves(map), 1);
	assert_int_equal(ioasid__spidmap_insert(map, 8, 9), 0); /* no allocation */
	assert_int_equal(probe(map, 7), 7);
	assert_int_equal(probe(map, 8), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spidmap_empty_misses,
						map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(test_spidmap_insert_probe_remove,
						map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(test_spidmap_many_keeps_all,
						map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(test_spidmap_leaves_per_range,
						map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(
			test_spidmap_insert_enomem_changes_nothing, map_setup,
			map_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
