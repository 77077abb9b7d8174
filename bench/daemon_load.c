/* SPDX-License-Identifier: MIT */
/*
 * daemon_load.c - concurrent clients of one ioasidd (daemon_load.h).
 *
 * Shared memory (MAP_SHARED | MAP_ANONYMOUS, mapped once and inherited by
 * every client) holds the deadline, written by ioasid-bench before the
 * release, and one slot per client, written only by that client and read
 * by ioasid-bench after it has reaped the client. Two pipes synchronise:
 * each client writes one byte to `ready` once its handle is open, and
 * blocks reading `go` until ioasid-bench closes the write end (every client
 * closes its inherited copy of that end first, or the read would never
 * end).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ioasid/client.h>

#include "bench.h"
#include "daemon_load.h"

struct load_slot {
	uint64_t allocs; /* completed before the deadline */
	uint64_t dropped; /* latencies not recorded (slot full) */
	uint32_t nlat;
	int err; /* 0 or the -errno that stopped the client */
	uint32_t lat[DAEMON_LOAD_LAT_MAX]; /* ns per ALLOC */
};

struct daemon_load_shm {
	_Atomic uint64_t deadline_ns;
	struct load_slot slot[];
};

int daemon_load_init(struct daemon_load *l, const char *sock,
		     unsigned int clients, uint64_t period_ns)
{
	*l = (struct daemon_load){ .sock = sock, .clients = clients,
				   .period_ns = period_ns };
	if (clients == 0 || clients > DAEMON_LOAD_CLIENTS_MAX)
		return -EINVAL;
	l->shm_len = sizeof(*l->shm) + clients * sizeof(struct load_slot);
	l->shm = mmap(NULL, l->shm_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (l->shm == MAP_FAILED) {
		l->shm = NULL;
		return -errno;
	}
	l->all = malloc((size_t)clients * DAEMON_LOAD_LAT_MAX *
			sizeof(*l->all));
	if (!l->all) {
		munmap(l->shm, l->shm_len);
		l->shm = NULL;
		return -ENOMEM;
	}
	return 0;
}

void daemon_load_fini(struct daemon_load *l)
{
	if (l->shm)
		munmap(l->shm, l->shm_len);
	free(l->all);
	l->shm = NULL;
	l->all = NULL;
}

/* ------------------------------------------------------------------------
 * A client process
 */

static void slot_record(struct load_slot *s, uint64_t ns)
{
	s->allocs++;
	if (s->nlat < DAEMON_LOAD_LAT_MAX)
		s->lat[s->nlat++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
	else
		s->dropped++;
}

/* Allocate and free until the deadline. 0 or -errno. */
static int client_hammer(struct ioasid_client *c, struct load_slot *s,
			 uint64_t deadline)
{
	for (;;) {
		uint64_t t0 = bench_now_ns(), t1;
		ioasid_t id;
		int err;

		if (t0 >= deadline)
			return 0;
		err = ioasid_client_alloc(c, 0, 0, &id);
		t1 = bench_now_ns();
		if (err)
			return err;
		if (t1 <= deadline)
			slot_record(s, t1 - t0);
		err = ioasid_client_free(c, id);
		if (err)
			return err;
	}
}

static __attribute__((noreturn)) void client_main(struct daemon_load *l,
						  struct load_slot *s,
						  int ready_fd, int go_fd)
{
	struct ioasid_client *c = NULL;
	char byte = 1;
	int err;

	err = ioasid_client_open(l->sock, &c);
	if (!err)
		err = ioasid_client_reconnect_set(c, 0, 0, 0);
	if (write(ready_fd, &byte, 1) != 1 && !err)
		err = -EPIPE;
	while (read(go_fd, &byte, 1) < 0 && errno == EINTR)
		;
	if (!err)
		err = client_hammer(c, s, atomic_load(&l->shm->deadline_ns));
	s->err = err;
	ioasid_client_close(c);
	_exit(err ? 1 : 0);
}

/* ------------------------------------------------------------------------
 * ioasid-bench's side
 */

struct pipes {
	int ready[2];
	int go[2];
};

static int pipes_open(struct pipes *p)
{
	if (pipe2(p->ready, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(p->go, O_CLOEXEC) < 0) {
		int err = -errno;

		close(p->ready[0]);
		close(p->ready[1]);
		return err;
	}
	return 0;
}

static void fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void pipes_close(struct pipes *p)
{
	fd_close(&p->ready[0]);
	fd_close(&p->ready[1]);
	fd_close(&p->go[0]);
	fd_close(&p->go[1]);
}

/* Fork the clients, counting them in *forked. 0 or -errno. */
static int clients_fork(struct daemon_load *l, struct pipes *p, pid_t *pids,
			unsigned int *forked)
{
	for (*forked = 0; *forked < l->clients; ++*forked) {
		struct load_slot *s = &l->shm->slot[*forked];
		pid_t pid;

		memset(s, 0, offsetof(struct load_slot, lat));
		pid = fork();
		if (pid == 0) {
			close(p->ready[0]);
			close(p->go[1]);
			client_main(l, s, p->ready[1], p->go[0]);
		}
		if (pid < 0)
			return -errno;
		pids[*forked] = pid;
	}
	return 0;
}

/* Wait until every client reported ready (or one died trying). */
static int clients_ready(struct daemon_load *l, struct pipes *p)
{
	char bytes[64];
	unsigned int got = 0;

	fd_close(&p->ready[1]);
	while (got < l->clients) {
		ssize_t n = read(p->ready[0], bytes, sizeof(bytes));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		got += (unsigned int)n;
	}
	return 0;
}

/* Reap the n forked clients; the first failure found, or 0. */
static int clients_reap(struct daemon_load *l, const pid_t *pids,
			unsigned int n)
{
	int first = 0;

	for (unsigned int i = 0; i < n; i++) {
		int status = 0;

		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (first)
			continue;
		if (l->shm->slot[i].err)
			first = l->shm->slot[i].err;
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			first = -ECHILD;
		if (first)
			snprintf(l->why, sizeof(l->why), "load client %u: %s",
				 i, strerror(-first));
	}
	return first;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile p (0 < p <= 1) of the sorted v[0..n-1]. */
static double rank(const uint32_t *v, size_t n, double p)
{
	size_t k = (size_t)(p * (double)n + 0.999999);

	return n ? (double)v[(k ? k : 1) - 1] : NAN;
}

static int results_collect(struct daemon_load *l, uint64_t window_ns)
{
	uint64_t allocs = 0, dropped = 0;
	size_t n = 0;

	for (unsigned int i = 0; i < l->clients; i++) {
		const struct load_slot *s = &l->shm->slot[i];

		allocs += s->allocs;
		dropped += s->dropped;
		memcpy(l->all + n, s->lat, s->nlat * sizeof(*l->all));
		n += s->nlat;
	}
	if (dropped)
		fprintf(stderr,
			"ioasid-bench: daemon load: %llu latencies beyond %u per client not recorded\n",
			(unsigned long long)dropped, DAEMON_LOAD_LAT_MAX);
	if (!allocs) {
		snprintf(l->why, sizeof(l->why), "no ALLOC completed");
		return -EIO;
	}
	qsort(l->all, n, sizeof(*l->all), cmp_u32);
	l->allocs_per_s = (double)allocs * 1e9 / (double)window_ns;
	l->p50_ns = rank(l->all, n, 0.50);
	l->p99_ns = rank(l->all, n, 0.99);
	return 0;
}

int daemon_load_sample(struct daemon_load *l)
{
	pid_t pids[DAEMON_LOAD_CLIENTS_MAX];
	struct pipes p;
	uint64_t start = 0, deadline = 0;
	unsigned int forked;
	int err, reaped;

	l->why[0] = '\0';
	err = pipes_open(&p);
	if (err)
		return err;
	atomic_store(&l->shm->deadline_ns, 0); /* a failed start: no work */
	err = clients_fork(l, &p, pids, &forked);
	if (!err)
		err = clients_ready(l, &p);
	if (!err) {
		start = bench_now_ns();
		deadline = start + l->period_ns;
		atomic_store(&l->shm->deadline_ns, deadline);
	}
	fd_close(&p.go[1]); /* the release */
	reaped = clients_reap(l, pids, forked);
	pipes_close(&p);
	if (!err)
		err = reaped;
	if (!err)
		return results_collect(l, deadline - start);
	if (!l->why[0])
		snprintf(l->why, sizeof(l->why), "starting load clients: %s",
			 strerror(-err));
	return err;
}
