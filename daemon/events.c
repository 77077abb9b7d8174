// SPDX-License-Identifier: MIT
/*
 * A handle's subscription and bounded event queue (see events.h).
 *
 * The ring is allocated once, at the first subscription; pushing never
 * allocates. The notifier runs in the loop thread during the request that
 * caused the event, so events are only queued there and go out after that
 * request's reply (ioasid__events_flush()), keeping reply-then-events order
 * on the wire.
 */
#include <errno.h>
#include <string.h>

#include "events.h"
#include "ioasidd.h"
#include "log.h"
#include "session.h"
#include "util/alloc.h"

static const uint32_t sub_bit[] = {
	[IOASID_EVENT_ALLOC] = IOASID_SUB_ALLOC,
	[IOASID_EVENT_FREE] = IOASID_SUB_FREE,
	[IOASID_EVENT_BIND] = IOASID_SUB_BIND,
	[IOASID_EVENT_UNBIND] = IOASID_SUB_UNBIND,
};

static void on_notify(const struct ioasid_event_data *ev, void *arg)
{
	ioasid__events_push(arg, ev->event, ev->id, ev->spid, ev->set_id);
}

void ioasid__events_push(struct session *s, enum ioasid_event event,
			 ioasid_t id, ioasid_t spid, uint64_t set_id)
{
	struct ioasidd_events *ev = &s->ev;

	if ((unsigned int)event >= sizeof(sub_bit) / sizeof(sub_bit[0]) ||
	    !(ev->mask & sub_bit[event]) || s->closing)
		return;
	/* Once one is lost, later ones are too until DROPPED has gone out. */
	if (ev->count == ev->cap || ev->dropped) {
		ev->dropped++;
		ev->dropped_total++;
		ioasid__session_mark_dirty(s);
		return;
	}
	ioasid__session_mark_dirty(s);
	ev->ring[(ev->head + ev->count++) % ev->cap] = (struct ioasid_evt_notify){
		.size = sizeof(struct ioasid_evt_notify),
		.event = event,
		.id = id,
		.spid = spid,
		.set_id = set_id,
	};
}

static void queue_clear(struct ioasidd_events *ev)
{
	ev->head = ev->count = 0;
	ev->dropped = 0;
}

int ioasid__events_subscribe(struct session *s, uint32_t mask)
{
	struct ioasidd_events *ev = &s->ev;
	struct ioasid_evt_notify *ring = NULL;
	int ret;

	if (mask && !ev->ring) {
		ring = ioasid__calloc(s->d->cfg.event_queue, sizeof(*ring));
		if (!ring)
			return -ENOMEM;
	}
	if (mask && !ev->notifier) {
		ret = ioasid_notifier_register(s->d->ns, s->set, on_notify, s,
					       &ev->notifier);
		if (ret) {
			ioasid__free(ring);
			return ret;
		}
	}
	if (ring) {
		ev->ring = ring;
		ev->cap = s->d->cfg.event_queue;
	}
	ev->mask = mask;
	if (!mask)
		queue_clear(ev);
	return 0;
}

void ioasid__events_release(struct session *s)
{
	struct ioasidd_events *ev = &s->ev;

	ioasid_notifier_unregister(ev->notifier);
	ioasid__free(ev->ring);
	*ev = (struct ioasidd_events){ 0 };
}

bool ioasid__events_pending(const struct session *s)
{
	return s->ev.count || s->ev.dropped;
}

/* send_dropped - one IOASID_EVT_DROPPED for what was lost so far. */
static int send_dropped(struct session *s)
{
	struct {
		struct ioasid_reply_hdr hdr;
		struct ioasid_evt_dropped evt;
	} msg = {
		.hdr = { .size = sizeof(msg), .op = IOASID_EVT_DROPPED },
		.evt = { .size = sizeof(msg.evt), .count = s->ev.dropped },
	};
	int ret = ioasid__session_send(s, &msg, sizeof(msg), -1);

	if (!ret)
		s->ev.dropped = 0;
	return ret;
}

static int send_head(struct session *s)
{
	struct ioasidd_events *ev = &s->ev;
	struct {
		struct ioasid_reply_hdr hdr;
		struct ioasid_evt_notify evt;
	} msg = {
		.hdr = { .size = sizeof(msg), .op = IOASID_EVT_NOTIFY },
		.evt = ev->ring[ev->head],
	};
	int ret = ioasid__session_send(s, &msg, sizeof(msg), -1);

	if (!ret) {
		ev->head = (ev->head + 1) % ev->cap;
		ev->count--;
	}
	return ret;
}

int ioasid__events_flush(struct session *s)
{
	struct ioasidd_events *ev = &s->ev;
	int ret = 0;

	if (ev->dropped_total > s->d->cfg.event_drop_limit) {
		log_warn("pid %ld: %llu events dropped, disconnecting",
			 (long)s->owner.pid,
			 (unsigned long long)ev->dropped_total);
		return -ENOBUFS;
	}
	while (!ret && ev->count)
		ret = send_head(s);
	if (!ret && ev->dropped)
		ret = send_dropped(s);
	return ret;
}
