// SPDX-License-Identifier: MIT
/*
 * libioasid-client against a fake daemon: what goes on the wire and how
 * replies, events and descriptors come back. Every test's teardown closes
 * the client and stops the fake; leaks are ASan's to find.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ioasid/client.h>
#include <ioasid/proto.h>

#include "fake_daemon.h"

struct fixture {
	struct fake_daemon *fake;
	struct ioasid_client *c;
	struct ioasid_client_event ev[4096];
	size_t nev;
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

static bool fd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void test_client_open_sends_get_info(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct fake_req r;

	*state = f;
	assert_int_equal(fake_daemon_nreq(f->fake), 1);
	r = fake_daemon_req(f->fake, 0);
	assert_int_equal(r.op, IOASID_OP_GET_INFO);
	assert_int_not_equal(r.seq, 0);
	assert_int_equal(r.hdr_size, r.len);
	assert_int_equal(r.body_len, sizeof(struct ioasid_req_empty));
	assert_int_equal(*(uint32_t *)r.body, sizeof(struct ioasid_req_empty));
}

static void test_client_open_refused_without_daemon(void **state)
{
	struct ioasid_client *c = NULL;

	(void)state;
	assert_int_equal(ioasid_client_open("/nonexistent/ioasid.sock", &c),
			 -ECONNREFUSED);
	assert_null(c);
	assert_int_equal(ioasid_client_open(NULL, NULL), -EINVAL);
}

static void test_client_default_path(void **state)
{
	char buf[108], small[8];

	(void)state;
	setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
	assert_int_equal(ioasid_client_default_path(buf, sizeof(buf)), 0);
	if (geteuid() == 0)
		assert_string_equal(buf, "/run/ioasid.sock");
	else
		assert_string_equal(buf, "/run/user/4242/ioasid.sock");
	setenv("XDG_RUNTIME_DIR", "relative", 1);
	assert_int_equal(ioasid_client_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/ioasid.sock");
	unsetenv("XDG_RUNTIME_DIR");
	assert_int_equal(ioasid_client_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/ioasid.sock");
	assert_int_equal(ioasid_client_default_path(small, sizeof(small)), -EINVAL);
	assert_int_equal(ioasid_client_default_path(NULL, 10), -EINVAL);
}

static void test_client_open_busy_handle(void **state)
{
	struct fake_knobs k = { .info_result = -EBUSY };
	struct fake_daemon *d = fake_daemon_start(&k);
	struct ioasid_client *c = NULL;

	(void)state;
	assert_int_equal(ioasid_client_open(fake_daemon_path(d), &c), -EBUSY);
	assert_null(c);
	fake_daemon_stop(d);
}

static void test_client_open_accepts_newer_version(void **state)
{
	struct fake_knobs k = { .version = IOASID_PROTO_VERSION + 1 };
	struct fake_daemon *d = fake_daemon_start(&k);
	struct ioasid_client *c = NULL;

	(void)state;
	assert_int_equal(ioasid_client_open(fake_daemon_path(d), &c), 0);
	ioasid_client_close(c);
	fake_daemon_stop(d);
}

static bool hook_version0(struct fake_daemon *d, const struct fake_req *r,
			  int fd, void *arg)
{
	struct ioasid_rep_get_info info = { .size = sizeof(info), .version = 0 };

	(void)fd;
	(void)arg;
	if (r->op != IOASID_OP_GET_INFO)
		return false;
	fake_send_reply(d, r, 0, &info, sizeof(info), -1);
	return true;
}

static void test_client_open_old_version_is_eproto(void **state)
{
	struct fake_daemon *d = fake_daemon_start(NULL);
	struct ioasid_client *c = NULL;

	(void)state;
	fake_daemon_hook(d, hook_version0, NULL);
	assert_int_equal(ioasid_client_open(fake_daemon_path(d), &c), -EPROTO);
	assert_null(c);
	fake_daemon_stop(d);
}

static void test_client_alloc_encoding(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_req_alloc a;
	struct fake_req r;
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 5, 9, &id), 0);
	assert_int_equal(id, 5);
	r = fake_daemon_last_req(f->fake, IOASID_OP_ALLOC);
	assert_int_equal(r.len, sizeof(struct ioasid_msg_hdr) + sizeof(a));
	assert_int_equal(r.hdr_size, r.len);
	memcpy(&a, r.body, sizeof(a));
	assert_int_equal(a.size, sizeof(a));
	assert_int_equal(a.flags, 0);
	assert_int_equal(a.min, 5);
	assert_int_equal(a.max, 9);
}

static void test_client_seq_unique_and_increasing(void **state)
{
	struct fixture *f = fixture_open(NULL);
	ioasid_t id;
	uint64_t prev = 0;

	*state = f;
	for (int i = 0; i < 10; i++)
		assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	for (size_t i = 0; i < fake_daemon_nreq(f->fake); i++) {
		struct fake_req r = fake_daemon_req(f->fake, i);

		assert_true(r.seq > prev);
		prev = r.seq;
	}
}

static void test_client_reply_with_wrong_seq_is_skipped(void **state)
{
	struct fake_knobs k = { .stray_before_reply = true };
	struct fixture *f = fixture_open(&k);
	ioasid_t id;

	*state = f;
	/* The stray reply carries -EIO: taking it would fail the call. */
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(ioasid_client_free(f->c, id), 0);
}

static void test_client_reply_longer_tail_accepted(void **state)
{
	struct fake_knobs k = { .tail_extra = 40 };
	struct fixture *f = fixture_open(&k);
	struct ioasid_client_status st;
	struct ioasid_client_info info;
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 3, 0xfff, &id), 0);
	assert_int_equal(id, 3);
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	assert_int_equal(st.daemon_pid, 4242);
	assert_int_equal(st.capacity, 1u << 20);
	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	assert_int_equal(info.set_id, 7);
	assert_string_equal(info.cgroup, "/fake");
	assert_int_equal(info.cg_max, IOASID_CLIENT_LIMIT_MAX);
}

/* Shared by the test thread and the fake's hook: lock protects it. */
struct raw_reply {
	pthread_mutex_t lock;
	unsigned char msg[256];
	size_t len;
	bool fix_seq; /* patch the request's seq into the header */
};

static bool hook_raw(struct fake_daemon *d, const struct fake_req *r, int fd,
		     void *arg)
{
	struct raw_reply *raw = arg;

	(void)fd;
	if (r->op != IOASID_OP_STATUS)
		return false;
	pthread_mutex_lock(&raw->lock);
	if (raw->fix_seq)
		memcpy(raw->msg + offsetof(struct ioasid_reply_hdr, seq), &r->seq,
		       sizeof(r->seq));
	fake_send_raw(d, raw->msg, raw->len);
	pthread_mutex_unlock(&raw->lock);
	return true;
}

static size_t raw_build(struct raw_reply *raw, uint32_t op, int32_t result,
			uint32_t hdr_size_delta, const void *body, size_t len)
{
	struct ioasid_reply_hdr h = { .op = op, .result = result };

	h.size = (uint32_t)(sizeof(h) + len + hdr_size_delta);
	pthread_mutex_lock(&raw->lock);
	memcpy(raw->msg, &h, sizeof(h));
	memcpy(raw->msg + sizeof(h), body, len);
	raw->len = sizeof(h) + len;
	raw->fix_seq = true;
	pthread_mutex_unlock(&raw->lock);
	return sizeof(h) + len;
}

static void test_client_malformed_replies_are_eproto(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_rep_status st = { .size = sizeof(st) };
	struct ioasid_client_status out;
	struct raw_reply raw = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct ioasid_rep_empty short_body = { .size = sizeof(short_body) };

	*state = f;
	fake_daemon_hook(f->fake, hook_raw, &raw);
	/* Header size differs from the message length. */
	raw_build(&raw, IOASID_OP_STATUS, 0, 8, &st, sizeof(st));
	assert_int_equal(ioasid_client_status(f->c, &out), -EPROTO);
	/* Body size field differs from the body length. */
	st.size = sizeof(st) + 4;
	raw_build(&raw, IOASID_OP_STATUS, 0, 0, &st, sizeof(st));
	assert_int_equal(ioasid_client_status(f->c, &out), -EPROTO);
	/* A body shorter than the struct the library knows. */
	raw_build(&raw, IOASID_OP_STATUS, 0, 0, &short_body, sizeof(short_body));
	assert_int_equal(ioasid_client_status(f->c, &out), -EPROTO);
	/* The right seq with another op. */
	st.size = sizeof(st);
	raw_build(&raw, IOASID_OP_LIST, 0, 0, &st, sizeof(st));
	assert_int_equal(ioasid_client_status(f->c, &out), -EPROTO);
	/* A positive result is not an errno. */
	raw_build(&raw, IOASID_OP_STATUS, 5, 0, &st, sizeof(st));
	assert_int_equal(ioasid_client_status(f->c, &out), -EPROTO);
	/* The connection survives all of that. */
	fake_daemon_hook(f->fake, NULL, NULL);
	assert_int_equal(ioasid_client_status(f->c, &out), 0);
	assert_int_equal(out.daemon_pid, 4242);
}

static void test_client_error_reply_is_returned(void **state)
{
	struct fixture *f = fixture_open(NULL);
	ioasid_t id;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 9, 3, &id), -EINVAL);
	assert_int_equal(ioasid_client_free(f->c, 42), -ENOENT);
	assert_int_equal(ioasid_client_subscribe(f->c, 0x100), -EOPNOTSUPP);
	assert_int_equal(ioasid_client_spid_find(f->c, 9, 0, &id), -ENOENT);
}

static void test_client_events_before_reply_are_queued(void **state)
{
	struct fake_knobs k = { .events_before_reply = 3 };
	struct fixture *f = fixture_open(&k);
	ioasid_t id;

	*state = f;
	/* open's GET_INFO already met three events. */
	assert_true(fd_readable(ioasid_client_fd(f->c)));
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(f->nev, 0); /* nothing is delivered outside dispatch */
	/* An event behind the queued ones, still in the socket. */
	fake_send_notify(f->fake, IOASID_EVENT_FREE, 2000, 9, 7);
	assert_int_equal(ioasid_client_dispatch(f->c), 7);
	assert_int_equal(f->nev, 7);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(f->ev[i].type, IOASID_CLIENT_EV_NOTIFY);
		assert_int_equal(f->ev[i].event, IOASID_EVENT_ALLOC);
		assert_int_equal(f->ev[i].id, 1000 + i);
		assert_int_equal(f->ev[i].set_id, 7);
	}
	assert_int_equal(f->ev[6].event, IOASID_EVENT_FREE);
	assert_int_equal(f->ev[6].id, 2000);
	assert_int_equal(f->ev[6].spid, 9);
	assert_false(fd_readable(ioasid_client_fd(f->c)));
}

static void test_client_event_queue_overflow_reports_dropped(void **state)
{
	struct fake_knobs k = { .events_before_reply = IOASID_CLIENT_EVQ_MAX + 10 };
	struct fixture *f;
	ioasid_t id;

	f = fixture_open(&k); /* GET_INFO: EVQ_MAX + 10 events */
	*state = f;
	k.events_before_reply = 5;
	fake_daemon_knobs(f->fake, &k);
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_dispatch(f->c), IOASID_CLIENT_EVQ_MAX + 1);
	assert_int_equal(f->ev[IOASID_CLIENT_EVQ_MAX - 1].type,
			 IOASID_CLIENT_EV_NOTIFY);
	assert_int_equal(f->ev[IOASID_CLIENT_EVQ_MAX].type,
			 IOASID_CLIENT_EV_DROPPED);
	assert_int_equal(f->ev[IOASID_CLIENT_EVQ_MAX].count, 15);
	/* After a drain, the queue takes events again. */
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_dispatch(f->c), 5);
}

static void test_client_export_receives_descriptor(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct stat st;
	ioasid_t id;
	int fd = -1;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_export(f->c, id, &fd), 0);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	assert_int_equal(ioasid_client_export(f->c, 999, &fd), -ENOENT);
}

static void test_client_import_sends_descriptor(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct fake_req r;
	struct stat st;
	ioasid_t id = 0;
	int p[2];

	*state = f;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(ioasid_client_import(f->c, p[0], &id), 0);
	assert_int_equal(id, 77);
	r = fake_daemon_last_req(f->fake, IOASID_OP_IMPORT);
	assert_true(r.had_fd);
	assert_int_equal(fstat(p[0], &st), 0);
	assert_int_equal(r.fd_ino, st.st_ino);
	/* The caller's descriptor is still the caller's. */
	assert_int_equal(fcntl(p[0], F_GETFD) >= 0, 1);
	close(p[0]);
	close(p[1]);
	assert_int_equal(ioasid_client_import(f->c, p[0], &id), -EBADF);
	assert_int_equal(ioasid_client_import(f->c, -1, &id), -EBADF);
}

/* Answers STATUS, GET and LIST itself, attaching a pipe's read end. */
static bool hook_stray_fd(struct fake_daemon *d, const struct fake_req *r,
			  int fd, void *arg)
{
	struct ioasid_rep_status st = { .size = sizeof(st), .daemon_pid = 4242 };
	struct ioasid_rep_page page = { .size = sizeof(page) };
	int p[2];

	(void)fd;
	(void)arg;
	if (r->op != IOASID_OP_STATUS && r->op != IOASID_OP_GET &&
	    r->op != IOASID_OP_LIST)
		return false;
	if (pipe(p) < 0)
		abort();
	if (r->op == IOASID_OP_STATUS)
		fake_send_reply(d, r, 0, &st, sizeof(st), p[0]);
	else if (r->op == IOASID_OP_LIST)
		fake_send_reply(d, r, 0, &page, sizeof(page), p[0]);
	else
		fake_send_reply(d, r, 0, NULL, 0, p[0]);
	close(p[0]);
	close(p[1]);
	return true;
}

static int fds_open(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* A descriptor that comes with the reply of an op returning none is
 * closed by the library, whichever kind of call met it. */
static void test_client_unexpected_descriptor_closed(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_status st;
	struct ioasid_client_id_entry *e = NULL;
	size_t n = 1;
	int before;

	*state = f;
	before = fds_open();
	fake_daemon_hook(f->fake, hook_stray_fd, NULL);
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	assert_int_equal(st.daemon_pid, 4242);
	assert_int_equal(ioasid_client_get(f->c, 1), 0);
	assert_int_equal(ioasid_client_list(f->c, &e, &n), 0);
	assert_int_equal(n, 0);
	assert_null(e); /* an empty listing is NULL (ioasid/client.h) */
	ioasid_client_array_free(e);
	fake_daemon_hook(f->fake, NULL, NULL);
	/* The fake closes its ends of the pipe after it replied; its thread
	 * has done so once it answers the next request. */
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	assert_int_equal(fds_open(), before);
}

/*
 * Answers STATUS with a message 64 bytes longer than any the protocol
 * allows, whose first IOASID_MSG_MAX bytes alone would be a good reply.
 */
static bool hook_oversized(struct fake_daemon *d, const struct fake_req *r,
			   int fd, void *arg)
{
	static unsigned char msg[IOASID_MSG_MAX + 64];
	struct ioasid_reply_hdr h = { .op = IOASID_OP_STATUS, .seq = r->seq,
				      .size = IOASID_MSG_MAX };
	struct ioasid_rep_status st = { .size = IOASID_MSG_MAX - sizeof(h),
					.daemon_pid = 4242 };

	(void)fd;
	(void)arg;
	if (r->op != IOASID_OP_STATUS)
		return false;
	memset(msg, 0, sizeof(msg));
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), &st, sizeof(st));
	fake_send_raw(d, msg, sizeof(msg));
	return true;
}

/*
 * A reply longer than IOASID_MSG_MAX is not a reply, even when what fits
 * would decode: the call fails with -EPROTO and the next call on the same
 * handle works.
 */
static void test_client_oversized_reply_is_eproto(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_status st;

	*state = f;
	fake_daemon_hook(f->fake, hook_oversized, NULL);
	assert_int_equal(ioasid_client_status(f->c, &st), -EPROTO);
	fake_daemon_hook(f->fake, NULL, NULL);
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	assert_int_equal(st.daemon_pid, 4242);
}

static void test_client_list_walks_pages(void **state)
{
	struct fake_knobs k = { .page_entries = 3 };
	struct fixture *f = fixture_open(&k);
	struct ioasid_client_id_entry *e;
	size_t n;
	ioasid_t id;

	*state = f;
	for (int i = 0; i < 10; i++)
		assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_list(f->c, &e, &n), 0);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(e[i].id, i + 1);
		assert_int_equal(e[i].state, IOASID_STATE_ACTIVE);
		assert_int_equal(e[i].spid, IOASID_INVALID);
	}
	ioasid_client_array_free(e);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_LIST), 4);
	/* The second page asks from where the first said. */
	struct fake_req r = fake_daemon_last_req(f->fake, IOASID_OP_LIST);
	struct ioasid_req_page q;
	memcpy(&q, r.body, sizeof(q));
	assert_int_equal(q.start, 10);
}

static void test_client_sets_decodes_entries(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_set_entry *e;
	size_t n;

	*state = f;
	assert_int_equal(ioasid_client_sets(f->c, &e, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].set_id, 7);
	assert_int_equal(e[0].type, IOASID_SET_TYPE_PROCESS);
	assert_string_equal(e[0].cgroup, "/a");
	assert_int_equal(strlen(e[1].cgroup), IOASID_CLIENT_PATH_MAX - 1);
	ioasid_client_array_free(e);
}

static void test_client_limits_and_quota_encoding(void **state)
{
	struct fixture *f = fixture_open(NULL);
	struct ioasid_client_limit lim;
	struct ioasid_req_limit q;
	char longpath[IOASID_CLIENT_PATH_MAX + 1];
	struct fake_req r;

	*state = f;
	assert_int_equal(ioasid_client_limit_set(f->c, "/machine/vm1", 12), 0);
	r = fake_daemon_last_req(f->fake, IOASID_OP_LIMIT_SET);
	memcpy(&q, r.body, sizeof(q));
	assert_int_equal(q.size, sizeof(q));
	assert_int_equal(q.max, 12);
	assert_string_equal(q.path, "/machine/vm1");
	assert_int_equal(ioasid_client_limit_get(f->c, "/", &lim), 0);
	assert_int_equal(lim.max, 10);
	assert_int_equal(lim.current, 2);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(ioasid_client_limit_get(f->c, longpath, &lim), -EINVAL);
	assert_int_equal(ioasid_client_limit_set(f->c, NULL, 1), -EINVAL);
	assert_int_equal(ioasid_client_quota_set(f->c, 1234, 50), 0);
	r = fake_daemon_last_req(f->fake, IOASID_OP_SET_QUOTA);
	struct ioasid_req_set_quota sq;
	memcpy(&sq, r.body, sizeof(sq));
	assert_int_equal(sq.pid, 1234);
	assert_int_equal(sq.quota, 50);
	assert_int_equal(ioasid_client_quota_set(f->c, -1, 50), -EINVAL);
}

static void test_client_spid_ops_keep_record(void **state)
{
	struct fixture *f = fixture_open(NULL);
	ioasid_t id, found;

	*state = f;
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_spid_attach(f->c, id, 33), 0);
	assert_int_equal(ioasid_client_spid_attach(f->c, id, 34), -EEXIST);
	assert_int_equal(ioasid_client_spid_find(f->c, 33, IOASID_CLIENT_FIND_GET,
						 &found), 0);
	assert_int_equal(found, id);
	struct fake_req r = fake_daemon_last_req(f->fake, IOASID_OP_FIND_SPID);
	struct ioasid_req_find_spid q;
	memcpy(&q, r.body, sizeof(q));
	assert_int_equal(q.flags, IOASID_FIND_SPID_GET);
	assert_int_equal(q.spid, 33);
	assert_int_equal(ioasid_client_spid_detach(f->c, id), 0);
	assert_int_equal(ioasid_client_spid_detach(f->c, id), -ENOENT);
	assert_int_equal(ioasid_client_get(f->c, id), 0);
	assert_int_equal(ioasid_client_put(f->c, id), 0);
}

static void test_client_ids_follow_alloc_and_free(void **state)
{
	struct fixture *f = fixture_open(NULL);
	ioasid_t a, b, *ids;
	size_t n;

	*state = f;
	assert_int_equal(ioasid_client_ids(f->c, &ids, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ids);
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &a), 0);
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &b), 0);
	assert_int_equal(ioasid_client_free(f->c, a), 0);
	assert_int_equal(ioasid_client_free(f->c, a), -ENOENT);
	assert_int_equal(ioasid_client_ids(f->c, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], b);
	ioasid_client_array_free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_client_open_sends_get_info, teardown),
		cmocka_unit_test(test_client_open_refused_without_daemon),
		cmocka_unit_test(test_client_default_path),
		cmocka_unit_test(test_client_open_busy_handle),
		cmocka_unit_test(test_client_open_accepts_newer_version),
		cmocka_unit_test(test_client_open_old_version_is_eproto),
		cmocka_unit_test_teardown(test_client_alloc_encoding, teardown),
		cmocka_unit_test_teardown(test_client_seq_unique_and_increasing, teardown),
		cmocka_unit_test_teardown(test_client_reply_with_wrong_seq_is_skipped, teardown),
		cmocka_unit_test_teardown(test_client_reply_longer_tail_accepted, teardown),
		cmocka_unit_test_teardown(test_client_malformed_replies_are_eproto, teardown),
		cmocka_unit_test_teardown(test_client_error_reply_is_returned, teardown),
		cmocka_unit_test_teardown(test_client_events_before_reply_are_queued, teardown),
		cmocka_unit_test_teardown(test_client_event_queue_overflow_reports_dropped, teardown),
		cmocka_unit_test_teardown(test_client_export_receives_descriptor, teardown),
		cmocka_unit_test_teardown(test_client_import_sends_descriptor, teardown),
		cmocka_unit_test_teardown(test_client_unexpected_descriptor_closed, teardown),
		cmocka_unit_test_teardown(test_client_oversized_reply_is_eproto, teardown),
		cmocka_unit_test_teardown(test_client_list_walks_pages, teardown),
		cmocka_unit_test_teardown(test_client_sets_decodes_entries, teardown),
		cmocka_unit_test_teardown(test_client_limits_and_quota_encoding, teardown),
		cmocka_unit_test_teardown(test_client_spid_ops_keep_record, teardown),
		cmocka_unit_test_teardown(test_client_ids_follow_alloc_and_free, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
