/* SPDX-License-Identifier: MIT */
/*
 * The ID table: one 32-byte entry per ID of the namespace, indexed by ID.
 * The entry and its word are public (ioasid/core_inline.h): ioasid_find()
 * runs its first snapshot attempt inline in the caller, as below.
 *
 * The table is reserved once with mmap(MAP_NORESERVE) for the largest
 * capacity, so untouched entries cost no memory and an entry never moves:
 * readers index it without any lock.
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
 * (ioasid_get, ioasid_put, ioasid_free). The other fields are written only
 * under the namespace lock: set, private and spid at allocation while the
 * word is IDLE (then the word is published with a release store), spid by
 * SPID attach/detach, private by attach/detach data, and all of them by the
 * release path after the word left the live states. Readers take a
 * seqlock-style snapshot (ioasid__entry_snapshot): load the word, read the
 * fields, and reload the word; if the generation changed or the ID stopped
 * being live they retry. Fields are stored with release and loaded with
 * acquire (plain moves on x86): a reader that sees a field value written
 * after the word changed is thereby ordered after that change, so its
 * reload sees it. No standalone fences are used, which keeps the protocol
 * visible to ThreadSanitizer.
 */
#ifndef IOASID_CORE_IDTABLE_H
#define IOASID_CORE_IDTABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>

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
	       "ioasid_entry_word_live() knows the live states as 1 and 2");

/* A consistent view of one live entry, taken without a lock. */
struct ioasid__entry_snap {
	uint64_t word;
	struct ioasid_set *set;
	void *private;
	ioasid_t spid;
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

static inline bool ioasid__word_live(uint64_t w)
{
	return ioasid_entry_word_live(w);
}

static inline bool ioasid__word_same_gen(uint64_t a, uint64_t b)
{
	return ((a ^ b) & IOASID__W_GEN) == 0;
}

/*
 * Snapshot a live entry. Returns false if the ID is not live (IDLE or
 * RELEASING) at the moment the snapshot settles.
 */
static inline bool ioasid__entry_snapshot(struct ioasid_entry *e,
					  struct ioasid__entry_snap *snap)
{
	for (;;) {
		uint64_t w = atomic_load_explicit(&e->word, memory_order_acquire);
		uint64_t again;

		if (!ioasid__word_live(w))
			return false;
		snap->set = atomic_load_explicit(&e->set, memory_order_acquire);
		snap->private = atomic_load_explicit(&e->private,
						     memory_order_acquire);
		snap->spid = atomic_load_explicit(&e->spid, memory_order_acquire);
		again = atomic_load_explicit(&e->word, memory_order_relaxed);
		if (ioasid__word_live(again) && ioasid__word_same_gen(w, again)) {
			snap->word = again;
			return true;
		}
	}
}

/*
 * Reserve the table for IOASID_CAPACITY_MAX entries. Returns NULL if the
 * address space cannot be reserved.
 */
struct ioasid_entry *ioasid__idtable_map(void);
void ioasid__idtable_unmap(struct ioasid_entry *table);

#endif /* IOASID_CORE_IDTABLE_H */
