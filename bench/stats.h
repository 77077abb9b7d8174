/* SPDX-License-Identifier: MIT */
/* stats.h - order statistics over samples. */
#ifndef IOASID_BENCH_STATS_H
#define IOASID_BENCH_STATS_H

#include <stddef.h>

/*
 * stats_median - the median of the non-NaN values among v[0..n-1] (the
 * mean of the two middle ones for an even count), NaN if there are none.
 * v is reordered.
 */
double stats_median(double *v, size_t n);

#endif /* IOASID_BENCH_STATS_H */
