/* SPDX-License-Identifier: MIT */
/*
 * rng.h - a small deterministic random generator (splitmix64) for choosing
 * IDs and hints. Benchmarks use fixed seeds so that every run, and every
 * subject within a run, sees the same sequence.
 */
#ifndef IOASID_BENCH_RNG_H
#define IOASID_BENCH_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t state;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A value in [0, n), n > 0 (multiply-shift; the bias is below 2^-32). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Shuffle the first count elements of v[0..n-1] (partial Fisher-Yates). */
static inline void rng_shuffle_prefix(struct rng *r, uint32_t *v, size_t n,
				      size_t count)
{
	for (size_t i = 0; i < count && i + 1 < n; i++) {
		size_t j = i + rng_below(r, (uint32_t)(n - i));
		uint32_t t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

#endif /* IOASID_BENCH_RNG_H */
