/* SPDX-License-Identifier: MIT */
/*
 * daemon/loop.h - the single epoll event loop of ioasidd.
 *
 * Every descriptor the daemon watches (listener, signals, timers, handles)
 * is a struct loop_source embedded in the object that owns it, registered
 * with its pointer as the epoll cookie. Level-triggered. A source whose fd
 * was set to -1 by an earlier callback in the same batch is skipped, so an
 * object may be closed mid-batch as long as its memory outlives the batch
 * (see ioasid__loop_run's after_batch hook).
 */
#ifndef IOASIDD_LOOP_H
#define IOASIDD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop_source;
typedef void (*loop_fn)(struct loop_source *src, uint32_t events);

struct loop_source {
	int fd; /* -1 once closed */
	loop_fn fn;
};

struct ioasidd_loop {
	int epfd;
	bool stop;
	/* Called after each batch of events, e.g. to free closed objects. */
	void (*after_batch)(void *arg);
	/* Returns the longest the next wait may block, in ms (-1: forever). */
	int (*next_timeout)(void *arg);
	void *arg;
};

/* Errors: -errno from epoll_create1(). */
int ioasid__loop_init(struct ioasidd_loop *l);
void ioasid__loop_destroy(struct ioasidd_loop *l);

/* Errors: -errno from epoll_ctl(). */
int ioasid__loop_add(struct ioasidd_loop *l, struct loop_source *src,
		     uint32_t events);
int ioasid__loop_mod(struct ioasidd_loop *l, struct loop_source *src,
		     uint32_t events);
/* Stop watching src (its fd is still open). Never fails. */
void ioasid__loop_del(struct ioasidd_loop *l, struct loop_source *src);

/* ioasid__loop_run - dispatch events until l->stop is set. -errno on failure. */
int ioasid__loop_run(struct ioasidd_loop *l);

/* ioasid__now_ms - CLOCK_MONOTONIC in milliseconds (no system call). */
uint64_t ioasid__now_ms(void);

#endif /* IOASIDD_LOOP_H */
