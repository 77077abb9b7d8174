// SPDX-License-Identifier: MIT
/* Public-API tests of system capacity: install, reserve, return. */
#include "fixture.h"

static void test_capacity_default(void **state)
{
	struct ioasid_ns *ns = core_ns(state);

	assert_int_equal(ioasid_capacity_total(ns), IOASID_CAPACITY_DEFAULT);
	assert_int_equal(ioasid_capacity_available(ns),
			 IOASID_CAPACITY_DEFAULT - 1);
}

static void test_capacity_install_once(void **state)
{
	struct ioasid_ns *ns = core_ns(state);

	assert_int_equal(ioasid_capacity_install(ns, 0), -EINVAL);
	assert_int_equal(ioasid_capacity_install(ns, 1), -EINVAL);
	assert_int_equal(ioasid_capacity_install(ns, IOASID_CAPACITY_MAX + 1),
			 -EINVAL);
	assert_int_equal(ioasid_capacity_total(ns), IOASID_CAPACITY_DEFAULT);
	assert_int_equal(ioasid_capacity_install(ns, 2), 0);
	assert_int_equal(ioasid_capacity_total(ns), 2);
	assert_int_equal(ioasid_capacity_available(ns), 1);
	assert_int_equal(ioasid_capacity_install(ns, 4096), -EBUSY);
	assert_int_equal(ioasid_capacity_total(ns), 2);
}

static void test_capacity_install_after_set_ebusy(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 1);

	assert_int_equal(ioasid_capacity_install(ns, 4096), -EBUSY);
	assert_int_equal(ioasid_set_free(set), 0);
	assert_int_equal(ioasid_capacity_total(ns), IOASID_CAPACITY_DEFAULT);
}

static void test_capacity_install_after_reserve_ebusy(void **state)
{
	struct ioasid_ns *ns = core_ns(state);

	assert_int_equal(ioasid_capacity_reserve(ns, 10), 0);
	assert_int_equal(ioasid_capacity_install(ns, 4096), -EBUSY);
	assert_int_equal(ioasid_capacity_return(ns, 10), 0);
}

static void test_capacity_reserve_and_return(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = NULL;

	assert_int_equal(ioasid_capacity_install(ns, 1000), 0);
	assert_int_equal(ioasid_capacity_reserve(ns, 0), -EINVAL);
	assert_int_equal(ioasid_capacity_reserve(ns, 1000), -ENOSPC);
	assert_int_equal(ioasid_capacity_available(ns), 999);
	assert_int_equal(ioasid_capacity_reserve(ns, 900), 0);
	assert_int_equal(ioasid_capacity_available(ns), 99);
	assert_int_equal(ioasid_set_alloc(ns, IOASID_SET_TYPE_NONE, 0, 100,
					  &set), -ENOSPC);
	assert_int_equal(ioasid_capacity_reserve(ns, 99), 0);
	assert_int_equal(ioasid_capacity_available(ns), 0);
	assert_int_equal(ioasid_capacity_reserve(ns, 1), -ENOSPC);
	assert_int_equal(ioasid_capacity_return(ns, 0), -EINVAL);
	assert_int_equal(ioasid_capacity_return(ns, 1000), -EINVAL);
	assert_int_equal(ioasid_capacity_available(ns), 0);
	assert_int_equal(ioasid_capacity_return(ns, 500), 0);
	assert_int_equal(ioasid_capacity_available(ns), 500);
	assert_int_equal(ioasid_capacity_return(ns, 500), -EINVAL);
	assert_int_equal(ioasid_capacity_return(ns, 499), 0);
	assert_int_equal(ioasid_capacity_available(ns), 999);
	assert_int_equal(ioasid_capacity_return(ns, 1), -EINVAL);
}

static void test_capacity_quota_draws_from_available(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a, *b = NULL;

	assert_int_equal(ioasid_capacity_install(ns, 101), 0);
	a = core_set(ns, IOASID_SET_TYPE_NONE, 0, 60);
	assert_int_equal(ioasid_capacity_available(ns), 40);
	assert_int_equal(ioasid_set_alloc(ns, IOASID_SET_TYPE_NONE, 0, 41, &b),
			 -ENOSPC);
	assert_null(b);
	assert_int_equal(ioasid_capacity_reserve(ns, 41), -ENOSPC);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_capacity_available(ns), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_capacity_default),
		CORE_TEST(test_capacity_install_once),
		CORE_TEST(test_capacity_install_after_set_ebusy),
		CORE_TEST(test_capacity_install_after_reserve_ebusy),
		CORE_TEST(test_capacity_reserve_and_return),
		CORE_TEST(test_capacity_quota_draws_from_available),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
