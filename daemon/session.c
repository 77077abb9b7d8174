// SPDX-License-Identifier: MIT
/*
 * A handle (see session.h): set-up at accept, one request per readiness
 * event, non-blocking output with back-pressure, and the one-step release
 * at close.
 *
 * Hot path: one recvmsg() into the daemon's receive buffer (with the
 * sender's credentials), the handler, one send() of the reply from the
 * daemon's reply buffer (sendmsg() when it carries a descriptor). Nothing
 * is allocated unless the socket is full (the reply is then copied aside and
 * reading pauses until it has gone out, so a client that does not read
 * its replies stops being served rather than growing the daemon).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dispatch.h"
#include "export.h"
#include "ioasidd.h"
#include "util/fdmsg.h"
#include "iommu_handle.h"
#include "log.h"
#include "session.h"
#include "state.h"
#include "util/alloc.h"

/* Descriptors accepted with one message; more are cut off (MSG_CTRUNC). */
#define SESSION_MAX_FDS 4

#define session_of(srcp) \
	((struct session *)((char *)(srcp) - offsetof(struct session, src)))

static void session_on_event(struct loop_source *src, uint32_t events);

/* ---- set-up ---- */

static int peer_identity(int fd, struct ucred *cred)
{
	socklen_t len = sizeof(*cred);
	int one = 1;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len))
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		return -errno;
	return cred->pid > 0 ? 0 : -ESRCH;
}

/* place - the group of the owner's current cgroup ("/" if unreadable). */
static struct ioasid_cgroup *place(struct session *s)
{
	char path[IOASID_CGROUP_PATH_MAX];
	struct ioasid_cgroup *cg;
	int ret = -ENOENT;

	if (s->proc)
		ret = ioasid_cgroup_proc_read(s->proc, path, sizeof(path));
	if (ret)
		strcpy(path, "/");
	if (s->cg && !strcmp(path, ioasid_cgroup_path(s->cg)))
		return s->cg;
	ret = ioasid_cgroup_lookup(s->d->cgroups, path, IOASID_CGROUP_CREATE,
				   &cg);
	if (ret)
		return s->cg; /* keep the old placement; NULL at first */
	ioasid_cgroup_put(s->cg);
	s->cg = cg;
	return cg;
}

struct ioasid_cgroup *ioasid__session_cgroup(struct session *s)
{
	uint64_t now = ioasid__now_ms();

	if (now - s->cg_checked_ms >= s->d->cfg.cgroup_refresh_ms) {
		s->cg_checked_ms = now;
		place(s);
	}
	return s->cg;
}

/* owner_conflict - handle an open handle of the same pid: -EBUSY or 0. */
static int owner_conflict(struct ioasidd *d, const struct ioasidd_identity *id)
{
	struct session *old = ioasid__daemon_session_by_pid(d, id->pid);

	if (!old)
		return 0;
	/* A dead predecessor whose hang-up is still queued goes first. */
	if (old->owner.start_time != id->start_time ||
	    ioasid__session_peer_gone(old)) {
		ioasid__session_close(old);
		return 0;
	}
	return -EBUSY;
}

/* bind_set - the owner's set: one waiting since a restart, or its own. */
static int bind_set(struct session *s)
{
	struct ioasidd *d = s->d;

	if (!ioasid__state_claim(d, &s->owner, &s->set)) {
		s->reclaimed = true;
		log_info("pid %ld reclaimed its IDs", (long)s->owner.pid);
		return 0;
	}
	return ioasid_set_alloc(d->ns, IOASID_SET_TYPE_PROCESS, s->token,
				d->default_quota, &s->set);
}

/*
 * session_bind - everything a handle owns, or -errno to refuse it. The
 * handle becomes visible by pid only once nothing can fail any more; what
 * a refused handle acquired is released when it is closed.
 */
static int session_bind(struct session *s)
{
	struct ioasidd *d = s->d;
	int ret;

	ret = owner_conflict(d, &s->owner);
	if (!ret)
		ret = ioasid__hmap_reserve(&d->sessions_by_pid, 1);
	if (ret)
		return ret;
	/* Placement falls back to "/" when /proc/PID/cgroup is unreadable. */
	if (ioasid_cgroup_proc_open(d->cfg.proc_root, s->owner.pid, &s->proc))
		s->proc = NULL;
	s->cg_checked_ms = ioasid__now_ms();
	if (!place(s))
		return -ENOMEM;
	ret = bind_set(s);
	if (ret)
		return ret;
	/* Cannot fail: room was reserved above. */
	(void)ioasid__hmap_put(&d->sessions_by_pid, (uint64_t)s->owner.pid,
			       (uint64_t)(uintptr_t)s);
	s->in_pid_map = true;
	return 0;
}

static struct session *session_new(struct ioasidd *d, int fd)
{
	struct session *s = ioasid__calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->src = (struct loop_source){ .fd = fd, .fn = session_on_event };
	s->d = d;
	s->pending_fd = -1;
	ioasid__hmap_init(&s->refs);
	return s;
}

static void session_link(struct session *s)
{
	struct ioasidd *d = s->d;

	s->next = d->sessions;
	if (d->sessions)
		d->sessions->prev = s;
	d->sessions = s;
	d->nr_sessions++;
}

void ioasid__session_accept(struct ioasidd *d, int fd)
{
	struct ioasidd_identity owner;
	struct ucred cred;
	struct session *s;

	if (peer_identity(fd, &cred) || ioasid__identity_read(cred.pid, &owner)) {
		close(fd); /* the peer is gone already */
		return;
	}
	s = session_new(d, fd);
	if (!s) {
		close(fd);
		return;
	}
	s->owner = owner;
	s->uid = cred.uid;
	s->token = ioasid__identity_token(&owner);
	s->epoll_mask = EPOLLIN;
	if (ioasid__loop_add(&d->loop, &s->src, s->epoll_mask)) {
		ioasid__free(s);
		close(fd);
		return;
	}
	session_link(s);
	s->refuse = session_bind(s);
	if (s->refuse)
		log_info("pid %ld: handle refused: %s", (long)owner.pid,
			 strerror(-s->refuse));
	else
		log_debug("pid %ld: handle open", (long)owner.pid);
}

/* ---- references held ---- */

uint32_t ioasid__session_refs(const struct session *s, ioasid_t id)
{
	uint64_t *v = ioasid__hmap_find(&s->refs, id);

	return v ? (uint32_t)*v : 0;
}

int ioasid__session_ref_reserve(struct session *s)
{
	return ioasid__hmap_reserve(&s->refs, 1);
}

void ioasid__session_ref_add(struct session *s, ioasid_t id)
{
	uint64_t *v = ioasid__hmap_find(&s->refs, id);

	if (v)
		(*v)++;
	else
		(void)ioasid__hmap_put(&s->refs, id, 1); /* reserved: no fail */
}

void ioasid__session_ref_drop(struct session *s, ioasid_t id)
{
	uint64_t *v = ioasid__hmap_find(&s->refs, id);

	if (v && !--*v)
		ioasid__hmap_del(&s->refs, id);
}

/* ---- output ---- */

int ioasid__session_send(struct session *s, const void *buf, size_t len,
			 int fd)
{
	if (ioasid__fdmsg_send(s->src.fd, buf, len, fd,
			       MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return 0;
	return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

static void session_update_mask(struct session *s)
{
	uint32_t mask = s->pending ? 0 : EPOLLIN;

	if (s->out_blocked)
		mask |= EPOLLOUT;
	if (mask != s->epoll_mask && s->src.fd >= 0 &&
	    !ioasid__loop_mod(&s->d->loop, &s->src, mask))
		s->epoll_mask = mask;
}

/* park_reply - keep a reply the socket refused until EPOLLOUT. */
static int park_reply(struct session *s, const void *buf, size_t len, int fd)
{
	s->pending = ioasid__malloc(len);
	if (!s->pending)
		return -ENOMEM;
	s->pending_fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	if (fd >= 0 && s->pending_fd < 0) {
		ioasid__free(s->pending);
		s->pending = NULL;
		return -EMFILE;
	}
	memcpy(s->pending, buf, len);
	s->pending_len = (uint32_t)len;
	s->out_blocked = true;
	session_update_mask(s);
	return 0;
}

static void pending_release(struct session *s)
{
	ioasid__free(s->pending);
	s->pending = NULL;
	if (s->pending_fd >= 0)
		close(s->pending_fd);
	s->pending_fd = -1;
}

/* session_output - pending reply first, then events; -errno: close. */
static int session_output(struct session *s)
{
	int ret = 0;

	if (s->pending) {
		ret = ioasid__session_send(s, s->pending, s->pending_len,
					   s->pending_fd);
		if (!ret)
			pending_release(s);
	}
	if (!ret)
		ret = ioasid__events_flush(s);
	s->out_blocked = ret == -EAGAIN;
	session_update_mask(s);
	return ret == -EAGAIN ? 0 : ret;
}

void ioasid__session_mark_dirty(struct session *s)
{
	if (s->dirty || s->closing)
		return;
	s->dirty = true;
	s->next_dirty = s->d->dirty;
	s->d->dirty = s;
}

void ioasid__session_flush_dirty(struct ioasidd *d)
{
	while (d->dirty) {
		struct session *s = d->dirty;

		d->dirty = s->next_dirty;
		s->dirty = false;
		if (!s->closing && !s->out_blocked && session_output(s))
			ioasid__session_close(s);
	}
}

/* ---- input ---- */

struct received {
	size_t len;
	int flags;
	bool has_cred;
	pid_t pid;
	int fds[SESSION_MAX_FDS];
	unsigned int nfds;
};

static void received_parse(struct msghdr *msg, struct received *r)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm;
	     cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
			r->has_cred = true;
			r->pid = cred.pid;
		} else if (cm->cmsg_type == SCM_RIGHTS) {
			size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < n; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
				       sizeof(fd));
				if (r->nfds < SESSION_MAX_FDS)
					r->fds[r->nfds++] = fd;
				else
					close(fd);
			}
		}
	}
}

/* session_recv - one message into d->rx; 1 received, 0 EOF, -errno. */
static int session_recv(struct session *s, struct received *r)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
			 CMSG_SPACE(SESSION_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { s->d->rx, IOASID_MSG_MAX };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	ssize_t n;

	*r = (struct received){ 0 };
	n = recvmsg(s->src.fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	r->len = (size_t)n;
	r->flags = msg.msg_flags;
	received_parse(&msg, r);
	return n > 0 || r->nfds ? 1 : 0;
}

static void received_close(struct received *r)
{
	for (unsigned int i = 0; i < r->nfds; i++)
		if (r->fds[i] >= 0)
			close(r->fds[i]);
	r->nfds = 0;
}

/* request_check - what must be refused before decoding; 0 if nothing. */
static int request_check(struct session *s, const struct received *r)
{
	if (s->refuse)
		return s->refuse;
	if (!r->has_cred || r->pid != s->owner.pid)
		return -EPERM;
	if (r->flags & (MSG_TRUNC | MSG_CTRUNC))
		return -EINVAL;
	return 0;
}

/* session_serve - answer one received request; -errno: close. */
static int session_serve(struct session *s, struct received *r)
{
	struct ioasidd *d = s->d;
	int fd_out = -1, fd_in = r->nfds ? r->fds[0] : -1;
	int ret = request_check(s, r);
	size_t len;

	if (ret) {
		len = ioasid__dispatch_error(d->rx, r->len, ret, d->tx);
		if (ret == -EPERM)
			log_info("pid %ld: request from pid %ld refused",
				 (long)s->owner.pid, (long)r->pid);
	} else {
		len = ioasid__dispatch_request(s, r->len, &fd_in, r->nfds,
					       &fd_out);
		r->fds[0] = fd_in; /* -1 if the handler kept it */
	}
	received_close(r);
	ret = ioasid__session_send(s, d->tx, len, fd_out);
	if (ret == -EAGAIN)
		ret = park_reply(s, d->tx, len, fd_out);
	if (!ret && s->refuse)
		ret = -ECONNREFUSED; /* answered; now close */
	return ret;
}

static void session_on_readable(struct session *s)
{
	struct received r;
	int ret = session_recv(s, &r);

	if (ret == -EAGAIN)
		return;
	if (ret == 1)
		ret = session_serve(s, &r);
	else
		ret = ret ? ret : -EPIPE; /* 0: end of file */
	if (ret) {
		ioasid__session_close(s);
		return;
	}
	if (ioasid__events_pending(s))
		ioasid__session_mark_dirty(s);
}

static void session_on_event(struct loop_source *src, uint32_t events)
{
	struct session *s = session_of(src);

	if ((events & EPOLLOUT) && session_output(s)) {
		ioasid__session_close(s);
		return;
	}
	if ((events & EPOLLIN) && !s->pending)
		session_on_readable(s);
	else if (events & (EPOLLHUP | EPOLLERR) && !(events & EPOLLIN))
		ioasid__session_close(s);
}

bool ioasid__session_peer_gone(const struct session *s)
{
	struct pollfd p = { .fd = s->src.fd, .events = POLLRDHUP };

	if (s->src.fd < 0)
		return true;
	if (poll(&p, 1, 0) < 0)
		return false;
	return p.revents & (POLLHUP | POLLRDHUP | POLLERR);
}

/* ---- release ---- */

static void refs_release(struct session *s)
{
	struct hmap_entry *e;
	size_t cursor = 0;

	while ((e = ioasid__hmap_next(&s->refs, &cursor))) {
		ioasid_t id = (ioasid_t)e->key;
		uint64_t n = e->val;

		ioasid__hmap_del(&s->refs, id);
		while (n--)
			ioasid__ids_put(s->d, id);
	}
	ioasid__hmap_destroy(&s->refs);
}

/* set_release - free every ACTIVE ID of the set, then drop the set. */
static void set_release(struct ioasidd *d, struct session *s)
{
	struct ioasid_set_info info;

	ioasid_set_query(s->set, &info);
	if (info.nr_ids && ioasid__state_log_close(d, &s->owner))
		log_err("pid %ld: journal refused the close record",
			(long)s->owner.pid);
	ioasid__ids_free_set(d, s->set);
	ioasid__ids_set_drop(s->set);
	s->set = NULL;
}

static void session_unlink(struct session *s)
{
	struct ioasidd *d = s->d;

	if (s->prev)
		s->prev->next = s->next;
	else
		d->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	d->nr_sessions--;
	if (s->in_pid_map)
		ioasid__hmap_del(&d->sessions_by_pid, (uint64_t)s->owner.pid);
	s->in_pid_map = false;
	s->prev = NULL;
	s->next = d->closed;
	d->closed = s;
}

void ioasid__session_close(struct session *s)
{
	struct ioasidd *d = s->d;

	if (s->closing)
		return;
	s->closing = true;
	ioasid__loop_del(&d->loop, &s->src);
	close(s->src.fd);
	s->src.fd = -1;
	ioasid__events_release(s);
	ioasid__export_drop_all(d, s);
	ioasid__iommu_handle_close(s);
	refs_release(s);
	if (s->set)
		set_release(d, s);
	ioasid_cgroup_put(s->cg);
	s->cg = NULL;
	ioasid_cgroup_proc_close(s->proc);
	s->proc = NULL;
	pending_release(s);
	session_unlink(s);
	log_debug("pid %ld: handle closed", (long)s->owner.pid);
}

void ioasid__session_free(struct session *s)
{
	ioasid__free(s);
}
