/* SPDX-License-Identifier: MIT */
/*
 * bench.h - the interface between the benchmark harness and its modules.
 *
 * A module (bench/bench_<name>.c) exports one `const struct bench_module
 * bench_module_<name>` and is listed once in IOASID_BENCH_MODULES in
 * bench/CMakeLists.txt. The harness calls its run() function, which:
 *
 *  1. asks bench_want() whether a figure passes the --filter, and skips the
 *     set-up of figures nobody asked for;
 *  2. describes the things to time as an array of series (the subject and
 *     its peers) and hands them to bench_measure(), which times all of them
 *     interleaved, --runs times, and stores each series' median;
 *  3. reports rows with bench_report(): a value, optionally a peer's value
 *     measured in the same bench_measure() call, and optional goals.
 *
 * The harness prints the rows as one table and, with --json, writes them as
 * the array of DESIGN.md §7. Nothing here is thread-safe: modules call the
 * harness from the main thread only (their own worker threads must not).
 */
#ifndef IOASID_BENCH_H
#define IOASID_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_rows;

/* Options and state of one harness run. Modules read the options. */
struct bench_ctx {
	const char *filter; /* --filter SUBSTR, or NULL for everything */
	int runs; /* --runs N: samples per series, the median is reported */
	bool quick; /* --quick: short batches, for a smoke run */
	double batch_ns; /* a timed batch lasts at least this long */
	const char *self; /* path of this executable, for bench_child_run() */
	const char *module; /* name of the module being run */
	struct bench_rows *rows; /* reported rows (private to the harness) */
	int failures; /* bench_fail() calls so far */
};

struct bench_module {
	const char *name; /* figure names start with "<name>." */
	const char *summary; /* one line for --list */
	void (*run)(struct bench_ctx *ctx);
	/*
	 * Optional: the entry point of `ioasid-bench --child <name> ARGS...`,
	 * for measurements that need a fresh process (see bench_child_run()).
	 * It prints its result on stdout and returns the exit status.
	 */
	int (*child)(int argc, char **argv);
};

/* ------------------------------------------------------------------------
 * Measuring
 */

/* Run the operation under test iters times. Returns 0 or -errno. */
typedef int (*bench_batch_fn)(void *arg, uint64_t iters);

struct bench_series;
/* Take one sample of a series, in the series' unit; NaN on failure. */
typedef double (*bench_sample_fn)(struct bench_ctx *ctx,
				  struct bench_series *s);

/*
 * One thing to time. Give either batch (the sample is then nanoseconds per
 * operation over a batch of at least ctx->batch_ns, the batch size being
 * calibrated on the first, discarded, sample) or sample (any other unit:
 * throughput, bytes, ...).
 */
struct bench_series {
	const char *name;
	bench_batch_fn batch;
	bench_sample_fn sample;
	void *arg;
	/*
	 * Batch series: operations run once, untimed, before the first
	 * sample, e.g. one whole cycle over the inputs so that first-touch
	 * page faults are not timed as if they were the steady state.
	 */
	uint64_t warmup;
	/*
	 * Batch series: operations run untimed before every timed batch,
	 * e.g. one whole cycle over the inputs, so that each batch starts
	 * from the steady state rather than from what the peers' batches
	 * (and the rest of the machine) left in the caches meanwhile.
	 */
	uint64_t rewarm;
	uint64_t iters; /* calibrated batch size (batch series) */
	int err; /* first error of a batch; later samples are NaN */
	double median; /* result of bench_measure() */
};

/*
 * bench_measure - run each series' warmup operations, take one warm-up
 * sample of every series (which also sizes the batches), then ctx->runs
 * samples of each, interleaved (run r starts at series r mod n, so no
 * series always runs first), and store each series' median. A series
 * whose samples are all NaN gets a NaN median; a batch error is reported
 * with bench_fail() once, naming the series.
 */
void bench_measure(struct bench_ctx *ctx, struct bench_series *series,
		   size_t n);

/*
 * bench_ns_per_op - one sample of a batch series: calibrated ns/op, or NaN
 * once a batch has failed (s->err holds the error).
 */
double bench_ns_per_op(struct bench_ctx *ctx, struct bench_series *s);

/* Time one batch of n operations: nanoseconds, NaN on failure. */
typedef double (*bench_time_fn)(void *arg, uint64_t n);

/*
 * bench_calibrate - size a batch the way bench_measure() sizes a batch
 * series, for a sample function that times its batches itself (because
 * its operations need untimed work around them, or are counted in another
 * unit): time(arg, *n), growing *n by the factor the last try fell short
 * of target_ns (between 2 and 100, never past max), until a try lasts
 * target_ns or *n reaches max. Returns the nanoseconds of the last try,
 * whose size *n is then, or NaN if it failed.
 */
double bench_calibrate(double target_ns, uint64_t *n, uint64_t max,
		       bench_time_fn time, void *arg);

/* bench_now_ns - CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/*
 * bench_keep - make the compiler materialise value without costing a
 * memory access: work whose result reaches bench_keep() cannot be
 * optimised away.
 */
#define bench_keep(value) __asm__ volatile("" : : "r"(value))

/* bench_clobber - the compiler must assume all memory was read and written. */
#define bench_clobber() __asm__ volatile("" : : : "memory")

/* A sink for results of loops, written once per batch. */
extern volatile uintptr_t bench_sink;

/* ------------------------------------------------------------------------
 * Reporting
 */

enum bench_goal_kind {
	BENCH_GOAL_NONE = 0,
	BENCH_GOAL_VALUE_MAX, /* value <= limit */
	BENCH_GOAL_VALUE_MIN, /* value >= limit */
	BENCH_GOAL_RATIO_MAX, /* value / peer_value <= limit */
	BENCH_GOAL_RATIO_MIN, /* value / peer_value >= limit */
};

struct bench_goal {
	enum bench_goal_kind kind;
	double limit;
};

#define BENCH_GOALS_MAX 2

/*
 * A row of the table. peer NULL: no peer (peer_value ignored). The ratio
 * is always value / peer_value, computed by the harness. Goals are shown
 * with PASS or MISS; a NaN value or ratio misses.
 */
struct bench_row {
	const char *name;
	const char *unit;
	double value;
	const char *peer;
	double peer_value;
	struct bench_goal goals[BENCH_GOALS_MAX];
};

/* bench_report - add a row (its strings are copied). */
void bench_report(struct bench_ctx *ctx, const struct bench_row *row);

/*
 * bench_want - true if figure name (e.g. "core.find.64K") passes --filter:
 * no filter, or the filter is a substring of the module name or of name.
 */
bool bench_want(const struct bench_ctx *ctx, const char *name);

/*
 * bench_want_any - true if any of names[0..n-1] passes --filter: for a
 * measurement that reports several figures, whose set-up is skipped only
 * when none of them is wanted. BENCH_WANT_ANY(ctx, array) takes the count
 * from an array of names.
 */
bool bench_want_any(const struct bench_ctx *ctx, const char *const *names,
		    size_t n);
#define BENCH_WANT_ANY(ctx, names) \
	bench_want_any(ctx, names, sizeof(names) / sizeof((names)[0]))

/*
 * bench_fail - report that a figure could not be measured (a set-up or an
 * operation failed). The run continues; ioasid-bench exits 1 at the end.
 */
void bench_fail(struct bench_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------
 * Fresh processes and memory
 */

/*
 * bench_child_run - run `<self> --child <module> argv...` (argv ends with
 * NULL), wait for it and parse the number it printed into *out. For
 * figures that must start from a clean heap (RSS growth). Returns 0, or
 * -1 after bench_fail().
 */
int bench_child_run(struct bench_ctx *ctx, const char *const *argv,
		    double *out);

/*
 * bench_child_sample - a sample function (bench_sample_fn) for a series
 * whose .arg is the NULL-terminated argv of bench_child_run(): the number
 * the child printed, NaN if it failed (after bench_fail()).
 */
double bench_child_sample(struct bench_ctx *ctx, struct bench_series *s);

/* bench_rss_bytes - resident set size of this process, 0 if unknown. */
uint64_t bench_rss_bytes(void);

#endif /* IOASID_BENCH_H */
