/* SPDX-License-Identifier: MIT */
/*
 * ioasid/core_inline.h - inline fast paths of the two hot lookups,
 * ioasid_find() and ioasid_spid_find() without a reference. Included by
 * <ioasid/core.h>; do not include it directly.
 *
 * Why: a lookup is a handful of loads. Called through the shared library it
 * costs a call, a return and the spilling around them, several times the
 * loads themselves, and a caller that looks up many IDs in a row cannot
 * overlap their cache misses across the calls. As in DPDK's inline hash and
 * ring accessors or liburcu's inline read side, the common case is compiled
 * into the caller and anything unusual goes to the library.
 *
 * The scheme:
 *
 *   - ioasid_find(ns, set, id, privatep) and ioasid_spid_find(set, spid,
 *     get, idp), written as calls, are function-like macros that expand to
 *     ioasid_find_inline() and ioasid_spid_find_inline(), static inline
 *     functions defined below. Their names are part of the API too.
 *   - The library still exports the functions ioasid_find and
 *     ioasid_spid_find: taking their address, writing (ioasid_find)(...),
 *     dlsym(), FFI bindings and C++ callers all reach the out-of-line
 *     versions.
 *   - Define IOASID_NO_INLINE before including <ioasid/core.h> to compile
 *     every call out of line. Compilers without C11 atomics (and C++, where
 *     _Atomic is not a C++ type before C++23) get the out-of-line functions
 *     only.
 *
 * Equivalence: the inline path returns exactly what the out-of-line
 * function returns (same results, same errnos) and gives the same
 * memory-ordering guarantees, because it is the same lock-free reader: it
 * runs the first attempt of the out-of-line reader and, whenever that
 * attempt does not settle the answer (the entry moved under it, a
 * reference is wanted), calls the out-of-line function, which starts
 * over. It uses
 * C11 atomic loads only, no standalone fences, so ThreadSanitizer sees it
 * as it sees the library.
 *
 * ABI: the structures below are the read-only view the inline code has of
 * the library's memory. Their layout, the entry word's bit layout and the
 * SPID map's geometry are part of libioasid's ABI: any change to them
 * changes IOASID_INLINE_ABI, and, once a release has shipped, the shared
 * library's soname (SOVERSION), because programs compiled against the old
 * header carry the old layout in their code. Before the first release
 * (0.x, soname 0) only IOASID_INLINE_ABI moves. Callers must treat every
 * field as read-only and read it only through the functions of this
 * header; fields not named in a comment as read by the inline path are
 * private to the library.
 */
#ifndef IOASID_CORE_INLINE_H
#define IOASID_CORE_INLINE_H

#if !defined(__cplusplus) && defined(__STDC_VERSION__) &&                    \
	__STDC_VERSION__ >= 201112L && !defined(__STDC_NO_ATOMICS__)
#define IOASID_HAVE_INLINE_VIEW 1

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The version of the layout below; changes with the soname. */
#define IOASID_INLINE_ABI 4

/*
 * The entry word of an ID (struct ioasid_entry.word):
 *
 *   bits  0..31  references, the owner's included while it holds it
 *   bits 32..33  state: enum ioasid_state, or 3 (internal: the last
 *                reference is gone and the ID is on its way back to the
 *                pool; until its slot is cleared it reads as FREE_PENDING)
 *   bit  34      the owning set still holds its reference
 *   bit  35      the ID came from a custom allocator
 *   bits 36..63  generation, new at every allocation of the ID
 */
#define IOASID_ENTRY_REFS 0xffffffffull
#define IOASID_ENTRY_STATE_SHIFT 32
#define IOASID_ENTRY_STATE (3ull << IOASID_ENTRY_STATE_SHIFT)
#define IOASID_ENTRY_OWNER (1ull << 34)
#define IOASID_ENTRY_CUSTOM (1ull << 35)
#define IOASID_ENTRY_GEN_SHIFT 36
#define IOASID_ENTRY_GEN (~0ull << IOASID_ENTRY_GEN_SHIFT)

/*
 * The ID table is two arrays indexed by ID, each entry at a fixed place
 * for the namespace's life:
 *
 *   slots[id]  one 64-bit word, the only thing ioasid_find(ns, NULL, ...)
 *              reads: 0 while the ID is not live, otherwise its private
 *              data plus one (ioasid_slot_private()). 8 bytes per ID, so
 *              a lookup touches as much memory as indexing a plain array
 *              of pointers would.
 *   table[id]  the rest of the ID (struct ioasid_entry), which lookups
 *              with an owner check read besides the slot.
 *
 * A slot is set after its entry went ACTIVE and cleared before the entry
 * goes back to IDLE, so a slot that is not 0 always belongs to a live ID.
 * That is why the private value IOASID_PRIVATE_RESERVED, whose slot would
 * read 0, cannot be stored.
 */
struct ioasid_entry {
	_Atomic uint64_t word;
	struct ioasid_set *_Atomic set;
	_Atomic ioasid_t spid; /* private to the library: the SPID + 1, 0 if none */
	uint32_t member; /* private to the library */
	_Atomic uint32_t closing; /* private to the library */
	uint32_t reserved; /* private to the library */
};

/*
 * The first bytes of every struct ioasid_ns. The inline path reads slots
 * and table. total is the capacity (IDs 1 .. total - 1 may be live).
 */
struct ioasid_ns_view {
	_Atomic uint64_t *slots; /* IOASID_CAPACITY_MAX slots */
	struct ioasid_entry *table; /* IOASID_CAPACITY_MAX entries */
	_Atomic uint32_t total;
	uint32_t reserved; /* private to the library */
};

/* The private data a non-zero slot holds. */
static inline void *ioasid_slot_private(uint64_t slot)
{
	return (void *)(uintptr_t)(slot - 1);
}

/*
 * A set's SPID map is a two-level table indexed by the SPID, which is a
 * PASID (below IOASID_CAPACITY_MAX): a directory of leaf pointers, each
 * leaf holding the IDs of IOASID_SPID_LEAF_IDS consecutive SPIDs (0: no
 * mapping; no live ID is 0). The inline path reads the map's directory,
 * one leaf pointer and one ID.
 *
 * No pointer is ever NULL: a map without SPIDs points to a shared empty
 * directory whose leaves are all one shared empty leaf, and a directory
 * that is not empty points to that leaf for every range without SPIDs. A
 * directory and its leaves, once published, stay where they are until the
 * set is destroyed, so a lookup never retries and never sees a table move.
 */
#define IOASID_SPID_LEAF_SHIFT 10
#define IOASID_SPID_LEAF_IDS (1u << IOASID_SPID_LEAF_SHIFT)
#define IOASID_SPID_DIR_LEAVES (IOASID_CAPACITY_MAX >> IOASID_SPID_LEAF_SHIFT)

struct ioasid_spid_leaf {
	_Atomic ioasid_t ids[IOASID_SPID_LEAF_IDS];
};

struct ioasid_spid_dir {
	struct ioasid_spid_leaf *_Atomic leaves[IOASID_SPID_DIR_LEAVES];
};

/* The first bytes of every struct ioasid_set: its SPID map's directory. */
struct ioasid_spid_map_view {
	struct ioasid_spid_dir *_Atomic dir;
};

#ifndef IOASID_NO_INLINE

/*
 * ioasid_find_owned_inline - ioasid_find() with an owner check: one
 * seqlock-style snapshot of the entry word, the owner, the slot and the
 * word again. If the word moved in between (a reference taken or dropped
 * included), the library's ioasid_find() takes over.
 */
static inline int ioasid_find_owned_inline(struct ioasid_ns *ns,
					   struct ioasid_set *set,
					   ioasid_t id, void **privatep)
{
	const struct ioasid_ns_view *v = (const struct ioasid_ns_view *)ns;
	const struct ioasid_entry *e = &v->table[id];
	struct ioasid_set *owner;
	uint64_t w, slot, again;

	w = atomic_load_explicit(&e->word, memory_order_acquire);
	owner = atomic_load_explicit(&e->set, memory_order_acquire);
	slot = atomic_load_explicit(&v->slots[id], memory_order_acquire);
	again = atomic_load_explicit(&e->word, memory_order_relaxed);
	if (__builtin_expect(w != again, 0))
		return (ioasid_find)(ns, set, id, privatep);
	if (!slot)
		return -ENOENT;
	if (owner != set)
		return -EPERM;
	if (privatep)
		*privatep = ioasid_slot_private(slot);
	return 0;
}

/*
 * ioasid_find_inline - ioasid_find(), compiled into the caller. Without an
 * owner check it is one load of the ID's slot.
 *
 * There is no capacity check: the table always spans IOASID_CAPACITY_MAX
 * IDs, and the slots of ID 0 and of IDs at or beyond the installed
 * capacity are always 0, so they answer -ENOENT as the capacity check of
 * ioasid_find() does.
 */
static inline int ioasid_find_inline(struct ioasid_ns *ns,
				     struct ioasid_set *set, ioasid_t id,
				     void **privatep)
{
	const struct ioasid_ns_view *v = (const struct ioasid_ns_view *)ns;
	uint64_t slot;

	if (__builtin_expect(id >= IOASID_CAPACITY_MAX, 0))
		return -ENOENT;
	if (set)
		return ioasid_find_owned_inline(ns, set, id, privatep);
	slot = atomic_load_explicit(&v->slots[id], memory_order_acquire);
	if (!slot)
		return -ENOENT;
	if (privatep)
		*privatep = ioasid_slot_private(slot);
	return 0;
}

/*
 * ioasid_spid_find_inline - ioasid_spid_find(), compiled into the caller
 * when no reference is wanted: three dependent loads, no retry. A
 * reference, which the entry must confirm, is the library's.
 */
static inline int ioasid_spid_find_inline(struct ioasid_set *set,
					  ioasid_t spid, bool get,
					  ioasid_t *idp)
{
	const struct ioasid_spid_map_view *map =
		(const struct ioasid_spid_map_view *)set;
	const struct ioasid_spid_dir *dir;
	const struct ioasid_spid_leaf *leaf;
	ioasid_t id;

	if (get)
		return (ioasid_spid_find)(set, spid, get, idp);
	if (__builtin_expect(spid >= IOASID_CAPACITY_MAX, 0))
		return -ENOENT;
	dir = atomic_load_explicit(&map->dir, memory_order_acquire);
	leaf = atomic_load_explicit(&dir->leaves[spid >> IOASID_SPID_LEAF_SHIFT],
				    memory_order_acquire);
	id = atomic_load_explicit(&leaf->ids[spid & (IOASID_SPID_LEAF_IDS - 1)],
				  memory_order_acquire);
	if (!id)
		return -ENOENT;
	*idp = id;
	return 0;
}

#define ioasid_find(ns, set, id, privatep)                                     \
	ioasid_find_inline(ns, set, id, privatep)
#define ioasid_spid_find(set, spid, get, idp)                                  \
	ioasid_spid_find_inline(set, spid, get, idp)

#endif /* !IOASID_NO_INLINE */
#endif /* C11 atomics */
#endif /* IOASID_CORE_INLINE_H */
