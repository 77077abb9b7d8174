// SPDX-License-Identifier: MIT
/* The epoll event loop (see loop.h). */
#include <errno.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define LOOP_BATCH 64

int ioasid__loop_init(struct ioasidd_loop *l)
{
	*l = (struct ioasidd_loop){ .epfd = epoll_create1(EPOLL_CLOEXEC) };
	return l->epfd < 0 ? -errno : 0;
}

void ioasid__loop_destroy(struct ioasidd_loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

static int loop_ctl(struct ioasidd_loop *l, int op, struct loop_source *src,
		    uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = src };

	return epoll_ctl(l->epfd, op, src->fd, &ev) ? -errno : 0;
}

int ioasid__loop_add(struct ioasidd_loop *l, struct loop_source *src,
		     uint32_t events)
{
	return loop_ctl(l, EPOLL_CTL_ADD, src, events);
}

int ioasid__loop_mod(struct ioasidd_loop *l, struct loop_source *src,
		     uint32_t events)
{
	return loop_ctl(l, EPOLL_CTL_MOD, src, events);
}

void ioasid__loop_del(struct ioasidd_loop *l, struct loop_source *src)
{
	/* Fails only if src was never added, which changes nothing. */
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, src->fd, NULL);
}

int ioasid__loop_run(struct ioasidd_loop *l)
{
	struct epoll_event evs[LOOP_BATCH];

	while (!l->stop) {
		int timeout = l->next_timeout ? l->next_timeout(l->arg) : -1;
		int n = epoll_wait(l->epfd, evs, LOOP_BATCH, timeout);

		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++) {
			struct loop_source *src = evs[i].data.ptr;

			if (src->fd >= 0)
				src->fn(src, evs[i].events);
		}
		if (l->after_batch)
			l->after_batch(l->arg);
	}
	return 0;
}

uint64_t ioasid__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
