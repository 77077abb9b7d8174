// SPDX-License-Identifier: MIT
/*
 * Fail-the-Nth-allocation sweeps over the resource controller: a failed
 * creation publishes no group (not even an ancestor), and nothing leaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cgroup_fixture.h"
#include "sweep.h"

#define HELD 60

struct lookup_ctx {
	struct ioasid_cgroup_tree *tree;
	unsigned int count;
};

static int lookup_step(void *arg)
{
	struct lookup_ctx *c = arg;
	struct ioasid_cgroup *cg = NULL;
	int ret;

	ret = ioasid_cgroup_lookup(c->tree, "/new/x/y/z", IOASID_CGROUP_CREATE, &cg);
	if (ret == 0) {
		assert_int_equal(cg_count(c->tree), c->count + 4);
		ioasid_cgroup_put(cg);
	} else {
		assert_null(cg);
	}
	return ret;
}

static void lookup_check(int ret, int fired, void *arg)
{
	struct lookup_ctx *c = arg;

	assert_int_equal(ret, fired ? -ENOMEM : 0);
	assert_int_equal(cg_count(c->tree), c->count);
	assert_false(cg_exists(c->tree, "/new"));
}

static void test_cgroup_sweep_lookup_create(void **state)
{
	struct lookup_ctx c = { .tree = *state };
	struct ioasid_cgroup *held[HELD];
	char path[32];

	/* Enough groups that four more grow the index. */
	for (int i = 0; i < HELD; i++) {
		snprintf(path, sizeof(path), "/h%d", i);
		held[i] = cg_get(c.tree, path);
	}
	c.count = cg_count(c.tree);
	assert_true(sweep_alloc_failures(lookup_step, lookup_check, &c) >= 5);
	for (int i = 0; i < HELD; i++)
		ioasid_cgroup_put(held[i]);
}

static int tree_step(void *arg)
{
	struct ioasid_cgroup_tree *tree = NULL;
	int ret = ioasid_cgroup_tree_new(10, &tree);

	if (ret == 0)
		ioasid_cgroup_tree_free(tree);
	else
		assert_null(tree);
	return ret;
}

static void enomem_check(int ret, int fired, void *arg)
{
	assert_int_equal(ret, fired ? -ENOMEM : 0);
}

static void test_cgroup_sweep_tree_new(void **state)
{
	assert_true(sweep_alloc_failures(tree_step, enomem_check, NULL) >= 3);
}

static int proc_step(void *arg)
{
	const struct cg_procroot *c = arg;
	char path[IOASID_CGROUP_PATH_MAX];
	int ret = ioasid_cgroup_pid_path(c->root, 1234, path, sizeof(path));

	if (ret == 0)
		assert_string_equal(path, "/far/down");
	return ret;
}

/* A file beyond the stack buffer needs the heap: both allocations fail. */
static void test_cgroup_sweep_proc_read(void **state)
{
	struct cg_procroot c;
	char text[6000];

	cg_procroot_make(&c);
	memset(text, '\n', sizeof(text));
	memcpy(text + sizeof(text) - 13, "0::/far/down\n", 13);
	cg_procroot_write(&c, 1234, text, sizeof(text));
	assert_int_equal(sweep_alloc_failures(proc_step, enomem_check, &c), 2);
	cg_procroot_remove(&c);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, cg_setup, cg_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cgroup_sweep_lookup_create),
		cmocka_unit_test(test_cgroup_sweep_tree_new),
		cmocka_unit_test(test_cgroup_sweep_proc_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
