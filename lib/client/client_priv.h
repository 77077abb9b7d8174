/* SPDX-License-Identifier: MIT */
/*
 * lib/client/client_priv.h - struct ioasid_client and the request machinery
 * shared by the operation files (ops_*.c).
 *
 * A request is described by a struct ioasid__call and run with
 * ioasid__client_call() under the client's request lock: it is sent, the
 * reply with its seq is awaited (events met on the way are queued), and a
 * lost connection is handled by reconnecting and, depending on the call's
 * retry policy, sending it again or settling it from RECLAIM (see
 * ioasid/client.h, "Reconnect and reclaim").
 */
#ifndef IOASID_CLIENT_PRIV_H
#define IOASID_CLIENT_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/client.h>
#include <ioasid/proto.h>

#include "client/codec.h"
#include "client/evq.h"
#include "client/ledger.h"

/*
 * Locks, in the order they are taken:
 *   dispatch_lock  serialises event delivery (an error-checking mutex, so
 *                  that dispatch from a callback is detected); protects
 *                  cb and cb_arg.
 *   lock           the request lock: at most one request in flight; protects
 *                  sock, seq, rx, ledger, sub_mask, the reconnect settings
 *                  and counters.
 *   evq.lock       the event queue (a leaf).
 * Callbacks run with dispatch_lock held and the other two released.
 */
struct ioasid_client {
	pthread_mutex_t dispatch_lock;
	ioasid_client_event_fn cb;
	void *cb_arg;

	pthread_mutex_t lock;
	char *path; /* socket path, owned */
	int sock; /* connected socket, -1 while disconnected */
	int epfd; /* epoll set of sock and evq.efd: ioasid_client_fd() */
	uint64_t seq; /* last seq sent */
	unsigned char *rx; /* IOASID_MSG_MAX bytes: the last message received */
	struct ioasid__ledger ledger; /* IDs this handle owns */
	uint32_t sub_mask; /* subscription to restore after a reconnect */
	unsigned int reconnect_tries;
	unsigned int reconnect_delay_ms;
	unsigned int reconnect_max_delay_ms;
	uint64_t stray_replies; /* replies whose seq was not in flight */
	uint64_t bad_events; /* asynchronous messages that failed to decode */

	struct ioasid__evq evq;
};

/* What may be done with a request that met a lost connection after it was
 * sent (one that could not be sent is always sent again). */
enum ioasid__retry {
	IOASID__RETRY_NEVER, /* fail with -EPIPE */
	IOASID__RETRY_ALWAYS, /* idempotent: send again */
	IOASID__RETRY_SETTLE, /* RECLAIM tells whether it happened */
};

/* How RECLAIM settled a request in flight. */
enum ioasid__settle {
	IOASID__SETTLE_NONE, /* not settled (yet) */
	IOASID__SETTLE_DONE, /* it happened: succeed with settled_id */
	IOASID__SETTLE_RESEND, /* it did not happen: send it again */
	IOASID__SETTLE_FAIL, /* cannot tell: fail with -EPIPE */
};

struct ioasid__call {
	uint32_t op;
	const void *req; /* the op's request struct */
	size_t req_len;
	int send_fd; /* descriptor to pass, or -1 */
	bool want_fd; /* the op's reply carries a descriptor (EXPORT) */
	int recv_fd; /* out: that descriptor (want_fd only), or -1 */
	enum ioasid__retry retry;
	/* The arguments RECLAIM settles by (IOASID__RETRY_SETTLE). */
	ioasid_t id, spid, min, max;
	/* Out. */
	enum ioasid__settle settled;
	ioasid_t settled_id;
	struct ioasid__reply rep; /* valid until the lock is released */
};

/* ioasid__call_init - a call of op with req, retry policy retry. */
void ioasid__call_init(struct ioasid__call *call, uint32_t op, const void *req,
		       size_t req_len, enum ioasid__retry retry);

/*
 * ioasid__client_call - run call (request lock held). Returns the reply's
 * result (0 or the daemon's -errno) with call->rep describing the reply, or
 * 0 with call->settled == IOASID__SETTLE_DONE when RECLAIM settled it (no
 * reply then), or -EPIPE / -EPROTO / -ENOMEM / another -errno of the
 * transport. A descriptor received with a reply is closed, unless the reply
 * succeeded and call->want_fd is set: then it is the caller's
 * (call->recv_fd).
 */
int ioasid__client_call(struct ioasid_client *c, struct ioasid__call *call);

/*
 * ioasid__client_exchange - send call and wait for its reply, queueing the
 * events met on the way; no reconnecting. *sent says whether the request
 * left. Returns as ioasid__client_call(), -EPIPE when the connection is
 * lost.
 */
int ioasid__client_exchange(struct ioasid_client *c, struct ioasid__call *call,
			    bool *sent);

/* ioasid__client_message - an unsolicited message: queue it if it is an
 * event (seq 0), count it otherwise. */
void ioasid__client_message(struct ioasid_client *c,
			    const struct ioasid__reply *rep);

/*
 * ioasid__client_pump - read what the socket holds without waiting and
 * queue the events (request lock held). Returns 0, -EPIPE when the daemon
 * hung up, or another -errno of recv(2).
 */
int ioasid__client_pump(struct ioasid_client *c);

/* ioasid__client_disconnect - close the connection (request lock held). */
void ioasid__client_disconnect(struct ioasid_client *c);

/*
 * ioasid__client_connect - connect, handshake (GET_INFO, version check) and
 * watch the socket (request lock held, not connected). *info_flags receives
 * the daemon's IOASID_INFO_* flags. Errors: those of ioasid_client_open().
 */
int ioasid__client_connect(struct ioasid_client *c, uint32_t *info_flags);

/*
 * ioasid__client_reconnect - the reconnect schedule, then the subscription
 * restored and RECLAIM reconciled (settling call if it is not NULL and was
 * sent). Events say what happened. Returns 0, or the last error when every
 * attempt failed (the client stays disconnected).
 */
int ioasid__client_reconnect(struct ioasid_client *c, struct ioasid__call *call);

/*
 * ioasid__client_reclaim - RECLAIM (all pages) and reconcile the ledger
 * with it, settling call if not NULL; with entries not NULL, the answer
 * into *entries (ascending, ioasid__free()d by the caller; NULL when *count
 * is 0). With reconnect, pages go through ioasid__client_call() (only the
 * public ioasid_client_reclaim(); a reconnect itself must not reconnect).
 * Request lock held. Returns 0 or -EPROTO (a duplicate ID), -ENOMEM, a
 * -errno of the exchange; nothing is handed out then.
 */
int ioasid__client_reclaim(struct ioasid_client *c, bool reconnect,
			   struct ioasid__call *call,
			   struct ioasid_client_id_entry **entries,
			   size_t *count);

/*
 * ioasid__client_pages - every page of the paged query op (LIST, SETS,
 * RECLAIM, GROUPS, DEVICES) decoded into one array of struct
 * ioasid_client_id_entry (or ioasid_client_set_entry for SETS,
 * ioasid_client_group_entry for GROUPS, ioasid_client_device_entry for
 * DEVICES), ioasid__free()d by the caller (NULL
 * when *count is 0). With reconnect, pages go through
 * ioasid__client_call() (sent again after a reconnect), else through
 * ioasid__client_exchange(). Request lock held.
 */
int ioasid__client_pages(struct ioasid_client *c, uint32_t op, bool reconnect,
			 void **out, size_t *count);

/*
 * ioasid__client_query_pages - the public listings (LIST, SETS, GROUPS,
 * DEVICES): take the request lock, ioasid__client_pages() with reconnect,
 * release it. Errors: -EINVAL c, out or count NULL; those of
 * ioasid__client_pages().
 */
int ioasid__client_query_pages(struct ioasid_client *c, uint32_t op,
			       void **out, size_t *count);

/* ioasid__client_path_copy - a cgroup path into a request's path array of
 * size bytes, NUL-padded. Errors: -EINVAL NULL or too long. */
int ioasid__client_path_copy(char *dst, size_t size, const char *cgroup);

/*
 * ioasid__client_simple - lock, run a call of op with req, copy a
 * successful reply body (at least min bytes) into out (out_size bytes;
 * out NULL: none expected), unlock.
 */
int ioasid__client_simple(struct ioasid_client *c, uint32_t op, const void *req,
			  size_t req_len, enum ioasid__retry retry, void *out,
			  size_t min, size_t out_size);

#endif /* IOASID_CLIENT_PRIV_H */
