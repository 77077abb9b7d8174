// SPDX-License-Identifier: MIT
/*
 * The multi-level I/O page table (see pgtable.h for the entry format and
 * the concurrency rules).
 *
 * Every operation that touches a range is a recursion over the levels that
 * visits each table of the range once: at each level it walks the entries
 * the range covers, clipping the range to each entry. The count of live
 * entries of a table is carried in its parent's entry (the root's in the
 * struct), read before descending and written back after, so that an
 * emptied table is noticed and unlinked on the way up.
 *
 * Map is prepare-then-commit: the prepare pass links every missing table
 * (empty, so translations do not change) and is the only step that can
 * fail; on -ENOMEM the range is pruned back, which unlinks exactly the
 * tables just linked because at rest no table but the root is ever empty.
 * The commit pass writes leaves into tables that now all exist.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "iommu/pgtable.h"

/* Entries are read and written whole, atomically (see pgtable.h). */
static inline uint64_t pte_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void pte_store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline bool pte_present(uint64_t e)
{
	return e & IOASID__PTE_PROT;
}

/* A present entry points to a table unless it is a level-1 or PS leaf. */
static inline bool pte_is_table(uint64_t e, unsigned int level)
{
	return level > 1 && !(e & IOASID__PTE_PS);
}

static inline uint64_t *pte_table(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & IOASID__PTE_ADDR);
}

static inline uint32_t pte_count(uint64_t e)
{
	return (uint32_t)((e & IOASID__PTE_COUNT) >> IOASID__PTE_COUNT_SHIFT);
}

static inline uint64_t pte_with_count(uint64_t e, uint32_t n)
{
	return (e & ~IOASID__PTE_COUNT) | ((uint64_t)n << IOASID__PTE_COUNT_SHIFT);
}

static inline uint64_t pte_make_table(uint64_t *t, uint32_t n)
{
	return pte_with_count((uint64_t)(uintptr_t)t | IOASID__PTE_PROT, n);
}

static inline unsigned int pt_index(uint64_t iova, unsigned int level)
{
	return (unsigned int)(iova >> (12 + 9 * (level - 1))) & (IOASID__PT_ENTRIES - 1);
}

/* Last byte of the entry holding iova at level, clipped to last. */
static inline uint64_t entry_clip(uint64_t iova, unsigned int level, uint64_t last)
{
	uint64_t end = iova | (ioasid__pt_level_size(level) - 1);

	return end < last ? end : last;
}

/* ------------------------------------------------------------------------
 * Table memory and the reclaim list
 */

/*
 * Tables come from the IOMMU's cache (ptcache.h): zero-filled, 4 KiB
 * aligned, at user-space addresses, which an entry's address field
 * (bits 12-51) always holds.
 */
static uint64_t *table_alloc(struct ioasid__pgtable *pt)
{
	uint64_t *t = ioasid__pt_cache_get(pt->cache);

	if (t)
		pt->nr_tables++;
	return t;
}

static void reclaim_push(struct ioasid__pt_reclaim *rc, uint64_t *t)
{
	pte_store(&t[0], (uint64_t)(uintptr_t)rc->head);
	if (!rc->head)
		rc->tail = t;
	rc->head = t;
	rc->count++;
}

static uint64_t *reclaim_pop(struct ioasid__pt_reclaim *rc)
{
	uint64_t *t = rc->head;

	rc->head = (uint64_t *)(uintptr_t)t[0];
	if (!rc->head)
		rc->tail = NULL;
	rc->count--;
	t[0] = 0;
	return t;
}

void ioasid__pt_reclaim_splice(struct ioasid__pt_reclaim *dst,
			       struct ioasid__pt_reclaim *src)
{
	if (!src->head)
		return;
	pte_store(&src->tail[0], (uint64_t)(uintptr_t)dst->head);
	if (!dst->head)
		dst->tail = src->tail;
	dst->head = src->head;
	dst->count += src->count;
	src->head = src->tail = NULL;
	src->count = 0;
}

int ioasid__pgtable_spare_alloc(struct ioasid__pgtable *pt,
				struct ioasid__pt_reclaim *spare, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t *t = ioasid__pt_cache_get(pt->cache);

		if (!t)
			goto err_put_taken;
		reclaim_push(spare, t);
	}
	return 0;

err_put_taken:
	while (i--)
		ioasid__pt_cache_put(pt->cache, reclaim_pop(spare));
	return -ENOMEM;
}

/* ------------------------------------------------------------------------
 * Set-up and teardown
 */

int ioasid__pgtable_init(struct ioasid__pgtable *pt, struct ioasid__pt_cache *cache,
			 unsigned int levels, uint64_t pgsize_bitmap)
{
	memset(pt, 0, sizeof(*pt));
	pt->cache = cache;
	pt->levels = levels;
	pt->pgsize_bitmap = pgsize_bitmap;
	pt->root = table_alloc(pt);
	return pt->root ? 0 : -ENOMEM;
}

static void table_free_tree(struct ioasid__pt_cache *cache, uint64_t *t,
			    unsigned int level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < IOASID__PT_ENTRIES; i++) {
		if (pte_present(t[i]) && pte_is_table(t[i], level))
			table_free_tree(cache, pte_table(t[i]), level - 1);
	}
	ioasid__pt_cache_put_dirty(cache, t);
}

void ioasid__pgtable_destroy(struct ioasid__pgtable *pt)
{
	if (pt->root)
		table_free_tree(pt->cache, pt->root, pt->levels);
	pt->root = NULL;
	pt->nr_tables = 0;
	pt->root_count = 0;
}

/* ------------------------------------------------------------------------
 * Lookups
 */

static bool table_range_empty(const uint64_t *t, unsigned int level,
			      uint64_t iova, uint64_t last)
{
	for (;;) {
		uint64_t e = pte_load(&t[pt_index(iova, level)]);
		uint64_t clip = entry_clip(iova, level, last);

		if (pte_present(e)) {
			if (!pte_is_table(e, level))
				return false;
			if (!table_range_empty(pte_table(e), level - 1, iova, clip))
				return false;
		}
		if (clip == last)
			return true;
		iova = clip + 1;
	}
}

bool ioasid__pgtable_range_empty(const struct ioasid__pgtable *pt, uint64_t iova,
				 uint64_t last)
{
	return table_range_empty(pt->root, pt->levels, iova, last);
}

/*
 * The entry the walk for iova stops at (a leaf or a hole), its level and
 * the value read there. The caller must use that value, not read the slot
 * again: a concurrent map may have turned the hole into a table pointer.
 */
static uint64_t *walk_slot(const struct ioasid__pgtable *pt, uint64_t iova,
			   unsigned int *levelp, uint64_t *ep)
{
	uint64_t *t = pt->root;
	unsigned int level;

	for (level = pt->levels;; level--) {
		uint64_t *slot = &t[pt_index(iova, level)];
		uint64_t e = pte_load(slot);

		if (!pte_present(e) || !pte_is_table(e, level)) {
			*levelp = level;
			*ep = e;
			return slot;
		}
		t = pte_table(e);
	}
}

void ioasid__pgtable_walk(const struct ioasid__pgtable *pt, uint64_t iova,
			  struct ioasid__pt_leaf *leaf)
{
	unsigned int level;
	uint64_t e;

	walk_slot(pt, iova, &level, &e);
	leaf->size = ioasid__pt_level_size(level);
	leaf->base = iova & ~(leaf->size - 1);
	leaf->pte = pte_present(e) ? e : 0;
}

/* ------------------------------------------------------------------------
 * Map: prepare, then commit
 */

/* Whether one leaf at level maps [iova, ...] within last from phys. */
static bool leaf_fits(const struct ioasid__pgtable *pt, unsigned int level,
		      uint64_t iova, uint64_t last, uint64_t phys)
{
	uint64_t size = ioasid__pt_level_size(level);

	if (level == 1)
		return true;
	if (!(pt->pgsize_bitmap & size))
		return false;
	return !((iova | phys) & (size - 1)) && last - iova >= size - 1;
}

/* Link the tables [iova, last] needs below t; *count counts t's entries. */
static int table_prepare(struct ioasid__pgtable *pt, uint64_t *t, unsigned int level,
			 uint64_t iova, uint64_t last, uint64_t phys, uint32_t *count)
{
	for (;;) {
		uint64_t *slot = &t[pt_index(iova, level)];
		uint64_t clip = entry_clip(iova, level, last);

		if (!leaf_fits(pt, level, iova, clip, phys)) {
			uint64_t e = *slot;
			uint32_t n;
			int ret;

			if (!pte_present(e)) {
				uint64_t *child = table_alloc(pt);

				if (!child)
					return -ENOMEM;
				e = pte_make_table(child, 0);
				pte_store(slot, e);
				(*count)++;
			}
			n = pte_count(e);
			ret = table_prepare(pt, pte_table(e), level - 1, iova, clip, phys, &n);
			pte_store(slot, pte_with_count(e, n));
			if (ret)
				return ret;
		}
		if (clip == last)
			return 0;
		phys += clip + 1 - iova;
		iova = clip + 1;
	}
}

/* Write the leaves of [iova, last]; every table they need exists. */
static void table_commit(const struct ioasid__pgtable *pt, uint64_t *t,
			 unsigned int level, uint64_t iova, uint64_t last,
			 uint64_t phys, uint64_t prot, uint64_t start, uint32_t *count)
{
	for (;;) {
		uint64_t *slot = &t[pt_index(iova, level)];
		uint64_t clip = entry_clip(iova, level, last);

		if (leaf_fits(pt, level, iova, clip, phys)) {
			uint64_t e = phys | prot;

			if (level > 1)
				e |= IOASID__PTE_PS;
			if (iova == start)
				e |= IOASID__PTE_START;
			pte_store(slot, e);
			(*count)++;
		} else {
			uint64_t e = *slot;
			uint32_t n = pte_count(e);

			table_commit(pt, pte_table(e), level - 1, iova, clip, phys,
				     prot, start, &n);
			pte_store(slot, pte_with_count(e, n));
		}
		if (clip == last)
			return;
		phys += clip + 1 - iova;
		iova = clip + 1;
	}
}

/* ------------------------------------------------------------------------
 * Unmap
 */

struct unmap_acc {
	struct ioasid__pgtable *pt;
	struct ioasid__pt_reclaim *rc;
	uint64_t bytes;
	uint64_t areas;
};

/* Clear the leaves of [iova, last] below t, unlinking emptied tables. */
static void table_unmap(struct unmap_acc *acc, uint64_t *t, unsigned int level,
			uint64_t iova, uint64_t last, uint32_t *count)
{
	for (;;) {
		uint64_t *slot = &t[pt_index(iova, level)];
		uint64_t clip = entry_clip(iova, level, last);
		uint64_t e = *slot;

		if (pte_present(e) && !pte_is_table(e, level)) {
			pte_store(slot, 0);
			(*count)--;
			acc->bytes += ioasid__pt_level_size(level);
			acc->areas += !!(e & IOASID__PTE_START);
		} else if (pte_present(e)) {
			uint32_t n = pte_count(e);

			table_unmap(acc, pte_table(e), level - 1, iova, clip, &n);
			if (!n) {
				pte_store(slot, 0);
				(*count)--;
				reclaim_push(acc->rc, pte_table(e));
				acc->pt->nr_tables--;
			} else if (n != pte_count(e)) {
				pte_store(slot, pte_with_count(e, n));
			}
		}
		if (clip == last)
			return;
		iova = clip + 1;
	}
}

uint64_t ioasid__pgtable_unmap(struct ioasid__pgtable *pt, uint64_t iova,
			       uint64_t last, struct ioasid__pt_reclaim *rc,
			       uint64_t *areas)
{
	struct unmap_acc acc = { .pt = pt, .rc = rc };

	table_unmap(&acc, pt->root, pt->levels, iova, last, &pt->root_count);
	if (areas)
		*areas += acc.areas;
	return acc.bytes;
}

int ioasid__pgtable_map(struct ioasid__pgtable *pt, uint64_t iova, uint64_t last,
			uint64_t phys, uint64_t prot, struct ioasid__pt_reclaim *rc)
{
	int ret;

	ret = table_prepare(pt, pt->root, pt->levels, iova, last, phys, &pt->root_count);
	if (ret) {
		/* Only the empty tables just linked can go: the range held nothing. */
		ioasid__pgtable_unmap(pt, iova, last, rc, NULL);
		return ret;
	}
	table_commit(pt, pt->root, pt->levels, iova, last, phys, prot, iova,
		     &pt->root_count);
	return 0;
}

/* ------------------------------------------------------------------------
 * Single pages
 *
 * Mapping or unmapping one 4 KiB page is the common case and needs one
 * walk instead of three when every table on the way exists: the level-1
 * slot is changed directly and its table's count in the parent entry
 * adjusted. Whenever that is not enough (a table is missing, one would
 * become empty, the area is longer than the page) the general path runs.
 */

/* The level-1 slot of iova and the parent entry of its table, or NULL. */
static uint64_t *l1_slot(const struct ioasid__pgtable *pt, uint64_t iova,
			 uint64_t **parentp)
{
	uint64_t *t = pt->root, *parent = NULL;
	unsigned int level;

	for (level = pt->levels; level > 1; level--) {
		uint64_t *slot = &t[pt_index(iova, level)];
		uint64_t e = *slot;

		if (!pte_present(e) || !pte_is_table(e, level))
			return NULL;
		parent = slot;
		t = pte_table(e);
	}
	*parentp = parent;
	return &t[pt_index(iova, 1)];
}

int ioasid__pgtable_map_page(struct ioasid__pgtable *pt, uint64_t iova, uint64_t phys,
			     uint64_t prot)
{
	uint64_t *parent, *slot = l1_slot(pt, iova, &parent);

	if (!slot)
		return -EAGAIN;
	if (pte_present(*slot))
		return -EEXIST;
	pte_store(slot, phys | prot | IOASID__PTE_START);
	pte_store(parent, pte_with_count(*parent, pte_count(*parent) + 1));
	return 0;
}

bool ioasid__pgtable_unmap_page(struct ioasid__pgtable *pt, uint64_t iova)
{
	uint64_t *parent, *slot = l1_slot(pt, iova, &parent);
	uint64_t e, next;

	if (!slot || pt_index(iova, 1) == IOASID__PT_ENTRIES - 1)
		return false;
	e = *slot;
	next = slot[1];
	if (!pte_present(e) || !(e & IOASID__PTE_START))
		return false;
	if ((pte_present(next) && !(next & IOASID__PTE_START)) || pte_count(*parent) == 1)
		return false;
	pte_store(slot, 0);
	pte_store(parent, pte_with_count(*parent, pte_count(*parent) - 1));
	return true;
}

/* ------------------------------------------------------------------------
 * Splitting huge leaves
 */

unsigned int ioasid__pgtable_split_need(const struct ioasid__pgtable *pt,
					uint64_t iova)
{
	struct ioasid__pt_leaf leaf;
	unsigned int level, need = 0;

	ioasid__pgtable_walk(pt, iova, &leaf);
	if (!leaf.pte || leaf.base == iova)
		return 0;
	for (level = (unsigned int)__builtin_ctzll(leaf.size) / 9; level > 1; level--) {
		need++;
		if (!(iova & (ioasid__pt_level_size(level - 1) - 1)))
			break;
	}
	return need;
}

/* Fill child with the 512 next-level leaves that together equal leaf e. */
static void leaf_split_fill(uint64_t *child, uint64_t e, unsigned int level)
{
	uint64_t sub = ioasid__pt_level_size(level - 1);
	uint64_t flags = e & IOASID__PTE_PROT;
	unsigned int i;

	if (level - 1 > 1)
		flags |= IOASID__PTE_PS;
	for (i = 0; i < IOASID__PT_ENTRIES; i++)
		child[i] = ((e & IOASID__PTE_ADDR) + i * sub) | flags;
	child[0] |= e & IOASID__PTE_START;
}

void ioasid__pgtable_split_at(struct ioasid__pgtable *pt, uint64_t iova,
			      struct ioasid__pt_reclaim *spare)
{
	uint64_t *t = pt->root;
	unsigned int level;

	for (level = pt->levels; level > 1; level--) {
		uint64_t *slot = &t[pt_index(iova, level)];
		uint64_t e = *slot;

		if (!pte_present(e))
			return;
		if (!pte_is_table(e, level)) {
			if (!(iova & (ioasid__pt_level_size(level) - 1)))
				return;
			t = reclaim_pop(spare);
			leaf_split_fill(t, e, level);
			pt->nr_tables++;
			/* The leaf is replaced by an equal table: the count stays. */
			pte_store(slot, pte_make_table(t, IOASID__PT_ENTRIES));
			continue;
		}
		t = pte_table(e);
	}
}

bool ioasid__pgtable_mark_start(struct ioasid__pgtable *pt, uint64_t iova)
{
	unsigned int level;
	uint64_t e;
	uint64_t *slot = walk_slot(pt, iova, &level, &e);

	if (!pte_present(e) || (e & IOASID__PTE_START))
		return false;
	pte_store(slot, e | IOASID__PTE_START);
	return true;
}
