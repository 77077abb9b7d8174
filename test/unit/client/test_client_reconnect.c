// SPDX-License-Identifier: MIT
/*
 * libioasid-client reconnect-and-reclaim against a fake daemon that hangs
 * up at chosen points: what happens to the request in flight (sent again,
 * settled by RECLAIM, or -EPIPE), what is reported, and dispatch's side.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <ioasid/client.h>
#include <ioasid/proto.h>

#include "fake_daemon.h"

struct fixture {
	struct fake_daemon *fake;
	struct ioasid_client *c;
	struct ioasid_client_event ev[256];
	size_t nev;
	int nested_dispatch; /* what dispatch returned inside a callback */
	int nested_info;
};

static void collect(struct ioasid_client *c, const struct ioasid_client_event *ev,
		    void *arg)
{
	struct fixture *f = arg;

	(void)c;
	if (f->nev < sizeof(f->ev) / sizeof(f->ev[0]))
		f->ev[f->nev++] = *ev;
}

static struct fixture *fixture_open(const struct fake_knobs *knobs)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	f.fake = fake_daemon_start(knobs);
	assert_int_equal(ioasid_client_open(fake_daemon_path(f.fake), &f.c), 0);
	ioasid_client_event_handler_set(f.c, collect, &f);
	/* Short delays: these tests reconnect to a fake that is always up. */
	assert_int_equal(ioasid_client_reconnect_set(f.c, 5, 1, 4), 0);
	return &f;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f) {
		ioasid_client_close(f->c);
		fake_daemon_stop(f->fake);
	}
	return 0;
}

static void knobs_set(struct fixture *f, struct fake_knobs k)
{
	fake_daemon_knobs(f->fake, &k);
}

static void ids_expect(struct fixture *f, const ioasid_t *want, size_t n)
{
	ioasid_t *ids;
	size_t count;

	assert_int_equal(ioasid_client_ids(f->c, &ids, &count), 0);
	assert_int_equal(count, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ids[i], want[i]);
	ioasid_client_array_free(ids);
}

/* Dispatch and check that exactly these event types came, in order. */
static void events_expect(struct fixture *f, const int *types, size_t n)
{
	f->nev = 0;
	assert_int_equal(ioasid_client_dispatch(f->c), (int)n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(f->ev[i].type, types[i]);
}

static void test_client_reconnect_alloc_journaled_returns_its_id(void **state)
{
	struct fixture *f = fixture_open(NULL);
	static const int types[] = { IOASID_CLIENT_EV_RECONNECTED };
	static const ioasid_t want[] = { 1, 2 };
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	knobs_set(f, (struct fake_knobs){ .hangup_after_op = IOASID_OP_ALLOC });
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_ALLOC), 2);
	assert_int_equal(fake_daemon_connections(f->fake), 2);
	ids_expect(f, want, 2);
	events_expect(f, types, 1);
	assert_int_equal(f->ev[0].count, 2);
	assert_int_equal(f->ev[0].id, IOASID_INVALID); /* a field it does not name */
}

static void test_client_reconnect_alloc_not_journaled_is_resent(void **state)
{
	struct fixture *f = fixture_open(NULL);
	static const int types[] = { IOASID_CLIENT_EV_RECONNECTED };
	static const ioasid_t want[] = { 1, 2 };
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	knobs_set(f, (struct fake_knobs){ .hangup_before_op = IOASID_OP_ALLOC });
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_ALLOC), 3);
	ids_expect(f, want, 2);
	events_expect(f, types, 1);
}

static bool hook_alloc_two(struct fake_daemon *d, const struct fake_req *r,
			   int fd, void *arg)
{
	int *fired = arg;

	(void)fd;
	if (r->op != IOASID_OP_ALLOC || *fired)
		return false;
	*fired = 1;
	fake_daemon_own(d, 10, IOASID_INVALID);
	fake_daemon_own(d, 11, IOASID_INVALID);
	fake_hangup(d);
	return true;
}

static void test_client_reconnect_alloc_ambiguous_is_epipe(void **state)
{
	struct fixture *f = fixture_open(NULL);
	static const int types[] = { IOASID_CLIENT_EV_ADOPTED,
				     IOASID_CLIENT_EV_ADOPTED,
				     IOASID_CLIENT_EV_RECONNECTED };
	static const ioasid_t want[] = { 10, 11 };
	int fired = 0;
	ioasid_t id;

	*state = f;
	fake_daemon_hook(f->fake, hook_alloc_two, &fired);
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), -EPIPE);
	ids_expect(f, want, 2);
	events_expect(f, types, 3);
	assert_int_equal(f->ev[0].id, 10);
	assert_int_equal(f->ev[1].id, 11);
}

static void test_client_reconnect_free_settled_once(void **state)
{
	struct fixture *f = fixture_open(NULL);
	static const int types[] = { IOASID_CLIENT_EV_RECONNECTED };
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	knobs_set(f, (struct fake_knobs){ .hangup_after_op = IOASID_OP_FREE });
	assert_int_equal(ioasid_client_free(f->c, id), 0);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_FREE), 1);
	ids_expect(f, NULL, 0);
	events_expect(f, types, 1); /* no LOST for the ID it freed */
}

static void test_client_reconnect_free_not_done_is_resent(void **state)
{
	struct fixture *f = fixture_open(NULL);
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	knobs_set(f, (struct fake_knobs){ .hangup_before_op = IOASID_OP_FREE });
	assert_int_equal(ioasid_client_free(f->c, id), 0);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_FREE), 2);
	assert_int_equal(fake_daemon_owned(f->fake), 0);
	ids_expect(f, NULL, 0);
}

static void test_client_reconnect_spid_ops_settled(void **state)
{
	struct fixture *f = fixture_open(NULL);
	static const int types[] = { IOASID_CLIENT_EV_RECONNECTED,
				     IOASID_CLIENT_EV_RECONNECTED };
	struct ioasid_client_id_entry *e;
	size_t n;
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	knobs_set(f, (struct fake_knobs){ .hangup_after_op = IOASID_OP_ATTACH_SPID });
	assert_int_equal(ioasid_client_spid_attach(f->c, id, 5), 0);
	knobs_set(f, (struct fake_knobs){ .hangup_before_op = IOASID_OP_DETACH_SPID });
	assert_int_equal(ioasid_client_spid_detach(f->c, id), 0);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_ATTACH_SPID), 1);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_DETACH_SPID), 2);
	events_expect(f, types, 2); /* no SPID mismatch reported */
	assert_int_equal(ioasid_client_reclaim(f->c, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].spid, IOASID_INVALID);
	ioasid_client_array_free(e);
}

static void test_client_reconnect_get_is_epipe(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_info info;
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	knobs_set(f, (struct fake_knobs){ .hangup_after_op = IOASID_OP_GET });
	assert_int_equal(ioasid_client_get(f->c, id), -EPIPE);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_GET), 1);
	/* Connected again: the next call goes straight through. */
	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	assert_int_equal(fake_daemon_connections(f->fake), 2);
}

static void test_client_reconnect_resends_unsent_and_idempotent(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_status st;

	*state = f;
	knobs_set(f, (struct fake_knobs){ .hangup_after_op = IOASID_OP_STATUS });
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_STATUS), 2);
	/* Hung up while idle: the request cannot be sent and is sent again,
	 * even one that is not idempotent. */
	fake_hangup(f->fake);
	assert_int_equal(ioasid_client_put(f->c, 1), -ENOENT);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_PUT), 1);
	assert_int_equal(fake_daemon_connections(f->fake), 3);
}

static void test_client_reconnect_reports_differences(void **state)
{
	struct fixture *f = fixture_open(NULL);
	static const int types[] = { IOASID_CLIENT_EV_LOST, IOASID_CLIENT_EV_SPID,
				     IOASID_CLIENT_EV_ADOPTED,
				     IOASID_CLIENT_EV_RECONNECTED };
	static const ioasid_t want[] = { 2, 3, 50 };
	struct ioasid_client_status st;
	ioasid_t id;

	*state = f;
	for (int i = 0; i < 3; i++)
		assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_spid_attach(f->c, 2, 7), 0);
	/* The daemon restarts having lost 1, changed 2's SPID, found 50. */
	fake_daemon_disown(f->fake, 1);
	fake_daemon_own(f->fake, 2, 99);
	fake_daemon_own(f->fake, 50, IOASID_INVALID);
	fake_hangup(f->fake);
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	ids_expect(f, want, 3);
	events_expect(f, types, 4);
	assert_int_equal(f->ev[0].id, 1);
	assert_int_equal(f->ev[1].id, 2);
	assert_int_equal(f->ev[1].spid, 99);
	assert_int_equal(f->ev[1].old_spid, 7);
	assert_int_equal(f->ev[2].id, 50);
	assert_int_equal(f->ev[3].count, 3);
}

static void test_client_reconnect_restores_subscription(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_info info;
	uint32_t mask = IOASID_CLIENT_SUB_ALLOC | IOASID_CLIENT_SUB_UNBIND;

	*state = f;
	assert_int_equal(ioasid_client_subscribe(f->c, mask), 0);
	fake_hangup(f->fake);
	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_SUBSCRIBE), 2);
	assert_int_equal(fake_daemon_sub_mask(f->fake), mask);
}

static void test_client_reconnect_gives_up(void **state)
{
	struct fixture *f = fixture_open(NULL);
	static const int types[] = { IOASID_CLIENT_EV_DISCONNECTED,
				     IOASID_CLIENT_EV_DISCONNECTED };
	struct ioasid_client_status st;
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	knobs_set(f, (struct fake_knobs){ .stay_down = true });
	fake_hangup(f->fake);
	assert_int_equal(ioasid_client_status(f->c, &st), -EPIPE);
	assert_int_equal(ioasid_client_free(f->c, id), -EPIPE);
	events_expect(f, types, 2);
	assert_int_equal(f->ev[0].error, -ECONNREFUSED);
	assert_int_equal(f->ev[0].spid, IOASID_INVALID); /* not named by it */
	/* The record is kept for when the daemon comes back. */
	ids_expect(f, &id, 1);
}

static void test_client_reconnect_disabled(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_status st;

	*state = f;
	assert_int_equal(ioasid_client_reconnect_set(f->c, 0, 0, 0), 0);
	assert_int_equal(ioasid_client_reconnect_set(f->c, 1, 5, 4), -EINVAL);
	knobs_set(f, (struct fake_knobs){ .hangup_after_op = IOASID_OP_STATUS });
	assert_int_equal(ioasid_client_status(f->c, &st), -EPIPE);
	assert_int_equal(fake_daemon_connections(f->fake), 1);
	/* The next call connects once. */
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	assert_int_equal(fake_daemon_connections(f->fake), 2);
}

static void test_client_dispatch_reconnects_after_hangup(void **state)
{
	struct fixture *f = fixture_open(NULL);
	static const int types[] = { IOASID_CLIENT_EV_RECONNECTED };
	struct pollfd p;

	*state = f;
	fake_hangup(f->fake);
	p.fd = ioasid_client_fd(f->c);
	p.events = POLLIN;
	assert_int_equal(poll(&p, 1, 10000), 1); /* the hang-up shows */
	events_expect(f, types, 1);
	assert_int_equal(fake_daemon_connections(f->fake), 2);
}

static void nested(struct ioasid_client *c, const struct ioasid_client_event *ev,
		   void *arg)
{
	struct fixture *f = arg;
	struct ioasid_client_info info;

	collect(c, ev, arg);
	f->nested_dispatch = ioasid_client_dispatch(c);
	f->nested_info = ioasid_client_info(c, &info);
}

static void test_client_dispatch_from_callback_is_ebusy(void **state)
{
	struct fake_knobs k = { .events_before_reply = 1 };
	struct fixture *f = fixture_open(&k);

	*state = f;
	ioasid_client_event_handler_set(f->c, nested, f);
	assert_int_equal(ioasid_client_dispatch(f->c), 1);
	assert_int_equal(f->nested_dispatch, -EBUSY);
	assert_int_equal(f->nested_info, 0); /* requests are fine */
	/* The callback's own request met one more event; it waits. */
	ioasid_client_event_handler_set(f->c, collect, f);
	assert_int_equal(ioasid_client_dispatch(f->c), 1);
	assert_int_equal(ioasid_client_dispatch(NULL), -EINVAL);
}

static bool hook_reclaimed(struct fake_daemon *d, const struct fake_req *r,
			   int fd, void *arg)
{
	struct ioasid_rep_get_info info = { .size = sizeof(info), .version = 1,
					    .flags = IOASID_INFO_RECLAIMED };

	(void)fd;
	(void)arg;
	if (r->op != IOASID_OP_GET_INFO)
		return false;
	fake_send_reply(d, r, 0, &info, sizeof(info), -1);
	return true;
}

static void test_client_open_adopts_reclaimed_ids(void **state)
{
	static const ioasid_t want[] = { 4, 5 };
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	*state = &f;
	f.fake = fake_daemon_start(NULL);
	fake_daemon_own(f.fake, 4, IOASID_INVALID);
	fake_daemon_own(f.fake, 5, 12);
	fake_daemon_hook(f.fake, hook_reclaimed, NULL);
	assert_int_equal(ioasid_client_open(fake_daemon_path(f.fake), &f.c), 0);
	ioasid_client_event_handler_set(f.c, collect, &f);
	ids_expect(&f, want, 2);
	assert_int_equal(ioasid_client_dispatch(f.c), 2);
	assert_int_equal(f.ev[0].type, IOASID_CLIENT_EV_ADOPTED);
	assert_int_equal(f.ev[1].type, IOASID_CLIENT_EV_ADOPTED);
	assert_int_equal(f.ev[1].spid, 12);
}

/* RECLAIM answered with one ID twice: a broken daemon. */
static bool hook_reclaim_duplicate(struct fake_daemon *d,
				   const struct fake_req *r, int fd, void *arg)
{
	struct {
		struct ioasid_rep_page page;
		struct ioasid_list_entry e[2];
	} rep = { .page = { .size = sizeof(rep), .count = 2 },
		  .e = { { .id = 9, .spid = IOASID_INVALID },
			 { .id = 9, .spid = IOASID_INVALID } } };

	(void)fd;
	(void)arg;
	if (r->op != IOASID_OP_RECLAIM)
		return false;
	fake_send_reply(d, r, 0, &rep, sizeof(rep), -1);
	return true;
}

static void test_client_reclaim_duplicate_is_eproto(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_id_entry *e = NULL;
	size_t n = 0;
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	fake_daemon_hook(f->fake, hook_reclaim_duplicate, NULL);
	/* The answer is dropped (ASan sees it freed), nothing is handed out
	 * and the record is left as it was. */
	assert_int_equal(ioasid_client_reclaim(f->c, &e, &n), -EPROTO);
	assert_null(e);
	assert_int_equal(n, 0);
	ids_expect(f, &id, 1);
	assert_int_equal(ioasid_client_dispatch(f->c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_client_reconnect_alloc_journaled_returns_its_id, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_alloc_not_journaled_is_resent, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_alloc_ambiguous_is_epipe, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_free_settled_once, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_free_not_done_is_resent, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_spid_ops_settled, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_get_is_epipe, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_resends_unsent_and_idempotent, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_reports_differences, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_restores_subscription, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_gives_up, teardown),
		cmocka_unit_test_teardown(test_client_reconnect_disabled, teardown),
		cmocka_unit_test_teardown(test_client_dispatch_reconnects_after_hangup, teardown),
		cmocka_unit_test_teardown(test_client_dispatch_from_callback_is_ebusy, teardown),
		cmocka_unit_test_teardown(test_client_open_adopts_reclaimed_ids, teardown),
		cmocka_unit_test_teardown(test_client_reclaim_duplicate_is_eproto, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
