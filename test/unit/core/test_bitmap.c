// SPDX-License-Identifier: MIT
/* Unit tests of the hierarchical free-ID bitmap (lib/core/bitmap.c). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/bitmap.h"

#define MAXID (IOASID_CAPACITY_MAX - 1)

static int bm_setup(void **state)
{
	struct ioasid__bitmap *bm = ioasid__bitmap_new();

	assert_non_null(bm);
	*state = bm;
	return 0;
}

static int bm_teardown(void **state)
{
	ioasid__bitmap_free(*state);
	return 0;
}

static ioasid_t find(struct ioasid__bitmap *bm, ioasid_t min, ioasid_t max)
{
	ioasid_t id = IOASID_INVALID;
	int ret = ioasid__bitmap_find(bm, min, max, &id);

	if (ret) {
		assert_int_equal(ret, -ENOSPC);
		return IOASID_INVALID;
	}
	assert_true(id >= min && id <= max);
	return id;
}

static void set_range(struct ioasid__bitmap *bm, ioasid_t from, ioasid_t to)
{
	for (ioasid_t id = from; id <= to; id++)
		ioasid__bitmap_set(bm, id);
}

static void test_bitmap_find_empty_returns_min(void **state)
{
	struct ioasid__bitmap *bm = *state;

	assert_int_equal(find(bm, 0, MAXID), 0);
	assert_int_equal(find(bm, 1, MAXID), 1);
	assert_int_equal(find(bm, 63, 63), 63);
	assert_int_equal(find(bm, 64, 64), 64);
	assert_int_equal(find(bm, 12345, 99999), 12345);
	assert_int_equal(find(bm, MAXID, MAXID), MAXID);
}

static void test_bitmap_find_bounded_by_max(void **state)
{
	struct ioasid__bitmap *bm = *state;

	set_range(bm, 10, 20);
	assert_int_equal(find(bm, 10, 20), IOASID_INVALID);
	assert_int_equal(find(bm, 10, 21), 21);
	assert_int_equal(find(bm, 15, 15), IOASID_INVALID);
	assert_int_equal(find(bm, 5, 20), 5);
	/* A free bit far beyond max must not be reported. */
	set_range(bm, 100, 8191);
	assert_int_equal(find(bm, 100, 8191), IOASID_INVALID);
	assert_int_equal(find(bm, 100, 8192), 8192);
}

static void test_bitmap_full_words_climb(void **state)
{
	struct ioasid__bitmap *bm = *state;

	set_range(bm, 0, 63); /* one full leaf word */
	assert_int_equal(find(bm, 0, MAXID), 64);
	set_range(bm, 64, 4095); /* a full level-1 word */
	assert_int_equal(find(bm, 0, MAXID), 4096);
	assert_int_equal(find(bm, 100, MAXID), 4096);
	set_range(bm, 4096, 262143); /* a full level-2 word */
	assert_int_equal(find(bm, 1, MAXID), 262144);
	assert_int_equal(find(bm, 1, 262143), IOASID_INVALID);
	/* Clearing one bit deep inside makes it findable again. */
	ioasid__bitmap_clear(bm, 70000);
	assert_int_equal(find(bm, 1, MAXID), 70000);
	assert_int_equal(find(bm, 70001, MAXID), 262144);
	ioasid__bitmap_set(bm, 70000);
	assert_int_equal(find(bm, 1, MAXID), 262144);
}

static void test_bitmap_last_id_and_full(void **state)
{
	struct ioasid__bitmap *bm = *state;

	set_range(bm, 0, MAXID - 1);
	assert_int_equal(find(bm, 0, MAXID), MAXID);
	assert_int_equal(find(bm, MAXID, MAXID), MAXID);
	assert_int_equal(find(bm, 0, MAXID - 1), IOASID_INVALID);
	ioasid__bitmap_set(bm, MAXID);
	assert_int_equal(find(bm, 0, MAXID), IOASID_INVALID);
	assert_int_equal(find(bm, MAXID, MAXID), IOASID_INVALID);
	assert_true(ioasid__bitmap_test(bm, MAXID));
	ioasid__bitmap_clear(bm, 1);
	ioasid__bitmap_clear(bm, 524288);
	assert_int_equal(find(bm, 0, MAXID), 1);
	assert_int_equal(find(bm, 2, MAXID), 524288);
	assert_int_equal(find(bm, 524289, MAXID), IOASID_INVALID);
	assert_false(ioasid__bitmap_test(bm, 1));
}

/* The lowest clear bit in [min, max] by brute force. */
static ioasid_t reference_find(const uint8_t *used, ioasid_t min, ioasid_t max)
{
	for (ioasid_t id = min; id <= max; id++)
		if (!used[id])
			return id;
	return IOASID_INVALID;
}

static void test_bitmap_random_matches_reference(void **state)
{
	struct ioasid__bitmap *bm = *state;
	const ioasid_t span = 1u << 15; /* dense region to get full words */
	uint8_t *used = calloc(IOASID_CAPACITY_MAX, 1);
	unsigned int seed = 12345;

	assert_non_null(used);
	for (int i = 0; i < 200000; i++) {
		ioasid_t id = (ioasid_t)rand_r(&seed) % span;

		if (rand_r(&seed) % 4) {
			ioasid__bitmap_set(bm, id);
			used[id] = 1;
		} else {
			ioasid__bitmap_clear(bm, id);
			used[id] = 0;
		}
		if (i % 16 == 0) {
			ioasid_t a = (ioasid_t)rand_r(&seed) % span;
			ioasid_t b = a + (ioasid_t)rand_r(&seed) % (span + 1000);

			assert_int_equal(find(bm, a, b), reference_find(used, a, b));
		}
	}
	for (ioasid_t id = 0; id < span; id++)
		assert_int_equal(ioasid__bitmap_test(bm, id), used[id]);
	free(used);
}

/*
 * ioasid__bitmap_find_near() answers from min's word alone: when it finds
 * an ID it is the full search's answer, and it declines exactly when that
 * word has no clear bit in [min, max].
 */
static void test_bitmap_find_near_stays_in_word(void **state)
{
	struct ioasid__bitmap *bm = *state;
	ioasid_t id = IOASID_INVALID;

	assert_true(ioasid__bitmap_find_near(bm, 5, 5, &id));
	assert_int_equal(id, 5);
	set_range(bm, 64, 126);
	assert_true(ioasid__bitmap_find_near(bm, 64, MAXID, &id));
	assert_int_equal(id, 127);
	assert_false(ioasid__bitmap_find_near(bm, 64, 126, &id));
	ioasid__bitmap_set(bm, 127); /* word full: only the search goes on */
	id = IOASID_INVALID;
	assert_false(ioasid__bitmap_find_near(bm, 64, MAXID, &id));
	assert_int_equal(id, IOASID_INVALID);
	assert_int_equal(find(bm, 64, MAXID), 128);
}

static void test_bitmap_find_near_matches_find(void **state)
{
	struct ioasid__bitmap *bm = *state;
	unsigned int seed = 777;
	int near = 0;

	for (int i = 0; i < 100000; i++) {
		ioasid_t id = (ioasid_t)rand_r(&seed) % 8192;
		ioasid_t min = (ioasid_t)rand_r(&seed) % 8192;
		ioasid_t max = min + (ioasid_t)rand_r(&seed) % 200;
		ioasid_t got;

		if (rand_r(&seed) % 8)
			ioasid__bitmap_set(bm, id);
		else
			ioasid__bitmap_clear(bm, id);
		if (ioasid__bitmap_find_near(bm, min, max, &got)) {
			assert_int_equal(got, find(bm, min, max));
			assert_int_equal(got >> 6, min >> 6);
			near++;
		} else {
			got = find(bm, min, max);
			assert_true(got == IOASID_INVALID || got >> 6 != min >> 6);
		}
	}
	assert_true(near > 1000); /* both answers were exercised */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bitmap_find_empty_returns_min,
						bm_setup, bm_teardown),
		cmocka_unit_test_setup_teardown(test_bitmap_find_bounded_by_max,
						bm_setup, bm_teardown),
		cmocka_unit_test_setup_teardown(test_bitmap_full_words_climb,
						bm_setup, bm_teardown),
		cmocka_unit_test_setup_teardown(test_bitmap_last_id_and_full,
						bm_setup, bm_teardown),
		cmocka_unit_test_setup_teardown(
			test_bitmap_random_matches_reference, bm_setup,
			bm_teardown),
		cmocka_unit_test_setup_teardown(
			test_bitmap_find_near_stays_in_word, bm_setup,
			bm_teardown),
		cmocka_unit_test_setup_teardown(
			test_bitmap_find_near_matches_find, bm_setup,
			bm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
