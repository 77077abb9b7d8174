/* SPDX-License-Identifier: MIT */
/*
 * The namespace's ordered work queue: one worker thread, started with the
 * namespace, that runs queued work items one at a time in queue order.
 */
#ifndef IOASID_CORE_WORK_H
#define IOASID_CORE_WORK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>

struct ioasid__wq {
	/*
	 * lock protects every field below and the next/queued fields of the
	 * queued items. It is a leaf lock: nothing else is taken under it and
	 * work functions run without it.
	 */
	pthread_mutex_t lock;
	pthread_cond_t more; /* work queued or stop requested */
	pthread_cond_t done; /* done advanced */
	struct ioasid_work *head, *tail;
	uint64_t queued; /* items ever queued */
	uint64_t ran; /* items ever run to completion */
	bool stop;
	pthread_t thread;
};

/* Initialise and start the worker. Returns 0 or -ENOMEM. */
int ioasid__wq_start(struct ioasid__wq *wq);
/* Run everything queued (including work queued by work), then join. */
void ioasid__wq_stop(struct ioasid__wq *wq);

#endif /* IOASID_CORE_WORK_H */
