/* SPDX-License-Identifier: MIT */
/*
 * measure.c - timing series of operations.
 *
 * A batch series is timed with CLOCK_MONOTONIC around a whole batch, never
 * around one operation: the first (warm-up) sample grows the batch until it
 * lasts at least ctx->batch_ns, and every later sample reuses that size, so
 * clock overhead and granularity stay far below the figure. The machine may
 * be shared and nothing is pinned: each series is sampled ctx->runs times,
 * interleaved with its peers so that a burst of noise hits all of them
 * alike, and the median is kept.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "stats.h"

/* Batches never grow past this, whatever the operation costs. */
#define BATCH_ITERS_MAX (UINT64_C(1) << 40)
#define BATCH_ITERS_FIRST 16

volatile uintptr_t bench_sink;

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds the batch of series s took, NaN if it failed (s->err set). */
static double time_batch(void *series, uint64_t iters)
{
	struct bench_series *s = series;
	uint64_t start, end;
	int err;

	if (s->err)
		return NAN;
	bench_clobber();
	start = bench_now_ns();
	err = s->batch(s->arg, iters);
	end = bench_now_ns();
	bench_clobber();
	if (err) {
		s->err = err;
		return NAN;
	}
	return (double)(end - start);
}

/* Grow the batch by the factor the last one fell short, within [2, 100]. */
static uint64_t grow_batch(uint64_t iters, double elapsed, double target,
			   uint64_t max)
{
	double factor = elapsed > 0 ? target * 1.25 / elapsed : 100;
	uint64_t next;

	if (factor < 2)
		factor = 2;
	if (factor > 100)
		factor = 100;
	next = (uint64_t)((double)iters * factor);
	return next < max ? next : max;
}

double bench_calibrate(double target_ns, uint64_t *n, uint64_t max,
		       bench_time_fn time, void *arg)
{
	for (;;) {
		double elapsed = time(arg, *n);

		if (isnan(elapsed) || elapsed >= target_ns || *n >= max)
			return elapsed;
		*n = grow_batch(*n, elapsed, target_ns, max);
	}
}

static double calibrate_batch(struct bench_ctx *ctx, struct bench_series *s)
{
	uint64_t iters = BATCH_ITERS_FIRST;
	double elapsed = bench_calibrate(ctx->batch_ns, &iters, BATCH_ITERS_MAX,
					 time_batch, s);

	if (isnan(elapsed))
		return NAN;
	s->iters = iters;
	return elapsed / (double)iters;
}

double bench_ns_per_op(struct bench_ctx *ctx, struct bench_series *s)
{
	if (s->rewarm && !s->err)
		s->err = s->batch(s->arg, s->rewarm);
	if (s->iters == 0)
		return calibrate_batch(ctx, s);
	return time_batch(s, s->iters) / (double)s->iters;
}

static double take_sample(struct bench_ctx *ctx, struct bench_series *s)
{
	if (s->sample)
		return s->sample(ctx, s);
	return bench_ns_per_op(ctx, s);
}

void bench_measure(struct bench_ctx *ctx, struct bench_series *series,
		   size_t n)
{
	size_t runs = (size_t)ctx->runs;
	double *samples = calloc(n * runs, sizeof(*samples));

	if (!samples) {
		bench_fail(ctx, "out of memory for %zu samples", n * runs);
		for (size_t i = 0; i < n; i++)
			series[i].median = NAN;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (series[i].batch && series[i].warmup && !series[i].err)
			series[i].err = series[i].batch(series[i].arg,
							series[i].warmup);
		take_sample(ctx, &series[i]);
	}
	for (size_t r = 0; r < runs; r++)
		for (size_t k = 0; k < n; k++) {
			size_t i = (k + r) % n;

			samples[i * runs + r] = take_sample(ctx, &series[i]);
		}
	for (size_t i = 0; i < n; i++) {
		series[i].median = stats_median(&samples[i * runs], runs);
		if (series[i].err)
			bench_fail(ctx, "%s: %s", series[i].name,
				   strerror(-series[i].err));
	}
	free(samples);
}
