/* SPDX-License-Identifier: MIT */
/*
 * floor.h - the physical floors: what moving bytes costs on this machine
 * with no ioasid code involved. Other modules put them beside their own
 * figures as peers (a DMA copy beside memcpy or process_vm_readv, a daemon
 * round trip beside a bare SOCK_SEQPACKET echo, a table walk beside the
 * latency of a random memory access).
 *
 * Each floor is a batch function (bench_batch_fn) over its state, to be used
 * as a struct bench_series with .batch and .arg; bench_measure() then
 * yields nanoseconds per operation. Bandwidth is len / (ns per op).
 *
 *	struct bench_floor_echo echo;
 *	if (bench_floor_echo_start(&echo, 64) == 0) {
 *		struct bench_series s[] = {
 *			{ .name = "mine", .batch = my_round_trips, .arg = &me },
 *			{ .name = "echo", .batch = bench_floor_echo_batch,
 *			  .arg = &echo },
 *		};
 *		bench_measure(ctx, s, 2);
 *		bench_floor_echo_stop(&echo);
 *	}
 */
#ifndef IOASID_BENCH_FLOOR_H
#define IOASID_BENCH_FLOOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A source and a destination buffer of len bytes, both already touched. */
struct bench_floor_copy {
	size_t len;
	char *src;
	char *dst;
};

/* bench_floor_copy_init - allocate and touch the buffers. 0 or -ENOMEM. */
int bench_floor_copy_init(struct bench_floor_copy *f, size_t len);

/* bench_floor_copy_fini - free the buffers. Accepts a zeroed f. */
void bench_floor_copy_fini(struct bench_floor_copy *f);

/* bench_floor_memcpy_batch - iters times memcpy(dst, src, len). Arg: copy. */
int bench_floor_memcpy_batch(void *copy, uint64_t iters);

/*
 * bench_floor_vm_readv_batch - iters times process_vm_readv() of src into
 * dst from this very process: the system-call floor of reading a client's
 * memory by pid. Arg: copy. Returns -errno if the call is refused (e.g.
 * EPERM under a seccomp policy), 0 otherwise.
 */
int bench_floor_vm_readv_batch(void *copy, uint64_t iters);

/*
 * A buffer of len bytes whose 64-byte lines form one random cycle: each
 * line holds the index of the next. Following it is a chain of dependent
 * loads, each to a line the hardware cannot predict: the latency of one
 * random memory access over len bytes (a cache hit for small len, a cache
 * and TLB miss for large len).
 */
struct bench_floor_chase {
	size_t lines;
	uint64_t *buf;
	uint64_t pos; /* where the next batch continues the chain */
};

/* bench_floor_chase_init - build the cycle (fixed seed). 0 or -ENOMEM. */
int bench_floor_chase_init(struct bench_floor_chase *c, size_t len);

/* bench_floor_chase_fini - free the buffer. Accepts a zeroed c. */
void bench_floor_chase_fini(struct bench_floor_chase *c);

/* bench_floor_chase_batch - iters dependent loads. Arg: chase. */
int bench_floor_chase_batch(void *chase, uint64_t iters);

/*
 * Stores to random lines of a buffer, each followed by an atomic exchange
 * and a release store on one word that stays in cache: the shape of the
 * least an allocation at a random ID can do (write the ID's line, then
 * take and drop a lock). The addresses do not depend on each other, so the
 * CPU overlaps the misses of many iterations: the figure is a throughput
 * floor, far below the latency of one miss (bench_floor_chase).
 */
struct bench_floor_storelock {
	size_t lines;
	uint64_t *buf;
	uint32_t *order; /* a random permutation of the lines */
	_Atomic uint32_t lock;
	uint64_t pos; /* where the next batch continues in order */
};

/* bench_floor_storelock_init - buffer and order (fixed seed). 0, -ENOMEM. */
int bench_floor_storelock_init(struct bench_floor_storelock *s, size_t len);

/* bench_floor_storelock_fini - free both. Accepts a zeroed s. */
void bench_floor_storelock_fini(struct bench_floor_storelock *s);

/* bench_floor_storelock_batch - iters store + exchange. Arg: storelock. */
int bench_floor_storelock_batch(void *storelock, uint64_t iters);

/*
 * A SOCK_SEQPACKET socket pair whose far end is served by a thread that
 * sends every message straight back.
 */
struct bench_floor_echo {
	int fd; /* our end */
	int echo_fd; /* the echo thread's end */
	size_t len; /* message size */
	char *buf; /* our message buffer */
	char *echo_buf; /* the echo thread's buffer */
	pthread_t thread;
};

/* bench_floor_echo_start - socket pair and echo thread. 0 or -errno. */
int bench_floor_echo_start(struct bench_floor_echo *e, size_t len);

/* bench_floor_echo_stop - stop and join the thread, close, free. */
void bench_floor_echo_stop(struct bench_floor_echo *e);

/*
 * bench_floor_echo_batch - iters round trips: send len bytes, receive the
 * echo. Arg: echo. 0 or -errno (-EPIPE if the echo thread is gone).
 */
int bench_floor_echo_batch(void *echo, uint64_t iters);

#endif /* IOASID_BENCH_FLOOR_H */
