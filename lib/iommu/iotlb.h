/* SPDX-License-Identifier: MIT */
/*
 * The IOTLB: a per-IOMMU set-associative cache of 4 KiB translations keyed
 * by (domain tag, PASID, page).
 *
 * Layout: nr_sets sets of IOASID__IOTLB_WAYS entries, one set per 128-byte
 * block; a page's set is a hash of its page number and its domain's tag.
 *
 * Domain tags: every domain draws a tag from the IOTLB's counter, and
 * draws a fresh one to drop all its entries at once (O(1) domain
 * invalidation): entries with the old tag can never match again and are
 * reused as victims. Tags are never reused; 0 marks an empty entry.
 *
 * Concurrency: lookups take no lock. Each entry carries a sequence count
 * that is odd while a writer changes it; a writer (fill or invalidation)
 * owns an entry by moving its count from even to odd with a
 * compare-and-swap, and a reader accepts an entry only if the count was
 * even and unchanged around its reads. A fill that walked the page table
 * before an invalidation must not install what it found after that
 * invalidation: every invalidation advances the epoch before it scans, and
 * a fill installs only if the epoch it read before its walk is still
 * current once it owns its entry. Invalidations wait for entries that are
 * being filled, so they never miss one.
 */
#ifndef IOASID_LIB_IOMMU_IOTLB_H
#define IOASID_LIB_IOMMU_IOTLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOASID__IOTLB_WAYS 4u
#define IOASID__IOTLB_SHARDS 64u
#define IOASID__IOTLB_ENTRIES_MIN 4u
#define IOASID__IOTLB_ENTRIES_MAX (1u << 20)
/* Every PASID, for ioasid__iotlb_inv_range(). */
#define IOASID__IOTLB_ANY_PASID UINT32_MAX

struct ioasid__iotlb_entry {
	uint32_t seq; /* odd while a writer owns the entry */
	uint32_t pasid;
	uint64_t tag; /* domain tag; 0 = empty */
	uint64_t page; /* IOVA >> 12 */
	uint64_t data; /* physical page | IOASID__PTE_R/W */
};

/*
 * Counters, one cache line per shard. A thread that translates claims a
 * shard of its own on first use (released when it exits) and bumps its
 * counters with plain relaxed stores, no locked instruction; shard 0 is
 * shared by the threads that find none free and is bumped atomically. So
 * the counts are exact at any thread count.
 */
struct ioasid__iotlb_shard {
	uint64_t hits;
	uint64_t misses;
	uint64_t fills;
} __attribute__((aligned(64)));

struct ioasid__iotlb {
	struct ioasid__iotlb_entry *entries;
	uint32_t nr_sets; /* a power of two */
	uint64_t epoch; /* advanced by every invalidation */
	uint64_t next_tag;
	uint64_t invalidations;
	struct ioasid__iotlb_shard shards[IOASID__IOTLB_SHARDS];
};

/* Set up an empty IOTLB of entries (power of two, >= WAYS). 0 or -ENOMEM. */
int ioasid__iotlb_init(struct ioasid__iotlb *tlb, uint32_t entries);
void ioasid__iotlb_destroy(struct ioasid__iotlb *tlb);

/* A tag no entry has ever carried. */
uint64_t ioasid__iotlb_tag_alloc(struct ioasid__iotlb *tlb);

/* This thread's shard number + 1 (0: none claimed yet). */
extern __thread unsigned int ioasid__iotlb_tls_shard
	__attribute__((tls_model("initial-exec")));
unsigned int ioasid__iotlb_shard_assign(void) __attribute__((cold));

static inline uint64_t *ioasid__iotlb_counter(struct ioasid__iotlb *tlb, unsigned int *shard,
					      size_t offset)
{
	unsigned int s = ioasid__iotlb_tls_shard;

	if (__builtin_expect(!s, 0))
		s = ioasid__iotlb_shard_assign();
	*shard = s - 1;
	return (uint64_t *)((char *)&tlb->shards[s - 1] + offset);
}

/* Add one to a counter of this thread's shard. */
#define ioasid__iotlb_count(tlb, field)                                                  \
	do {                                                                             \
		unsigned int s_;                                                         \
		uint64_t *c_ = ioasid__iotlb_counter(tlb, &s_,                           \
			__builtin_offsetof(struct ioasid__iotlb_shard, field));          \
		if (__builtin_expect(s_ != 0, 1))                                        \
			__atomic_store_n(c_, __atomic_load_n(c_, __ATOMIC_RELAXED) + 1,  \
					 __ATOMIC_RELAXED);                              \
		else                                                                     \
			__atomic_fetch_add(c_, 1, __ATOMIC_RELAXED);                     \
	} while (0)

static inline struct ioasid__iotlb_entry *
ioasid__iotlb_set(const struct ioasid__iotlb *tlb, uint64_t tag, uint64_t page)
{
	uint64_t h = page ^ ((tag * 0x9e3779b97f4a7c15ull) >> 40);

	return &tlb->entries[(h & (tlb->nr_sets - 1)) * IOASID__IOTLB_WAYS];
}

/* The epoch to pass to ioasid__iotlb_fill(), read before walking. */
static inline uint64_t ioasid__iotlb_epoch(struct ioasid__iotlb *tlb)
{
	return __atomic_load_n(&tlb->epoch, __ATOMIC_SEQ_CST);
}

/* Count a hit on the shared shard or for a thread with no shard yet. */
void ioasid__iotlb_count_hit_slow(struct ioasid__iotlb *tlb) __attribute__((cold));

/*
 * Add one to this thread's hit counter: a plain increment of its own shard
 * in the common case, out of line otherwise. Called last on the hit path,
 * where nothing else is live, so the rare call costs the hot path nothing.
 */
static inline void ioasid__iotlb_count_hit(struct ioasid__iotlb *tlb)
{
	unsigned int s = ioasid__iotlb_tls_shard;
	uint64_t *c;

	if (__builtin_expect(s <= 1, 0)) {
		ioasid__iotlb_count_hit_slow(tlb);
		return;
	}
	c = &tlb->shards[s - 1].hits;
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

/*
 * Look (tag, pasid, page) up; on a hit store the entry's data and return
 * true. Nothing is counted here: the caller counts the hit
 * (ioasid__iotlb_count_hit()) once it has nothing else to do, and a miss
 * on its out-of-line miss path (ioasid__iotlb_count_miss()), so that the
 * hit path carries as little as possible.
 *
 * The page is compared first, with a plain load: it differs in nearly
 * every way that does not hit, and only a way whose page matches pays for
 * the sequence-count protocol (count, fields, count again).
 */
static inline bool ioasid__iotlb_lookup(struct ioasid__iotlb *tlb, uint64_t tag,
					uint32_t pasid, uint64_t page, uint64_t *data)
{
	struct ioasid__iotlb_entry *set = ioasid__iotlb_set(tlb, tag, page);
	unsigned int w;

#pragma GCC unroll 4
	for (w = 0; w < IOASID__IOTLB_WAYS; w++) {
		struct ioasid__iotlb_entry *e = &set[w];
		uint32_t s;
		uint64_t d;

		if (__atomic_load_n(&e->page, __ATOMIC_RELAXED) != page)
			continue;
		s = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&e->tag, __ATOMIC_ACQUIRE) != tag ||
		    __atomic_load_n(&e->page, __ATOMIC_ACQUIRE) != page ||
		    __atomic_load_n(&e->pasid, __ATOMIC_ACQUIRE) != pasid)
			continue;
		d = __atomic_load_n(&e->data, __ATOMIC_ACQUIRE);
		if ((s & 1) || __atomic_load_n(&e->seq, __ATOMIC_RELAXED) != s)
			continue;
		*data = d;
		return true;
	}
	return false;
}

/* Count a lookup that missed (out of line: the miss path's). */
void ioasid__iotlb_count_miss(struct ioasid__iotlb *tlb);

/*
 * Install (tag, pasid, page) -> data unless an invalidation ran since epoch
 * was read or another writer owns the victim entry (a fill is only ever an
 * optimisation, so it gives up rather than wait).
 */
void ioasid__iotlb_fill(struct ioasid__iotlb *tlb, uint64_t tag, uint32_t pasid,
			uint64_t page, uint64_t data, uint64_t epoch);

/* Drop every entry. */
void ioasid__iotlb_inv_all(struct ioasid__iotlb *tlb);

/* Drop the entries of pasid carrying tag, or of any tag when tag is 0. */
void ioasid__iotlb_inv_pasid(struct ioasid__iotlb *tlb, uint64_t tag, uint32_t pasid);

/*
 * Drop the entries of tag for pages [first, last] and pasid (or any PASID
 * with IOASID__IOTLB_ANY_PASID).
 */
void ioasid__iotlb_inv_range(struct ioasid__iotlb *tlb, uint64_t tag, uint32_t pasid,
			     uint64_t first, uint64_t last);

/* Count an invalidation done by drawing a new tag (the caller's). */
void ioasid__iotlb_count_inv(struct ioasid__iotlb *tlb);

/* Sum the counters. */
void ioasid__iotlb_read_stats(struct ioasid__iotlb *tlb, uint64_t *hits,
			      uint64_t *misses, uint64_t *fills, uint64_t *invalidations);

#endif /* IOASID_LIB_IOMMU_IOTLB_H */
