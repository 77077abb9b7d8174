// SPDX-License-Identifier: MIT
/*
 * The IOTLB (see iotlb.h for the layout and the concurrency rules).
 *
 * Writers own one entry at a time through its sequence count. A fill
 * tries once and gives up; an invalidation waits, because it must not
 * leave a matching entry behind. Invalidations advance the epoch before
 * scanning so that a fill racing with them either sees the new epoch and
 * gives up, or owned its entry before the scan reached it and is waited
 * for and then dropped.
 *
 * A range of at most nr_sets pages is invalidated by probing each page's
 * set; larger ranges, PASIDs and everything are invalidated by scanning
 * the whole array, which is a few microseconds at the default size.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "iommu/iotlb.h"
#include "util/alloc.h"

__thread unsigned int ioasid__iotlb_tls_shard __attribute__((tls_model("initial-exec")));

/* Bit s set: shard s belongs to a live thread. Bit 0 (the shared shard) stays clear. */
static uint64_t shards_owned;
static pthread_key_t shard_key;
static pthread_once_t shard_key_once = PTHREAD_ONCE_INIT;

static void shard_release(void *value)
{
	unsigned int s = (unsigned int)(uintptr_t)value - 1;

	/* Release: the next owner sees every count this thread made. */
	if (s)
		__atomic_fetch_and(&shards_owned, ~(1ull << s), __ATOMIC_RELEASE);
}

static void shard_key_create(void)
{
	if (pthread_key_create(&shard_key, shard_release))
		shard_key = (pthread_key_t)-1;
}

/* Claim a free shard, or fall back to the shared one. */
static unsigned int shard_claim(void)
{
	uint64_t owned = __atomic_load_n(&shards_owned, __ATOMIC_ACQUIRE);

	for (;;) {
		uint64_t free = ~owned & ~1ull;
		unsigned int s;

		if (!free)
			return 0;
		s = (unsigned int)__builtin_ctzll(free);
		if (__atomic_compare_exchange_n(&shards_owned, &owned, owned | 1ull << s, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return s;
	}
}

unsigned int ioasid__iotlb_shard_assign(void)
{
	unsigned int s = 0;

	pthread_once(&shard_key_once, shard_key_create);
	/* Without a key the shard could not be released at exit: share. */
	if (shard_key != (pthread_key_t)-1) {
		s = shard_claim();
		if (s && pthread_setspecific(shard_key, (void *)(uintptr_t)(s + 1))) {
			shard_release((void *)(uintptr_t)(s + 1));
			s = 0;
		}
	}
	ioasid__iotlb_tls_shard = s + 1;
	return s + 1;
}

int ioasid__iotlb_init(struct ioasid__iotlb *tlb, uint32_t entries)
{
	size_t bytes = (size_t)entries * sizeof(struct ioasid__iotlb_entry);

	memset(tlb, 0, sizeof(*tlb));
	tlb->entries = ioasid__aligned_alloc(128, bytes);
	if (!tlb->entries)
		return -ENOMEM;
	memset(tlb->entries, 0, bytes);
	tlb->nr_sets = entries / IOASID__IOTLB_WAYS;
	tlb->next_tag = 1;
	return 0;
}

void ioasid__iotlb_destroy(struct ioasid__iotlb *tlb)
{
	ioasid__free(tlb->entries);
	tlb->entries = NULL;
}

uint64_t ioasid__iotlb_tag_alloc(struct ioasid__iotlb *tlb)
{
	return __atomic_fetch_add(&tlb->next_tag, 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------------
 * Owning an entry
 */

static bool entry_trylock(struct ioasid__iotlb_entry *e)
{
	uint32_t s = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);

	return !(s & 1) && __atomic_compare_exchange_n(&e->seq, &s, s + 1, false,
						       __ATOMIC_SEQ_CST,
						       __ATOMIC_RELAXED);
}

static void entry_lock(struct ioasid__iotlb_entry *e)
{
	while (!entry_trylock(e))
		__builtin_ia32_pause();
}

static void entry_unlock(struct ioasid__iotlb_entry *e)
{
	uint32_t s = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&e->seq, s + 1, __ATOMIC_RELEASE);
}

/* Field writes are release stores: a reader that sees one sees the odd count. */
static void entry_write(struct ioasid__iotlb_entry *e, uint64_t tag, uint32_t pasid,
			uint64_t page, uint64_t data)
{
	__atomic_store_n(&e->tag, tag, __ATOMIC_RELEASE);
	__atomic_store_n(&e->pasid, pasid, __ATOMIC_RELEASE);
	__atomic_store_n(&e->page, page, __ATOMIC_RELEASE);
	__atomic_store_n(&e->data, data, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------------
 * Fill
 */

/* Prefer the entry already holding the key, then an empty one, then rotate. */
static struct ioasid__iotlb_entry *victim_pick(struct ioasid__iotlb *tlb, uint64_t tag,
					       uint32_t pasid, uint64_t page)
{
	struct ioasid__iotlb_entry *set = ioasid__iotlb_set(tlb, tag, page);
	struct ioasid__iotlb_entry *empty = NULL;
	unsigned int w, shard;

	for (w = 0; w < IOASID__IOTLB_WAYS; w++) {
		uint64_t t = __atomic_load_n(&set[w].tag, __ATOMIC_RELAXED);

		if (t == tag && __atomic_load_n(&set[w].page, __ATOMIC_RELAXED) == page &&
		    __atomic_load_n(&set[w].pasid, __ATOMIC_RELAXED) == pasid)
			return &set[w];
		if (!t && !empty)
			empty = &set[w];
	}
	if (empty)
		return empty;
	/* Rotate by this thread's fill count: no shared counter to bounce. */
	w = (unsigned int)__atomic_load_n(ioasid__iotlb_counter(tlb, &shard,
			__builtin_offsetof(struct ioasid__iotlb_shard, fills)), __ATOMIC_RELAXED);
	return &set[w & (IOASID__IOTLB_WAYS - 1)];
}

void ioasid__iotlb_fill(struct ioasid__iotlb *tlb, uint64_t tag, uint32_t pasid,
			uint64_t page, uint64_t data, uint64_t epoch)
{
	struct ioasid__iotlb_entry *e = victim_pick(tlb, tag, pasid, page);

	if (!entry_trylock(e))
		return;
	if (__atomic_load_n(&tlb->epoch, __ATOMIC_SEQ_CST) == epoch) {
		entry_write(e, tag, pasid, page, data);
		ioasid__iotlb_count(tlb, fills);
	}
	entry_unlock(e);
}

/* ------------------------------------------------------------------------
 * Invalidation
 */

struct inv_match {
	uint64_t tag; /* 0: any */
	uint32_t pasid; /* IOASID__IOTLB_ANY_PASID: any */
	uint64_t first, last; /* pages */
};

static bool entry_matches(const struct ioasid__iotlb_entry *e, const struct inv_match *m)
{
	uint64_t tag = __atomic_load_n(&e->tag, __ATOMIC_RELAXED);
	uint64_t page = __atomic_load_n(&e->page, __ATOMIC_RELAXED);

	if (!tag || (m->tag && tag != m->tag))
		return false;
	if (m->pasid != IOASID__IOTLB_ANY_PASID &&
	    __atomic_load_n(&e->pasid, __ATOMIC_RELAXED) != m->pasid)
		return false;
	return page >= m->first && page <= m->last;
}

/* Drop e if it matches, waiting for a writer that owns it. */
static void entry_invalidate(struct ioasid__iotlb_entry *e, const struct inv_match *m)
{
	uint32_t s = __atomic_load_n(&e->seq, __ATOMIC_SEQ_CST);

	if (!(s & 1) && !entry_matches(e, m))
		return;
	entry_lock(e);
	if (entry_matches(e, m))
		__atomic_store_n(&e->tag, 0, __ATOMIC_RELEASE);
	entry_unlock(e);
}

static void inv_begin(struct ioasid__iotlb *tlb)
{
	__atomic_fetch_add(&tlb->epoch, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&tlb->invalidations, 1, __ATOMIC_RELAXED);
}

static void inv_scan(struct ioasid__iotlb *tlb, const struct inv_match *m)
{
	size_t i, n = (size_t)tlb->nr_sets * IOASID__IOTLB_WAYS;

	for (i = 0; i < n; i++)
		entry_invalidate(&tlb->entries[i], m);
}

void ioasid__iotlb_inv_all(struct ioasid__iotlb *tlb)
{
	struct inv_match m = { 0, IOASID__IOTLB_ANY_PASID, 0, UINT64_MAX };

	inv_begin(tlb);
	inv_scan(tlb, &m);
}

void ioasid__iotlb_inv_pasid(struct ioasid__iotlb *tlb, uint64_t tag, uint32_t pasid)
{
	struct inv_match m = { tag, pasid, 0, UINT64_MAX };

	inv_begin(tlb);
	inv_scan(tlb, &m);
}

void ioasid__iotlb_inv_range(struct ioasid__iotlb *tlb, uint64_t tag, uint32_t pasid,
			     uint64_t first, uint64_t last)
{
	struct inv_match m = { tag, pasid, first, last };
	uint64_t page;
	unsigned int w;

	inv_begin(tlb);
	if (last - first >= tlb->nr_sets) {
		inv_scan(tlb, &m);
		return;
	}
	for (page = first;; page++) {
		struct ioasid__iotlb_entry *set = ioasid__iotlb_set(tlb, tag, page);

		for (w = 0; w < IOASID__IOTLB_WAYS; w++)
			entry_invalidate(&set[w], &m);
		if (page == last)
			break;
	}
}

void ioasid__iotlb_count_hit_slow(struct ioasid__iotlb *tlb)
{
	ioasid__iotlb_count(tlb, hits);
}

void ioasid__iotlb_count_miss(struct ioasid__iotlb *tlb)
{
	ioasid__iotlb_count(tlb, misses);
}

void ioasid__iotlb_count_inv(struct ioasid__iotlb *tlb)
{
	__atomic_fetch_add(&tlb->invalidations, 1, __ATOMIC_RELAXED);
}

void ioasid__iotlb_read_stats(struct ioasid__iotlb *tlb, uint64_t *hits,
			      uint64_t *misses, uint64_t *fills, uint64_t *invalidations)
{
	unsigned int i;

	*hits = *misses = *fills = 0;
	for (i = 0; i < IOASID__IOTLB_SHARDS; i++) {
		*hits += __atomic_load_n(&tlb->shards[i].hits, __ATOMIC_RELAXED);
		*misses += __atomic_load_n(&tlb->shards[i].misses, __ATOMIC_RELAXED);
		*fills += __atomic_load_n(&tlb->shards[i].fills, __ATOMIC_RELAXED);
	}
	*invalidations = __atomic_load_n(&tlb->invalidations, __ATOMIC_RELAXED);
}
