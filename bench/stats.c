/* SPDX-License-Identifier: MIT */
/*
 * stats.c - the median of a run of samples. NaN marks a failed sample and
 * is left out, so one failed run does not poison a figure.
 */
#include <math.h>
#include <stdlib.h>

#include "stats.h"

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static size_t drop_nans(double *v, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[kept++] = v[i];
	return kept;
}

double stats_median(double *v, size_t n)
{
	n = drop_nans(v, n);
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), compare_double);
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}
