/* SPDX-License-Identifier: MIT */
/*
 * daemon/events.h - a handle's subscription and its bounded event queue.
 *
 * SUBSCRIBE registers a core notifier on the handle's set; each event the
 * mask selects becomes an IOASID_EVT_NOTIFY message (seq 0). Events are
 * queued in a fixed ring allocated at subscription and sent, without ever
 * blocking, after the reply of the request that caused them or when the
 * socket becomes writable again. When the ring is full, events are counted
 * instead of queued, and one IOASID_EVT_DROPPED with that count goes out as
 * soon as there is room. A subscriber that has lost more than the
 * configured event_drop_limit events is disconnected: one client that never
 * reads costs a bounded amount of memory and never slows the others.
 */
#ifndef IOASIDD_EVENTS_H
#define IOASIDD_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>
#include <ioasid/proto.h>

struct session;

struct ioasidd_events {
	struct ioasid_notifier *notifier; /* on the handle's set; NULL: none */
	uint32_t mask; /* IOASID_SUB_* */
	struct ioasid_evt_notify *ring; /* cap entries */
	uint32_t cap, head, count;
	uint64_t dropped; /* not yet reported with IOASID_EVT_DROPPED */
	uint64_t dropped_total; /* toward the disconnect bound */
};

/*
 * ioasid__events_subscribe - set the mask (0: unsubscribe, which also
 * discards queued events). The first subscription allocates the ring and
 * registers the notifier. Errors: -ENOMEM (nothing changes).
 */
int ioasid__events_subscribe(struct session *s, uint32_t mask);

/* ioasid__events_release - unsubscribe and free the ring. Never fails. */
void ioasid__events_release(struct session *s);

/*
 * ioasid__events_push - queue one event for s if its mask selects it
 * (used by the notifier and for FREE events sent to reference holders).
 */
void ioasid__events_push(struct session *s, enum ioasid_event event,
			 ioasid_t id, ioasid_t spid, uint64_t set_id);

/*
 * ioasid__events_flush - send what is queued until the socket would
 * block. Returns 0, -EAGAIN if events remain (wait for EPOLLOUT), or
 * -EPIPE/-ECONNRESET/-errno if the handle must be closed (including the
 * drop bound being exceeded).
 */
int ioasid__events_flush(struct session *s);

/* ioasid__events_pending - true if something waits to be sent. */
bool ioasid__events_pending(const struct session *s);

#endif /* IOASIDD_EVENTS_H */
