// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: SUBSCRIBE and asynchronous events. Events of the
 * caller's set arrive as seq-0 messages after the reply of the request
 * that caused them; reference holders learn of the owner's FREE; and a
 * subscriber that never reads costs the daemon a bounded queue: events are
 * counted as dropped (and reported once) or, past the hard bound, the
 * subscriber is disconnected, while everyone else is served as usual.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/core.h>

#include "raw.h"

static struct rawd daemon_;

static int group_setup(void **state)
{
	rawd_start(&daemon_, "capacity = 65536\n", false);
	return 0;
}

static int group_teardown(void **state)
{
	int status = rawd_stop(&daemon_);

	rawd_cleanup(&daemon_);
	return status == 0 ? 0 : -1;
}

static int subscribe(int fd, uint32_t mask)
{
	struct ioasid_req_subscribe req = { sizeof(req), mask };

	return raw_call(fd, IOASID_OP_SUBSCRIBE, &req, sizeof(req), NULL, 0, NULL);
}

/* expect_event - the next event is a NOTIFY of this kind for id. */
static void expect_event(int fd, enum ioasid_event event, uint32_t id,
			 uint32_t spid, uint64_t set_id)
{
	struct ioasid_evt_notify evt;
	uint32_t op;

	assert_true(raw_event(fd, &op, &evt, sizeof(evt), 5000));
	assert_int_equal(op, IOASID_EVT_NOTIFY);
	assert_int_equal(evt.size, sizeof(evt));
	assert_int_equal(evt.event, event);
	assert_int_equal(evt.id, id);
	assert_int_equal(evt.spid, spid);
	assert_int_equal(evt.set_id, set_id);
}

/* no_event - nothing is queued: a round trip flushes anything pending. */
static void no_event(int fd)
{
	struct ioasid_rep_get_info info;
	uint8_t evt[64];
	uint32_t op;

	assert_int_equal(raw_info(fd, &info), 0);
	assert_false(raw_event(fd, &op, evt, sizeof(evt), 0));
}

static void test_events_own_set(void **state)
{
	int fd = raw_connect(daemon_.sock);
	struct ioasid_rep_get_info info;
	uint32_t id;

	assert_int_equal(raw_info(fd, &info), 0);
	assert_int_equal(subscribe(fd, IOASID_SUB_ALL), 0);
	assert_int_equal(raw_alloc(fd, 0, 0, &id), 0);
	expect_event(fd, IOASID_EVENT_ALLOC, id, IOASID_INVALID, info.set_id);
	assert_int_equal(raw_spid_attach(fd, id, 9), 0);
	expect_event(fd, IOASID_EVENT_BIND, id, 9, info.set_id);
	assert_int_equal(raw_id_op(fd, IOASID_OP_DETACH_SPID, id), 0);
	/* UNBIND names the SPID that was removed. */
	expect_event(fd, IOASID_EVENT_UNBIND, id, 9, info.set_id);
	assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, id), 0);
	expect_event(fd, IOASID_EVENT_FREE, id, IOASID_INVALID, info.set_id);
	/* Failed requests raise nothing. */
	assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, id), -ENOENT);
	no_event(fd);
	close(fd);
}

static void test_events_mask_and_unsubscribe(void **state)
{
	int fd = raw_connect(daemon_.sock);
	struct ioasid_rep_get_info info;
	uint32_t id;

	assert_int_equal(raw_info(fd, &info), 0);
	no_event(fd); /* nothing before a subscription */
	assert_int_equal(subscribe(fd, IOASID_SUB_FREE), 0);
	assert_int_equal(raw_alloc(fd, 0, 0, &id), 0);
	assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, id), 0);
	/* The ALLOC was filtered out: FREE comes first. */
	expect_event(fd, IOASID_EVENT_FREE, id, IOASID_INVALID, info.set_id);
	assert_int_equal(subscribe(fd, 0), 0);
	assert_int_equal(raw_alloc(fd, 0, 0, &id), 0);
	assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, id), 0);
	no_event(fd);
	close(fd);
}

/* ---- subscribers that never read ---- */

struct flood {
	const char *sock;
	int sync;
	uint32_t n;
};

/*
 * The producer: allocates n IDs and passes an export of each to the
 * subscriber, then, on its signal, frees them all, never slowed down by a
 * subscriber that does not read.
 */
static int child_produces(void *arg)
{
	struct flood *f = arg;
	int handle = raw_try_connect(f->sock);
	uint32_t *ids = calloc(f->n, sizeof(*ids));

	if (handle < 0 || !ids)
		return 1;
	for (uint32_t i = 0; i < f->n; i++) {
		struct ioasid_req_id req = { sizeof(req), 0, 0, 0 };
		int got = -1;

		if (raw_try_alloc(handle, &ids[i]))
			return 2;
		req.id = ids[i];
		if (raw_call_fd(handle, IOASID_OP_EXPORT, &req, sizeof(req), -1,
				NULL, 0, &got) || got < 0)
			return 3;
		raw_send(f->sync, "x", 1, got);
		close(got);
		if (sync_get(f->sync) != 0)
			return 4;
	}
	if (sync_get(f->sync) != 1)
		return 5;
	for (uint32_t i = 0; i < f->n; i++)
		if (raw_try_id_op(handle, IOASID_OP_FREE, ids[i]))
			return 6;
	free(ids);
	close(handle);
	return 0;
}

static void import_one(int handle, int sync)
{
	struct ioasid_req_empty req = { sizeof(req), 0 };
	uint8_t buf[8];
	int fd = -1;

	raw_recv(sync, buf, sizeof(buf), &fd);
	assert_true(fd >= 0);
	assert_int_equal(raw_call_fd(handle, IOASID_OP_IMPORT, &req, sizeof(req),
				     fd, NULL, 0, NULL), 0);
	close(fd);
	sync_put(sync, 0);
}

/*
 * flood_run - a daemon with config, a producer child, and a subscriber
 * (this process, returned handle) holding a reference on each of the
 * producer's n IDs. When it returns, the producer has freed them all
 * while the subscriber read nothing.
 */
static int flood_run(struct rawd *d, const char *config, uint32_t n)
{
	struct flood f = { .sock = d->sock, .n = n };
	int handle, sv[2];
	pid_t pid;

	rawd_start(d, config, false);
	handle = raw_connect(d->sock);
	assert_int_equal(subscribe(handle, IOASID_SUB_FREE), 0);
	sync_pair(sv);
	f.sync = sv[1];
	pid = child_spawn(child_produces, &f);
	for (uint32_t i = 0; i < n; i++)
		import_one(handle, sv[0]);
	sync_put(sv[0], 1);
	assert_int_equal(child_wait(pid), 0);
	close(sv[0]);
	close(sv[1]);
	return handle;
}

#define FLOOD_N 1500
#define FLOOD_CONFIG "quota = 4096\nmax_exports = 4096\nevent_queue = 8\n"

/* Every event is either delivered or counted in one DROPPED. */
static void test_events_slow_reader_gets_dropped(void **state)
{
	struct rawd d;
	int handle = flood_run(&d, FLOOD_CONFIG "event_drop_limit = 100000\n",
			       FLOOD_N);
	struct ioasid_evt_dropped dropped = { 0 };
	uint64_t delivered = 0;
	uint8_t evt[64];
	uint32_t op;

	while (raw_event(handle, &op, evt, sizeof(evt), 5000)) {
		if (op == IOASID_EVT_DROPPED) {
			memcpy(&dropped, evt, sizeof(dropped));
			break;
		}
		assert_int_equal(op, IOASID_EVT_NOTIFY);
		delivered++;
	}
	assert_int_equal(dropped.size, sizeof(dropped));
	assert_true(dropped.count > 0);
	assert_int_equal(delivered + dropped.count, FLOOD_N);
	/* Still connected, and nothing more is pending. */
	no_event(handle);
	close(handle);
	assert_int_equal(rawd_stop(&d), 0);
	rawd_cleanup(&d);
}

/* Past the hard bound the subscriber is cut off; its references go. */
static void test_events_stuck_reader_disconnected(void **state)
{
	struct rawd d;
	int handle = flood_run(&d, FLOOD_CONFIG "event_drop_limit = 50\n",
			       FLOOD_N);
	struct ioasid_rep_status st;
	uint8_t buf[256];
	int fd;

	/* What was queued can still be read, then the end. */
	while (raw_recv(handle, buf, sizeof(buf), NULL))
		assert_int_equal(((struct ioasid_reply_hdr *)buf)->seq, 0);
	close(handle);
	assert_true(rawd_log_contains(&d, "events dropped, disconnecting"));
	fd = raw_connect(d.sock);
	assert_int_equal(raw_status(fd, &st), 0);
	assert_int_equal(st.nr_ids, 0);
	close(fd);
	assert_int_equal(rawd_stop(&d), 0);
	rawd_cleanup(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_own_set),
		cmocka_unit_test(test_events_mask_and_unsubscribe),
		cmocka_unit_test(test_events_slow_reader_gets_dropped),
		cmocka_unit_test(test_events_stuck_reader_disconnected),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
