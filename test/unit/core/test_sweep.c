// SPDX-License-Identifier: MIT
/*
 * Fail-the-Nth-allocation sweeps over the set, ID, SPID and notifier
 * lifecycle: every allocation a call makes is made to fail in turn, and the
 * call must then return -ENOMEM and leave nothing behind.
 */
#include "fixture.h"
#include "sweep.h"

struct sweep_ctx {
	struct ioasid_ns *ns;
	struct ioasid_set *set;
	struct ioasid_notifier *n;
	ioasid_t ids[40];
	ioasid_t id;
	int events;
};

static void count_event(const struct ioasid_event_data *ev, void *arg)
{
	(void)ev;
	((struct sweep_ctx *)arg)->events++;
}

static void assert_result(int ret, int fired)
{
	if (fired)
		assert_int_equal(ret, -ENOMEM);
	else
		assert_int_equal(ret, 0);
}

/* ---- ioasid_ns_new ---- */

static int step_ns_new(void *arg)
{
	struct ioasid_ns *ns = NULL;
	int ret = ioasid_ns_new(&ns);

	(void)arg;
	ioasid_ns_free(ns); /* nothing else may remain: ASan checks leaks */
	return ret;
}

static void check_plain(int ret, int fired, void *arg)
{
	(void)arg;
	assert_result(ret, fired);
}

static void test_sweep_ns_new(void **state)
{
	(void)state;
	assert_true(sweep_alloc_failures(step_ns_new, check_plain, NULL) >= 2);
}

/* ---- ioasid_set_alloc ---- */

static int step_set_alloc(void *arg)
{
	struct sweep_ctx *c = arg;

	c->set = NULL;
	return ioasid_set_alloc(c->ns, IOASID_SET_TYPE_GUEST, 3, 10, &c->set);
}

static void check_set_alloc(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	struct ioasid_set *found;

	assert_result(ret, fired);
	if (ret) {
		assert_int_equal(ioasid_set_lookup(c->ns, IOASID_SET_TYPE_GUEST,
						   3, &found), -ENOENT);
		assert_int_equal(ioasid_capacity_available(c->ns),
				 IOASID_CAPACITY_DEFAULT - 1);
		return;
	}
	assert_int_equal(ioasid_set_free(c->set), 0);
}

static void test_sweep_set_alloc(void **state)
{
	struct sweep_ctx c = { .ns = core_ns(state) };

	assert_true(sweep_alloc_failures(step_set_alloc, check_set_alloc, &c)
		    >= 1);
}

/* ---- ioasid_alloc, at the moment the member array must grow ---- */

static int step_alloc(void *arg)
{
	struct sweep_ctx *c = arg;

	c->id = IOASID_INVALID;
	return ioasid_alloc(c->set, 1, 1000, NULL, &c->id);
}

static void check_alloc(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	struct ioasid_set_info info;

	assert_result(ret, fired);
	ioasid_set_query(c->set, &info);
	if (ret) {
		assert_int_equal(info.nr_ids, 16);
		assert_int_equal(c->id, IOASID_INVALID);
		assert_int_equal(core_state(c->ns, 17), IOASID_STATE_IDLE);
		assert_int_equal(c->events, 0);
		return;
	}
	assert_int_equal(info.nr_ids, 17);
	assert_int_equal(c->events, 1);
	assert_int_equal(ioasid_free(c->set, c->id), 0);
	c->events = 0;
}

static void test_sweep_id_alloc(void **state)
{
	struct sweep_ctx c = { .ns = core_ns(state) };

	c.set = core_set(c.ns, IOASID_SET_TYPE_GUEST, 1, 100);
	for (int i = 0; i < 16; i++)
		assert_int_equal(ioasid_alloc(c.set, 1, 1000, NULL, &c.ids[i]), 0);
	assert_int_equal(ioasid_notifier_register(c.ns, c.set, count_event, &c,
						  &c.n), 0);
	assert_true(sweep_alloc_failures(step_alloc, check_alloc, &c) >= 1);
	ioasid_notifier_unregister(c.n);
	assert_int_equal(ioasid_set_free_all(c.set), 16);
	assert_int_equal(ioasid_set_free(c.set), 0);
}

/* ---- ioasid_spid_attach, through every growth of the SPID map ---- */

static int step_spid_attach_all(void *arg)
{
	struct sweep_ctx *c = arg;
	int i, ret = 0;

	for (i = 0; i < 40; i++) {
		ret = ioasid_spid_attach(c->set, c->ids[i], 1000 + i);
		if (ret)
			break;
	}
	c->id = (ioasid_t)i; /* how many succeeded */
	return ret;
}

static void check_spid_attach_all(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	ioasid_t found;

	assert_result(ret, fired);
	/* The attach that failed left its ID and SPID unmapped. */
	if (ret) {
		assert_int_equal(ioasid_spid_find(c->set, 1000 + c->id, false,
						  &found), -ENOENT);
		struct ioasid_info info;

		assert_int_equal(ioasid_query(c->ns, c->ids[c->id], &info), 0);
		assert_int_equal(info.spid, IOASID_INVALID);
		assert_int_equal(c->events, (int)c->id);
	}
	for (ioasid_t i = 0; i < c->id; i++) {
		assert_int_equal(ioasid_spid_find(c->set, 1000 + i, false,
						  &found), 0);
		assert_int_equal(found, c->ids[i]);
		assert_int_equal(ioasid_spid_detach(c->set, c->ids[i]), 0);
	}
	c->events = 0;
}

static void test_sweep_spid_attach(void **state)
{
	struct sweep_ctx c = { .ns = core_ns(state) };

	c.set = core_set(c.ns, IOASID_SET_TYPE_GUEST, 1, 100);
	for (int i = 0; i < 40; i++)
		assert_int_equal(ioasid_alloc(c.set, 1, 1000, NULL, &c.ids[i]), 0);
	assert_int_equal(ioasid_notifier_register(c.ns, NULL, count_event, &c,
						  &c.n), 0);
	c.events = 0;
	assert_true(sweep_alloc_failures(step_spid_attach_all,
					 check_spid_attach_all, &c) >= 3);
	ioasid_notifier_unregister(c.n);
	assert_int_equal(ioasid_set_free_all(c.set), 40);
	assert_int_equal(ioasid_set_free(c.set), 0);
}

/* ---- notifier registration, direct and by token ---- */

static int step_notifier_register(void *arg)
{
	struct sweep_ctx *c = arg;
	struct ioasid_notifier *token = NULL;
	int ret;

	c->n = NULL;
	ret = ioasid_notifier_register(c->ns, c->set, count_event, c, &c->n);
	if (ret)
		return ret;
	ret = ioasid_notifier_register_token(c->ns, IOASID_SET_TYPE_GUEST, 1,
					     count_event, c, &token);
	if (ret)
		goto out_unregister;
	assert_int_equal(ioasid_alloc(c->set, 1, 10, NULL, &c->id), 0);
	assert_int_equal(ioasid_free(c->set, c->id), 0);
	assert_int_equal(c->events, 4);
	ioasid_notifier_unregister(token);
out_unregister:
	ioasid_notifier_unregister(c->n);
	return ret;
}

static void check_notifier_register(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	ioasid_t id;

	assert_result(ret, fired);
	/* Nothing stays subscribed either way. */
	c->events = 0;
	assert_int_equal(ioasid_alloc(c->set, 1, 10, NULL, &id), 0);
	assert_int_equal(ioasid_free(c->set, id), 0);
	assert_int_equal(c->events, 0);
}

static void test_sweep_notifier_register(void **state)
{
	struct sweep_ctx c = { .ns = core_ns(state) };

	c.set = core_set(c.ns, IOASID_SET_TYPE_GUEST, 1, 100);
	assert_true(sweep_alloc_failures(step_notifier_register,
					 check_notifier_register, &c) >= 2);
	assert_int_equal(ioasid_set_free(c.set), 0);
}

/* ---- a whole lifecycle, unwinding on the first error ---- */

/*
 * ioasid_set_for_each is left out: it absorbs an allocation failure by
 * design (test_set_for_each_without_memory_still_walks covers that).
 */
static int lifecycle_ids(struct sweep_ctx *c)
{
	int ret;

	for (int i = 0; i < 40; i++) {
		ret = ioasid_alloc(c->set, 1, 1000, NULL, &c->ids[i]);
		if (ret)
			return ret;
		ret = ioasid_spid_attach(c->set, c->ids[i], 5000 + i);
		if (ret)
			return ret;
		ret = ioasid_get(c->ns, c->set, c->ids[i]);
		if (ret)
			return ret;
		ret = ioasid_put(c->ns, c->set, c->ids[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int step_lifecycle(void *arg)
{
	struct sweep_ctx *c = arg;
	int ret;

	ret = ioasid_set_alloc(c->ns, IOASID_SET_TYPE_PROCESS, 77, 64, &c->set);
	if (ret)
		return ret;
	ret = ioasid_notifier_register(c->ns, c->set, count_event, c, &c->n);
	if (ret)
		goto out_free_set;
	ret = lifecycle_ids(c);
	ioasid_notifier_unregister(c->n);
out_free_set:
	ioasid_set_free_all(c->set);
	assert_int_equal(ioasid_set_free(c->set), 0);
	return ret;
}

static void check_lifecycle(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;

	assert_result(ret, fired);
	core_assert_empty(c->ns);
}

static void test_sweep_set_id_spid_lifecycle(void **state)
{
	struct sweep_ctx c = { .ns = core_ns(state) };

	assert_true(sweep_alloc_failures(step_lifecycle, check_lifecycle, &c)
		    >= 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_ns_new),
		CORE_TEST(test_sweep_set_alloc),
		CORE_TEST(test_sweep_id_alloc),
		CORE_TEST(test_sweep_spid_attach),
		CORE_TEST(test_sweep_notifier_register),
		CORE_TEST(test_sweep_set_id_spid_lifecycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
