/* SPDX-License-Identifier: MIT */
/*
 * The multi-level I/O page table (x86-64 / VT-d second-level shape).
 *
 * Levels are numbered from the leaves: level 1 tables hold 4 KiB leaves,
 * level 2 entries cover 2 MiB, level 3 1 GiB, level 4 512 GiB, level 5
 * 256 TiB. Every table is 4 KiB: 512 little 64-bit entries, 9 bits of IOVA.
 *
 * Entry format:
 *   bit 0       R     read permitted (for a table pointer: always set)
 *   bit 1       W     write permitted (for a table pointer: always set)
 *   bit 7       PS    leaf at level 2 or 3 (a 2 MiB or 1 GiB page)
 *   bits 12-51  ADDR  output address of the leaf, or address of the table
 *   bit 52      START (leaves) first leaf of an area: area boundaries live
 *                     here, so areas cost no memory besides the tables
 *   bits 52-61  COUNT (table pointers) live entries in the child table,
 *                     so emptiness is known without scanning it
 * An entry with neither R nor W is not present. Software bits 52-62 are
 * ignored by VT-d hardware, which is what makes them ours to use.
 *
 * Concurrency: the owner (the domain) serialises every call that changes
 * the table. ioasid__pgtable_walk() may run concurrently with them: every
 * entry is read and written with single atomic 64-bit accesses, a new
 * table is zero-filled before the release store that links it, and a table
 * that is unlinked is not given back to the cache but handed back on a
 * reclaim list for the owner to give back after an RCU grace period. While on that list its entry 0
 * holds the (4 KiB aligned) address of the next table, which a concurrent
 * walker reads as "not present".
 *
 * Preconditions the callers check (pgtable.c does not re-check them):
 * addresses are 4 KiB aligned and below 2^(12 + 9 * levels); map targets an
 * empty range; unmap ranges do not cut through a leaf (split first).
 */
#ifndef IOASID_LIB_IOMMU_PGTABLE_H
#define IOASID_LIB_IOMMU_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu/ptcache.h"

#define IOASID__PTE_R (1ull << 0)
#define IOASID__PTE_W (1ull << 1)
#define IOASID__PTE_PROT (IOASID__PTE_R | IOASID__PTE_W)
#define IOASID__PTE_PS (1ull << 7)
#define IOASID__PTE_ADDR 0x000ffffffffff000ull
#define IOASID__PTE_START (1ull << 52)
#define IOASID__PTE_COUNT_SHIFT 52
#define IOASID__PTE_COUNT (0x3ffull << IOASID__PTE_COUNT_SHIFT)

#define IOASID__PT_ENTRIES 512u
#define IOASID__PT_TABLE_BYTES 4096u
#define IOASID__PT_LEVELS_MIN 3u
#define IOASID__PT_LEVELS_MAX 5u

/*
 * Lock: none of its own; the owner's lock covers every field but root and
 * levels, which never change and are what a concurrent walk reads.
 */
struct ioasid__pgtable {
	struct ioasid__pt_cache *cache; /* where tables come from (the IOMMU's) */
	uint64_t *root;
	unsigned int levels;
	uint64_t pgsize_bitmap; /* leaf sizes map may use; always has 4K */
	uint32_t root_count; /* live entries in the root (it has no parent) */
	uint64_t nr_tables; /* in use, root included */
};

/* Tables unlinked by an operation, to be freed once no walker can see them. */
struct ioasid__pt_reclaim {
	uint64_t *head; /* chained through entry 0 */
	uint64_t *tail;
	uint64_t count;
};

/* What a walk found: the leaf entry and the page it maps. */
struct ioasid__pt_leaf {
	uint64_t pte; /* 0 if nothing is mapped */
	uint64_t base; /* IOVA of the leaf's first byte */
	uint64_t size; /* 4K, 2M or 1G; the would-be leaf size if pte is 0 */
};

/* Bytes one entry covers at level (1-based). */
static inline uint64_t ioasid__pt_level_size(unsigned int level)
{
	return 1ull << (12 + 9 * (level - 1));
}

/*
 * Set up an empty table of levels (3..5) levels that may use the leaf sizes
 * in pgsize_bitmap, taking every table from cache. Returns 0 or -ENOMEM.
 */
int ioasid__pgtable_init(struct ioasid__pgtable *pt, struct ioasid__pt_cache *cache,
			 unsigned int levels, uint64_t pgsize_bitmap);

/*
 * Give every table back to the cache at once. No walker may be running.
 * Accepts a zeroed pt.
 */
void ioasid__pgtable_destroy(struct ioasid__pgtable *pt);

/* True if no leaf maps any byte of [iova, last]. */
bool ioasid__pgtable_range_empty(const struct ioasid__pgtable *pt, uint64_t iova,
				 uint64_t last);

/*
 * Map [iova, last] to phys onwards with prot (IOASID__PTE_R/W), largest
 * leaves first, marking the first leaf START. The range must be empty.
 * Every table the map needs is linked (empty) first and the leaves are
 * written only once nothing can fail any more. Returns 0, or -ENOMEM with
 * the translations exactly as before: the empty tables linked while
 * preparing are unlinked again onto rc (a walker may have seen them).
 */
int ioasid__pgtable_map(struct ioasid__pgtable *pt, uint64_t iova, uint64_t last,
			uint64_t phys, uint64_t prot, struct ioasid__pt_reclaim *rc);

/*
 * Map the one 4 KiB page at iova as an area of its own, if every table it
 * needs exists. Returns 0, -EEXIST (the page is mapped), or -EAGAIN (a
 * table is missing or a huge leaf covers the page: use
 * ioasid__pgtable_range_empty() and ioasid__pgtable_map()). Nothing
 * changes unless it returns 0.
 */
int ioasid__pgtable_map_page(struct ioasid__pgtable *pt, uint64_t iova, uint64_t phys,
			     uint64_t prot);

/*
 * Unmap the 4 KiB page at iova if it is an area of its own and its table
 * keeps other entries (so nothing is unlinked). Returns true if it did;
 * false changes nothing and leaves the case to the general path.
 */
bool ioasid__pgtable_unmap_page(struct ioasid__pgtable *pt, uint64_t iova);

/*
 * Clear every leaf inside [iova, last] (no leaf may cross either end) and
 * unlink the tables that become empty onto rc. Returns the bytes unmapped;
 * *areas (if not NULL) is increased by the START leaves cleared.
 */
uint64_t ioasid__pgtable_unmap(struct ioasid__pgtable *pt, uint64_t iova,
			       uint64_t last, struct ioasid__pt_reclaim *rc,
			       uint64_t *areas);

/*
 * The leaf holding iova (pte 0 if none). Safe concurrently with changes:
 * the caller is inside an RCU read-side critical section or holds the
 * owner's lock.
 */
void ioasid__pgtable_walk(const struct ioasid__pgtable *pt, uint64_t iova,
			  struct ioasid__pt_leaf *leaf);

/* Tables ioasid__pgtable_split_at(pt, iova) would need. */
unsigned int ioasid__pgtable_split_need(const struct ioasid__pgtable *pt,
					uint64_t iova);

/*
 * Split the huge leaves that cross iova until iova is a leaf boundary,
 * taking new tables from spare (a reclaim-style list of zeroed tables the
 * caller filled with ioasid__pgtable_spare_alloc(); give the unused ones
 * back with ioasid__pt_cache_put_list()). Translations do not change: the
 * new tables keep every page of the leaf they replace.
 */
void ioasid__pgtable_split_at(struct ioasid__pgtable *pt, uint64_t iova,
			      struct ioasid__pt_reclaim *spare);

/* Take n zeroed tables from pt's cache onto spare. 0 or -ENOMEM (spare as before). */
int ioasid__pgtable_spare_alloc(struct ioasid__pgtable *pt,
				struct ioasid__pt_reclaim *spare, unsigned int n);

/*
 * Set START on the leaf holding iova if it is present and not already an
 * area start. Returns true if it changed (a new area began).
 */
bool ioasid__pgtable_mark_start(struct ioasid__pgtable *pt, uint64_t iova);

/* Move every table of src to the front of dst, leaving src empty. */
void ioasid__pt_reclaim_splice(struct ioasid__pt_reclaim *dst,
			       struct ioasid__pt_reclaim *src);

#endif /* IOASID_LIB_IOMMU_PGTABLE_H */
