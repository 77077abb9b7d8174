/* SPDX-License-Identifier: MIT */
/*
 * The ID table: per ID, an 8-byte slot and a 32-byte entry, in two arrays
 * indexed by ID (layouts public in ioasid/core_inline.h, whose inline
 * ioasid_find() reads them). The slot is the ID's private data plus one,
 * 0 when the ID is not live; the entry holds the rest, its state word
 * first. Splitting them keeps the hot lookup to one word per ID: at 1M
 * live IDs a lookup then touches the same 8 MiB a plain array of pointers
 * would, where a combined 32-byte entry spread it over 32 MiB.
 *
 * Both arrays are reserved once with mmap(MAP_NORESERVE) for the largest
 * capacity, so untouched entries cost no memory and nothing ever moves:
 * readers index them without any lock.
 *
 * Each entry's state lives in one atomic 64-bit word:
 *
 *   bits  0..31  refs    references, the owner's included while it holds it
 *   bits 32..33  state   IDLE, ACTIVE, FREE_PENDING, or RELEASING (internal:
 *                        the last reference is gone and the releasing thread
 *                        is returning the ID to the pool)
 *   bit  34      owner   the owning set still holds its reference
 *   bit  35      custom  the ID came from a custom allocator
 *   bits 36..63  gen     a namespace-wide allocation count, new at every
 *                        allocation of the ID
 *
 * References and state change by compare-and-swap on the word alone
 * (ioasid_get, ioasid_put, ioasid_free with others holding references).
 * The slot and the other fields are written only under the namespace
 * lock, but for the closing mark (below).
 *
 * The quiet free: when the owner frees an ID nobody else holds, a
 * compare-and-swap on the word would be the pair's third locked
 * instruction, on a line that is usually still on its way from memory
 * (docs/core.md). Instead the owner stores a closing mark in the entry
 * (a plain store), takes the namespace lock, whose locked exchange is a
 * full barrier (ioasid__lock_try_full), and reads the word and the mark
 * again. If the word still holds the owner's reference alone and the
 * mark is still its own, the ID is released under the lock: its word is
 * stored IDLE and the mark cleared. Otherwise the owner clears its mark
 * (if it is still there) and frees by compare-and-swap. A reference
 * taker does the mirror image: its compare-and-swap, a full barrier too,
 * then a load of the mark. So either the free sees the new reference, or
 * the taker sees a mark; a taker that sees one gives its reference back
 * (ioasid__id_ref) and waits for the free to end. The IDLE store may
 * overwrite such a reference on its way back; the taker then finds the
 * generation gone and does not drop it twice.
 *
 * The mark is the closing generation with bit 31 set, so never 0. A free
 * that raced with another free of the same ID may store it late, even on
 * a later generation of the entry: every mark is taken as "closing" by
 * takers, who then wait, and every mark is cleared, under the lock, by
 * the free that stored it or by the release it made, so a stray mark
 * only lasts until its free returns.
 *
 * Liveness is the slot: an ID is live from the store that sets its slot
 * (after the word went ACTIVE) to the store that clears it (the first step
 * of the release, before the word goes back to IDLE). A RELEASING word
 * whose slot is still set therefore reads as FREE_PENDING without
 * references, so that ioasid_find(), which reads the slot alone, and the
 * calls that read the word never disagree.
 *
 * Readers that need more than the slot take a seqlock-style snapshot
 * (ioasid__entry_snapshot): load the word, read the fields and the slot,
 * and reload the word; if the word changed they retry. Fields are stored
 * with release and loaded with acquire (plain moves on x86): a reader that
 * sees a value written after the word changed is thereby ordered after
 * that change, so its reload sees it. No standalone fences are used, which
 * keeps the protocol visible to ThreadSanitizer.
 */
#ifndef IOASID_CORE_IDTABLE_H
#define IOASID_CORE_IDTABLE_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>

#include "core/lock.h"

/* The word's fields; the layout is public (ioasid/core_inline.h). */
#define IOASID__W_REFS IOASID_ENTRY_REFS
#define IOASID__W_STATE_SHIFT IOASID_ENTRY_STATE_SHIFT
#define IOASID__W_STATE IOASID_ENTRY_STATE
#define IOASID__W_OWNER IOASID_ENTRY_OWNER
#define IOASID__W_CUSTOM IOASID_ENTRY_CUSTOM
#define IOASID__W_GEN_SHIFT IOASID_ENTRY_GEN_SHIFT
#define IOASID__W_GEN IOASID_ENTRY_GEN

/* Internal fourth state: refs reached 0, the ID is on its way to the pool. */
#define IOASID__STATE_RELEASING 3u

/*
 * struct ioasid_entry is defined in ioasid/core_inline.h, whose inline
 * ioasid_find() reads it: its layout is ABI. member is the entry's index in
 * its set's member array (namespace lock).
 */
_Static_assert(sizeof(struct ioasid_entry) == 32, "entry is 32 bytes");
_Static_assert(IOASID_STATE_ACTIVE == 1 && IOASID_STATE_FREE_PENDING == 2,
	       "ioasid__word_live() knows the live states as 1 and 2");
_Static_assert(sizeof(uintptr_t) <= sizeof(uint64_t),
	       "a slot holds any pointer plus one");

/*
 * The entry's SPID field holds the SPID plus one, so that 0, what a fresh
 * entry reads, means none (IOASID_INVALID + 1): an allocation need not
 * store it. Written under the namespace lock, read by snapshots.
 */
static inline ioasid_t ioasid__entry_spid(const struct ioasid_entry *e,
					  memory_order order)
{
	return atomic_load_explicit(&e->spid, order) - 1u;
}

static inline void ioasid__entry_set_spid(struct ioasid_entry *e,
					  ioasid_t spid)
{
	atomic_store_explicit(&e->spid, spid + 1u, memory_order_release);
}

/* The closing mark of the generation in word w (never 0). */
static inline uint32_t ioasid__closing_mark(uint64_t w)
{
	return (uint32_t)(w >> IOASID__W_GEN_SHIFT) | UINT32_C(0x80000000);
}

static inline bool ioasid__entry_closing(const struct ioasid_entry *e)
{
	return atomic_load_explicit(&e->closing, memory_order_relaxed) != 0;
}

/* A consistent view of one live entry, taken without a lock. */
struct ioasid__entry_snap {
	uint64_t word;
	struct ioasid_set *set;
	void *private;
	ioasid_t spid;
	bool closing; /* a quiet free is deciding (above) */
};

static inline unsigned int ioasid__word_state(uint64_t w)
{
	return (unsigned int)((w & IOASID__W_STATE) >> IOASID__W_STATE_SHIFT);
}

static inline uint64_t ioasid__word_with_state(uint64_t w, unsigned int state)
{
	return (w & ~IOASID__W_STATE) |
	       ((uint64_t)state << IOASID__W_STATE_SHIFT);
}

static inline uint32_t ioasid__word_refs(uint64_t w)
{
	return (uint32_t)(w & IOASID__W_REFS);
}

/* ACTIVE or FREE_PENDING (not IDLE, not RELEASING). */
static inline bool ioasid__word_live(uint64_t w)
{
	unsigned int s = ioasid__word_state(w);

	return s == IOASID_STATE_ACTIVE || s == IOASID_STATE_FREE_PENDING;
}

/* The slot of an ID with private data private. */
static inline uint64_t ioasid__slot_of(void *private)
{
	return (uint64_t)(uintptr_t)private + 1;
}

static inline bool ioasid__word_same_gen(uint64_t a, uint64_t b)
{
	return ((a ^ b) & IOASID__W_GEN) == 0;
}

/*
 * Snapshot a live entry (its slot set: ACTIVE, FREE_PENDING, or RELEASING
 * not yet past its first step). Returns false if the ID is not live at the
 * moment the snapshot settles.
 */
static inline bool ioasid__entry_snapshot(const struct ioasid_ns_view *v,
					  ioasid_t id,
					  struct ioasid__entry_snap *snap)
{
	struct ioasid_entry *e = &v->table[id];
	struct ioasid_set *set;
	uint64_t w, slot;
	ioasid_t spid;

	/* Locals until the end, so that inlined callers keep them in registers. */
	do {
		w = atomic_load_explicit(&e->word, memory_order_acquire);
		if (ioasid__word_state(w) == IOASID_STATE_IDLE)
			return false;
		set = atomic_load_explicit(&e->set, memory_order_acquire);
		spid = ioasid__entry_spid(e, memory_order_acquire);
		slot = atomic_load_explicit(&v->slots[id], memory_order_acquire);
	} while (w != atomic_load_explicit(&e->word, memory_order_relaxed));
	if (!slot)
		return false;
	snap->word = w;
	snap->set = set;
	snap->closing = ioasid__entry_closing(e);
	snap->spid = spid;
	snap->private = ioasid_slot_private(slot);
	return true;
}

/*
 * Add one reference to the word snap saw. Returns 0; -EOVERFLOW if the
 * word already counts 2^32 - 1 references (one more would carry into the
 * state bits); -EAGAIN if the word moved since the snapshot (take a new
 * one and decide again). The compare-and-swap is a full barrier, which
 * the closing protocol above relies on: ioasid__id_ref() reads the mark
 * after it.
 */
static inline int ioasid__entry_ref(struct ioasid_entry *e,
				    struct ioasid__entry_snap *snap)
{
	if (ioasid__word_refs(snap->word) == UINT32_MAX)
		return -EOVERFLOW;
	if (!atomic_compare_exchange_strong_explicit(
		    &e->word, &snap->word, snap->word + 1,
		    memory_order_seq_cst, memory_order_relaxed))
		return -EAGAIN;
	ioasid__barrier_after_rmw();
	return 0;
}

/*
 * Reserve the slots and the entries of IOASID_CAPACITY_MAX IDs. Returns
 * -ENOMEM if the address space cannot be reserved.
 */
int ioasid__idtable_map(struct ioasid_ns_view *v);
void ioasid__idtable_unmap(struct ioasid_ns_view *v);

#endif /* IOASID_CORE_IDTABLE_H */
