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

_Static_assert(IOASID__BM_LEVELS == 4 && IOASID__BM_L2_WORDS <= 64,
	       "set and clear below walk exactly four levels");

/*
 * Mark id in use. Each level's bit changes only when the word below it
 * fills, so the common case is one word; inline, without calls.
 */
static inline void ioasid__bitmap_set(struct ioasid__bitmap *bm, ioasid_t id)
{
	uint64_t *w = &bm->l0[id >> 6];

	*w |= 1ull << (id & 63);
	if (__builtin_expect(*w != ~0ull, 1))
		return;
	w = &bm->l1[id >> 12];
	*w |= 1ull << (id >> 6 & 63);
	if (*w != ~0ull)
		return;
	w = &bm->l2[id >> 18];
	*w |= 1ull << (id >> 12 & 63);
	if (*w != ~0ull)
		return;
	bm->l3[0] |= 1ull << (id >> 18);
}

/* Mark id free: the mirror of ioasid__bitmap_set(). */
static inline void ioasid__bitmap_clear(struct ioasid__bitmap *bm, ioasid_t id)
{
	uint64_t *w = &bm->l0[id >> 6];
	bool was_full = *w == ~0ull;

	*w &= ~(1ull << (id & 63));
	if (__builtin_expect(!was_full, 1))
		return;
	w = &bm->l1[id >> 12];
	was_full = *w == ~0ull;
	*w &= ~(1ull << (id >> 6 & 63));
	if (!was_full)
		return;
	w = &bm->l2[id >> 18];
	was_full = *w == ~0ull;
	*w &= ~(1ull << (id >> 12 & 63));
	if (!was_full)
		return;
	bm->l3[0] &= ~(1ull << (id >> 18));
}

static inline bool ioasid__bitmap_test(const struct ioasid__bitmap *bm,
				       ioasid_t id)
{
	return bm->l0[id >> 6] >> (id & 63) & 1;
}

/*
 * The common case of ioasid__bitmap_find(): the lowest clear bit in
 * [min, max] that lies in min's own level-0 word. Returns false when that
 * word has none, and the full search must decide.
 */
static inline bool ioasid__bitmap_find_near(const struct ioasid__bitmap *bm,
					    ioasid_t min, ioasid_t max,
					    ioasid_t *idp)
{
	uint64_t free_bits = ~bm->l0[min >> 6] & (~0ull << (min & 63));
	ioasid_t id;

	if (!free_bits)
		return false;
	id = (min & ~63u) + (ioasid_t)__builtin_ctzll(free_bits);
	if (id > max)
		return false;
	*idp = id;
	return true;
}

/*
 * Find the lowest clear bit in [min, max] (max < IOASID_CAPACITY_MAX).
 * Returns 0 and *idp, or -ENOSPC. Does not set the bit.
 */
int ioasid__bitmap_find(const struct ioasid__bitmap *bm, ioasid_t min,
			ioasid_t max, ioasid_t *idp);

#endif /* IOASID_CORE_BITMAP_H */
