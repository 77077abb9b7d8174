// SPDX-License-Identifier: MIT
/*
 * One request and its reply: the client's request machinery.
 *
 * ioasid__client_exchange() sends one request and reads messages until the
 * reply carrying the request's seq arrives. On the way, messages with seq 0
 * are events and are queued for dispatch in arrival order; replies with any
 * other seq are not for this request (the protocol has one request in
 * flight per handle, so they can only be stale) and are counted and
 * dropped. A reply with the right seq but another op is a protocol error.
 *
 * ioasid__client_call() adds what happens when the connection is lost: the
 * request is sent again, settled by RECLAIM or failed with -EPIPE, per its
 * retry policy (ioasid/client.h, "Reconnect and reclaim"). A call goes
 * through at most CALL_MAX_RECONNECTS reconnects, so that a daemon which
 * dies on every attempt cannot keep a caller forever.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "client/client_priv.h"
#include "client/conn.h"

#define CALL_MAX_RECONNECTS 3
/* Messages one dispatch reads at most, so that a flood cannot hold it. */
#define PUMP_MAX_MESSAGES (2 * IOASID_CLIENT_EVQ_MAX)

void ioasid__call_init(struct ioasid__call *call, uint32_t op, const void *req,
		       size_t req_len, enum ioasid__retry retry)
{
	memset(call, 0, sizeof(*call));
	call->op = op;
	call->req = req;
	call->req_len = req_len;
	call->send_fd = -1;
	call->recv_fd = -1;
	call->retry = retry;
	call->settled_id = IOASID_INVALID;
}

void ioasid__client_message(struct ioasid_client *c,
			    const struct ioasid__reply *rep)
{
	struct ioasid_client_event ev;
	int r;

	if (rep->seq != 0) {
		c->stray_replies++;
		return;
	}
	r = ioasid__codec_event(rep, &ev);
	if (r == 0)
		ioasid__evq_push(&c->evq, &ev);
	else if (r < 0)
		c->bad_events++;
}

static int request_send(struct ioasid_client *c, struct ioasid__call *call,
			uint64_t seq)
{
	unsigned char buf[IOASID__CODEC_REQ_MAX];
	size_t len;

	len = ioasid__codec_request(buf, sizeof(buf), call->op, seq, call->req,
				    call->req_len);
	if (len == 0)
		return -EINVAL;
	return ioasid__conn_send(c->sock, buf, len, call->send_fd);
}

/*
 * The reply for seq arrived: check it, and hand its descriptor over if the
 * call wants one. Any other descriptor (with a failed reply, or with the
 * reply of an op that returns none) is closed here, so that no caller has
 * to.
 */
static int reply_accept(struct ioasid__call *call, int fd)
{
	int r = call->rep.op != call->op ? -EPROTO : call->rep.result;

	if (r == 0 && call->want_fd) {
		call->recv_fd = fd; /* the caller owns it from here */
		return 0;
	}
	if (fd >= 0)
		close(fd);
	return r;
}

int ioasid__client_exchange(struct ioasid_client *c, struct ioasid__call *call,
			    bool *sent)
{
	uint64_t seq;
	ssize_t n;
	int fd = -1, r; /* stays -1 when the call wants no descriptor */

	*sent = false;
	if (c->sock < 0)
		return -EPIPE;
	seq = ++c->seq ? c->seq : ++c->seq; /* seq 0 is for events */
	r = request_send(c, call, seq);
	if (r < 0)
		return r;
	*sent = true;
	for (;;) {
		n = ioasid__conn_recv(c->sock, c->rx, IOASID_MSG_MAX,
				      call->want_fd ? &fd : NULL, false);
		if (n < 0)
			return n == -EMSGSIZE ? -EPROTO : (int)n;
		r = ioasid__codec_reply(c->rx, (size_t)n, &call->rep);
		if (r == 0 && call->rep.seq == seq)
			return reply_accept(call, fd);
		if (fd >= 0)
			close(fd);
		if (r < 0)
			return r; /* cannot tell whose it was: a broken peer */
		ioasid__client_message(c, &call->rep);
	}
}

void ioasid__client_disconnect(struct ioasid_client *c)
{
	if (c->sock < 0)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->sock, NULL);
	close(c->sock);
	c->sock = -1;
}

int ioasid__client_pump(struct ioasid_client *c)
{
	struct ioasid__reply rep;
	ssize_t n;

	/* Events carry no descriptor: any that comes is the kernel's to close. */
	for (unsigned int i = 0; c->sock >= 0 && i < PUMP_MAX_MESSAGES; i++) {
		n = ioasid__conn_recv(c->sock, c->rx, IOASID_MSG_MAX, NULL, true);
		if (n == -EAGAIN)
			return 0;
		if (n == -EPIPE)
			return -EPIPE;
		if (n == -EMSGSIZE)
			continue; /* not a message of ours; already consumed */
		if (n < 0)
			return (int)n;
		if (ioasid__codec_reply(c->rx, (size_t)n, &rep) == 0)
			ioasid__client_message(c, &rep);
		else
			c->bad_events++;
	}
	return 0;
}

/* Connect if not connected; reconnect when the schedule allows. */
static int call_ensure_connected(struct ioasid_client *c)
{
	int r;

	if (c->sock >= 0)
		return 0;
	r = ioasid__client_reconnect(c, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : -EPIPE;
	return 0;
}

/* After a lost connection: whether to send the call again, or its result. */
static int call_after_reconnect(struct ioasid__call *call, bool sent, int *again)
{
	*again = 0;
	if (!sent || call->retry == IOASID__RETRY_ALWAYS) {
		*again = 1;
		return 0;
	}
	if (call->retry == IOASID__RETRY_NEVER)
		return -EPIPE;
	switch (call->settled) {
	case IOASID__SETTLE_DONE:
		return 0;
	case IOASID__SETTLE_RESEND:
		call->settled = IOASID__SETTLE_NONE;
		*again = 1;
		return 0;
	default:
		return -EPIPE;
	}
}

int ioasid__client_call(struct ioasid_client *c, struct ioasid__call *call)
{
	int r, again;
	bool sent;

	for (int cycle = 0;; cycle++) {
		r = call_ensure_connected(c);
		if (r < 0)
			return r;
		r = ioasid__client_exchange(c, call, &sent);
		if (r != -EPIPE)
			return r;
		ioasid__client_disconnect(c);
		if (c->reconnect_tries == 0 || cycle == CALL_MAX_RECONNECTS)
			return -EPIPE;
		r = ioasid__client_reconnect(c, sent ? call : NULL);
		if (r < 0)
			return r == -ENOMEM ? r : -EPIPE;
		r = call_after_reconnect(call, sent, &again);
		if (!again)
			return r;
	}
}

int ioasid__client_simple(struct ioasid_client *c, uint32_t op, const void *req,
			  size_t req_len, enum ioasid__retry retry, void *out,
			  size_t min, size_t out_size)
{
	struct ioasid__call call;
	int r;

	ioasid__call_init(&call, op, req, req_len, retry);
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_call(c, &call);
	if (r == 0 && out)
		r = ioasid__codec_body(&call.rep, min, out, out_size);
	pthread_mutex_unlock(&c->lock);
	return r;
}
