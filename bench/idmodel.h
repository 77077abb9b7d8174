/* SPDX-License-Identifier: MIT */
/*
 * idmodel.h - which IDs of a 2^20 namespace are live, as a plain model the
 * benchmarks fill every subject (the core and its peers) from, with the
 * allocation hints and the lookup streams they all use.
 *
 * The live IDs are a uniformly random subset of 1..2^20-1. A hint [min,
 * max] has min uniform in [1, 2^20-1] and max = 2^20-1 with probability
 * 1/2, else min + a span uniform in [0, 65535] (clipped); hints whose range
 * holds fewer free IDs than asked are drawn again.
 */
#ifndef IOASID_BENCH_IDMODEL_H
#define IOASID_BENCH_IDMODEL_H

#include <stdbool.h>
#include <stdint.h>

#define IDMODEL_CAPACITY (1u << 20)
#define IDMODEL_ID_LAST (IDMODEL_CAPACITY - 1) /* highest allocatable ID */
#define IDMODEL_HINTS (1u << 16) /* hints per array, a power of two */
#define IDMODEL_STREAM (1u << 20) /* IDs per lookup stream, a power of two */
#define IDMODEL_SPAN_MAX (1u << 16)

struct idset {
	uint32_t nr;
	uint32_t *ids; /* the live IDs, in random order */
	uint8_t *live; /* IDMODEL_CAPACITY flags */
};

struct hint {
	uint32_t min;
	uint32_t max;
};

/* idset_init - nr distinct IDs drawn from 1..2^20-1. 0 or -ENOMEM. */
int idset_init(struct idset *s, uint32_t nr, uint64_t seed);

/* idset_fini - free the model. Accepts a zeroed or failed-init s. */
void idset_fini(struct idset *s);

/* idset_next_free - the lowest free ID >= from, 0 if there is none. */
uint32_t idset_next_free(const struct idset *s, uint32_t from);

/*
 * hints_new - IDMODEL_HINTS hints whose ranges each hold at least need free
 * IDs of s (malloc'ed; NULL when out of memory).
 */
struct hint *hints_new(const struct idset *s, uint64_t seed, unsigned need);

/*
 * stream_new - IDMODEL_STREAM values drawn uniformly from pool[0..nr-1]
 * (malloc'ed; NULL when out of memory).
 */
uint32_t *stream_new(const uint32_t *pool, uint32_t nr, uint64_t seed);

/* hint_at - the i-th hint of a hints_new() array, cycling. */
static inline const struct hint *hint_at(const struct hint *hints, uint64_t i)
{
	return &hints[i & (IDMODEL_HINTS - 1)];
}

/* stream_at - the i-th value of a stream_new() stream, cycling. */
static inline uint32_t stream_at(const uint32_t *stream, uint64_t i)
{
	return stream[i & (IDMODEL_STREAM - 1)];
}

#endif /* IOASID_BENCH_IDMODEL_H */
