// SPDX-License-Identifier: MIT
/*
 * Hierarchical free-ID bitmap (see bitmap.h).
 *
 * Invariant: bit i of level k+1 is set exactly when word i of level k is
 * all ones. The unused high bits of the single top word are set once at
 * creation, so the top level looks full beyond the last real word and the
 * search never walks off the end. Setting and clearing only propagate
 * upwards when a word changes between full and not full, so both are O(1)
 * in the common case.
 */
#include <errno.h>

#include "core/bitmap.h"
#include "util/alloc.h"

static const uint32_t level_words[IOASID__BM_LEVELS] = {
	IOASID__BM_L0_WORDS, IOASID__BM_L1_WORDS, IOASID__BM_L2_WORDS,
	IOASID__BM_L3_WORDS,
};

static const uint64_t *level_const(const struct ioasid__bitmap *bm,
				   unsigned int k)
{
	switch (k) {
	case 0:
		return bm->l0;
	case 1:
		return bm->l1;
	case 2:
		return bm->l2;
	default:
		return bm->l3;
	}
}

struct ioasid__bitmap *ioasid__bitmap_new(void)
{
	struct ioasid__bitmap *bm = ioasid__calloc(1, sizeof(*bm));

	if (!bm)
		return NULL;
	/* The top word covers only IOASID__BM_L2_WORDS real bits. */
	bm->l3[0] = ~0ull << IOASID__BM_L2_WORDS;
	return bm;
}

void ioasid__bitmap_free(struct ioasid__bitmap *bm)
{
	ioasid__free(bm);
}

/*
 * Climb from level 0 until a word holds a clear bit at or after the
 * position, then descend taking the lowest clear bit of each word. Returns
 * the level and bit position where the climb stopped, or -1.
 */
static int climb(const struct ioasid__bitmap *bm, ioasid_t min, ioasid_t max,
		 uint32_t *posp)
{
	uint32_t pos = min;

	for (unsigned int k = 0; k < IOASID__BM_LEVELS; k++) {
		uint64_t free_bits;

		if ((pos >> 6) >= level_words[k])
			return -1;
		if (((uint64_t)pos << (6 * k)) > max)
			return -1;
		free_bits = ~level_const(bm, k)[pos >> 6] & (~0ull << (pos & 63));
		if (free_bits) {
			*posp = (pos & ~63u) + (uint32_t)__builtin_ctzll(free_bits);
			return (int)k;
		}
		pos = (pos >> 6) + 1;
	}
	return -1;
}

int ioasid__bitmap_find(const struct ioasid__bitmap *bm, ioasid_t min,
			ioasid_t max, ioasid_t *idp)
{
	uint32_t pos;
	int k = climb(bm, min, max, &pos);

	if (k < 0)
		return -ENOSPC;
	while (k-- > 0) {
		uint64_t free_bits = ~level_const(bm, (unsigned int)k)[pos];

		pos = pos * 64 + (uint32_t)__builtin_ctzll(free_bits);
	}
	if (pos > max)
		return -ENOSPC;
	*idp = pos;
	return 0;
}
