/* SPDX-License-Identifier: MIT */
/*
 * The page-table cache: where an IOMMU instance's 4 KiB page tables come
 * from and go back to.
 *
 * Tables are carved from 2 MiB blocks of anonymous memory (mmap, aligned
 * to 2 MiB and advised MADV_HUGEPAGE, so a walk over many tables needs few
 * TLB entries). The first 4 KiB of a block is its header (the chain of
 * blocks); the other 511 slots are handed out in address order, each one
 * the first time it is needed, so untouched slots cost no memory. A table
 * given back goes on a free list and is handed out again before a new
 * slot is carved. Blocks are returned to the system only when the cache
 * is destroyed (the IOMMU instance is freed): the memory a domain stops
 * using stays with its instance for the next map.
 *
 * Invariant: every table on the free list is zero except its entry 0, the
 * link to the next free table (the same chaining as a reclaim list, so a
 * whole reclaim list is given back in O(1)). Callers give back only
 * tables that are empty (unlinked by unmap, spares never linked) or clear
 * them first (ioasid__pt_cache_put_dirty()).
 *
 * Reuse and RCU: the cache knows nothing of walkers. A table that a
 * concurrent walk may still read must go through the RCU-deferred reclaim
 * list (domain.c) and be given back only after the grace period.
 *
 * Failure injection: every table taken is one failure point of the
 * allocation fault hook (ioasid__alloc_fault_point()), whether it comes
 * from the free list or a new block, so fail-the-Nth-allocation sweeps see
 * exactly one allocation per table, as with a heap allocation per table.
 *
 * Lock: the cache's own mutex, a leaf lock (taken under a domain's lock).
 */
#ifndef IOASID_LIB_IOMMU_PTCACHE_H
#define IOASID_LIB_IOMMU_PTCACHE_H

#include <pthread.h>
#include <stdint.h>

struct ioasid__pt_reclaim;

#define IOASID__PT_BLOCK_BYTES (2u << 20)

struct ioasid__pt_cache {
	pthread_mutex_t lock;
	uint64_t *free; /* chained through entry 0 */
	char *carve; /* the next never-used slot of the newest block */
	char *carve_end;
	void *blocks; /* chained through each block's header */
	uint64_t nr_blocks;
	uint64_t nr_free; /* tables on the free list */
};

/* Set up an empty cache (no memory yet). Returns 0 or -errno. */
int ioasid__pt_cache_init(struct ioasid__pt_cache *cache);

/*
 * Return every block to the system. Every table must have been given back
 * (or be abandoned with the cache). Accepts a zeroed, never initialised
 * cache.
 */
void ioasid__pt_cache_destroy(struct ioasid__pt_cache *cache);

/* A zero-filled 4 KiB table, or NULL (out of memory or injected failure). */
uint64_t *ioasid__pt_cache_get(struct ioasid__pt_cache *cache);

/* Give back a table that is all zero but possibly its entry 0. */
void ioasid__pt_cache_put(struct ioasid__pt_cache *cache, uint64_t *t);

/* Give back a table of any content (it is cleared first). */
void ioasid__pt_cache_put_dirty(struct ioasid__pt_cache *cache, uint64_t *t);

/* Give back every (empty) table of a reclaim list, leaving it empty. */
void ioasid__pt_cache_put_list(struct ioasid__pt_cache *cache,
			       struct ioasid__pt_reclaim *rc);

#endif /* IOASID_LIB_IOMMU_PTCACHE_H */
