// SPDX-License-Identifier: MIT
/*
 * Ordered work queue (see work.h and the "Ordered work queue" section of
 * ioasid/core.h).
 *
 * An item is marked queued while it waits; the worker clears the mark just
 * before running it, so a work function may queue its own item again.
 * Flushing waits for the count of completed items to reach the count of
 * items queued when the flush started; as the worker runs items in order,
 * that covers exactly the items queued before the call. The worker never
 * touches an item after its function returned, so the function may free
 * the memory the item is embedded in.
 */
#include <errno.h>

#include "core/ns.h"
#include "core/work.h"

static struct ioasid_work *wq_pop(struct ioasid__wq *wq)
{
	struct ioasid_work *work = wq->head;

	wq->head = work->next;
	if (!wq->head)
		wq->tail = NULL;
	work->next = NULL;
	work->queued = 0;
	return work;
}

static void *wq_worker(void *arg)
{
	struct ioasid__wq *wq = arg;

	pthread_mutex_lock(&wq->lock);
	for (;;) {
		struct ioasid_work *work;

		while (!wq->head && !wq->stop)
			pthread_cond_wait(&wq->more, &wq->lock);
		if (!wq->head)
			break;
		work = wq_pop(wq);
		pthread_mutex_unlock(&wq->lock);
		work->fn(work);
		pthread_mutex_lock(&wq->lock);
		wq->ran++;
		pthread_cond_broadcast(&wq->done);
	}
	pthread_mutex_unlock(&wq->lock);
	return NULL;
}

int ioasid__wq_start(struct ioasid__wq *wq)
{
	int ret;

	wq->head = wq->tail = NULL;
	wq->queued = wq->ran = 0;
	wq->stop = false;
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->more, NULL);
	pthread_cond_init(&wq->done, NULL);
	ret = pthread_create(&wq->thread, NULL, wq_worker, wq);
	if (ret) {
		/* EAGAIN: the system lacks the resources for a thread. */
		pthread_cond_destroy(&wq->done);
		pthread_cond_destroy(&wq->more);
		pthread_mutex_destroy(&wq->lock);
		return -ENOMEM;
	}
	return 0;
}

void ioasid__wq_stop(struct ioasid__wq *wq)
{
	pthread_mutex_lock(&wq->lock);
	wq->stop = true;
	pthread_cond_signal(&wq->more);
	pthread_mutex_unlock(&wq->lock);
	pthread_join(wq->thread, NULL);
	pthread_cond_destroy(&wq->done);
	pthread_cond_destroy(&wq->more);
	pthread_mutex_destroy(&wq->lock);
}

void ioasid_work_init(struct ioasid_work *work, ioasid_work_fn fn)
{
	work->fn = fn;
	work->next = NULL;
	work->queued = 0;
}

bool ioasid_work_queue(struct ioasid_ns *ns, struct ioasid_work *work)
{
	struct ioasid__wq *wq = &ns->wq;
	bool queued = false;

	pthread_mutex_lock(&wq->lock);
	if (work->queued)
		goto out_unlock;
	work->queued = 1;
	work->next = NULL;
	if (wq->tail)
		wq->tail->next = work;
	else
		wq->head = work;
	wq->tail = work;
	wq->queued++;
	queued = true;
	pthread_cond_signal(&wq->more);
out_unlock:
	pthread_mutex_unlock(&wq->lock);
	return queued;
}

void ioasid_work_flush(struct ioasid_ns *ns)
{
	struct ioasid__wq *wq = &ns->wq;
	uint64_t target;

	pthread_mutex_lock(&wq->lock);
	target = wq->queued;
	while (wq->ran < target)
		pthread_cond_wait(&wq->done, &wq->lock);
	pthread_mutex_unlock(&wq->lock);
}
