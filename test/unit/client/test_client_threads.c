// SPDX-License-Identifier: MIT
/*
 * One client shared by several threads (ioasid/client.h, "Thread safety"):
 * requests from four threads and a dispatching thread at once, against a
 * fake daemon that sends an event before every reply. Every reply must
 * reach its caller, the record must end empty, and every event must be
 * delivered exactly once in the order the daemon sent it, or be counted in
 * its place by a DROPPED marker (the queue is bounded, and a dispatcher the
 * scheduler starves lets it fill). Also the
 * fail-the-Nth-allocation sweep over open, a few calls and close.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <ioasid/client.h>
#include <ioasid/proto.h>

#include "fake_daemon.h"
#include "sweep.h"

#define THREADS 4
#define ROUNDS 150

struct shared {
	struct ioasid_client *c;
	atomic_int failures;
	atomic_bool done;
	/* Written by the callback, which runs under the dispatch lock. */
	ioasid_t last_event_id;
	unsigned long events;
	unsigned long dropped; /* DROPPED markers' counts */
	unsigned long out_of_order;
};

static void on_event(struct ioasid_client *c, const struct ioasid_client_event *ev,
		     void *arg)
{
	struct shared *s = arg;

	(void)c;
	/* A dispatcher the scheduler starves lets the queue fill: the marker
	 * stands for the events it replaced, which come next in order. */
	if (ev->type == IOASID_CLIENT_EV_DROPPED) {
		s->dropped += ev->count;
		s->last_event_id += (ioasid_t)ev->count;
		return;
	}
	if (ev->type != IOASID_CLIENT_EV_NOTIFY)
		return;
	if (ev->id != s->last_event_id + 1)
		s->out_of_order++;
	s->last_event_id = ev->id;
	s->events++;
}

static void *worker(void *arg)
{
	struct shared *s = arg;
	ioasid_t id;

	for (int i = 0; i < ROUNDS; i++) {
		if (ioasid_client_alloc(s->c, 0, 0, &id) != 0 ||
		    ioasid_client_get(s->c, id) != 0 ||
		    ioasid_client_free(s->c, id) != 0)
			atomic_fetch_add(&s->failures, 1);
	}
	return NULL;
}

static void *dispatcher(void *arg)
{
	struct shared *s = arg;
	struct pollfd p = { .fd = ioasid_client_fd(s->c), .events = POLLIN };

	while (!atomic_load(&s->done)) {
		if (poll(&p, 1, 10) > 0)
			ioasid_client_dispatch(s->c);
	}
	return NULL;
}

static void test_client_threads_share_one_client(void **state)
{
	struct fake_knobs k = { .events_before_reply = 1 };
	struct fake_daemon *d = fake_daemon_start(&k);
	pthread_t w[THREADS], disp;
	static struct shared s;
	ioasid_t *ids;
	size_t n;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.last_event_id = 999; /* the fake's first event is 1000 */
	assert_int_equal(ioasid_client_open(fake_daemon_path(d), &s.c), 0);
	ioasid_client_event_handler_set(s.c, on_event, &s);
	assert_int_equal(pthread_create(&disp, NULL, dispatcher, &s), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&w[i], NULL, worker, &s), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(w[i], NULL);
	atomic_store(&s.done, true);
	pthread_join(disp, NULL);
	ioasid_client_dispatch(s.c);

	assert_int_equal(atomic_load(&s.failures), 0);
	assert_int_equal(ioasid_client_ids(s.c, &ids, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(fake_daemon_owned(d), 0);
	/* One event per request, GET_INFO at open included: delivered, or
	 * counted by a DROPPED marker if the queue was full. */
	assert_int_equal(s.events + s.dropped, fake_daemon_nreq(d));
	assert_int_equal(s.events + s.dropped, 1 + 3 * THREADS * ROUNDS);
	assert_int_equal(s.out_of_order, 0);
	ioasid_client_close(s.c);
	fake_daemon_stop(d);
}

/* ---- allocation failure sweep ---- */

struct sweep_ctx {
	struct fake_daemon *d;
};

static int sweep_step(void *arg)
{
	struct sweep_ctx *x = arg;
	struct ioasid_client_id_entry *e;
	struct ioasid_client *c;
	ioasid_t id, *ids;
	size_t n;
	int r;

	r = ioasid_client_open(fake_daemon_path(x->d), &c);
	if (r < 0)
		return r;
	r = ioasid_client_alloc(c, 0, 0, &id);
	if (r == 0)
		r = ioasid_client_list(c, &e, &n);
	if (r == 0) {
		ioasid_client_array_free(e);
		r = ioasid_client_ids(c, &ids, &n);
	}
	if (r == 0) {
		ioasid_client_array_free(ids);
		r = ioasid_client_free(c, id);
	}
	ioasid_client_close(c);
	return r;
}

static void sweep_check(int ret, int fired, void *arg)
{
	struct sweep_ctx *x = arg;

	assert_int_equal(ret, fired ? -ENOMEM : 0);
	/* Wait for the fake to see the close, then nothing may be left:
	 * a failed step allocated nothing it did not release. */
	while (fake_daemon_connected(x->d))
		sched_yield();
	assert_int_equal(fake_daemon_owned(x->d), 0);
}

static void test_client_alloc_failure_sweep(void **state)
{
	struct fake_knobs k = { .forget_on_close = true };
	struct sweep_ctx x = { .d = fake_daemon_start(&k) };
	unsigned long points;

	(void)state;
	points = sweep_alloc_failures(sweep_step, sweep_check, &x);
	assert_true(points >= 5); /* open's buffers, the ledger, list, ids */
	fake_daemon_stop(x.d);
}

/*
 * The same over a reconnect: a failed allocation while reconnecting and
 * reconciling returns -ENOMEM and leaves the record as it was, and the next
 * call reconnects and finds everything.
 */
/* After a failure, the next call reconnects and the three IDs are there. */
static bool record_intact(struct ioasid_client *c)
{
	struct ioasid_client_status st;
	ioasid_t *ids;
	size_t n;

	if (ioasid_client_status(c, &st) != 0 || ioasid_client_ids(c, &ids, &n))
		return false;
	ioasid_client_array_free(ids);
	return n == 3;
}

static int sweep_reconnect_step(void *arg)
{
	struct sweep_ctx *x = arg;
	struct ioasid_client_status st;
	struct ioasid_client *c;
	ioasid_t id;
	int r, i;

	fake_daemon_reset(x->d);
	r = ioasid_client_open(fake_daemon_path(x->d), &c);
	if (r < 0)
		return r;
	ioasid_client_reconnect_set(c, 3, 1, 1);
	for (i = 0; i < 3 && r == 0; i++)
		r = ioasid_client_alloc(c, 0, 0, &id);
	if (r == 0) {
		fake_hangup(x->d);
		r = ioasid_client_status(c, &st);
	}
	if (r == -ENOMEM && i == 3 && !record_intact(c))
		r = -EIO;
	ioasid_client_close(c);
	return r;
}

static void sweep_reconnect_check(int ret, int fired, void *arg)
{
	(void)arg;
	assert_int_equal(ret, fired ? -ENOMEM : 0);
}

static void test_client_reconnect_alloc_failure_sweep(void **state)
{
	struct sweep_ctx x = { .d = fake_daemon_start(NULL) };
	unsigned long points;

	(void)state;
	points = sweep_alloc_failures(sweep_reconnect_step, sweep_reconnect_check,
				      &x);
	assert_true(points >= 8); /* open, allocs, pages, reconcile's tables */
	fake_daemon_stop(x.d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_threads_share_one_client),
		cmocka_unit_test(test_client_alloc_failure_sweep),
		cmocka_unit_test(test_client_reconnect_alloc_failure_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
