// SPDX-License-Identifier: MIT
/* Public-API tests of notifications: chains, order, tokens, FREE timing. */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

struct log {
	struct {
		char who;
		struct ioasid_event_data ev;
		struct ioasid_info info; /* the ID as the callback saw it */
	} e[64];
	int n;
	struct ioasid_ns *ns;
};

struct sub {
	char who;
	struct log *log;
	struct ioasid_notifier *n;
};

static void sub_record(const struct ioasid_event_data *ev, void *arg)
{
	struct sub *s = arg;
	struct log *log = s->log;

	assert_true(log->n < 64);
	log->e[log->n].who = s->who;
	log->e[log->n].ev = *ev;
	assert_int_equal(ioasid_query(log->ns, ev->id, &log->e[log->n].info), 0);
	log->n++;
}

/* The subscribers' names in delivery order, e.g. "GAB". */
static const char *log_order(const struct log *log, char *buf)
{
	int i;

	for (i = 0; i < log->n; i++)
		buf[i] = log->e[i].who;
	buf[i] = '\0';
	return buf;
}

static void test_notify_events_carry_data(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 9, 10);
	struct log log = { .ns = ns };
	struct sub s = { 'S', &log, NULL };
	struct ioasid_set_info info;
	int data;
	ioasid_t id;

	ioasid_set_query(set, &info);
	assert_int_equal(ioasid_notifier_register(ns, set, sub_record, &s,
						  &s.n), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, &data, &id), 0);
	assert_int_equal(ioasid_spid_attach(set, id, 44), 0);
	assert_int_equal(ioasid_spid_detach(set, id), 0);
	assert_int_equal(ioasid_spid_attach(set, id, 45), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(log.n, 5);
	const enum ioasid_event want[] = { IOASID_EVENT_ALLOC, IOASID_EVENT_BIND,
					   IOASID_EVENT_UNBIND, IOASID_EVENT_BIND,
					   IOASID_EVENT_FREE };
	const ioasid_t spids[] = { IOASID_INVALID, 44, 44, 45, 45 };
	for (int i = 0; i < 5; i++) {
		assert_int_equal(log.e[i].ev.event, want[i]);
		assert_int_equal(log.e[i].ev.id, id);
		assert_int_equal(log.e[i].ev.spid, spids[i]);
		assert_ptr_equal(log.e[i].ev.set, set);
		assert_int_equal(log.e[i].ev.set_id, info.id);
		assert_ptr_equal(log.e[i].ev.private, &data);
	}
	/* Returning to the pool drops the SPID without an UNBIND. */
	assert_int_equal(core_state(ns, id), IOASID_STATE_IDLE);
	ioasid_notifier_unregister(s.n);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_notify_free_delivered_before_release(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 9, 10);
	struct log log = { .ns = ns };
	struct sub s = { 'S', &log, NULL };
	ioasid_t id;

	assert_int_equal(ioasid_notifier_register(ns, NULL, sub_record, &s,
						  &s.n), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(log.n, 2);
	/* Even with no other user, FREE sees the ID parked, owner counted. */
	assert_int_equal(log.e[1].ev.event, IOASID_EVENT_FREE);
	assert_int_equal(log.e[1].info.state, IOASID_STATE_FREE_PENDING);
	assert_int_equal(log.e[1].info.refs, 1);
	assert_int_equal(core_state(ns, id), IOASID_STATE_IDLE);
	ioasid_notifier_unregister(s.n);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_notify_global_then_set_in_order(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *a = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	struct ioasid_set *b = core_set(ns, IOASID_SET_TYPE_GUEST, 2, 10);
	struct log log = { .ns = ns };
	struct sub s1 = { '1', &log, NULL }, s2 = { '2', &log, NULL };
	struct sub g1 = { 'G', &log, NULL }, g2 = { 'H', &log, NULL };
	struct sub other = { 'X', &log, NULL };
	char buf[65];
	ioasid_t id;

	assert_int_equal(ioasid_notifier_register(ns, a, sub_record, &s1, &s1.n), 0);
	assert_int_equal(ioasid_notifier_register(ns, NULL, sub_record, &g1, &g1.n), 0);
	assert_int_equal(ioasid_notifier_register(ns, b, sub_record, &other, &other.n), 0);
	assert_int_equal(ioasid_notifier_register(ns, a, sub_record, &s2, &s2.n), 0);
	assert_int_equal(ioasid_notifier_register(ns, NULL, sub_record, &g2, &g2.n), 0);
	assert_int_equal(ioasid_alloc(a, 1, 100, NULL, &id), 0);
	assert_string_equal(log_order(&log, buf), "GH12");
	ioasid_notifier_unregister(g1.n);
	ioasid_notifier_unregister(s1.n);
	log.n = 0;
	assert_int_equal(ioasid_free(a, id), 0);
	assert_string_equal(log_order(&log, buf), "H2");
	ioasid_notifier_unregister(g2.n);
	ioasid_notifier_unregister(s2.n);
	ioasid_notifier_unregister(other.n);
	ioasid_notifier_unregister(NULL);
	assert_int_equal(ioasid_set_free(a), 0);
	assert_int_equal(ioasid_set_free(b), 0);
}

static void test_notify_register_errnos(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_ns *other_ns;
	struct ioasid_set *foreign;
	struct ioasid_notifier *n = NULL;
	struct log log = { .ns = ns };
	struct sub s = { 'S', &log, NULL };

	assert_int_equal(ioasid_notifier_register(ns, NULL, NULL, &s, &n), -EINVAL);
	assert_int_equal(ioasid_notifier_register_token(
				 ns, IOASID_SET_TYPE_GUEST, 1, NULL, &s, &n),
			 -EINVAL);
	assert_int_equal(ioasid_notifier_register_token(
				 ns, IOASID_SET_TYPE_NONE, 0, sub_record, &s, &n),
			 -EINVAL);
	assert_int_equal(ioasid_ns_new(&other_ns), 0);
	assert_int_equal(ioasid_set_alloc(other_ns, IOASID_SET_TYPE_NONE, 0, 1,
					  &foreign), 0);
	assert_int_equal(ioasid_notifier_register(ns, foreign, sub_record, &s,
						  &n), -EINVAL);
	assert_null(n);
	assert_int_equal(ioasid_set_free(foreign), 0);
	ioasid_ns_free(other_ns);
}

static void test_notify_token_wired_before_set_exists(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct log log = { .ns = ns };
	struct sub t = { 'T', &log, NULL }, d = { 'D', &log, NULL };
	struct sub late = { 'L', &log, NULL }, p = { 'P', &log, NULL };
	struct ioasid_set *set, *other;
	char buf[65];
	ioasid_t id;

	assert_int_equal(ioasid_notifier_register_token(
				 ns, IOASID_SET_TYPE_GUEST, 500, sub_record, &t,
				 &t.n), 0);
	assert_int_equal(ioasid_notifier_register_token(
				 ns, IOASID_SET_TYPE_PROCESS, 500, sub_record, &p,
				 &p.n), 0);
	/* Other tokens and types do not reach it. */
	other = core_set(ns, IOASID_SET_TYPE_GUEST, 501, 10);
	assert_int_equal(ioasid_alloc(other, 1, 100, NULL, &id), 0);
	assert_int_equal(ioasid_free(other, id), 0);
	assert_int_equal(log.n, 0);
	set = core_set(ns, IOASID_SET_TYPE_GUEST, 500, 10);
	assert_int_equal(ioasid_notifier_register(ns, set, sub_record, &d, &d.n), 0);
	assert_int_equal(ioasid_notifier_register_token(
				 ns, IOASID_SET_TYPE_GUEST, 500, sub_record,
				 &late, &late.n), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_string_equal(log_order(&log, buf), "TDL");
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
	/* Unwired with the set; wired again into the next set of the token. */
	log.n = 0;
	set = core_set(ns, IOASID_SET_TYPE_GUEST, 500, 10);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_string_equal(log_order(&log, buf), "TL");
	assert_int_equal(ioasid_free(set, id), 0);
	ioasid_notifier_unregister(t.n);
	ioasid_notifier_unregister(late.n);
	ioasid_notifier_unregister(p.n);
	log.n = 0;
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(log.n, 0);
	assert_int_equal(ioasid_free(set, id), 0);
	ioasid_notifier_unregister(d.n); /* its set is long gone */
	assert_int_equal(ioasid_set_free(set), 0);
	assert_int_equal(ioasid_set_free(other), 0);
}

struct getter {
	struct ioasid_ns *ns;
	int got, put;
};

/* Callbacks may take and drop references. */
static void getter_cb(const struct ioasid_event_data *ev, void *arg)
{
	struct getter *g = arg;

	if (ev->event == IOASID_EVENT_ALLOC) {
		assert_int_equal(ioasid_get(g->ns, ev->set, ev->id), 0);
		g->got++;
	}
	if (ev->event == IOASID_EVENT_FREE) {
		assert_int_equal(ioasid_get(g->ns, NULL, ev->id), -EBUSY);
		assert_int_equal(ioasid_put(g->ns, NULL, ev->id), 0);
		g->put++;
	}
}

static void test_notify_callback_may_get_and_put(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	struct getter g = { ns, 0, 0 };
	struct ioasid_notifier *n;
	ioasid_t id;

	assert_int_equal(ioasid_notifier_register(ns, set, getter_cb, &g, &n), 0);
	assert_int_equal(ioasid_alloc(set, 1, 100, NULL, &id), 0);
	assert_int_equal(core_refs(ns, id), 2);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(g.got, 1);
	assert_int_equal(g.put, 1);
	assert_int_equal(core_state(ns, id), IOASID_STATE_IDLE);
	ioasid_notifier_unregister(n);
	assert_int_equal(ioasid_set_free(set), 0);
}

struct slow {
	atomic_int entered, done;
};

static void slow_cb(const struct ioasid_event_data *ev, void *arg)
{
	struct slow *s = arg;

	(void)ev;
	atomic_store(&s->entered, 1);
	usleep(50000);
	atomic_store(&s->done, 1);
}

struct raiser {
	struct ioasid_set *set;
	ioasid_t id;
};

static void *raise_alloc(void *arg)
{
	struct raiser *r = arg;

	assert_int_equal(ioasid_alloc(r->set, 1, 100, NULL, &r->id), 0);
	return NULL;
}

/* Unregister waits for a callback that is running in another thread. */
static void test_notify_unregister_waits_for_callback(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_GUEST, 1, 10);
	struct slow s = { 0 };
	struct ioasid_notifier *n;
	struct raiser r = { set, 0 };
	pthread_t t;

	assert_int_equal(ioasid_notifier_register(ns, set, slow_cb, &s, &n), 0);
	assert_int_equal(pthread_create(&t, NULL, raise_alloc, &r), 0);
	while (!atomic_load(&s.entered))
		usleep(100);
	ioasid_notifier_unregister(n);
	assert_int_equal(atomic_load(&s.done), 1);
	pthread_join(t, NULL);
	assert_int_equal(ioasid_free(set, r.id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

static void test_notify_event_name_each_event(void **state)
{
	(void)state;
	assert_string_equal(ioasid_event_name(IOASID_EVENT_ALLOC), "ALLOC");
	assert_string_equal(ioasid_event_name(IOASID_EVENT_FREE), "FREE");
	assert_string_equal(ioasid_event_name(IOASID_EVENT_BIND), "BIND");
	assert_string_equal(ioasid_event_name(IOASID_EVENT_UNBIND), "UNBIND");
	assert_string_equal(ioasid_event_name((enum ioasid_event)0), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_notify_events_carry_data),
		CORE_TEST(test_notify_free_delivered_before_release),
		CORE_TEST(test_notify_global_then_set_in_order),
		CORE_TEST(test_notify_register_errnos),
		CORE_TEST(test_notify_token_wired_before_set_exists),
		CORE_TEST(test_notify_callback_may_get_and_put),
		CORE_TEST(test_notify_unregister_waits_for_callback),
		cmocka_unit_test(test_notify_event_name_each_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
