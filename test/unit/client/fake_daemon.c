// SPDX-License-Identifier: MIT
/*
 * A fake ioasidd for the client library's unit tests (see fake_daemon.h).
 *
 * One thread accepts and serves one connection at a time. The model is a
 * flat array of owned IDs; it is small and slow on purpose: it exists to
 * answer the library the way the protocol says, not to be the daemon.
 *
 * Lock: d->lock protects the model, the knobs, the request log and d->conn.
 * Only the fake thread changes d->conn; sends from any thread take the lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <ioasid/core.h>
#include <ioasid/proto.h>

#include "fake_daemon.h"
#include "util/fdmsg.h"

#define FAKE_MAX_IDS 8192
#define FAKE_MAX_REQS 8192

struct fake_id {
	uint32_t id, spid;
};

struct fake_daemon {
	pthread_mutex_t lock;
	pthread_t thread;
	int listener, conn, stop_pipe[2];
	char dir[64], path[128];
	struct fake_knobs knobs;
	fake_hook_fn hook;
	void *hook_arg;
	struct fake_id ids[FAKE_MAX_IDS];
	size_t nids;
	uint32_t next_id, sub_mask, next_event_id;
	struct fake_req *reqs;
	size_t nreqs;
	unsigned int connections;
	bool hung_up;
};

static void die(const char *what)
{
	perror(what);
	abort();
}

/* ---- model ---- */

static struct fake_id *model_find(struct fake_daemon *d, uint32_t id)
{
	for (size_t i = 0; i < d->nids; i++)
		if (d->ids[i].id == id)
			return &d->ids[i];
	return NULL;
}

static void model_add(struct fake_daemon *d, uint32_t id, uint32_t spid)
{
	struct fake_id *e = model_find(d, id);

	if (e) {
		e->spid = spid;
		return;
	}
	if (d->nids == FAKE_MAX_IDS)
		die("fake daemon: too many IDs");
	d->ids[d->nids].id = id;
	d->ids[d->nids++].spid = spid;
}

static void model_del(struct fake_daemon *d, uint32_t id)
{
	struct fake_id *e = model_find(d, id);

	if (e)
		*e = d->ids[--d->nids];
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct fake_id *)a)->id;
	uint32_t y = ((const struct fake_id *)b)->id;

	return x < y ? -1 : x > y;
}

/* ---- sending (lock held) ---- */

static void send_msg(struct fake_daemon *d, const void *msg, size_t len, int fd)
{
	if (d->conn < 0)
		return;
	/* A gone client is fine. */
	ioasid__fdmsg_send(d->conn, msg, len, fd, MSG_NOSIGNAL);
}

static void reply_locked(struct fake_daemon *d, uint32_t op, uint64_t seq,
			 int32_t result, const void *body, size_t body_len,
			 int fd)
{
	static unsigned char buf[IOASID_MSG_MAX];
	struct ioasid_reply_hdr hdr = { .op = op, .seq = seq, .result = result };
	size_t extra = body_len ? d->knobs.tail_extra : 0;
	size_t len = sizeof(hdr) + body_len + extra;
	uint32_t size = (uint32_t)(body_len + extra);

	hdr.size = (uint32_t)len;
	memcpy(buf, &hdr, sizeof(hdr));
	if (body_len) {
		memcpy(buf + sizeof(hdr), body, body_len);
		memset(buf + sizeof(hdr) + body_len, 0, extra);
		memcpy(buf + sizeof(hdr), &size, sizeof(size));
	}
	send_msg(d, buf, len, fd);
}

static void notify_locked(struct fake_daemon *d, uint32_t event, uint32_t id,
			  uint32_t spid, uint64_t set_id)
{
	struct ioasid_evt_notify n = { .size = sizeof(n), .event = event,
				       .id = id, .spid = spid, .set_id = set_id };

	reply_locked(d, IOASID_EVT_NOTIFY, 0, 0, &n, sizeof(n), -1);
}

void fake_send_reply(struct fake_daemon *d, const struct fake_req *req,
		     int32_t result, const void *body, size_t body_len,
		     int send_fd)
{
	pthread_mutex_lock(&d->lock);
	reply_locked(d, req->op, req->seq, result, body, body_len, send_fd);
	pthread_mutex_unlock(&d->lock);
}

void fake_send_raw(struct fake_daemon *d, const void *msg, size_t len)
{
	pthread_mutex_lock(&d->lock);
	send_msg(d, msg, len, -1);
	pthread_mutex_unlock(&d->lock);
}

void fake_send_notify(struct fake_daemon *d, uint32_t event, uint32_t id,
		      uint32_t spid, uint64_t set_id)
{
	pthread_mutex_lock(&d->lock);
	notify_locked(d, event, id, spid, set_id);
	pthread_mutex_unlock(&d->lock);
}

static void hangup_locked(struct fake_daemon *d)
{
	if (d->conn >= 0)
		shutdown(d->conn, SHUT_RDWR);
	d->hung_up = true;
}

void fake_hangup(struct fake_daemon *d)
{
	pthread_mutex_lock(&d->lock);
	hangup_locked(d);
	pthread_mutex_unlock(&d->lock);
}

/* ---- answering (lock held) ---- */

static void answer_info(struct fake_daemon *d, const struct fake_req *r)
{
	struct ioasid_rep_get_info info = { .size = sizeof(info) };

	if (d->knobs.info_result) {
		reply_locked(d, r->op, r->seq, d->knobs.info_result, NULL, 0, -1);
		return;
	}
	info.version = d->knobs.version ? d->knobs.version : IOASID_PROTO_VERSION;
	info.capacity = 1u << 20;
	info.available = 1000;
	info.quota = 100;
	info.nr_ids = (uint32_t)d->nids;
	info.set_id = 7;
	info.cg_max = IOASID_LIMIT_MAX;
	strcpy(info.cgroup, "/fake");
	reply_locked(d, r->op, r->seq, 0, &info, sizeof(info), -1);
}

static void answer_id(struct fake_daemon *d, const struct fake_req *r,
		      int32_t result, uint32_t id, int fd)
{
	struct ioasid_rep_id rep = { .size = sizeof(rep), .id = id };

	reply_locked(d, r->op, r->seq, result, result ? NULL : &rep,
		     result ? 0 : sizeof(rep), fd);
}

static int32_t apply_alloc(struct fake_daemon *d, const struct fake_req *r,
			   uint32_t *id)
{
	struct ioasid_req_alloc a;

	memcpy(&a, r->body, sizeof(a));
	if (a.min > a.max)
		return -EINVAL;
	*id = d->next_id > a.min ? d->next_id : a.min;
	if (a.max && *id > a.max)
		return -ENOSPC;
	d->next_id = *id + 1;
	model_add(d, *id, IOASID_INVALID);
	return 0;
}

static int32_t apply_id_op(struct fake_daemon *d, const struct fake_req *r)
{
	struct ioasid_req_attach_spid a; /* covers ioasid_req_id too */
	struct fake_id *e;

	memcpy(&a, r->body, sizeof(a));
	e = model_find(d, a.id);
	if (!e)
		return -ENOENT;
	switch (r->op) {
	case IOASID_OP_FREE:
		model_del(d, a.id);
		return 0;
	case IOASID_OP_ATTACH_SPID:
		if (e->spid != IOASID_INVALID)
			return -EEXIST;
		e->spid = a.spid;
		return 0;
	case IOASID_OP_DETACH_SPID:
		if (e->spid == IOASID_INVALID)
			return -ENOENT;
		e->spid = IOASID_INVALID;
		return 0;
	default: /* GET, PUT, EXPORT */
		return 0;
	}
}

static void answer_page(struct fake_daemon *d, const struct fake_req *r)
{
	static unsigned char body[IOASID_MSG_MAX];
	static struct fake_id sorted[FAKE_MAX_IDS];
	struct ioasid_rep_page page = { 0 };
	struct ioasid_req_page q = { 0 };
	size_t limit = d->knobs.page_entries ? d->knobs.page_entries : 2000;
	size_t n = 0, i;

	memcpy(&q, r->body, r->body_len < sizeof(q) ? r->body_len : sizeof(q));
	memcpy(sorted, d->ids, d->nids * sizeof(sorted[0]));
	qsort(sorted, d->nids, sizeof(sorted[0]), id_cmp);
	for (i = 0; i < d->nids; i++) {
		struct ioasid_list_entry e = { .id = sorted[i].id, .state = 1,
					       .refs = 1, .spid = sorted[i].spid,
					       .set_id = 7, .owner_pid = 1 };

		if (sorted[i].id < q.start)
			continue;
		if (n == limit) {
			page.next = sorted[i].id;
			break;
		}
		memcpy(body + sizeof(page) + n++ * sizeof(e), &e, sizeof(e));
	}
	page.count = (uint32_t)n;
	page.size = (uint32_t)(sizeof(page) + n * sizeof(struct ioasid_list_entry));
	memcpy(body, &page, sizeof(page));
	reply_locked(d, r->op, r->seq, 0, body, page.size, -1);
}

static void answer_sets(struct fake_daemon *d, const struct fake_req *r)
{
	unsigned char body[sizeof(struct ioasid_rep_page) +
			   2 * sizeof(struct ioasid_sets_entry)];
	struct ioasid_rep_page page = { .size = sizeof(body), .count = 2 };
	struct ioasid_sets_entry e = { .set_id = 7, .type = 1, .quota = 100,
				       .owner_pid = 42 };

	memcpy(body, &page, sizeof(page));
	strcpy(e.cgroup, "/a");
	memcpy(body + sizeof(page), &e, sizeof(e));
	e.set_id = 9;
	/* An unterminated path: the library must not read past it. */
	memset(e.cgroup, 'x', sizeof(e.cgroup));
	memcpy(body + sizeof(page) + sizeof(e), &e, sizeof(e));
	reply_locked(d, r->op, r->seq, 0, body, sizeof(body), -1);
}

static void answer_misc(struct fake_daemon *d, const struct fake_req *r)
{
	struct ioasid_rep_status st = { .size = sizeof(st), .version = 1,
					.capacity = 1u << 20, .nr_ids = 3,
					.daemon_pid = 4242, .uptime_ms = 5 };
	struct ioasid_rep_limit lim = { .size = sizeof(lim), .max = 10,
					.current = 2, .events = 1 };
	struct ioasid_req_subscribe sub;

	switch (r->op) {
	case IOASID_OP_STATUS:
		reply_locked(d, r->op, r->seq, 0, &st, sizeof(st), -1);
		break;
	case IOASID_OP_LIMIT_GET:
		reply_locked(d, r->op, r->seq, 0, &lim, sizeof(lim), -1);
		break;
	case IOASID_OP_SUBSCRIBE:
		memcpy(&sub, r->body, sizeof(sub));
		if (sub.flags & ~IOASID_SUB_ALL) {
			reply_locked(d, r->op, r->seq, -EOPNOTSUPP, NULL, 0, -1);
			break;
		}
		d->sub_mask = sub.flags;
		reply_locked(d, r->op, r->seq, 0, NULL, 0, -1);
		break;
	case IOASID_OP_SET_QUOTA:
	case IOASID_OP_LIMIT_SET:
		reply_locked(d, r->op, r->seq, 0, NULL, 0, -1);
		break;
	default:
		reply_locked(d, r->op, r->seq, -ENOTTY, NULL, 0, -1);
	}
}

static void answer_find(struct fake_daemon *d, const struct fake_req *r)
{
	struct ioasid_req_find_spid f;

	memcpy(&f, r->body, sizeof(f));
	for (size_t i = 0; i < d->nids; i++)
		if (d->ids[i].spid == f.spid) {
			answer_id(d, r, 0, d->ids[i].id, -1);
			return;
		}
	answer_id(d, r, -ENOENT, 0, -1);
}

static void answer_export(struct fake_daemon *d, const struct fake_req *r,
			  int32_t result)
{
	int p[2];

	if (result) {
		answer_id(d, r, result, 0, -1);
		return;
	}
	if (pipe(p) < 0)
		die("pipe");
	answer_id(d, r, 0, 5, p[0]);
	close(p[0]);
	close(p[1]);
}

/* Apply r to the model; returns false if the knobs say hang up instead. */
static bool answer(struct fake_daemon *d, const struct fake_req *r)
{
	int32_t result = 0;
	uint32_t id = 0;

	if (r->op == IOASID_OP_ALLOC)
		result = apply_alloc(d, r, &id);
	else if (r->op >= IOASID_OP_FREE && r->op <= IOASID_OP_DETACH_SPID)
		result = apply_id_op(d, r);
	else if (r->op == IOASID_OP_EXPORT)
		result = apply_id_op(d, r);
	if (d->knobs.hangup_after_op == r->op) {
		d->knobs.hangup_after_op = 0;
		return false;
	}
	for (unsigned int i = 0; i < d->knobs.events_before_reply; i++)
		notify_locked(d, IOASID_EVENT_ALLOC, d->next_event_id++,
			      IOASID_INVALID, 7);
	if (d->knobs.stray_before_reply)
		reply_locked(d, r->op, r->seq + 1000, -EIO, NULL, 0, -1);
	switch (r->op) {
	case IOASID_OP_GET_INFO:
		answer_info(d, r);
		break;
	case IOASID_OP_ALLOC:
		answer_id(d, r, result, id, -1);
		break;
	case IOASID_OP_FREE:
	case IOASID_OP_GET:
	case IOASID_OP_PUT:
	case IOASID_OP_ATTACH_SPID:
	case IOASID_OP_DETACH_SPID:
		reply_locked(d, r->op, r->seq, result, NULL, 0, -1);
		break;
	case IOASID_OP_FIND_SPID:
		answer_find(d, r);
		break;
	case IOASID_OP_EXPORT:
		answer_export(d, r, result);
		break;
	case IOASID_OP_IMPORT:
		answer_id(d, r, r->had_fd ? 0 : -EBADF, 77, -1);
		break;
	case IOASID_OP_RECLAIM:
	case IOASID_OP_LIST:
		answer_page(d, r);
		break;
	case IOASID_OP_SETS:
		answer_sets(d, r);
		break;
	default:
		answer_misc(d, r);
	}
	return true;
}

/* ---- receiving ---- */

static void req_record(struct fake_daemon *d, const unsigned char *msg,
		       size_t len, int fd, struct fake_req *r)
{
	struct ioasid_msg_hdr hdr = { 0 };
	struct stat st;

	memset(r, 0, sizeof(*r));
	memcpy(&hdr, msg, len < sizeof(hdr) ? len : sizeof(hdr));
	r->op = hdr.op;
	r->seq = hdr.seq;
	r->hdr_size = hdr.size;
	r->len = len;
	r->body_len = len > sizeof(hdr) ? len - sizeof(hdr) : 0;
	memcpy(r->body, msg + sizeof(hdr),
	       r->body_len < sizeof(r->body) ? r->body_len : sizeof(r->body));
	if (fd >= 0 && fstat(fd, &st) == 0) {
		r->had_fd = true;
		r->fd_ino = st.st_ino;
	}
	if (d->nreqs < FAKE_MAX_REQS)
		d->reqs[d->nreqs++] = *r;
}

static ssize_t recv_one(int conn, unsigned char *buf, size_t cap, int *fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);

	*fd = -1;
	for (cm = CMSG_FIRSTHDR(&mh); n >= 0 && cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

/* Wait for fd or the stop pipe; false when stopping. */
static bool wait_readable(struct fake_daemon *d, int fd)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
			       { .fd = d->stop_pipe[0], .events = POLLIN } };

	while (poll(p, 2, -1) < 0)
		if (errno != EINTR)
			die("poll");
	return !(p[1].revents & POLLIN);
}

static bool serve_one(struct fake_daemon *d, unsigned char *buf)
{
	struct fake_req r;
	bool handled = false, ok = true;
	fake_hook_fn hook;
	void *hook_arg;
	int fd;
	ssize_t n = recv_one(d->conn, buf, IOASID_MSG_MAX, &fd);

	if (n <= 0)
		return false;
	pthread_mutex_lock(&d->lock);
	req_record(d, buf, (size_t)n, fd, &r);
	if (d->knobs.hangup_before_op == r.op) {
		d->knobs.hangup_before_op = 0;
		ok = false;
	}
	hook = d->hook;
	hook_arg = d->hook_arg;
	pthread_mutex_unlock(&d->lock);
	if (ok && hook)
		handled = hook(d, &r, fd, hook_arg);
	pthread_mutex_lock(&d->lock);
	if (ok && !handled)
		ok = answer(d, &r);
	if (!ok)
		hangup_locked(d);
	ok = !d->hung_up;
	pthread_mutex_unlock(&d->lock);
	if (fd >= 0)
		close(fd);
	return ok;
}

static void serve(struct fake_daemon *d, int conn)
{
	static unsigned char buf[IOASID_MSG_MAX];

	pthread_mutex_lock(&d->lock);
	d->conn = conn;
	d->hung_up = false;
	d->connections++;
	pthread_mutex_unlock(&d->lock);
	while (wait_readable(d, conn) && serve_one(d, buf))
		;
	close(conn);
	pthread_mutex_lock(&d->lock);
	d->conn = -1;
	if (d->knobs.forget_on_close)
		d->nids = 0;
	pthread_mutex_unlock(&d->lock);
}

static void *fake_thread(void *arg)
{
	struct fake_daemon *d = arg;
	bool down;
	int conn;

	while (wait_readable(d, d->listener)) {
		conn = accept4(d->listener, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0)
			continue;
		serve(d, conn);
		pthread_mutex_lock(&d->lock);
		down = d->hung_up && d->knobs.stay_down;
		pthread_mutex_unlock(&d->lock);
		if (down) {
			close(d->listener);
			d->listener = -1;
			unlink(d->path);
			wait_readable(d, d->stop_pipe[0]);
			break;
		}
	}
	return NULL;
}

/* ---- life ---- */

static void listen_at(struct fake_daemon *d)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	strcpy(d->dir, "/tmp/ioasid-fake-XXXXXX");
	if (!mkdtemp(d->dir))
		die("mkdtemp");
	snprintf(d->path, sizeof(d->path), "%s/sock", d->dir);
	strcpy(a.sun_path, d->path);
	d->listener = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (d->listener < 0 || bind(d->listener, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(d->listener, 8) < 0)
		die("fake daemon socket");
}

struct fake_daemon *fake_daemon_start(const struct fake_knobs *knobs)
{
	struct fake_daemon *d = calloc(1, sizeof(*d));

	if (!d || !(d->reqs = calloc(FAKE_MAX_REQS, sizeof(*d->reqs))))
		die("calloc");
	pthread_mutex_init(&d->lock, NULL);
	if (knobs)
		d->knobs = *knobs;
	d->conn = -1;
	d->next_id = 1;
	d->next_event_id = 1000;
	if (pipe2(d->stop_pipe, O_CLOEXEC) < 0)
		die("pipe");
	listen_at(d);
	if (pthread_create(&d->thread, NULL, fake_thread, d))
		die("pthread_create");
	return d;
}

void fake_daemon_stop(struct fake_daemon *d)
{
	if (write(d->stop_pipe[1], "x", 1) != 1)
		die("write");
	pthread_join(d->thread, NULL);
	if (d->listener >= 0)
		close(d->listener);
	unlink(d->path);
	rmdir(d->dir);
	close(d->stop_pipe[0]);
	close(d->stop_pipe[1]);
	pthread_mutex_destroy(&d->lock);
	free(d->reqs);
	free(d);
}

const char *fake_daemon_path(const struct fake_daemon *d)
{
	return d->path;
}

void fake_daemon_hook(struct fake_daemon *d, fake_hook_fn fn, void *arg)
{
	pthread_mutex_lock(&d->lock);
	d->hook = fn;
	d->hook_arg = arg;
	pthread_mutex_unlock(&d->lock);
}

void fake_daemon_knobs(struct fake_daemon *d, const struct fake_knobs *knobs)
{
	pthread_mutex_lock(&d->lock);
	d->knobs = *knobs;
	pthread_mutex_unlock(&d->lock);
}

size_t fake_daemon_nreq(struct fake_daemon *d)
{
	size_t n;

	pthread_mutex_lock(&d->lock);
	n = d->nreqs;
	pthread_mutex_unlock(&d->lock);
	return n;
}

struct fake_req fake_daemon_req(struct fake_daemon *d, size_t i)
{
	struct fake_req r;

	pthread_mutex_lock(&d->lock);
	r = d->reqs[i];
	pthread_mutex_unlock(&d->lock);
	return r;
}

size_t fake_daemon_count_op(struct fake_daemon *d, uint32_t op)
{
	size_t n = 0;

	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < d->nreqs; i++)
		n += d->reqs[i].op == op;
	pthread_mutex_unlock(&d->lock);
	return n;
}

struct fake_req fake_daemon_last_req(struct fake_daemon *d, uint32_t op)
{
	struct fake_req r = { 0 };

	pthread_mutex_lock(&d->lock);
	for (size_t i = d->nreqs; i-- > 0;)
		if (d->reqs[i].op == op) {
			r = d->reqs[i];
			break;
		}
	pthread_mutex_unlock(&d->lock);
	return r;
}

unsigned int fake_daemon_connections(struct fake_daemon *d)
{
	unsigned int n;

	pthread_mutex_lock(&d->lock);
	n = d->connections;
	pthread_mutex_unlock(&d->lock);
	return n;
}

bool fake_daemon_connected(struct fake_daemon *d)
{
	bool on;

	pthread_mutex_lock(&d->lock);
	on = d->conn >= 0;
	pthread_mutex_unlock(&d->lock);
	return on;
}

uint32_t fake_daemon_sub_mask(struct fake_daemon *d)
{
	uint32_t m;

	pthread_mutex_lock(&d->lock);
	m = d->sub_mask;
	pthread_mutex_unlock(&d->lock);
	return m;
}

void fake_daemon_own(struct fake_daemon *d, uint32_t id, uint32_t spid)
{
	pthread_mutex_lock(&d->lock);
	model_add(d, id, spid);
	if (id >= d->next_id)
		d->next_id = id + 1;
	pthread_mutex_unlock(&d->lock);
}

void fake_daemon_disown(struct fake_daemon *d, uint32_t id)
{
	pthread_mutex_lock(&d->lock);
	model_del(d, id);
	pthread_mutex_unlock(&d->lock);
}

size_t fake_daemon_owned(struct fake_daemon *d)
{
	size_t n;

	pthread_mutex_lock(&d->lock);
	n = d->nids;
	pthread_mutex_unlock(&d->lock);
	return n;
}

void fake_daemon_reset(struct fake_daemon *d)
{
	pthread_mutex_lock(&d->lock);
	d->nids = 0;
	d->next_id = 1;
	pthread_mutex_unlock(&d->lock);
}
