// SPDX-License-Identifier: MIT
/*
 * The client's event queue: a ring with a reserved marker slot and an
 * eventfd mirroring "not empty" (see evq.h).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "client/codec.h"
#include "client/evq.h"
#include "util/alloc.h"

int ioasid__evq_init(struct ioasid__evq *q, size_t cap)
{
	int err;

	memset(q, 0, sizeof(*q));
	q->cap = cap;
	q->ring = ioasid__calloc(cap + 1, sizeof(*q->ring));
	if (!q->ring)
		return -ENOMEM;
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0) {
		err = -errno;
		goto free_ring;
	}
	pthread_mutex_init(&q->lock, NULL);
	return 0;

free_ring:
	ioasid__free(q->ring);
	q->ring = NULL;
	return err;
}

void ioasid__evq_destroy(struct ioasid__evq *q)
{
	if (!q->ring)
		return;
	close(q->efd);
	pthread_mutex_destroy(&q->lock);
	ioasid__free(q->ring);
	q->ring = NULL;
}

static struct ioasid_client_event *evq_slot(struct ioasid__evq *q, size_t i)
{
	return &q->ring[(q->head + i) % (q->cap + 1)];
}

/* The eventfd counter is 1 while the queue is not empty, 0 when it is. */
static void efd_signal(struct ioasid__evq *q)
{
	uint64_t one = 1;

	if (write(q->efd, &one, sizeof(one)) < 0) {
		/* Cannot fail: the counter is at most 1, far below its limit. */
	}
}

static void efd_clear(struct ioasid__evq *q)
{
	uint64_t v;

	if (read(q->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: already clear. */
	}
}

static struct ioasid_client_event *evq_tail_marker(struct ioasid__evq *q)
{
	struct ioasid_client_event *tail;

	if (q->len == 0)
		return NULL;
	tail = evq_slot(q, q->len - 1);
	return tail->type == IOASID_CLIENT_EV_DROPPED ? tail : NULL;
}

void ioasid__evq_push(struct ioasid__evq *q, const struct ioasid_client_event *ev)
{
	struct ioasid_client_event *marker, *slot;

	pthread_mutex_lock(&q->lock);
	marker = evq_tail_marker(q);
	if (ev->type == IOASID_CLIENT_EV_DROPPED && marker) {
		marker->count += ev->count;
	} else if (q->len < q->cap || (q->len == q->cap && !marker)) {
		slot = evq_slot(q, q->len);
		if (q->len < q->cap) {
			*slot = *ev;
		} else {
			/* The reserved slot: this event becomes a marker. */
			ioasid__codec_event_init(slot, IOASID_CLIENT_EV_DROPPED);
			slot->count = ev->type == IOASID_CLIENT_EV_DROPPED ? ev->count : 1;
		}
		if (q->len++ == 0)
			efd_signal(q);
	} else {
		marker->count += ev->type == IOASID_CLIENT_EV_DROPPED ? ev->count : 1;
	}
	pthread_mutex_unlock(&q->lock);
}

bool ioasid__evq_pop(struct ioasid__evq *q, struct ioasid_client_event *ev)
{
	bool got = false;

	pthread_mutex_lock(&q->lock);
	if (q->len) {
		*ev = *evq_slot(q, 0);
		q->head = (q->head + 1) % (q->cap + 1);
		if (--q->len == 0)
			efd_clear(q);
		got = true;
	}
	pthread_mutex_unlock(&q->lock);
	return got;
}

size_t ioasid__evq_len(struct ioasid__evq *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}
