/* SPDX-License-Identifier: MIT */
/*
 * lib/client/evq.h - the client's queue of events waiting for dispatch.
 *
 * A FIFO of at most `cap` events with one extra slot kept for a DROPPED
 * marker: when the queue is full, the event is not stored but counted in a
 * DROPPED marker at the tail (a new one, or the one already there), so the
 * consumer learns how many events were lost at exactly the point where
 * they were lost, and events queued after space frees up come after it.
 *
 * The queue owns an eventfd that is readable exactly while the queue is not
 * empty; the client adds it to its epoll set so that queued events make
 * ioasid_client_fd() readable.
 *
 * Lock: `lock` protects everything in the struct; it is a leaf lock (taken
 * after the client's request lock and dispatch lock, never before them).
 */
#ifndef IOASID_CLIENT_EVQ_H
#define IOASID_CLIENT_EVQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <ioasid/client.h>

struct ioasid__evq {
	pthread_mutex_t lock;
	struct ioasid_client_event *ring; /* cap + 1 slots */
	size_t cap; /* events the queue holds, the marker slot aside */
	size_t head; /* index of the oldest event */
	size_t len; /* events queued, a marker included */
	int efd; /* eventfd: readable while len > 0 */
};

/* ioasid__evq_init - an empty queue of cap events. Errors: -ENOMEM,
 * -errno of eventfd(2). */
int ioasid__evq_init(struct ioasid__evq *q, size_t cap);

/* ioasid__evq_destroy - discard queued events and release the queue. */
void ioasid__evq_destroy(struct ioasid__evq *q);

/* ioasid__evq_push - queue a copy of *ev, or count it as dropped. Never
 * fails. A DROPPED event is merged into a DROPPED marker at the tail. */
void ioasid__evq_push(struct ioasid__evq *q, const struct ioasid_client_event *ev);

/* ioasid__evq_len - events queued now (a marker counts as one). */
size_t ioasid__evq_len(struct ioasid__evq *q);

/* ioasid__evq_pop - take the oldest event into *ev; false when empty. */
bool ioasid__evq_pop(struct ioasid__evq *q, struct ioasid_client_event *ev);

#endif /* IOASID_CLIENT_EVQ_H */
