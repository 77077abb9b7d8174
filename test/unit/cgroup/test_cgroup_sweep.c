// SPDX-License-Identifier: MIT
/*
 * Fail-the-Nth-allocation sweeps over the resource controller: a failed
 * creation publishes no group (not even an ancestor), and nothing leaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

struct proc_ctx {
	char root[256];
};

static int proc_step(void *arg)
{
	struct proc_ctx *c = arg;
	char path[IOASID_CGROUP_PATH_MAX];
	int ret = ioasid_cgroup_pid_path(c->root, 1234, path, sizeof(path));

	if (ret == 0)
		assert_string_equal(path, "/far/down");
	return ret;
}

/* A file beyond the stack buffer needs the heap: both allocations fail. */
static void test_cgroup_sweep_proc_read(void **state)
{
	struct proc_ctx c;
	char file[400], text[6000];
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(c.root, sizeof(c.root), "%s/ioasid-proc-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(c.root));
	snprintf(file, sizeof(file), "%s/1234", c.root);
	assert_int_equal(mkdir(file, 0700), 0);
	snprintf(file, sizeof(file), "%s/1234/cgroup", c.root);
	memset(text, '\n', sizeof(text));
	memcpy(text + sizeof(text) - 13, "0::/far/down\n", 13);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text)), (ssize_t)sizeof(text));
	close(fd);
	assert_int_equal(sweep_alloc_failures(proc_step, enomem_check, &c), 2);
	unlink(file);
	snprintf(file, sizeof(file), "%s/1234", c.root);
	rmdir(file);
	rmdir(c.root);
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
