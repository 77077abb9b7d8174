/* SPDX-License-Identifier: MIT */
/*
 * The free-ID search: a hierarchical 64-ary bitmap over the whole ID space.
 *
 * Level 0 has one bit per ID (1 = in use). Each bit of level k+1 says that
 * the corresponding 64-bit word of level k is full. With 2^20 IDs the
 * levels hold 16384, 256, 4 and 1 words, so finding the lowest free ID at or
 * above a hint takes at most one climb and one descent of four ctz steps.
 *
 * Not thread-safe: the namespace lock protects it (see struct ioasid_ns).
 */
#ifndef IOASID_CORE_BITMAP_H
#define IOASID_CORE_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>

#define IOASID__BM_LEVELS 4
#define IOASID__BM_L0_WORDS (IOASID_CAPACITY_MAX / 64)
#define IOASID__BM_L1_WORDS (IOASID__BM_L0_WORDS / 64)
#define IOASID__BM_L2_WORDS (IOASID__BM_L1_WORDS / 64)
#define IOASID__BM_L3_WORDS 1

struct ioasid__bitmap {
	uint64_t l0[IOASID__BM_L0_WORDS];
	uint64_t l1[IOASID__BM_L1_WORDS];
	uint64_t l2[IOASID__BM_L2_WORDS];
	uint64_t l3[IOASID__BM_L3_WORDS];
};

/* Allocate an empty bitmap. Returns NULL on allocation failure. */
struct ioasid__bitmap *ioasid__bitmap_new(void);
void ioasid__bitmap_free(struct ioasid__bitmap *bm);

void ioasid__bitmap_set(struct ioasid__bitmap *bm, ioasid_t id);
void ioasid__bitmap_clear(struct ioasid__bitmap *bm, ioasid_t id);
bool ioasid__bitmap_test(const struct ioasid__bitmap *bm, ioasid_t id);

/*
 * Find the lowest clear bit in [min, max] (max < IOASID_CAPACITY_MAX).
 * Returns 0 and *idp, or -ENOSPC. Does not set the bit.
 */
int ioasid__bitmap_find(const struct ioasid__bitmap *bm, ioasid_t min,
			ioasid_t max, ioasid_t *idp);

#endif /* IOASID_CORE_BITMAP_H */
