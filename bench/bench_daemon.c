/* SPDX-License-Identifier: MIT */
/*
 * bench_daemon.c - ioasidd through libioasid-client beside the physical
 * floor of its transport, issue 3 "Speed".
 *
 * Every figure talks to a daemon started by this module: the ioasidd binary
 * of the same build (IOASID_BENCH_IOASIDD), in the foreground, on a socket
 * in a temporary directory, with a quota of DAEMON_QUOTA per handle
 * (daemon_proc.h). The daemons are stopped and their directories removed
 * at the end of the module, also when a figure failed.
 *
 * The peer of a round trip is a SOCK_SEQPACKET echo served by a child
 * process (daemon_echo.h), with messages of the sizes the client and the
 * daemon exchange: a request of header + op struct, a reply of header +
 * reply struct. ALLOC and FREE have the same sizes both ways (checked at
 * compile time), so one echo stands for both. ALLOC+FREE is two exchanges,
 * so its peer is two echo round trips ("seqpacket echo x2").
 *
 * Figures (names start with daemon.):
 *   rtt.alloc_free         ioasid_client_alloc(0, 0) + ioasid_client_free,
 *                          journal off, ns per pair, vs seqpacket echo x2
 *   rtt.alloc, rtt.free    one ALLOC, one FREE, vs one echo round trip
 *   throughput.8clients    8 client processes allocating and freeing for a
 *                          fixed time: allocs/s, and p50/p99 of one ALLOC
 *   journal.alloc.batch    one ALLOC with --state-dir and the default fsync
 *                          policy, vs one ALLOC with the journal off
 *   journal.alloc.always   the same with fsync = always
 *
 * A single ALLOC cannot be repeated in a batch without its FREE, and the
 * other way round, so the single-operation figures take their own samples
 * (single_sample()): k ALLOCs timed as one batch, then their k FREEs
 * untimed (or k ALLOCs untimed, then k FREEs timed), k calibrated on the
 * first sample by bench_calibrate(), as bench_measure() calibrates a batch
 * (at least ctx->batch_ns, 20 times that for the journal figures, at most
 * SINGLE_MAX operations).
 *
 * The round-trip and journal figures run with ioasid-bench, the echo
 * process and the daemons pinned to one CPU (daemon_pin.h), so that every
 * round trip, daemon or echo, is two same-CPU context switches rather than
 * a cross-CPU wake-up whose cost depends on the scheduler's placement. The
 * throughput figure is not pinned: the daemon and its 8 clients use
 * whatever CPUs the scheduler gives them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/client.h>
#include <ioasid/proto.h>

#include "bench.h"
#include "daemon_echo.h"
#include "daemon_load.h"
#include "daemon_pin.h"
#include "daemon_proc.h"
#include "stats.h"

/* The messages of ALLOC and FREE, as libioasid-client and ioasidd send them. */
#define ALLOC_REQ_LEN \
	(sizeof(struct ioasid_msg_hdr) + sizeof(struct ioasid_req_alloc))
#define ALLOC_REP_LEN \
	(sizeof(struct ioasid_reply_hdr) + sizeof(struct ioasid_rep_id))
#define FREE_REQ_LEN \
	(sizeof(struct ioasid_msg_hdr) + sizeof(struct ioasid_req_id))
#define FREE_REP_LEN \
	(sizeof(struct ioasid_reply_hdr) + sizeof(struct ioasid_rep_empty))
_Static_assert(ALLOC_REQ_LEN == FREE_REQ_LEN && ALLOC_REP_LEN == FREE_REP_LEN,
	       "one echo stands for ALLOC and FREE");

#define DAEMON_QUOTA 65536 /* per handle: room for SINGLE_MAX live IDs */
#define SINGLE_MAX 32768 /* operations in one single-op sample at most */
#define SINGLE_FIRST 16
#define CONNECT_TIMEOUT_MS 10000
#define LOAD_CLIENTS 8
#define LOAD_PERIOD_BATCHES 100 /* a load sample lasts 100 batch lengths */
/*
 * A journal sample lasts 20 batch lengths (100 ms): with fsync = batch, one
 * ALLOC in every 10 ms interval pays the fdatasync of the group, so a
 * sample must span many intervals to show the cost per ALLOC.
 */
#define JOURNAL_SPAN 20.0

/* Goals of issue 3. */
#define GOAL_RTT_VS_ECHO 1.3
#define GOAL_ALLOCS_PER_S 50000.0

static const char *const figure_rtt[] = { "daemon.rtt.alloc_free",
					  "daemon.rtt.alloc",
					  "daemon.rtt.free" };
static const char *const figure_load[] = {
	"daemon.throughput.8clients", "daemon.throughput.8clients.alloc_p50",
	"daemon.throughput.8clients.alloc_p99"
};
static const char *const figure_journal[] = { "daemon.journal.alloc.batch",
					      "daemon.journal.alloc.always" };

/* ------------------------------------------------------------------------
 * Daemons and their handles
 */

struct daemon {
	struct daemon_proc proc;
	struct ioasid_client *c; /* this process's handle */
};

/*
 * Check the client and daemon against the model before timing anything:
 * two ALLOCs give two distinct IDs the handle then owns, FREE gives them
 * back, and a second FREE of the same ID is refused with ENOENT.
 */
static int daemon_verify(struct ioasid_client *c)
{
	struct ioasid_client_info info;
	ioasid_t a, b;
	int err;

	err = ioasid_client_alloc(c, 0, 0, &a);
	if (err)
		return err;
	err = ioasid_client_alloc(c, 0, 0, &b);
	if (!err && a == b)
		err = -EIO;
	if (!err)
		err = ioasid_client_info(c, &info);
	if (!err && info.nr_ids != 2)
		err = -EIO;
	if (!err)
		err = ioasid_client_free(c, a);
	if (!err)
		err = ioasid_client_free(c, b);
	if (!err && ioasid_client_free(c, a) != -ENOENT)
		err = -EIO;
	if (!err)
		err = ioasid_client_info(c, &info);
	if (!err && info.nr_ids != 0)
		err = -EIO;
	return err;
}

static int daemon_up(struct bench_ctx *ctx, struct daemon *d,
		     enum daemon_journal journal)
{
	int err = daemon_proc_start(&d->proc, journal, DAEMON_QUOTA);

	if (!err)
		err = daemon_proc_connect(&d->proc, CONNECT_TIMEOUT_MS, &d->c);
	if (err) {
		bench_fail(ctx, "%s", d->proc.why);
		return err;
	}
	err = daemon_verify(d->c);
	if (err)
		bench_fail(ctx, "ioasidd: ALLOC/FREE do not behave as documented: %s",
			   strerror(-err));
	return err;
}

/* Close the handle, stop the daemon; an unclean exit fails the module. */
static void daemon_down(struct bench_ctx *ctx, struct daemon *d)
{
	ioasid_client_close(d->c);
	d->c = NULL;
	if (daemon_proc_stop(&d->proc))
		bench_fail(ctx, "%s", d->proc.why);
}

/*
 * bench_measure() with this process and its servers on one CPU
 * (daemon_pin.h); unpinned, saying so, where pinning is refused.
 */
static void measure_pinned(struct bench_ctx *ctx, struct bench_series *s,
			   size_t n, const pid_t *servers, size_t nr_servers)
{
	struct daemon_pin pin;
	int err = daemon_pin_start(&pin, servers, nr_servers);

	if (err)
		fprintf(stderr,
			"ioasid-bench: daemon: cannot pin to one CPU (%s): measuring unpinned\n",
			strerror(-err));
	bench_measure(ctx, s, n);
	if (!err)
		daemon_pin_stop(&pin);
}

/* ------------------------------------------------------------------------
 * Round trips through the daemon
 */

static int pair_batch(void *client, uint64_t iters)
{
	struct ioasid_client *c = client;

	for (uint64_t i = 0; i < iters; i++) {
		ioasid_t id;
		int err = ioasid_client_alloc(c, 0, 0, &id);

		if (err)
			return err;
		err = ioasid_client_free(c, id);
		if (err)
			return err;
	}
	return 0;
}

/* A single-operation series: which operation is timed, and its state. */
struct single {
	struct ioasid_client *c;
	bool time_free; /* false: ALLOCs timed, true: FREEs timed */
	double span; /* a sample lasts at least span * ctx->batch_ns */
	uint64_t k; /* calibrated operations per sample; 0 before */
	ioasid_t ids[SINGLE_MAX];
};

static int single_allocs(struct single *x, uint64_t k, uint64_t *done)
{
	for (*done = 0; *done < k; ++*done) {
		int err = ioasid_client_alloc(x->c, 0, 0, &x->ids[*done]);

		if (err)
			return err;
	}
	return 0;
}

static int single_frees(struct single *x, uint64_t k)
{
	int first = 0;

	/* Free all of them even after a failure: leave the set empty. */
	for (uint64_t i = 0; i < k; i++) {
		int err = ioasid_client_free(x->c, x->ids[i]);

		if (err && !first)
			first = err;
	}
	return first;
}

/*
 * k ALLOCs and k FREEs of series s, one of the two timed: its nanoseconds,
 * NaN (and s->err) on error.
 */
static double single_time(void *series, uint64_t k)
{
	struct bench_series *s = series;
	struct single *x = s->arg;
	uint64_t t0, t1, t2, done;
	int err, err_free;

	bench_clobber();
	t0 = bench_now_ns();
	err = single_allocs(x, k, &done);
	t1 = bench_now_ns();
	err_free = single_frees(x, done);
	t2 = bench_now_ns();
	bench_clobber();
	s->err = err ? err : err_free;
	if (s->err)
		return NAN;
	return (double)(x->time_free ? t2 - t1 : t1 - t0);
}

static double single_sample(struct bench_ctx *ctx, struct bench_series *s)
{
	struct single *x = s->arg;
	uint64_t k = SINGLE_FIRST;
	double elapsed;

	if (s->err)
		return NAN;
	if (x->k)
		return single_time(s, x->k) / (double)x->k;
	elapsed = bench_calibrate(ctx->batch_ns * x->span, &k, SINGLE_MAX,
				  single_time, s);
	if (!isnan(elapsed))
		x->k = k;
	return elapsed / (double)k;
}

static struct single *single_new(struct ioasid_client *c, bool time_free,
				 double span)
{
	struct single *x = calloc(1, sizeof(*x));

	if (x) {
		x->c = c;
		x->time_free = time_free;
		x->span = span;
	}
	return x;
}

static void rtt_report(struct bench_ctx *ctx, const struct bench_series *s)
{
	if (bench_want(ctx, figure_rtt[0]))
		bench_report(ctx, &(struct bench_row){
			.name = figure_rtt[0], .unit = "ns/pair",
			.value = s[0].median, .peer = "seqpacket echo x2",
			.peer_value = s[1].median,
			.goals = { { BENCH_GOAL_RATIO_MAX, GOAL_RTT_VS_ECHO } } });
	for (size_t i = 1; i < 3; i++)
		if (bench_want(ctx, figure_rtt[i]))
			bench_report(ctx, &(struct bench_row){
				.name = figure_rtt[i], .unit = "ns/op",
				.value = s[i + 1].median,
				.peer = "seqpacket echo",
				.peer_value = s[4].median });
}

static void rtt_run(struct bench_ctx *ctx, struct daemon *d,
		    struct daemon_echo *echo)
{
	struct daemon_echo_op echo2 = { echo, 2 }, echo1 = { echo, 1 };
	struct single *alloc1 = single_new(d->c, false, 1);
	struct single *free1 = single_new(d->c, true, 1);

	if (!alloc1 || !free1) {
		bench_fail(ctx, "daemon.rtt: out of memory");
		goto free_singles;
	}
	struct bench_series s[] = {
		{ .name = figure_rtt[0], .batch = pair_batch, .arg = d->c },
		{ .name = "seqpacket echo x2", .batch = daemon_echo_batch,
		  .arg = &echo2 },
		{ .name = figure_rtt[1], .sample = single_sample, .arg = alloc1 },
		{ .name = figure_rtt[2], .sample = single_sample, .arg = free1 },
		{ .name = "seqpacket echo", .batch = daemon_echo_batch,
		  .arg = &echo1 },
	};
	measure_pinned(ctx, s, sizeof(s) / sizeof(s[0]),
		       (pid_t[]){ d->proc.pid, echo->pid }, 2);
	rtt_report(ctx, s);
free_singles:
	free(alloc1);
	free(free1);
}

/* ------------------------------------------------------------------------
 * Concurrent clients
 */

struct load_series {
	struct daemon_load load;
	int taken; /* samples so far; the first is bench_measure()'s warm-up */
	double *p50; /* per timed sample */
	double *p99;
};

static double load_sample(struct bench_ctx *ctx, struct bench_series *s)
{
	struct load_series *ls = s->arg;
	int n = ls->taken++;

	if (s->err)
		return NAN;
	s->err = daemon_load_sample(&ls->load);
	if (s->err) {
		fprintf(stderr, "ioasid-bench: daemon load: %s\n",
			ls->load.why);
		return NAN;
	}
	if (n > 0 && n <= ctx->runs) {
		ls->p50[n - 1] = ls->load.p50_ns;
		ls->p99[n - 1] = ls->load.p99_ns;
	}
	return ls->load.allocs_per_s;
}

static void load_report(struct bench_ctx *ctx, struct load_series *ls,
			double allocs_per_s)
{
	double p50 = stats_median(ls->p50, (size_t)ctx->runs);
	double p99 = stats_median(ls->p99, (size_t)ctx->runs);

	if (bench_want(ctx, figure_load[0]))
		bench_report(ctx, &(struct bench_row){
			.name = figure_load[0], .unit = "allocs/s",
			.value = allocs_per_s,
			.goals = { { BENCH_GOAL_VALUE_MIN, GOAL_ALLOCS_PER_S } } });
	if (bench_want(ctx, figure_load[1]))
		bench_report(ctx, &(struct bench_row){
			.name = figure_load[1], .unit = "ns", .value = p50 });
	if (bench_want(ctx, figure_load[2]))
		bench_report(ctx, &(struct bench_row){
			.name = figure_load[2], .unit = "ns", .value = p99 });
}

static void load_run(struct bench_ctx *ctx, struct daemon *d)
{
	struct load_series ls = { .taken = 0 };
	uint64_t period = (uint64_t)(ctx->batch_ns * LOAD_PERIOD_BATCHES);
	int err;

	ls.p50 = calloc((size_t)ctx->runs, sizeof(double));
	ls.p99 = calloc((size_t)ctx->runs, sizeof(double));
	err = ls.p50 && ls.p99 ? 0 : -ENOMEM;
	if (!err)
		err = daemon_load_init(&ls.load, d->proc.sock, LOAD_CLIENTS,
				       period);
	if (err) {
		bench_fail(ctx, "daemon.throughput: %s", strerror(-err));
		goto free_arrays;
	}
	for (int i = 0; i < ctx->runs; i++)
		ls.p50[i] = ls.p99[i] = NAN;
	struct bench_series s = { .name = figure_load[0],
				  .sample = load_sample, .arg = &ls };
	bench_measure(ctx, &s, 1);
	load_report(ctx, &ls, s.median);
	daemon_load_fini(&ls.load);
free_arrays:
	free(ls.p50);
	free(ls.p99);
}

/* ------------------------------------------------------------------------
 * The journal
 */

static void journal_measure(struct bench_ctx *ctx, struct daemon *off,
			    struct daemon *batch, struct daemon *always)
{
	struct single *x[3] = { single_new(off->c, false, JOURNAL_SPAN),
				single_new(batch->c, false, JOURNAL_SPAN),
				single_new(always->c, false, JOURNAL_SPAN) };

	if (!x[0] || !x[1] || !x[2]) {
		bench_fail(ctx, "daemon.journal: out of memory");
		goto free_singles;
	}
	struct bench_series s[] = {
		{ .name = "journal off", .sample = single_sample, .arg = x[0] },
		{ .name = figure_journal[0], .sample = single_sample,
		  .arg = x[1] },
		{ .name = figure_journal[1], .sample = single_sample,
		  .arg = x[2] },
	};
	measure_pinned(ctx, s, 3,
		       (pid_t[]){ off->proc.pid, batch->proc.pid,
				  always->proc.pid },
		       3);
	for (size_t i = 0; i < 2; i++)
		if (bench_want(ctx, figure_journal[i]))
			bench_report(ctx, &(struct bench_row){
				.name = figure_journal[i], .unit = "ns/op",
				.value = s[i + 1].median,
				.peer = "journal off",
				.peer_value = s[0].median });
free_singles:
	for (size_t i = 0; i < 3; i++)
		free(x[i]);
}

static void journal_run(struct bench_ctx *ctx, struct daemon *off)
{
	struct daemon batch = { .c = NULL }, always = { .c = NULL };

	if (daemon_up(ctx, &batch, DAEMON_JOURNAL_BATCH) == 0 &&
	    daemon_up(ctx, &always, DAEMON_JOURNAL_ALWAYS) == 0) {
		if (daemon_proc_fs_is_tmpfs(&always.proc))
			fprintf(stderr,
				"ioasid-bench: daemon.journal: %s is on a tmpfs, where fsync costs nothing; set TMPDIR to a disk-backed directory\n",
				always.proc.dir);
		journal_measure(ctx, off, &batch, &always);
	}
	daemon_down(ctx, &always);
	daemon_down(ctx, &batch);
}

/* ------------------------------------------------------------------------
 * The module
 */

static void daemon_run(struct bench_ctx *ctx)
{
	bool rtt = BENCH_WANT_ANY(ctx, figure_rtt);
	bool load = BENCH_WANT_ANY(ctx, figure_load);
	bool journal = BENCH_WANT_ANY(ctx, figure_journal);
	struct daemon_echo echo = { .fd = -1 };
	struct daemon off = { .c = NULL };

	if (!rtt && !load && !journal)
		return;
	/* The echo process first: it must inherit no client descriptor. */
	if (rtt && daemon_echo_start(&echo, ALLOC_REQ_LEN, ALLOC_REP_LEN)) {
		bench_fail(ctx, "daemon.rtt: cannot start the echo process");
		rtt = false;
	}
	if (daemon_up(ctx, &off, DAEMON_JOURNAL_OFF) == 0) {
		if (rtt)
			rtt_run(ctx, &off, &echo);
		if (load)
			load_run(ctx, &off);
		if (journal)
			journal_run(ctx, &off);
	}
	daemon_down(ctx, &off);
	if (daemon_echo_stop(&echo))
		bench_fail(ctx, "daemon.rtt: the echo process failed");
}

const struct bench_module bench_module_daemon = {
	.name = "daemon",
	.summary = "ioasidd via libioasid-client: round trips vs a "
		   "cross-process SOCK_SEQPACKET echo, 8-client throughput, "
		   "journal cost (issue 3)",
	.run = daemon_run,
	.child = NULL,
};
