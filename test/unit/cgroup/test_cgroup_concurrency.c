// SPDX-License-Identifier: MIT
/*
 * Several threads create, charge, uncharge and drop groups under a parent
 * whose limit another thread keeps changing. Afterwards nothing may be
 * charged, every group must be gone, and the parent's events must equal
 * the number of -EDQUOT failures the threads saw (the limit was the only
 * one in the tree). TSan checks the locking.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgroup_fixture.h"

#define THREADS 4
#define ROUNDS 3000

struct shared {
	struct ioasid_cgroup_tree *tree;
	atomic_ulong edquot;
	atomic_int done;
};

static void *worker(void *arg)
{
	struct shared *s = arg;
	unsigned long failures = 0;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		struct ioasid_cgroup *cg;
		char path[32];
		int ret;

		snprintf(path, sizeof(path), "/t/g%u/h%u", i % 8, i % 3);
		if (ioasid_cgroup_lookup(s->tree, path, IOASID_CGROUP_CREATE, &cg))
			abort();
		ret = ioasid_cgroup_charge(cg, 1 + i % 3);
		if (ret == -EDQUOT)
			failures++;
		else if (ret != 0)
			abort();
		else if (ioasid_cgroup_uncharge(cg, 1 + i % 3))
			abort();
		ioasid_cgroup_put(cg);
	}
	atomic_fetch_add(&s->edquot, failures);
	return NULL;
}

static int count_visit(const char *path, const struct ioasid_cgroup_info *info,
		       void *arg)
{
	if (info->current > 1000)
		abort();
	return 0;
}

static void *limiter(void *arg)
{
	struct shared *s = arg;
	struct ioasid_cgroup *t;
	unsigned int i = 0;

	if (ioasid_cgroup_lookup(s->tree, "/t", IOASID_CGROUP_CREATE, &t))
		abort();
	while (!atomic_load(&s->done)) {
		if (ioasid_cgroup_max_set(t, i++ % 6))
			abort();
		ioasid_cgroup_for_each(s->tree, count_visit, NULL);
	}
	if (ioasid_cgroup_max_set(t, 2)) /* keep /t, with a limit, at the end */
		abort();
	ioasid_cgroup_put(t);
	return NULL;
}

static void test_cgroup_concurrent_charges(void **state)
{
	struct shared s = { .tree = *state };
	pthread_t w[THREADS], l;
	struct ioasid_cgroup *t, *root;
	struct ioasid_cgroup_info info;

	assert_int_equal(pthread_create(&l, NULL, limiter, &s), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&w[i], NULL, worker, &s), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(w[i], NULL);
	atomic_store(&s.done, 1);
	pthread_join(l, NULL);

	assert_int_equal(cg_count(s.tree), 2); /* "/" and "/t" */
	assert_int_equal(ioasid_cgroup_lookup(s.tree, "/t", 0, &t), 0);
	ioasid_cgroup_query(t, &info);
	assert_int_equal(info.current, 0);
	assert_int_equal(info.events, atomic_load(&s.edquot));
	assert_int_equal(info.events_local, info.events);
	root = cg_get(s.tree, "/");
	assert_int_equal(cg_events(root), info.events);
	assert_int_equal(cg_current(root), 0);
	ioasid_cgroup_put(root);
	assert_int_equal(ioasid_cgroup_max_set(t, IOASID_CGROUP_MAX), 0);
	ioasid_cgroup_put(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cgroup_concurrent_charges,
						cg_setup, cg_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
