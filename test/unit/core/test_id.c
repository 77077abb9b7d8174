// SPDX-License-Identifier: MIT
/* Public-API tests of IDs: allocation, free, references, private data. */
#include "fixture.h"

static void test_id_alloc_lowest_free(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	ioasid_t a, b, c, d;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &a), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &b), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &c), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 3);
	assert_int_equal(ioasid_free(set, b), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &d), 0);
	assert_int_equal(d, 2);
	assert_int_equal(ioasid_set_free_all(set), 3);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_alloc_respects_min_max(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 5, 5, NULL, &id), 0);
	assert_int_equal(id, 5);
	assert_int_equal(ioasid_alloc(set, 5, 5, NULL, &id), -ENOSPC);
	assert_int_equal(ioasid_alloc(set, 4, 6, NULL, &id), 0);
	assert_int_equal(id, 4);
	assert_int_equal(ioasid_alloc(set, 4, 6, NULL, &id), 0);
	assert_int_equal(id, 6);
	assert_int_equal(ioasid_alloc(set, 4, 6, NULL, &id), -ENOSPC);
	assert_int_equal(ioasid_alloc(set, 1000, 2000, NULL, &id), 0);
	assert_int_equal(id, 1000);
	assert_int_equal(ioasid_set_free_all(set), 4);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_alloc_bad_range_einval(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	uint32_t total = ioasid_capacity_total(ns);
	ioasid_t id = 77;

	assert_int_equal(ioasid_alloc(set, 0, 10, NULL, &id), -EINVAL);
	assert_int_equal(ioasid_alloc(set, 10, 9, NULL, &id), -EINVAL);
	assert_int_equal(ioasid_alloc(set, 1, total, NULL, &id), -EINVAL);
	assert_int_equal(ioasid_alloc(set, total, total, NULL, &id), -EINVAL);
	assert_int_equal(ioasid_alloc(set, 1, IOASID_INVALID, NULL, &id),
			 -EINVAL);
	assert_int_equal(id, 77); /* untouched on failure */
	assert_int_equal(ioasid_alloc(set, total - 1, total - 1, NULL, &id), 0);
	assert_int_equal(id, total - 1);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_alloc_quota_edquot(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 2);
	struct ioasid_set_info info;
	ioasid_t a, b, c;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &a), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &b), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &c), -EDQUOT);
	ioasid_set_query(set, &info);
	assert_int_equal(info.nr_ids, 2);
	assert_int_equal(ioasid_free(set, a), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &c), 0);
	assert_int_equal(c, a);
	assert_int_equal(ioasid_free(set, b), 0);
	assert_int_equal(ioasid_free(set, c), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_alloc_range_full_enospc(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 100);
	ioasid_t id;

	for (ioasid_t want = 10; want <= 20; want++) {
		assert_int_equal(ioasid_alloc(set, 10, 20, NULL, &id), 0);
		assert_int_equal(id, want);
	}
	assert_int_equal(ioasid_alloc(set, 10, 20, NULL, &id), -ENOSPC);
	assert_int_equal(ioasid_set_free_all(set), 11);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_free_errnos(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	ioasid_t id;

	assert_int_equal(ioasid_free(a, 0), -ENOENT);
	assert_int_equal(ioasid_free(a, 42), -ENOENT);
	assert_int_equal(ioasid_free(a, ioasid_capacity_total(ns)), -ENOENT);
	assert_int_equal(ioasid_free(a, IOASID_INVALID), -ENOENT);
	assert_int_equal(ioasid_alloc(a, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_free(b, id), -EPERM);
	assert_int_equal(core_state(ns, id), IOASID_STATE_ACTIVE);
	assert_int_equal(ioasid_free(a, id), 0);
	assert_int_equal(ioasid_free(a, id), -ENOENT);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_id_free_pending_until_last_put(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	int data = 5;
	void *p = NULL;
	ioasid_t id, other;

	assert_int_equal(ioasid_alloc(set, 7, 7, &data, &id), 0);
	assert_int_equal(ioasid_get(ns, NULL, id), 0);
	assert_int_equal(ioasid_get(ns, set, id), 0);
	assert_int_equal(core_refs(ns, id), 3);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(core_state(ns, id), IOASID_STATE_FREE_PENDING);
	assert_int_equal(core_refs(ns, id), 2);
	/* Parked: no new reference, still found, never handed out. */
	assert_int_equal(ioasid_get(ns, NULL, id), -EBUSY);
	assert_int_equal(ioasid_find(ns, set, id, &p), 0);
	assert_ptr_equal(p, &data);
	assert_int_equal(ioasid_free(set, id), -ENOENT);
	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &other), -ENOSPC);
	assert_int_equal(ioasid_set_free(set), -EBUSY);
	assert_int_equal(ioasid_put(ns, NULL, id), 0);
	assert_int_equal(core_state(ns, id), IOASID_STATE_FREE_PENDING);
	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &other), -ENOSPC);
	assert_int_equal(ioasid_put(ns, set, id), 0);
	assert_int_equal(core_state(ns, id), IOASID_STATE_IDLE);
	assert_int_equal(ioasid_find(ns, NULL, id, &p), -ENOENT);
	assert_int_equal(ioasid_put(ns, NULL, id), -ENOENT);
	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &other), 0);
	assert_int_equal(ioasid_free(set, other), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_get_put_errnos(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	ioasid_t id;

	assert_int_equal(ioasid_get(ns, NULL, 0), -ENOENT);
	assert_int_equal(ioasid_get(ns, NULL, 3), -ENOENT);
	assert_int_equal(ioasid_get(ns, NULL, IOASID_INVALID), -ENOENT);
	assert_int_equal(ioasid_put(ns, NULL, 3), -ENOENT);
	assert_int_equal(ioasid_alloc(a, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_get(ns, b, id), -EPERM);
	/* Only the owner's reference: a put has nothing to drop. */
	assert_int_equal(ioasid_put(ns, NULL, id), -EINVAL);
	assert_int_equal(ioasid_put(ns, a, id), -EINVAL);
	assert_int_equal(ioasid_get(ns, a, id), 0);
	assert_int_equal(ioasid_put(ns, b, id), -EPERM);
	assert_int_equal(core_refs(ns, id), 2);
	assert_int_equal(ioasid_put(ns, a, id), 0);
	assert_int_equal(core_refs(ns, id), 1);
	assert_int_equal(core_state(ns, id), IOASID_STATE_ACTIVE);
	assert_int_equal(ioasid_free(a, id), 0);
	assert_int_equal(core_state(ns, id), IOASID_STATE_IDLE);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_id_find_private_and_owner(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	int x, y;
	void *p = NULL;
	ioasid_t id;

	assert_int_equal(ioasid_find(ns, NULL, 0, &p), -ENOENT);
	assert_int_equal(ioasid_find(ns, NULL, 1, &p), -ENOENT);
	assert_int_equal(ioasid_alloc(a, 1, 100, &x, &id), 0);
	assert_int_equal(ioasid_find(ns, NULL, id, &p), 0);
	assert_ptr_equal(p, &x);
	assert_int_equal(ioasid_find(ns, a, id, NULL), 0);
	assert_int_equal(ioasid_find(ns, b, id, &p), -EPERM);
	assert_int_equal(ioasid_attach_data(b, id, &y), -EPERM);
	assert_int_equal(ioasid_attach_data(a, id, &y), 0);
	assert_int_equal(ioasid_find(ns, a, id, &p), 0);
	assert_ptr_equal(p, &y);
	assert_int_equal(ioasid_detach_data(b, id), -EPERM);
	assert_int_equal(ioasid_detach_data(a, id), 0);
	assert_int_equal(ioasid_find(ns, a, id, &p), 0);
	assert_null(p);
	assert_int_equal(ioasid_attach_data(a, 99, &y), -ENOENT);
	assert_int_equal(ioasid_attach_data(a, 0, &y), -ENOENT);
	assert_int_equal(ioasid_free(a, id), 0);
	assert_int_equal(ioasid_detach_data(a, id), -ENOENT);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_id_attach_data_free_pending_enoent(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	int x;
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_get(ns, NULL, id), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_attach_data(set, id, &x), -ENOENT);
	assert_int_equal(ioasid_put(ns, NULL, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_find_set_takes_reference(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set *found = NULL;
	struct ioasid_set_info info;
	ioasid_t id;

	assert_int_equal(ioasid_find_set(ns, 5, &found), -ENOENT);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_find_set(ns, id, &found), 0);
	assert_ptr_equal(found, set);
	ioasid_set_query(set, &info);
	assert_int_equal(info.refs, 2);
	assert_int_equal(core_refs(ns, id), 1); /* the pin was dropped */
	ioasid_set_put(found);
	ioasid_set_query(set, &info);
	assert_int_equal(info.refs, 1);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_get_if_owned_checks(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *proc = core_set(ns, IOASID_SET_TYPE_PROCESS, 42, 10);
	struct ioasid_set *guest = core_set(ns, IOASID_SET_TYPE_GUEST, 42, 10);
	ioasid_t p, g;

	assert_int_equal(ioasid_get_if_owned(ns, 42, 9), -ENOENT);
	assert_int_equal(ioasid_alloc(proc, 1, 100, NULL, &p), 0);
	assert_int_equal(ioasid_alloc(guest, 1, 100, NULL, &g), 0);
	assert_int_equal(ioasid_get_if_owned(ns, 42, g), -EINVAL);
	assert_int_equal(ioasid_get_if_owned(ns, 43, p), -EPERM);
	assert_int_equal(core_refs(ns, p), 1);
	assert_int_equal(core_refs(ns, g), 1);
	assert_int_equal(ioasid_get_if_owned(ns, 42, p), 0);
	assert_int_equal(core_refs(ns, p), 2);
	assert_int_equal(ioasid_free(proc, p), 0);
	assert_int_equal(ioasid_get_if_owned(ns, 42, p), -EBUSY);
	assert_int_equal(core_refs(ns, p), 1);
	assert_int_equal(ioasid_put(ns, proc, p), 0);
	assert_int_equal(ioasid_free(guest, g), 0);
	assert_int_equal(ioasid_set_free(proc), 0);
	assert_int_equal(ioasid_set_free(guest), 0);
}

static void test_id_query_reports_state(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set_info sinfo;
	struct ioasid_info info;
	ioasid_t id;

	assert_int_equal(ioasid_query(ns, 0, &info), -EINVAL);
	assert_int_equal(ioasid_query(ns, ioasid_capacity_total(ns), &info),
			 -EINVAL);
	assert_int_equal(ioasid_query(ns, 12, &info), 0);
	assert_int_equal(info.id, 12);
	assert_int_equal(info.state, IOASID_STATE_IDLE);
	assert_int_equal(info.refs, 0);
	assert_int_equal(info.spid, IOASID_INVALID);
	assert_int_equal(info.set_id, 0);
	assert_int_equal(ioasid_alloc(set, 12, 12, NULL, &id), 0);
	ioasid_set_query(set, &sinfo);
	assert_int_equal(ioasid_query(ns, id, &info), 0);
	assert_int_equal(info.state, IOASID_STATE_ACTIVE);
	assert_int_equal(info.refs, 1);
	assert_int_equal(info.spid, IOASID_INVALID);
	assert_int_equal(info.set_id, sinfo.id);
	assert_true(sinfo.id != 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * A released entry keeps a stale set pointer (the release skips that
 * store): query must not follow it once the set is gone.
 */
static void test_id_query_idle_after_set_freed(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_info info;
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 40, 40, NULL, &id), 0);
	assert_int_equal(ioasid_spid_attach(set, id, 7), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
	assert_int_equal(ioasid_query(ns, id, &info), 0);
	assert_int_equal(info.state, IOASID_STATE_IDLE);
	assert_int_equal(info.set_id, 0);
	assert_int_equal(info.spid, IOASID_INVALID);
}

static void test_id_small_capacity_last_id(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set;
	ioasid_t id;

	assert_int_equal(ioasid_capacity_install(ns, 200), 0);
	set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 199);
	assert_int_equal(ioasid_alloc(set, 199, 199, NULL, &id), 0);
	assert_int_equal(id, 199);
	assert_int_equal(ioasid_alloc(set, 1, 200, NULL, &id), -EINVAL);
	for (ioasid_t want = 1; want < 199; want++) {
		assert_int_equal(ioasid_alloc(set, 1, 199, NULL, &id), 0);
		assert_int_equal(id, want);
	}
	assert_int_equal(ioasid_alloc(set, 1, 199, NULL, &id), -EDQUOT);
	assert_int_equal(ioasid_set_adjust_quota(set, 199), 0);
	assert_int_equal(ioasid_set_free_all(set), 199);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_reuse_after_release_gets_fresh_state(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	int x;
	void *p = &x;
	ioasid_t id, again;

	assert_int_equal(ioasid_alloc(a, 3, 3, &x, &id), 0);
	assert_int_equal(ioasid_spid_attach(a, id, 1000), 0);
	assert_int_equal(ioasid_free(a, id), 0);
	assert_int_equal(ioasid_alloc(b, 3, 3, NULL, &again), 0);
	assert_int_equal(again, id);
	assert_int_equal(ioasid_find(ns, a, id, &p), -EPERM);
	assert_int_equal(ioasid_find(ns, b, id, &p), 0);
	assert_null(p);
	assert_int_equal(ioasid_spid_find(a, 1000, false, &again), -ENOENT);
	assert_int_equal(ioasid_free(b, id), 0);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_id_get_reference_overflow(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	uint64_t bump = UINT32_MAX - 1;
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	/* Short of taking 2^32 references: raise the count in the word. */
	atomic_fetch_add(&ns->view.table[id].word, bump);
	assert_int_equal(core_refs(ns, id), UINT32_MAX);
	assert_int_equal(ioasid_get(ns, NULL, id), -EOVERFLOW);
	assert_int_equal(core_refs(ns, id), UINT32_MAX);
	atomic_fetch_sub(&ns->view.table[id].word, bump);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * The calls that pin an ID for a moment (find_set, get_if_owned) and
 * spid_find with get refuse a full count as get does, instead of carrying
 * into the state bits.
 */
static void test_id_pin_reference_overflow(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_PROCESS, 42, 10);
	uint64_t bump = UINT32_MAX - 1;
	struct ioasid_set *found = NULL;
	ioasid_t id, got = 0;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_spid_attach(set, id, 500), 0);
	atomic_fetch_add(&ns->view.table[id].word, bump);
	assert_int_equal(ioasid_find_set(ns, id, &found), -EOVERFLOW);
	assert_null(found);
	assert_int_equal(ioasid_get_if_owned(ns, 42, id), -EOVERFLOW);
	assert_int_equal(ioasid_spid_find(set, 500, true, &got), -EOVERFLOW);
	assert_int_equal(got, 0);
	assert_int_equal(core_refs(ns, id), UINT32_MAX);
	atomic_fetch_sub(&ns->view.table[id].word, bump);
	assert_int_equal(ioasid_find_set(ns, id, &found), 0);
	assert_ptr_equal(found, set);
	ioasid_set_put(found);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

/* The one reserved private value is refused and changes nothing. */
static void test_id_reserved_private_refused(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	void *private = NULL;
	ioasid_t id = 77;

	assert_int_equal(ioasid_alloc(set, 1, 100, IOASID_PRIVATE_RESERVED, &id),
			 -EINVAL);
	assert_int_equal(id, 77);
	assert_int_equal(ioasid_find(ns, NULL, 1, NULL), -ENOENT);
	assert_int_equal(ioasid_alloc(set, 1, 100, &private, &id), 0);
	assert_int_equal(ioasid_attach_data(set, id, IOASID_PRIVATE_RESERVED),
			 -EINVAL);
	assert_int_equal(ioasid_find(ns, set, id, &private), 0);
	assert_ptr_equal(private, &private);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * The instant between the compare-and-swap that drops the last reference
 * and the release clearing the slot: the ID reads as FREE_PENDING without
 * references everywhere, never as gone to one call and live to another.
 * The word is set by hand, as the dropping thread would leave it.
 */
static void test_id_releasing_reads_as_free_pending(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	_Atomic uint64_t *word;
	struct ioasid_info info;
	uint64_t saved;
	void *private;
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 9, 9, &info, &id), 0);
	word = &ns->view.table[id].word;
	saved = atomic_load(word);
	atomic_store(word, ioasid__word_with_state(saved & IOASID__W_GEN,
						   IOASID__STATE_RELEASING));
	assert_int_equal(ioasid_find(ns, NULL, id, &private), 0);
	assert_ptr_equal(private, &info);
	assert_int_equal(ioasid_find(ns, set, id, NULL), 0);
	assert_int_equal(ioasid_get(ns, NULL, id), -EBUSY);
	assert_int_equal(ioasid_put(ns, NULL, id), -EINVAL);
	assert_int_equal(ioasid_free(set, id), -ENOENT);
	assert_int_equal(ioasid_query(ns, id, &info), 0);
	assert_int_equal(info.state, IOASID_STATE_FREE_PENDING);
	assert_int_equal(info.refs, 0);
	atomic_store(word, saved);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_find(ns, NULL, id, NULL), -ENOENT);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_id_state_name_each_state(void **state)
{
	(void)state;
	assert_string_equal(ioasid_state_name(IOASID_STATE_IDLE), "IDLE");
	assert_string_equal(ioasid_state_name(IOASID_STATE_ACTIVE), "ACTIVE");
	assert_string_equal(ioasid_state_name(IOASID_STATE_FREE_PENDING),
			    "FREE_PENDING");
	assert_string_equal(ioasid_state_name((enum ioasid_state)7), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_id_alloc_lowest_free),
		CORE_TEST(test_id_alloc_respects_min_max),
		CORE_TEST(test_id_alloc_bad_range_einval),
		CORE_TEST(test_id_alloc_quota_edquot),
		CORE_TEST(test_id_alloc_range_full_enospc),
		CORE_TEST(test_id_free_errnos),
		CORE_TEST(test_id_free_pending_until_last_put),
		CORE_TEST(test_id_get_put_errnos),
		CORE_TEST(test_id_find_private_and_owner),
		CORE_TEST(test_id_attach_data_free_pending_enoent),
		CORE_TEST(test_id_find_set_takes_reference),
		CORE_TEST(test_id_get_if_owned_checks),
		CORE_TEST(test_id_query_reports_state),
		CORE_TEST(test_id_query_idle_after_set_freed),
		CORE_TEST(test_id_small_capacity_last_id),
		CORE_TEST(test_id_reuse_after_release_gets_fresh_state),
		CORE_TEST(test_id_get_reference_overflow),
		CORE_TEST(test_id_pin_reference_overflow),
		CORE_TEST(test_id_reserved_private_refused),
		CORE_TEST(test_id_releasing_reads_as_free_pending),
		cmocka_unit_test(test_id_state_name_each_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
