// SPDX-License-Identifier: MIT
/* Public-API tests of sets: tokens, quota, references, walks. */
#include "fixture.h"

static uint32_t set_refs(struct ioasid_set *set)
{
	struct ioasid_set_info info;

	ioasid_set_query(set, &info);
	return info.refs;
}

static void test_set_alloc_errnos(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = NULL;

	assert_int_equal(ioasid_set_alloc(ns, 7, 0, 10, &set), -EINVAL);
	assert_int_equal(ioasid_set_alloc(ns, IOASID_SET_TYPE_NONE, 5, 10,
					  &set), -EINVAL);
	assert_int_equal(ioasid_set_alloc(ns, IOASID_SET_TYPE_GUEST, 5, 0,
					  &set), -EINVAL);
	assert_int_equal(ioasid_set_alloc(ns, IOASID_SET_TYPE_GUEST, 5,
					  IOASID_CAPACITY_DEFAULT, &set),
			 -ENOSPC);
	assert_null(set);
	assert_int_equal(ioasid_capacity_available(ns),
			 IOASID_CAPACITY_DEFAULT - 1);
}

static void test_set_query_fields(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 99, 10);
	struct ioasid_set_info info;
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 1, 10, NULL, &id), 0);
	ioasid_set_query(set, &info);
	assert_true(info.id != 0);
	assert_int_equal(info.type, IOASID_SET_TYPE_GUEST);
	assert_int_equal(info.token, 99);
	assert_int_equal(info.quota, 10);
	assert_int_equal(info.nr_ids, 1);
	assert_int_equal(info.refs, 1);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_set_process_token_dedup(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_PROCESS, 1234, 10);
	struct ioasid_set *b = NULL;
	struct ioasid_set_info info;

	assert_int_equal(ioasid_set_alloc(ns, IOASID_SET_TYPE_PROCESS, 1234,
					  500, &b), 0);
	assert_ptr_equal(a, b);
	ioasid_set_query(a, &info);
	assert_int_equal(info.refs, 2);
	assert_int_equal(info.quota, 10); /* the second quota is ignored */
	assert_int_equal(ioasid_capacity_available(ns),
			 IOASID_CAPACITY_DEFAULT - 1 - 10);
	assert_int_equal(ioasid_set_free(b), 0);
	assert_int_equal(set_refs(a), 1);
	assert_int_equal(ioasid_set_free(a), 0);
}

static void test_set_guest_token_eexist(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_GUEST, 77, 10);
	struct ioasid_set *b = NULL, *p;

	assert_int_equal(ioasid_set_alloc(ns, IOASID_SET_TYPE_GUEST, 77, 10,
					  &b), -EEXIST);
	assert_null(b);
	/* The same number as a PROCESS token is another token. */
	p = core_set(ns, IOASID_SET_TYPE_PROCESS, 77, 10);
	assert_ptr_not_equal(p, a);
	assert_int_equal(ioasid_set_free(p), 0);
	assert_int_equal(ioasid_set_free(a), 0);
	/* Freed: the token can name a new set. */
	b = core_set(ns, IOASID_SET_TYPE_GUEST, 77, 10);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_set_none_sets_are_distinct(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set_info ia, ib;

	assert_ptr_not_equal(a, b);
	ioasid_set_query(a, &ia);
	ioasid_set_query(b, &ib);
	assert_true(ia.id != ib.id);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_set_ids_never_reused(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set_info info;
	uint64_t last = 0;

	for (int i = 0; i < 5; i++) {
		struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 1);

		ioasid_set_query(set, &info);
		assert_true(info.id > last);
		last = info.id;
		assert_int_equal(ioasid_set_free(set), 0);
	}
}

static void test_set_lookup(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 5, 10);
	struct ioasid_set *found = NULL;

	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_NONE, 0, &found),
			 -EINVAL);
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_GUEST, 6, &found),
			 -ENOENT);
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_PROCESS, 5,
					   &found), -ENOENT);
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_GUEST, 5, &found),
			 0);
	assert_ptr_equal(found, set);
	assert_int_equal(set_refs(set), 2);
	ioasid_set_put(found);
	assert_int_equal(set_refs(set), 1);
	assert_int_equal(ioasid_set_free(set), 0);
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_GUEST, 5, &found),
			 -ENOENT);
}

static void test_set_get_put_keep_alive(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 8, 10);
	struct ioasid_set *found;

	ioasid_set_get(set);
	assert_int_equal(ioasid_set_free(set), 0); /* alloc reference */
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_GUEST, 8, &found),
			 0);
	assert_ptr_equal(found, set);
	ioasid_set_put(found);
	assert_int_equal(ioasid_capacity_available(ns),
			 IOASID_CAPACITY_DEFAULT - 1 - 10);
	ioasid_set_put(set); /* last: destroyed, quota returned */
	assert_int_equal(ioasid_capacity_available(ns),
			 IOASID_CAPACITY_DEFAULT - 1);
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_GUEST, 8, &found),
			 -ENOENT);
	assert_int_equal(ioasid_set_free(NULL), 0);
	ioasid_set_put(NULL);
}

static void test_set_adjust_quota(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set;
	struct ioasid_set_info info;
	ioasid_t a, b, c;

	assert_int_equal(ioasid_capacity_install(ns, 101), 0);
	set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &a), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &b), 0);
	assert_int_equal(ioasid_set_adjust_quota(set, 0), -EINVAL);
	assert_int_equal(ioasid_set_adjust_quota(set, 1), -EINVAL);
	assert_int_equal(ioasid_set_adjust_quota(set, 101), -ENOSPC);
	ioasid_set_query(set, &info);
	assert_int_equal(info.quota, 10);
	assert_int_equal(ioasid_capacity_available(ns), 90);
	assert_int_equal(ioasid_set_adjust_quota(set, 100), 0);
	assert_int_equal(ioasid_capacity_available(ns), 0);
	assert_int_equal(ioasid_set_adjust_quota(set, 2), 0);
	assert_int_equal(ioasid_capacity_available(ns), 98);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &c), -EDQUOT);
	assert_int_equal(ioasid_set_adjust_quota(set, 3), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &c), 0);
	assert_int_equal(ioasid_set_free_all(set), 3);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_set_free_with_live_ids_ebusy(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 3, 10);
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_set_free(set), -EBUSY);
	assert_int_equal(set_refs(set), 1);
	assert_int_equal(ioasid_get(ns, NULL, id), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	/* FREE_PENDING IDs are live too. */
	assert_int_equal(ioasid_set_free(set), -EBUSY);
	assert_int_equal(ioasid_put(ns, NULL, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * The owner drops its reference while an ID is FREE_PENDING: the set lives
 * on (its token still names it) until that ID's last put.
 */
static void test_set_outlives_last_reference_while_ids_live(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 4, 10);
	struct ioasid_set *found;
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_get(ns, NULL, id), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), -EBUSY);
	ioasid_set_put(set);
	assert_int_equal(set_refs(set), 0);
	assert_int_equal(ioasid_find_set(ns, id, &found), 0);
	assert_ptr_equal(found, set);
	ioasid_set_put(found);
	assert_int_equal(ioasid_capacity_available(ns),
			 IOASID_CAPACITY_DEFAULT - 1 - 10);
	assert_int_equal(ioasid_put(ns, NULL, id), 0);
	assert_int_equal(ioasid_capacity_available(ns),
			 IOASID_CAPACITY_DEFAULT - 1);
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_GUEST, 4, &found),
			 -ENOENT);
}

struct walk {
	ioasid_t seen[64];
	int n;
	int stop_at;
	struct ioasid_set *free_in;
};

static int walk_ids(ioasid_t id, void *arg)
{
	struct walk *w = arg;

	w->seen[w->n++] = id;
	if (w->free_in)
		assert_int_equal(ioasid_free(w->free_in, id), 0);
	return w->n == w->stop_at ? 42 : 0;
}

static void test_set_for_each_ascending(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set *other = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	const ioasid_t want[] = { 3, 9, 40, 41, 500 };
	struct walk w = { 0 };
	ioasid_t id;

	assert_int_equal(ioasid_set_for_each(set, walk_ids, &w), 0);
	assert_int_equal(w.n, 0);
	for (int i = 4; i >= 0; i--) {
		assert_int_equal(ioasid_alloc(set, want[i], want[i], NULL, &id), 0);
		assert_int_equal(ioasid_alloc(other, 600, 1000, NULL, &id), 0);
	}
	assert_int_equal(ioasid_set_for_each(set, walk_ids, &w), 0);
	assert_int_equal(w.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(w.seen[i], want[i]);
	w = (struct walk){ .stop_at = 2 };
	assert_int_equal(ioasid_set_for_each(set, walk_ids, &w), 42);
	assert_int_equal(w.n, 2);
	/* The callback may free the IDs it is given. */
	w = (struct walk){ .free_in = set };
	assert_int_equal(ioasid_set_for_each(set, walk_ids, &w), 0);
	assert_int_equal(w.n, 5);
	assert_int_equal(ioasid_set_free(set), 0);
	assert_int_equal(ioasid_set_free_all(other), 5);
	assert_int_equal(ioasid_set_free(other), 0);
}

static void test_set_for_each_without_memory_still_walks(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct walk w = { 0 };
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 20, 20, NULL, &id), 0);
	assert_int_equal(ioasid_alloc(set, 10, 10, NULL, &id), 0);
	ioasid__alloc_fail_nth(1);
	assert_int_equal(ioasid_set_for_each(set, walk_ids, &w), 0);
	assert_true(ioasid__alloc_fault_fired());
	ioasid__alloc_fail_nth(0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.seen[0], 10);
	assert_int_equal(w.seen[1], 20);
	assert_int_equal(ioasid_set_free_all(set), 2);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_set_free_all_counts_active_only(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 100);
	ioasid_t ids[50];

	for (int i = 0; i < 50; i++)
		assert_int_equal(ioasid_alloc(set, 1, 1000, NULL, &ids[i]), 0);
	assert_int_equal(ioasid_get(ns, NULL, ids[7]), 0);
	assert_int_equal(ioasid_get(ns, NULL, ids[8]), 0);
	assert_int_equal(ioasid_free(set, ids[8]), 0);
	assert_int_equal(ioasid_set_free_all(set), 49);
	assert_int_equal(core_state(ns, ids[7]), IOASID_STATE_FREE_PENDING);
	assert_int_equal(core_state(ns, ids[0]), IOASID_STATE_IDLE);
	assert_int_equal(ioasid_set_free_all(set), 0);
	assert_int_equal(ioasid_put(ns, NULL, ids[7]), 0);
	assert_int_equal(ioasid_put(ns, NULL, ids[8]), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

struct set_walk {
	uint64_t ids[8];
	int n;
	int stop_at;
};

static int walk_sets(struct ioasid_set *set, void *arg)
{
	struct set_walk *w = arg;
	struct ioasid_set_info info;

	ioasid_set_query(set, &info); /* allowed: no core lock is held */
	w->ids[w->n++] = info.id;
	return w->n == w->stop_at ? -7 : 0;
}

static void test_set_ns_for_each_creation_order(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *sets[4];
	struct set_walk w = { 0 };

	for (int i = 0; i < 4; i++)
		sets[i] = core_set(ns, IOASID_SET_TYPE_GUEST, 10 - i, 1);
	assert_int_equal(ioasid_ns_for_each_set(ns, walk_sets, &w), 0);
	assert_int_equal(w.n, 4);
	for (int i = 0; i < 4; i++) {
		struct ioasid_set_info info;

		ioasid_set_query(sets[i], &info);
		assert_int_equal(w.ids[i], info.id);
		assert_int_equal(info.refs, 1); /* the walk's reference is gone */
	}
	w = (struct set_walk){ .stop_at = 3 };
	assert_int_equal(ioasid_ns_for_each_set(ns, walk_sets, &w), -7);
	assert_int_equal(w.n, 3);
	ioasid__alloc_fail_nth(1);
	w = (struct set_walk){ 0 };
	assert_int_equal(ioasid_ns_for_each_set(ns, walk_sets, &w), 0);
	ioasid__alloc_fail_nth(0);
	assert_int_equal(w.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ioasid_set_free(sets[i]), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_set_alloc_errnos),
		CORE_TEST(test_set_query_fields),
		CORE_TEST(test_set_process_token_dedup),
		CORE_TEST(test_set_guest_token_eexist),
		CORE_TEST(test_set_none_sets_are_distinct),
		CORE_TEST(test_set_ids_never_reused),
		CORE_TEST(test_set_lookup),
		CORE_TEST(test_set_get_put_keep_alive),
		CORE_TEST(test_set_adjust_quota),
		CORE_TEST(test_set_free_with_live_ids_ebusy),
		CORE_TEST(test_set_outlives_last_reference_while_ids_live),
		CORE_TEST(test_set_for_each_ascending),
		CORE_TEST(test_set_for_each_without_memory_still_walks),
		CORE_TEST(test_set_free_all_counts_active_only),
		CORE_TEST(test_set_ns_for_each_creation_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
