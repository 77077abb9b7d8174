/* SPDX-License-Identifier: MIT */
/*
 * floor.c - the physical floors: memcpy, process_vm_readv, the latency of
 * a random memory access and a SOCK_SEQPACKET echo round trip (see
 * floor.h).
 *
 * The echo thread owns echo_fd and echo_buf; the measuring thread owns fd
 * and buf. Stopping shuts our end down: the echo thread's recv() then
 * returns 0 and it exits, and only after the join are its end and buffer
 * freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bench.h"
#include "floor.h"
#include "rng.h"

#define CHASE_SEED UINT64_C(0xc4a5e)
#define LINE_WORDS 8 /* uint64_t per 64-byte line */

/* Allocate len bytes and touch every page, so no fault is timed later. */
static void *alloc_touched(size_t len, int fill)
{
	char *p = aligned_alloc(64, (len + 63) & ~(size_t)63);

	if (p)
		memset(p, fill, len);
	return p;
}

int bench_floor_copy_init(struct bench_floor_copy *f, size_t len)
{
	f->len = len;
	f->src = alloc_touched(len, 0x5a);
	if (!f->src)
		return -ENOMEM;
	f->dst = alloc_touched(len, 0);
	if (!f->dst)
		goto free_src;
	return 0;

free_src:
	free(f->src);
	f->src = NULL;
	return -ENOMEM;
}

void bench_floor_copy_fini(struct bench_floor_copy *f)
{
	free(f->src);
	free(f->dst);
	f->src = f->dst = NULL;
}

int bench_floor_memcpy_batch(void *copy, uint64_t iters)
{
	struct bench_floor_copy *f = copy;

	for (uint64_t i = 0; i < iters; i++) {
		memcpy(f->dst, f->src, f->len);
		/* The copy may not be dropped or merged across iterations. */
		bench_clobber();
	}
	return 0;
}

int bench_floor_vm_readv_batch(void *copy, uint64_t iters)
{
	struct bench_floor_copy *f = copy;
	struct iovec local = { .iov_base = f->dst, .iov_len = f->len };
	struct iovec remote = { .iov_base = f->src, .iov_len = f->len };
	pid_t self = getpid();

	for (uint64_t i = 0; i < iters; i++) {
		ssize_t got = process_vm_readv(self, &local, 1, &remote, 1, 0);

		if (got < 0)
			return -errno;
		if ((size_t)got != f->len)
			return -EIO;
	}
	return 0;
}

/* 0 .. lines-1 in one random cycle (Sattolo's shuffle), or NULL. */
static uint32_t *lines_shuffled(size_t lines)
{
	struct rng rng = { CHASE_SEED };
	uint32_t *order = malloc(lines * sizeof(*order));

	if (!order)
		return NULL;
	for (size_t i = 0; i < lines; i++)
		order[i] = (uint32_t)i;
	for (size_t i = lines - 1; i > 0; i--) {
		size_t j = rng_below(&rng, (uint32_t)i);
		uint32_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	return order;
}

/* Link the lines into one random cycle. 0 or -ENOMEM. */
static int chase_link(struct bench_floor_chase *c)
{
	uint32_t *order = lines_shuffled(c->lines);

	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < c->lines; i++)
		c->buf[(size_t)order[i] * LINE_WORDS] =
			order[(i + 1) % c->lines];
	free(order);
	return 0;
}

int bench_floor_chase_init(struct bench_floor_chase *c, size_t len)
{
	c->lines = len / 64 ? len / 64 : 1;
	c->pos = 0;
	if (c->lines > UINT32_MAX)
		return -ENOMEM;
	c->buf = alloc_touched(c->lines * 64, 0);
	if (!c->buf)
		return -ENOMEM;
	if (chase_link(c))
		goto free_buf;
	return 0;

free_buf:
	free(c->buf);
	c->buf = NULL;
	return -ENOMEM;
}

void bench_floor_chase_fini(struct bench_floor_chase *c)
{
	free(c->buf);
	c->buf = NULL;
}

int bench_floor_chase_batch(void *chase, uint64_t iters)
{
	struct bench_floor_chase *c = chase;
	uint64_t pos = c->pos;

	for (uint64_t i = 0; i < iters; i++)
		pos = c->buf[pos * LINE_WORDS];
	c->pos = pos;
	return 0;
}

int bench_floor_storelock_init(struct bench_floor_storelock *s, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->lines = len / 64 ? len / 64 : 1;
	if (s->lines > UINT32_MAX)
		return -ENOMEM;
	s->buf = alloc_touched(s->lines * 64, 0);
	s->order = lines_shuffled(s->lines);
	if (!s->buf || !s->order) {
		bench_floor_storelock_fini(s);
		return -ENOMEM;
	}
	return 0;
}

void bench_floor_storelock_fini(struct bench_floor_storelock *s)
{
	free(s->buf);
	free(s->order);
	s->buf = NULL;
	s->order = NULL;
}

int bench_floor_storelock_batch(void *storelock, uint64_t iters)
{
	struct bench_floor_storelock *s = storelock;
	uint64_t pos = s->pos;

	for (uint64_t i = 0; i < iters; i++, pos++) {
		s->buf[(size_t)s->order[pos % s->lines] * LINE_WORDS] = pos;
		while (atomic_exchange_explicit(&s->lock, 1,
						memory_order_acquire))
			;
		atomic_store_explicit(&s->lock, 0, memory_order_release);
	}
	s->pos = pos;
	return 0;
}

static void *echo_main(void *arg)
{
	struct bench_floor_echo *e = arg;

	for (;;) {
		ssize_t got = recv(e->echo_fd, e->echo_buf, e->len, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (send(e->echo_fd, e->echo_buf, (size_t)got, MSG_NOSIGNAL) < 0)
			break;
	}
	return NULL;
}

static int echo_alloc_buffers(struct bench_floor_echo *e, size_t len)
{
	e->len = len ? len : 1;
	e->buf = alloc_touched(e->len, 0x42);
	e->echo_buf = alloc_touched(e->len, 0);
	if (e->buf && e->echo_buf)
		return 0;
	free(e->buf);
	free(e->echo_buf);
	return -ENOMEM;
}

int bench_floor_echo_start(struct bench_floor_echo *e, size_t len)
{
	int fds[2], err;

	err = echo_alloc_buffers(e, len);
	if (err)
		return err;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds)) {
		err = -errno;
		goto free_buffers;
	}
	e->fd = fds[0];
	e->echo_fd = fds[1];
	err = -pthread_create(&e->thread, NULL, echo_main, e);
	if (err)
		goto close_sockets;
	return 0;

close_sockets:
	close(fds[0]);
	close(fds[1]);
free_buffers:
	free(e->buf);
	free(e->echo_buf);
	return err;
}

void bench_floor_echo_stop(struct bench_floor_echo *e)
{
	shutdown(e->fd, SHUT_RDWR);
	pthread_join(e->thread, NULL);
	close(e->fd);
	close(e->echo_fd);
	free(e->buf);
	free(e->echo_buf);
}

static int echo_round_trip(struct bench_floor_echo *e)
{
	ssize_t got;

	if (send(e->fd, e->buf, e->len, MSG_NOSIGNAL) < 0)
		return -errno;
	do
		got = recv(e->fd, e->buf, e->len, 0);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	return (size_t)got == e->len ? 0 : -EPIPE;
}

int bench_floor_echo_batch(void *echo, uint64_t iters)
{
	struct bench_floor_echo *e = echo;

	for (uint64_t i = 0; i < iters; i++) {
		int err = echo_round_trip(e);

		if (err)
			return err;
	}
	return 0;
}
