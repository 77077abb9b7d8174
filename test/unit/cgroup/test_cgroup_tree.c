// SPDX-License-Identifier: MIT
/* The hierarchy: lookup and creation, lifetime and pruning, the walk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cgroup_fixture.h"

static void test_cgroup_root_exists(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *root;
	struct ioasid_cgroup_info info;

	assert_int_equal(ioasid_cgroup_lookup(tree, "/", 0, &root), 0);
	assert_string_equal(ioasid_cgroup_path(root), "/");
	ioasid_cgroup_query(root, &info);
	assert_int_equal(info.depth, 0);
	assert_int_equal(info.max, IOASID_CGROUP_MAX);
	assert_int_equal(info.capacity, IOASID_CGROUP_MAX);
	assert_int_equal(info.current, 0);
	ioasid_cgroup_put(root);
	assert_int_equal(cg_count(tree), 1);
}

static void test_cgroup_lookup_creates_ancestors(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *vm, *a;
	struct ioasid_cgroup_info info;

	assert_int_equal(ioasid_cgroup_lookup(tree, "/machine/vm1", 0, &vm), -ENOENT);
	vm = cg_get(tree, "/machine/vm1");
	assert_int_equal(cg_count(tree), 3);
	ioasid_cgroup_query(vm, &info);
	assert_int_equal(info.depth, 2);
	assert_int_equal(info.max, IOASID_CGROUP_MAX);
	assert_int_equal(info.capacity, 0);
	/* The same path finds the same group. */
	a = cg_get(tree, "/machine/vm1");
	assert_ptr_equal(a, vm);
	ioasid_cgroup_put(a);
	assert_int_equal(ioasid_cgroup_lookup(tree, "/machine", 0, &a), 0);
	ioasid_cgroup_query(a, &info);
	assert_int_equal(info.children, 1);
	assert_int_equal(info.depth, 1);
	ioasid_cgroup_put(a);
	ioasid_cgroup_put(vm);
}

static void test_cgroup_lookup_rejects_bad_input(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *cg = NULL;
	static const char *const bad[] = {
		"", "machine", "//", "/a//b", "/a/", "/.", "/..", "/a/./b",
		"/a/../b", "/a\nb", " /a",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ioasid_cgroup_lookup(tree, bad[i],
						      IOASID_CGROUP_CREATE, &cg), -EINVAL);
	assert_int_equal(ioasid_cgroup_lookup(tree, "/a", 0x2, &cg), -EINVAL);
	assert_int_equal(ioasid_cgroup_lookup(tree, NULL, 0, &cg), -EINVAL);
	assert_int_equal(ioasid_cgroup_lookup(tree, "/a", 0, NULL), -EINVAL);
	assert_null(cg);
	assert_int_equal(cg_count(tree), 1);
}

static void test_cgroup_names_allow_odd_bytes(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *cg;

	/* Names are anything but '/', NUL and newline; "..." is a name. */
	cg = cg_get(tree, "/user.slice/a:b c/.../..x/\xc3\xa9");
	ioasid_cgroup_put(cg);
}

static void test_cgroup_unused_groups_are_pruned(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *a, *b;

	a = cg_get(tree, "/a/b/c");
	b = cg_get(tree, "/a/x");
	assert_int_equal(cg_count(tree), 5);
	ioasid_cgroup_put(a);
	/* c went, and b with it; a stays for x. */
	assert_false(cg_exists(tree, "/a/b/c"));
	assert_false(cg_exists(tree, "/a/b"));
	assert_true(cg_exists(tree, "/a"));
	ioasid_cgroup_put(b);
	assert_int_equal(cg_count(tree), 1);
}

static void test_cgroup_group_with_limit_is_kept(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *cg;
	struct ioasid_cgroup_info info;

	cg = cg_get(tree, "/machine/vm1");
	assert_int_equal(ioasid_cgroup_max_set(cg, 5), 0);
	ioasid_cgroup_put(cg);
	/* Nobody holds it, but its limit must persist. */
	assert_int_equal(ioasid_cgroup_lookup(tree, "/machine/vm1", 0, &cg), 0);
	ioasid_cgroup_query(cg, &info);
	assert_int_equal(info.max, 5);
	/* Back to "max": it goes once the last reference does. */
	assert_int_equal(ioasid_cgroup_max_set(cg, IOASID_CGROUP_MAX), 0);
	assert_true(cg_exists(tree, "/machine/vm1"));
	ioasid_cgroup_put(cg);
	assert_false(cg_exists(tree, "/machine/vm1"));
	assert_int_equal(cg_count(tree), 1);
}

static void test_cgroup_charged_group_outlives_references(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *cg, *again;

	cg = cg_get(tree, "/s/scope");
	assert_int_equal(ioasid_cgroup_charge(cg, 2), 0);
	ioasid_cgroup_put(cg);
	/* A charge alone keeps the group (and its counters). */
	assert_int_equal(ioasid_cgroup_lookup(tree, "/s/scope", 0, &again), 0);
	assert_ptr_equal(again, cg);
	assert_int_equal(cg_current(again), 2);
	ioasid_cgroup_put(again);
	assert_int_equal(ioasid_cgroup_uncharge(cg, 2), 0);
	assert_false(cg_exists(tree, "/s"));
}

struct walk {
	char seen[16][64];
	int n;
	int stop_at;
};

static int walk_record(const char *path, const struct ioasid_cgroup_info *info,
		       void *arg)
{
	struct walk *w = arg;

	if (w->n == w->stop_at)
		return 42;
	snprintf(w->seen[w->n++], sizeof(w->seen[0]), "%s", path);
	return 0;
}

static void test_cgroup_for_each_preorder_sorted(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	static const char *const create[] = { "/m/vm2", "/b", "/m/vm1", "/a/z", "/m/vm10" };
	static const char *const want[] = { "/", "/a", "/a/z", "/b", "/m", "/m/vm1",
					    "/m/vm10", "/m/vm2" };
	struct ioasid_cgroup *cg[5];
	struct walk w = { .stop_at = -1 };

	for (int i = 0; i < 5; i++)
		cg[i] = cg_get(tree, create[i]);
	assert_int_equal(ioasid_cgroup_for_each(tree, walk_record, &w), 0);
	assert_int_equal(w.n, 8);
	for (int i = 0; i < 8; i++)
		assert_string_equal(w.seen[i], want[i]);
	w.n = 0;
	w.stop_at = 3;
	assert_int_equal(ioasid_cgroup_for_each(tree, walk_record, &w), 42);
	assert_int_equal(w.n, 3);
	assert_int_equal(ioasid_cgroup_for_each(tree, NULL, &w), -EINVAL);
	for (int i = 0; i < 5; i++)
		ioasid_cgroup_put(cg[i]);
}

/* Enough groups to grow the index several times, then back to the root. */
static void test_cgroup_many_groups(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	static struct ioasid_cgroup *cg[1000];
	char path[64];

	for (int i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "/p%d/c%d", i % 37, i);
		cg[i] = cg_get(tree, path);
	}
	assert_int_equal(cg_count(tree), 1 + 37 + 1000);
	for (int i = 0; i < 1000; i++) {
		struct ioasid_cgroup *again;

		snprintf(path, sizeof(path), "/p%d/c%d", i % 37, i);
		assert_int_equal(ioasid_cgroup_lookup(tree, path, 0, &again), 0);
		assert_ptr_equal(again, cg[i]);
		ioasid_cgroup_put(again);
	}
	for (int i = 0; i < 1000; i++)
		ioasid_cgroup_put(cg[i]);
	assert_int_equal(cg_count(tree), 1);
}

static void test_cgroup_deep_and_long_paths(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *cg;
	char path[IOASID_CGROUP_PATH_MAX + 2];
	size_t len = 0;

	/* "/a/a/.../a": 2047 levels, 4094 bytes, the longest valid depth. */
	while (len + 2 < IOASID_CGROUP_PATH_MAX) {
		path[len++] = '/';
		path[len++] = 'a';
	}
	path[len] = '\0';
	cg = cg_get(tree, path);
	assert_int_equal(cg_count(tree), 1 + len / 2);
	ioasid_cgroup_put(cg);
	assert_int_equal(cg_count(tree), 1);
	/* One byte more is too long. */
	path[len++] = 'b';
	path[len] = '\0';
	assert_int_equal(len, IOASID_CGROUP_PATH_MAX - 1);
	cg = cg_get(tree, path);
	ioasid_cgroup_put(cg);
	path[len++] = 'c';
	path[len] = '\0';
	assert_int_equal(ioasid_cgroup_lookup(tree, path, IOASID_CGROUP_CREATE, &cg),
			 -EINVAL);
	/* A component of NAME_MAX bytes is fine, one more is not. */
	path[0] = '/';
	memset(path + 1, 'n', IOASID_CGROUP_NAME_MAX);
	path[1 + IOASID_CGROUP_NAME_MAX] = '\0';
	cg = cg_get(tree, path);
	ioasid_cgroup_put(cg);
	path[1 + IOASID_CGROUP_NAME_MAX] = 'n';
	path[2 + IOASID_CGROUP_NAME_MAX] = '\0';
	assert_int_equal(ioasid_cgroup_lookup(tree, path, IOASID_CGROUP_CREATE, &cg),
			 -EINVAL);
}

static void test_cgroup_capacity_set(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;
	struct ioasid_cgroup *root;
	struct ioasid_cgroup_info info;

	ioasid_cgroup_capacity_set(tree, 1000);
	assert_int_equal(ioasid_cgroup_capacity(tree), 1000);
	root = cg_get(tree, "/");
	ioasid_cgroup_query(root, &info);
	assert_int_equal(info.capacity, 1000);
	assert_int_equal(info.max, IOASID_CGROUP_MAX);
	/* The root has no max of its own. */
	assert_int_equal(ioasid_cgroup_max_set(root, 10), -EINVAL);
	ioasid_cgroup_put(root);
}

static void test_cgroup_free_with_live_state(void **state)
{
	struct ioasid_cgroup_tree *tree;
	struct ioasid_cgroup *cg;

	/* Destroying a tree frees groups whatever they still hold. */
	assert_int_equal(ioasid_cgroup_tree_new(100, &tree), 0);
	cg = cg_get(tree, "/x/y");
	assert_int_equal(ioasid_cgroup_charge(cg, 3), 0);
	ioasid_cgroup_tree_free(tree);
	ioasid_cgroup_tree_free(NULL);
	ioasid_cgroup_put(NULL);
	assert_int_equal(ioasid_cgroup_tree_new(1, NULL), -EINVAL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, cg_setup, cg_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cgroup_root_exists),
		T(test_cgroup_lookup_creates_ancestors),
		T(test_cgroup_lookup_rejects_bad_input),
		T(test_cgroup_names_allow_odd_bytes),
		T(test_cgroup_unused_groups_are_pruned),
		T(test_cgroup_group_with_limit_is_kept),
		T(test_cgroup_charged_group_outlives_references),
		T(test_cgroup_for_each_preorder_sorted),
		T(test_cgroup_many_groups),
		T(test_cgroup_deep_and_long_paths),
		T(test_cgroup_capacity_set),
		cmocka_unit_test(test_cgroup_free_with_live_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
