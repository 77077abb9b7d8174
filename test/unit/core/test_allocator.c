// SPDX-License-Identifier: MIT
/* Public-API tests of the custom allocator hook. */
#include "fixture.h"

/* A "host" allocator: hands out IDs from the top of the range down. */
struct host {
	uint8_t used[4096];
	int allocs, frees;
	int fail; /* non-zero: return this from alloc */
	ioasid_t bogus; /* non-zero: return this ID from alloc */
	ioasid_t last_min, last_max, last_freed;
};

static int host_alloc(ioasid_t min, ioasid_t max, void *data, ioasid_t *idp)
{
	struct host *h = data;

	h->allocs++;
	h->last_min = min;
	h->last_max = max;
	if (h->fail)
		return h->fail;
	if (h->bogus) {
		*idp = h->bogus;
		return 0;
	}
	for (ioasid_t id = max < 4095 ? max : 4095; id >= min; id--) {
		if (!h->used[id]) {
			h->used[id] = 1;
			*idp = id;
			return 0;
		}
	}
	return -ENOSPC;
}

static void host_free(ioasid_t id, void *data)
{
	struct host *h = data;

	h->frees++;
	h->last_freed = id;
	if (id < 4096)
		h->used[id] = 0;
}

static struct ioasid_allocator_ops host_ops(struct host *h)
{
	return (struct ioasid_allocator_ops){ host_alloc, host_free, h };
}

static void test_allocator_register_errnos(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct host h = { 0 };
	struct ioasid_allocator_ops ops = host_ops(&h), bad = ops;
	struct ioasid_set *set;
	ioasid_t id;

	assert_int_equal(ioasid_allocator_register(ns, NULL), -EINVAL);
	bad.alloc = NULL;
	assert_int_equal(ioasid_allocator_register(ns, &bad), -EINVAL);
	bad = ops;
	bad.free = NULL;
	assert_int_equal(ioasid_allocator_register(ns, &bad), -EINVAL);
	assert_int_equal(ioasid_allocator_unregister(ns), -ENOENT);
	set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_allocator_register(ns, &ops), -EBUSY);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_allocator_register(ns, &ops), 0);
	assert_int_equal(ioasid_allocator_register(ns, &ops), -EBUSY);
	assert_int_equal(ioasid_allocator_unregister(ns), 0);
	assert_int_equal(ioasid_allocator_unregister(ns), -ENOENT);
	assert_int_equal(ioasid_set_free(set), 0);
	assert_int_equal(h.allocs, 0);
}

static void test_allocator_delegates_and_keeps_books(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct host h = { 0 };
	struct ioasid_allocator_ops ops = host_ops(&h);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 2);
	struct ioasid_set_info info;
	ioasid_t a, b, c, found;

	assert_int_equal(ioasid_allocator_register(ns, &ops), 0);
	assert_int_equal(ioasid_alloc(set, 10, 20, NULL, &a), 0);
	assert_int_equal(a, 20);
	assert_int_equal(h.last_min, 10);
	assert_int_equal(h.last_max, 20);
	assert_int_equal(ioasid_alloc(set, 10, 20, NULL, &b), 0);
	assert_int_equal(b, 19);
	/* The quota is the core's: the host is not even asked. */
	assert_int_equal(ioasid_alloc(set, 10, 20, NULL, &c), -EDQUOT);
	assert_int_equal(h.allocs, 2);
	ioasid_set_query(set, &info);
	assert_int_equal(info.nr_ids, 2);
	assert_int_equal(ioasid_spid_attach(set, a, 5), 0);
	assert_int_equal(ioasid_spid_find(set, 5, false, &found), 0);
	assert_int_equal(found, a);
	assert_int_equal(ioasid_get(ns, set, a), 0);
	assert_int_equal(ioasid_free(set, a), 0);
	assert_int_equal(h.frees, 0); /* FREE_PENDING: not back yet */
	assert_int_equal(ioasid_put(ns, set, a), 0);
	assert_int_equal(h.frees, 1);
	assert_int_equal(h.last_freed, a);
	assert_int_equal(ioasid_free(set, b), 0);
	assert_int_equal(h.frees, 2);
	assert_int_equal(ioasid_allocator_unregister(ns), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_allocator_errors_pass_through(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct host h = { 0 };
	struct ioasid_allocator_ops ops = host_ops(&h);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	ioasid_t id = 0, live;
	struct ioasid_set_info info;

	assert_int_equal(ioasid_allocator_register(ns, &ops), 0);
	h.fail = -ENOSPC;
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), -ENOSPC);
	h.fail = -EIO;
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), -EIO);
	h.fail = 0;
	/* Outside [min, max]: refused and given back. */
	h.bogus = 500;
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), -EIO);
	assert_int_equal(h.frees, 1);
	assert_int_equal(h.last_freed, 500);
	/* Already live here: refused, not freed on the host's behalf. */
	h.bogus = 0;
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &live), 0);
	h.bogus = live;
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), -EIO);
	assert_int_equal(h.frees, 1);
	assert_int_equal(id, 0);
	ioasid_set_query(set, &info);
	assert_int_equal(info.nr_ids, 1);
	assert_int_equal(ioasid_free(set, live), 0);
	assert_int_equal(ioasid_allocator_unregister(ns), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_allocator_unregister_with_live_ids(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct host h = { 0 };
	struct ioasid_allocator_ops ops = host_ops(&h);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	int data;
	void *p;
	ioasid_t a, b, id;

	assert_int_equal(ioasid_allocator_register(ns, &ops), 0);
	assert_int_equal(ioasid_alloc(set, 1, 2, &data, &a), 0);
	assert_int_equal(ioasid_alloc(set, 1, 2, NULL, &b), 0);
	assert_int_equal(a, 2);
	assert_int_equal(b, 1);
	assert_int_equal(ioasid_allocator_unregister(ns), 0);
	/* Still live and usable. */
	assert_int_equal(ioasid_find(ns, set, a, &p), 0);
	assert_ptr_equal(p, &data);
	assert_int_equal(ioasid_get(ns, NULL, a), 0);
	assert_int_equal(ioasid_put(ns, NULL, a), 0);
	/* The default pool does not hand them out while they live. */
	assert_int_equal(ioasid_alloc(set, 1, 2, NULL, &id), -ENOSPC);
	assert_int_equal(ioasid_alloc(set, 1, 3, NULL, &id), 0);
	assert_int_equal(id, 3);
	/* Their return goes to the default pool, never to the old ops. */
	assert_int_equal(ioasid_free(set, a), 0);
	assert_int_equal(h.frees, 0);
	assert_int_equal(ioasid_alloc(set, 1, 3, NULL, &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(h.allocs, 2);
	assert_int_equal(ioasid_set_free_all(set), 3);
	assert_int_equal(h.frees, 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_allocator_ns_free_returns_live_ids(void **state)
{
	struct host h = { 0 };
	struct ioasid_allocator_ops ops = host_ops(&h);
	struct ioasid_ns *ns;
	struct ioasid_set *set;
	ioasid_t id;

	(void)state;
	assert_int_equal(ioasid_ns_new(&ns), 0);
	assert_int_equal(ioasid_allocator_register(ns, &ops), 0);
	assert_int_equal(ioasid_set_alloc(ns, IOASID_SET_TYPE_NONE, 0, 5, &set),
			 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	ioasid_ns_free(ns);
	assert_int_equal(h.frees, 2);
	for (int i = 0; i < 4096; i++)
		assert_int_equal(h.used[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_allocator_register_errnos),
		CORE_TEST(test_allocator_delegates_and_keeps_books),
		CORE_TEST(test_allocator_errors_pass_through),
		CORE_TEST(test_allocator_unregister_with_live_ids),
		cmocka_unit_test(test_allocator_ns_free_returns_live_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
