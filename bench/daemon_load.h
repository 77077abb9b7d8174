/* SPDX-License-Identifier: MIT */
/*
 * daemon_load.h - concurrent clients hammering one ioasidd.
 *
 * One sample forks `clients` processes. Each opens its own handle on the
 * daemon (one handle per process is the daemon's rule), reports ready,
 * and waits behind a start pipe. ioasid-bench then fixes a common
 * deadline `period_ns` ahead, reads the clock and releases all of them at
 * once; each allocates (ioasid_client_alloc(c, 0, 0), the lowest free ID)
 * and frees (ioasid_client_free()) as fast as it can until the deadline.
 *
 *  - allocs/s = ALLOCs completed before the deadline, summed over the
 *    clients, divided by the window from the release to the deadline (a
 *    client that the scheduler wakes late just loses time: that is part of
 *    the figure).
 *  - Latency of one ALLOC is the only place where the daemon benchmarks
 *    read the clock around a single operation: a percentile needs
 *    individual latencies. Each latency (clock_gettime(CLOCK_MONOTONIC)
 *    from just before the call to just after it returns, about 20 ns of
 *    clock reads on a vDSO clock) is recorded in memory shared with
 *    ioasid-bench, up to DAEMON_LOAD_LAT_MAX per client per sample (more
 *    are counted, not recorded, and say so in why); p50 and p99 are taken
 *    over all clients' ALLOCs of the sample (nearest rank).
 *
 * Children exit with _exit() after closing their handle, so nothing of
 * ioasid-bench's state (its own handles, inherited over fork) is touched.
 */
#ifndef IOASID_BENCH_DAEMON_LOAD_H
#define IOASID_BENCH_DAEMON_LOAD_H

#include <stddef.h>
#include <stdint.h>

#define DAEMON_LOAD_LAT_MAX (1u << 18)
#define DAEMON_LOAD_CLIENTS_MAX 64u

struct daemon_load_shm;

struct daemon_load {
	const char *sock; /* the daemon's socket */
	unsigned int clients;
	uint64_t period_ns;
	struct daemon_load_shm *shm; /* shared with the clients */
	size_t shm_len;
	uint32_t *all; /* every latency of a sample, for the percentiles */
	/* Results of the last successful sample. */
	double allocs_per_s;
	double p50_ns;
	double p99_ns;
	char why[256]; /* why the last sample failed */
};

/*
 * daemon_load_init - shared memory for clients (1 to DAEMON_LOAD_CLIENTS_MAX).
 * 0 or -errno (-EINVAL for a client count out of range).
 */
int daemon_load_init(struct daemon_load *l, const char *sock,
		     unsigned int clients, uint64_t period_ns);

/* daemon_load_fini - unmap and free. Accepts a zeroed l. */
void daemon_load_fini(struct daemon_load *l);

/*
 * daemon_load_sample - one sample (fork, release, wait, reap). Returns 0
 * with the results in l, or -errno with l->why set; every client process
 * is reaped either way.
 */
int daemon_load_sample(struct daemon_load *l);

#endif /* IOASID_BENCH_DAEMON_LOAD_H */
