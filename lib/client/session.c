// SPDX-License-Identifier: MIT
/*
 * A client's session with the daemon: connecting with its handshake, and
 * reconnecting after the daemon went away.
 *
 * The handshake is a GET_INFO: it proves the peer speaks the protocol
 * (version 1 or later) and accepted the handle (a second handle of one
 * process is refused with -EBUSY), and tells whether the handle adopted IDs
 * at connect. Only then is the socket added to the epoll set behind
 * ioasid_client_fd().
 *
 * Reconnecting (ioasid/client.h, "Reconnect and reclaim") runs the
 * schedule of attempts; each attempt is: connect and handshake, restore
 * the subscription, RECLAIM and reconcile. An attempt that fails on a
 * condition that may pass (nobody listening yet, the old handle not yet
 * released, the connection dropping again) waits and tries again; any other
 * failure ends the schedule. Everything runs under the request lock, so no
 * other request of this client interleaves.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <time.h>

#include "client/client_priv.h"
#include "client/conn.h"
#include "util/alloc.h"

static int handshake(struct ioasid_client *c, uint32_t *info_flags)
{
	struct ioasid_req_empty req = { 0 };
	struct ioasid_rep_get_info info;
	struct ioasid__call call;
	bool sent;
	int r;

	ioasid__call_init(&call, IOASID_OP_GET_INFO, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	r = ioasid__client_exchange(c, &call, &sent);
	if (r < 0)
		return r;
	r = ioasid__codec_body(&call.rep, sizeof(info), &info, sizeof(info));
	if (r < 0)
		return r;
	if (info.version < IOASID_PROTO_VERSION)
		return -EPROTO;
	*info_flags = info.flags;
	return 0;
}

int ioasid__client_connect(struct ioasid_client *c, uint32_t *info_flags)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int r;

	r = ioasid__conn_connect(c->path, &c->sock);
	if (r < 0)
		return r;
	r = handshake(c, info_flags);
	if (r < 0)
		goto disconnect;
	ev.data.fd = c->sock;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->sock, &ev) < 0) {
		r = -errno;
		goto disconnect;
	}
	return 0;

disconnect:
	ioasid__client_disconnect(c);
	return r;
}

static int subscription_restore(struct ioasid_client *c)
{
	struct ioasid_req_subscribe req = { .flags = c->sub_mask };
	struct ioasid__call call;
	bool sent;

	if (c->sub_mask == 0)
		return 0;
	ioasid__call_init(&call, IOASID_OP_SUBSCRIBE, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	return ioasid__client_exchange(c, &call, &sent);
}

/* One attempt: connect, restore, reclaim. */
static int reconnect_attempt(struct ioasid_client *c, struct ioasid__call *call)
{
	uint32_t flags;
	int r;

	r = ioasid__client_connect(c, &flags);
	if (r < 0)
		return r;
	r = subscription_restore(c);
	if (r == 0)
		r = ioasid__client_reclaim(c, false, call, NULL, NULL);
	if (r < 0)
		ioasid__client_disconnect(c);
	return r;
}

/* Conditions under which another attempt may succeed. */
static bool reconnect_may_pass(int r)
{
	return r == -ECONNREFUSED || r == -EPIPE || r == -EBUSY ||
	       r == -EAGAIN || r == -ENOENT;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static unsigned int backoff_next(const struct ioasid_client *c,
				 unsigned int attempt, unsigned int delay)
{
	if (attempt == 1)
		return c->reconnect_delay_ms;
	if (delay > c->reconnect_max_delay_ms / 2)
		return c->reconnect_max_delay_ms;
	return delay * 2;
}

int ioasid__client_reconnect(struct ioasid_client *c, struct ioasid__call *call)
{
	unsigned int tries = c->reconnect_tries ? c->reconnect_tries : 1;
	unsigned int delay = 0;
	struct ioasid_client_event ev;
	int r = -ECONNREFUSED;

	ioasid__client_disconnect(c);
	for (unsigned int i = 0; i < tries; i++) {
		if (i > 0) {
			delay = backoff_next(c, i, delay);
			sleep_ms(delay);
		}
		r = reconnect_attempt(c, call);
		if (r == 0) {
			ioasid__codec_event_init(&ev, IOASID_CLIENT_EV_RECONNECTED);
			ev.count = c->ledger.len;
			ioasid__evq_push(&c->evq, &ev);
			return 0;
		}
		if (!reconnect_may_pass(r))
			break;
	}
	ioasid__codec_event_init(&ev, IOASID_CLIENT_EV_DISCONNECTED);
	ev.error = r;
	ioasid__evq_push(&c->evq, &ev);
	return r;
}
