// SPDX-License-Identifier: MIT
/*
 * Charging with the misc controller's rules: hierarchical current, the
 * failing level and the events it counts, capacity, limits below current,
 * and charges that stay with their group when a process moves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cgroup_fixture.h"

static void test_cgroup_charge_goes_to_every_ancestor(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *vm1 = cg_get(tree, "/machine/vm1");
	struct ioasid_cgroup *vm2 = cg_get(tree, "/machine/vm2");
	struct ioasid_cgroup *machine = cg_get(tree, "/machine");
	struct ioasid_cgroup *root = cg_get(tree, "/");
	struct ioasid_cgroup_info info;

	assert_int_equal(ioasid_cgroup_charge(vm1, 3), 0);
	assert_int_equal(ioasid_cgroup_charge(vm2, 4), 0);
	assert_int_equal(ioasid_cgroup_charge(vm1, 0), 0);
	assert_int_equal(cg_current(vm1), 3);
	assert_int_equal(cg_current(vm2), 4);
	assert_int_equal(cg_current(machine), 7);
	assert_int_equal(cg_current(root), 7);
	assert_int_equal(ioasid_cgroup_uncharge(vm1, 2), 0);
	assert_int_equal(cg_current(machine), 5);
	ioasid_cgroup_query(vm1, &info);
	assert_int_equal(info.peak, 3);
	ioasid_cgroup_query(machine, &info);
	assert_int_equal(info.peak, 7);
	assert_int_equal(ioasid_cgroup_uncharge(vm1, 1), 0);
	assert_int_equal(ioasid_cgroup_uncharge(vm2, 4), 0);
	assert_int_equal(cg_current(root), 0);
	ioasid_cgroup_put(root);
	ioasid_cgroup_put(machine);
	ioasid_cgroup_put(vm2);
	ioasid_cgroup_put(vm1);
}

static void test_cgroup_charge_fails_at_own_max(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *vm = cg_get(tree, "/machine/vm1");
	struct ioasid_cgroup *machine = cg_get(tree, "/machine");
	struct ioasid_cgroup *root = cg_get(tree, "/");

	assert_int_equal(ioasid_cgroup_max_set(vm, 2), 0);
	assert_int_equal(ioasid_cgroup_charge(vm, 2), 0);
	assert_int_equal(ioasid_cgroup_charge(vm, 1), -EDQUOT);
	/* Nothing changed anywhere... */
	assert_int_equal(cg_current(vm), 2);
	assert_int_equal(cg_current(machine), 2);
	assert_int_equal(cg_current(root), 2);
	/* ...but the failing level and every ancestor counted the event, and
	 * only the failing level counts it as local. */
	assert_int_equal(cg_events(vm), 1);
	assert_int_equal(cg_events_local(vm), 1);
	assert_int_equal(cg_events(machine), 1);
	assert_int_equal(cg_events_local(machine), 0);
	assert_int_equal(cg_events(root), 1);
	assert_int_equal(cg_events_local(root), 0);
	assert_int_equal(ioasid_cgroup_uncharge(vm, 2), 0);
	assert_int_equal(ioasid_cgroup_max_set(vm, IOASID_CGROUP_MAX), 0);
	ioasid_cgroup_put(root);
	ioasid_cgroup_put(machine);
	ioasid_cgroup_put(vm);
}

static void test_cgroup_charge_fails_at_ancestor_max(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *vm1 = cg_get(tree, "/machine/vm1");
	struct ioasid_cgroup *vm2 = cg_get(tree, "/machine/vm2");
	struct ioasid_cgroup *machine = cg_get(tree, "/machine");
	struct ioasid_cgroup *root = cg_get(tree, "/");

	assert_int_equal(ioasid_cgroup_max_set(machine, 5), 0);
	assert_int_equal(ioasid_cgroup_charge(vm1, 3), 0);
	assert_int_equal(ioasid_cgroup_charge(vm2, 3), -EDQUOT);
	assert_int_equal(ioasid_cgroup_charge(vm2, 2), 0);
	assert_int_equal(cg_current(vm2), 2);
	assert_int_equal(cg_current(machine), 5);
	/* The child below the failing level counts nothing. */
	assert_int_equal(cg_events(vm2), 0);
	assert_int_equal(cg_events_local(vm2), 0);
	assert_int_equal(cg_events(machine), 1);
	assert_int_equal(cg_events_local(machine), 1);
	assert_int_equal(cg_events(root), 1);
	assert_int_equal(cg_events(vm1), 0);
	assert_int_equal(ioasid_cgroup_uncharge(vm1, 3), 0);
	assert_int_equal(ioasid_cgroup_uncharge(vm2, 2), 0);
	assert_int_equal(ioasid_cgroup_max_set(machine, IOASID_CGROUP_MAX), 0);
	ioasid_cgroup_put(root);
	ioasid_cgroup_put(machine);
	ioasid_cgroup_put(vm2);
	ioasid_cgroup_put(vm1);
}

/* The first level from the bottom that fails is the one that counts. */
static void test_cgroup_lowest_failing_level_wins(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *leaf = cg_get(tree, "/a/b");
	struct ioasid_cgroup *a = cg_get(tree, "/a");

	assert_int_equal(ioasid_cgroup_max_set(a, 1), 0);
	assert_int_equal(ioasid_cgroup_max_set(leaf, 1), 0);
	assert_int_equal(ioasid_cgroup_charge(leaf, 5), -EDQUOT);
	assert_int_equal(cg_events_local(leaf), 1);
	assert_int_equal(cg_events_local(a), 0);
	assert_int_equal(cg_events(a), 1);
	assert_int_equal(ioasid_cgroup_max_set(a, IOASID_CGROUP_MAX), 0);
	assert_int_equal(ioasid_cgroup_max_set(leaf, IOASID_CGROUP_MAX), 0);
	ioasid_cgroup_put(a);
	ioasid_cgroup_put(leaf);
}

static void test_cgroup_capacity_exhausted_is_enospc(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *vm = cg_get(tree, "/machine/vm1");
	struct ioasid_cgroup *other = cg_get(tree, "/other");
	struct ioasid_cgroup *root = cg_get(tree, "/");

	ioasid_cgroup_capacity_set(tree, 4);
	assert_int_equal(ioasid_cgroup_charge(vm, 3), 0);
	assert_int_equal(ioasid_cgroup_charge(other, 2), -ENOSPC);
	assert_int_equal(cg_current(other), 0);
	assert_int_equal(cg_current(root), 3);
	/* Only the root's usage reached capacity: the event is the root's. */
	assert_int_equal(cg_events_local(root), 1);
	assert_int_equal(cg_events(other), 0);
	/* A charge larger than the capacity fails at its own level. */
	assert_int_equal(ioasid_cgroup_charge(other, 5), -ENOSPC);
	assert_int_equal(cg_events_local(other), 1);
	assert_int_equal(cg_events(root), 2);
	/* A max that is also exceeded at the same level takes precedence. */
	assert_int_equal(ioasid_cgroup_max_set(other, 1), 0);
	assert_int_equal(ioasid_cgroup_charge(other, 5), -EDQUOT);
	assert_int_equal(ioasid_cgroup_charge(other, 1), 0);
	assert_int_equal(cg_current(root), 4);
	/* Lowering capacity below current only blocks new charges. */
	ioasid_cgroup_capacity_set(tree, 2);
	assert_int_equal(cg_current(root), 4);
	assert_int_equal(ioasid_cgroup_uncharge(vm, 1), 0);
	assert_int_equal(ioasid_cgroup_charge(vm, 1), -ENOSPC);
	assert_int_equal(ioasid_cgroup_uncharge(vm, 2), 0);
	assert_int_equal(ioasid_cgroup_uncharge(other, 1), 0);
	assert_int_equal(ioasid_cgroup_max_set(other, IOASID_CGROUP_MAX), 0);
	/* Capacity 0: nothing can be charged. */
	ioasid_cgroup_capacity_set(tree, 0);
	assert_int_equal(ioasid_cgroup_charge(vm, 1), -ENOSPC);
	ioasid_cgroup_put(root);
	ioasid_cgroup_put(other);
	ioasid_cgroup_put(vm);
}

static void test_cgroup_max_below_current(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *vm = cg_get(tree, "/vm");
	struct ioasid_cgroup_info info;

	assert_int_equal(ioasid_cgroup_charge(vm, 5), 0);
	assert_int_equal(ioasid_cgroup_max_set(vm, 2), 0);
	ioasid_cgroup_query(vm, &info);
	assert_int_equal(info.current, 5);
	assert_int_equal(info.max, 2);
	assert_int_equal(ioasid_cgroup_charge(vm, 1), -EDQUOT);
	assert_int_equal(ioasid_cgroup_uncharge(vm, 3), 0);
	assert_int_equal(ioasid_cgroup_charge(vm, 1), -EDQUOT);
	assert_int_equal(ioasid_cgroup_uncharge(vm, 1), 0);
	assert_int_equal(ioasid_cgroup_charge(vm, 1), 0);
	assert_int_equal(ioasid_cgroup_uncharge(vm, 2), 0);
	/* max 0 blocks everything. */
	assert_int_equal(ioasid_cgroup_max_set(vm, 0), 0);
	assert_int_equal(ioasid_cgroup_charge(vm, 1), -EDQUOT);
	assert_int_equal(ioasid_cgroup_max_set(vm, IOASID_CGROUP_MAX), 0);
	ioasid_cgroup_put(vm);
}

static void test_cgroup_uncharge_more_than_current(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *a = cg_get(tree, "/a");
	struct ioasid_cgroup *b = cg_get(tree, "/b");

	assert_int_equal(ioasid_cgroup_charge(a, 2), 0);
	assert_int_equal(ioasid_cgroup_uncharge(b, 1), -EINVAL);
	assert_int_equal(ioasid_cgroup_uncharge(a, 3), -EINVAL);
	assert_int_equal(cg_current(a), 2);
	assert_int_equal(ioasid_cgroup_uncharge(a, 0), 0);
	assert_int_equal(ioasid_cgroup_uncharge(a, 2), 0);
	ioasid_cgroup_put(b);
	ioasid_cgroup_put(a);
}

static void test_cgroup_charge_overflow_is_refused(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *a = cg_get(tree, "/a");

	assert_int_equal(ioasid_cgroup_charge(a, UINT64_MAX - 1), 0);
	/* With no finite max or capacity, wrapping around is still refused. */
	assert_int_equal(ioasid_cgroup_charge(a, 2), -EDQUOT);
	assert_int_equal(cg_current(a), UINT64_MAX - 1);
	assert_int_equal(ioasid_cgroup_uncharge(a, UINT64_MAX - 1), 0);
	ioasid_cgroup_put(a);
}

/*
 * A process in /user/app allocates (charging its group, whose reference the
 * caller keeps with the charge), moves to /user/other, allocates again
 * (charging the new group) and frees the first ID: that uncharge goes to
 * the group that was charged, not to where the process is now.
 */
static void test_cgroup_charge_stays_when_process_moves(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *first, *second, *user;

	first = cg_get(tree, "/user/app"); /* reference kept with the charge */
	assert_int_equal(ioasid_cgroup_max_set(first, 1), 0);
	assert_int_equal(ioasid_cgroup_charge(first, 1), 0);
	/* The process moved: its new allocations go to the new group. */
	second = cg_get(tree, "/user/other");
	assert_int_equal(ioasid_cgroup_charge(second, 1), 0);
	user = cg_get(tree, "/user");
	assert_int_equal(cg_current(user), 2);
	/* The old group is still full: its limit still applies to it. */
	assert_int_equal(cg_current(first), 1);
	assert_int_equal(ioasid_cgroup_uncharge(first, 1), 0);
	ioasid_cgroup_put(first);
	assert_int_equal(cg_current(second), 1);
	assert_int_equal(cg_current(user), 1);
	assert_int_equal(ioasid_cgroup_uncharge(second, 1), 0);
	ioasid_cgroup_put(second);
	assert_int_equal(ioasid_cgroup_lookup(tree, "/user/app", 0, &first), 0);
	assert_int_equal(ioasid_cgroup_max_set(first, IOASID_CGROUP_MAX), 0);
	ioasid_cgroup_put(first);
	ioasid_cgroup_put(user);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, cg_setup, cg_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cgroup_charge_goes_to_every_ancestor),
		T(test_cgroup_charge_fails_at_own_max),
		T(test_cgroup_charge_fails_at_ancestor_max),
		T(test_cgroup_lowest_failing_level_wins),
		T(test_cgroup_capacity_exhausted_is_enospc),
		T(test_cgroup_max_below_current),
		T(test_cgroup_uncharge_more_than_current),
		T(test_cgroup_charge_overflow_is_refused),
		T(test_cgroup_charge_stays_when_process_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
