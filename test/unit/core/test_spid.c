// SPDX-License-Identifier: MIT
/* Public-API tests of set-private IDs (SPIDs). */
#include "fixture.h"

static ioasid_t info_spid(struct ioasid_ns *ns, ioasid_t id)
{
	struct ioasid_info info;

	assert_int_equal(ioasid_query(ns, id, &info), 0);
	return info.spid;
}

static void test_spid_attach_both_directions(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	ioasid_t id, found = 0;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_spid_find(set, 33, false, &found), -ENOENT);
	assert_int_equal(ioasid_spid_attach(set, id, 33), 0);
	assert_int_equal(ioasid_spid_find(set, 33, false, &found), 0);
	assert_int_equal(found, id);
	assert_int_equal(info_spid(ns, id), 33);
	assert_int_equal(core_refs(ns, id), 1);
	assert_int_equal(ioasid_spid_detach(set, id), 0);
	assert_int_equal(ioasid_spid_find(set, 33, false, &found), -ENOENT);
	assert_int_equal(info_spid(ns, id), IOASID_INVALID);
	/* SPID 0 is a valid guest PASID. */
	assert_int_equal(ioasid_spid_attach(set, id, 0), 0);
	assert_int_equal(ioasid_spid_find(set, 0, false, &found), 0);
	assert_int_equal(found, id);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_spid_attach_errnos(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_GUEST, 2, 10);
	ioasid_t x, y, z, found;

	assert_int_equal(ioasid_alloc(a, 1, 100, NULL, &x), 0);
	assert_int_equal(ioasid_alloc(a, 1, 100, NULL, &y), 0);
	assert_int_equal(ioasid_alloc(b, 1, 100, NULL, &z), 0);
	assert_int_equal(ioasid_spid_attach(a, x, IOASID_INVALID), -EINVAL);
	/* An SPID is a PASID: 20 bits at most, even if the capacity is less. */
	assert_int_equal(ioasid_spid_attach(a, x, IOASID_CAPACITY_MAX),
			 -EINVAL);
	assert_int_equal(info_spid(ns, x), IOASID_INVALID);
	assert_int_equal(ioasid_spid_attach(a, x, IOASID_CAPACITY_MAX - 1), 0);
	assert_int_equal(ioasid_spid_detach(a, x), 0);
	assert_int_equal(ioasid_spid_attach(a, 99, 5), -ENOENT);
	assert_int_equal(ioasid_spid_attach(a, 0, 5), -ENOENT);
	assert_int_equal(ioasid_spid_attach(a, z, 5), -EPERM);
	assert_int_equal(ioasid_spid_attach(a, x, 5), 0);
	assert_int_equal(ioasid_spid_attach(a, x, 6), -EBUSY);
	assert_int_equal(ioasid_spid_attach(a, y, 5), -EEXIST);
	assert_int_equal(info_spid(ns, y), IOASID_INVALID);
	/* SPIDs are private to their set. */
	assert_int_equal(ioasid_spid_attach(b, z, 5), 0);
	assert_int_equal(ioasid_spid_find(a, 5, false, &found), 0);
	assert_int_equal(found, x);
	assert_int_equal(ioasid_spid_find(b, 5, false, &found), 0);
	assert_int_equal(found, z);
	assert_int_equal(ioasid_spid_find(a, IOASID_INVALID, false, &found),
			 -ENOENT);
	assert_int_equal(ioasid_spid_find(a, IOASID_CAPACITY_MAX, true, &found),
			 -ENOENT);
	assert_int_equal((ioasid_spid_find)(a, IOASID_CAPACITY_MAX, false,
					    &found),
			 -ENOENT);
	assert_int_equal(ioasid_set_free_all(a), 2);
	assert_int_equal(ioasid_set_free_all(b), 1);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_spid_detach_errnos(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_GUEST, 2, 10);
	ioasid_t x;

	assert_int_equal(ioasid_spid_detach(a, 50), -ENOENT);
	assert_int_equal(ioasid_alloc(a, 1, 100, NULL, &x), 0);
	assert_int_equal(ioasid_spid_detach(a, x), -ENOENT);
	assert_int_equal(ioasid_spid_detach(b, x), -EPERM);
	assert_int_equal(ioasid_spid_attach(a, x, 8), 0);
	assert_int_equal(ioasid_spid_detach(b, x), -EPERM);
	assert_int_equal(ioasid_spid_detach(a, x), 0);
	assert_int_equal(ioasid_spid_detach(a, x), -ENOENT);
	assert_int_equal(ioasid_free(a, x), 0);
	assert_int_equal(ioasid_spid_detach(a, x), -ENOENT);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_spid_find_get_and_free_pending(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	ioasid_t id, found;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_spid_attach(set, id, 1000), 0);
	assert_int_equal(ioasid_spid_find(set, 1000, true, &found), 0);
	assert_int_equal(found, id);
	assert_int_equal(core_refs(ns, id), 2);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(core_state(ns, id), IOASID_STATE_FREE_PENDING);
	/* Still mapped while FREE_PENDING, but no new reference. */
	assert_int_equal(ioasid_spid_find(set, 1000, false, &found), 0);
	assert_int_equal(found, id);
	assert_int_equal(ioasid_spid_find(set, 1000, true, &found), -EBUSY);
	assert_int_equal(core_refs(ns, id), 1);
	/* No SPID can be attached to a FREE_PENDING ID. */
	assert_int_equal(ioasid_spid_detach(set, id), 0);
	assert_int_equal(ioasid_spid_attach(set, id, 1000), -ENOENT);
	assert_int_equal(ioasid_put(ns, set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_spid_released_with_id(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	ioasid_t id, other, found;

	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_spid_attach(set, id, 77), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_spid_find(set, 77, false, &found), -ENOENT);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &other), 0);
	assert_int_equal(ioasid_spid_attach(set, other, 77), 0);
	assert_int_equal(ioasid_spid_find(set, 77, false, &found), 0);
	assert_int_equal(found, other);
	assert_int_equal(ioasid_free(set, other), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_spid_large_set_lookups(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	const uint32_t n = 100000;
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, n);
	ioasid_t *ids = calloc(n, sizeof(*ids));
	ioasid_t found;

	assert_non_null(ids);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(ioasid_alloc(set, 1, n, NULL, &ids[i]), 0);
		assert_int_equal(ioasid_spid_attach(set, ids[i], (i * 13u + 5) % IOASID_CAPACITY_MAX), 0);
	}
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(ioasid_spid_find(set, (i * 13u + 5) % IOASID_CAPACITY_MAX, false,
						  &found), 0);
		assert_int_equal(found, ids[i]);
		assert_int_equal(info_spid(ns, ids[i]), (i * 13u + 5) % IOASID_CAPACITY_MAX);
	}
	for (uint32_t i = 0; i < n; i += 2)
		assert_int_equal(ioasid_spid_detach(set, ids[i]), 0);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(ioasid_spid_find(set, (i * 13u + 5) % IOASID_CAPACITY_MAX, false,
						  &found), i % 2 ? 0 : -ENOENT);
	assert_int_equal(ioasid_set_free_all(set), (int)n);
	assert_int_equal(ioasid_set_free(set), 0);
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_spid_attach_both_directions),
		CORE_TEST(test_spid_attach_errnos),
		CORE_TEST(test_spid_detach_errnos),
		CORE_TEST(test_spid_find_get_and_free_pending),
		CORE_TEST(test_spid_released_with_id),
		CORE_TEST(test_spid_large_set_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
