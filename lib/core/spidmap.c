// SPDX-License-Identifier: MIT
/*
 * Per-set SPID -> ID hash (see spidmap.h for the reader protocol and why
 * retired tables are kept until the set is destroyed).
 *
 * Linear probing over a power-of-two table with Fibonacci hashing (the top
 * bits of the product: the middle bits used before clustered SPIDs drawn
 * from a 20-bit space, leaving only a quarter of them in their home slot at
 * 100K SPIDs). A table is rebuilt before an insert would take the number
 * of used slots (live mappings plus tombstones) above 13/16; the rebuilt
 * table holds the live mappings at a load of at most one half. The limit
 * is chosen so that 100K SPIDs fit 2^17 slots, 1 MiB, which stays in a
 * core's L2 cache; at that load about two thirds of the SPIDs sit in their
 * home slot and four fifths within two slots of it, which is what the
 * inline lookup (ioasid/core_inline.h) probes.
 */
#include <errno.h>
#include <string.h>

#include "core/spidmap.h"
#include "util/alloc.h"

#define SLOT_EMPTY 0ull
#define SLOT_TOMB ((uint64_t)IOASID_INVALID << 32)
#define TABLE_MIN 8u
#define CACHE_LINE 64u

_Static_assert(sizeof(struct ioasid_spid_table) == CACHE_LINE,
	       "the slots start on a cache line of their own");

static uint64_t slot_make(ioasid_t spid, ioasid_t id)
{
	return (uint64_t)spid << 32 | id;
}

static bool slot_maps(uint64_t slot, ioasid_t spid)
{
	return (uint32_t)slot != 0 && (ioasid_t)(slot >> 32) == spid;
}

static uint32_t slot_home(const struct ioasid_spid_table *t, ioasid_t spid)
{
	return ioasid_spid_home(t, spid);
}

static uint32_t table_size(const struct ioasid_spid_table *t)
{
	return t->mask + 1;
}

static struct ioasid_spid_table *table_new(uint32_t size)
{
	size_t bytes = sizeof(struct ioasid_spid_table) +
		       (size_t)size * sizeof(uint64_t);
	struct ioasid_spid_table *t = ioasid__aligned_alloc(CACHE_LINE, bytes);

	if (!t)
		return NULL;
	memset(t, 0, bytes);
	t->mask = size - 1;
	t->shift = 64 - (uint32_t)__builtin_ctz(size);
	return t;
}

static void table_free_list(struct ioasid_spid_table *t)
{
	while (t) {
		struct ioasid_spid_table *next = t->next;

		ioasid__free(t);
		t = next;
	}
}

void ioasid__spidmap_init(struct ioasid__spidmap *map)
{
	memset(map, 0, sizeof(*map));
}

void ioasid__spidmap_destroy(struct ioasid__spidmap *map)
{
	struct ioasid_spid_table *cur;

	cur = atomic_load_explicit(&map->view.cur, memory_order_relaxed);
	ioasid__free(cur);
	ioasid__free(map->spare);
	table_free_list(map->retired);
	ioasid__spidmap_init(map);
}

/* Writer: index of the slot mapping spid, or -1. */
static int64_t table_find(const struct ioasid_spid_table *t, ioasid_t spid)
{
	uint32_t i = slot_home(t, spid);

	for (uint32_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		uint64_t s = atomic_load_explicit(&t->slots[i],
						  memory_order_relaxed);

		if (s == SLOT_EMPTY)
			return -1;
		if (slot_maps(s, spid))
			return i;
	}
	return -1;
}

/* Writer: store a mapping in the first free or deleted slot of its chain. */
static void table_put(struct ioasid_spid_table *t, uint64_t slot)
{
	uint32_t i = slot_home(t, (ioasid_t)(slot >> 32));
	int64_t tomb = -1;

	for (;; i = (i + 1) & t->mask) {
		uint64_t s = atomic_load_explicit(&t->slots[i],
						  memory_order_relaxed);

		if (s == SLOT_EMPTY)
			break;
		if (s == SLOT_TOMB && tomb < 0)
			tomb = i;
	}
	if (tomb >= 0)
		i = (uint32_t)tomb;
	else
		t->used++;
	atomic_store_explicit(&t->slots[i], slot, memory_order_release);
}

static void table_fill(struct ioasid_spid_table *t,
		       const struct ioasid_spid_table *from)
{
	if (!from)
		return;
	for (uint32_t i = 0; i < table_size(from); i++) {
		uint64_t s = atomic_load_explicit(&from->slots[i],
						  memory_order_relaxed);

		if ((uint32_t)s != 0)
			table_put(t, s);
	}
}

/*
 * Take the spare for a same-size rebuild. Readers may still be probing it,
 * so the sequence count moves before the first slot is overwritten.
 */
static struct ioasid_spid_table *spare_reuse(struct ioasid__spidmap *map)
{
	struct ioasid_spid_table *t = map->spare;

	map->spare = NULL;
	atomic_fetch_add_explicit(&map->view.seq, 1, memory_order_relaxed);
	/*
	 * Release stores: a reader whose (acquire) probe sees one of them is
	 * ordered after the bump above and will see the count moved.
	 */
	for (uint32_t i = 0; i < table_size(t); i++)
		atomic_store_explicit(&t->slots[i], SLOT_EMPTY,
				      memory_order_release);
	t->used = 0;
	return t;
}

/* Keep the table just replaced where no reader can be hurt by it. */
static void table_retire(struct ioasid__spidmap *map,
			 struct ioasid_spid_table *old,
			 const struct ioasid_spid_table *now)
{
	if (!old)
		return;
	if (table_size(old) == table_size(now)) {
		map->spare = old;
		return;
	}
	old->next = map->retired;
	map->retired = old;
	if (map->spare) {
		map->spare->next = map->retired;
		map->retired = map->spare;
		map->spare = NULL;
	}
}

static uint32_t rebuild_size(const struct ioasid_spid_table *cur,
			     uint32_t need)
{
	uint32_t size = TABLE_MIN;

	while (size / 2 < need)
		size *= 2;
	if (cur && size < table_size(cur))
		size = table_size(cur);
	return size;
}

static int table_rebuild(struct ioasid__spidmap *map, uint32_t need)
{
	struct ioasid_spid_table *cur, *t;
	uint32_t size;

	cur = atomic_load_explicit(&map->view.cur, memory_order_relaxed);
	size = rebuild_size(cur, need);
	if (map->spare && table_size(map->spare) == size) {
		t = spare_reuse(map);
	} else {
		t = table_new(size);
		if (!t)
			return -ENOMEM;
	}
	table_fill(t, cur);
	atomic_store_explicit(&map->view.cur, t, memory_order_release);
	atomic_fetch_add_explicit(&map->view.seq, 1, memory_order_release);
	table_retire(map, cur, t);
	return 0;
}

static bool table_needs_rebuild(const struct ioasid_spid_table *t)
{
	return !t || ((uint64_t)t->used + 1) * 16 > (uint64_t)table_size(t) * 13;
}

int ioasid__spidmap_insert(struct ioasid__spidmap *map, ioasid_t spid,
			   ioasid_t id)
{
	struct ioasid_spid_table *t;
	int ret;

	t = atomic_load_explicit(&map->view.cur, memory_order_relaxed);
	if (t && table_find(t, spid) >= 0)
		return -EEXIST;
	if (table_needs_rebuild(t)) {
		ret = table_rebuild(map, map->live + 1);
		if (ret)
			return ret;
		t = atomic_load_explicit(&map->view.cur, memory_order_relaxed);
	}
	table_put(t, slot_make(spid, id));
	map->live++;
	return 0;
}

void ioasid__spidmap_remove(struct ioasid__spidmap *map, ioasid_t spid)
{
	struct ioasid_spid_table *t;
	int64_t i;

	t = atomic_load_explicit(&map->view.cur, memory_order_relaxed);
	i = t ? table_find(t, spid) : -1;
	if (i < 0)
		return;
	atomic_store_explicit(&t->slots[i], SLOT_TOMB, memory_order_release);
	map->live--;
}

uint64_t ioasid__spidmap_seq(const struct ioasid__spidmap *map)
{
	return atomic_load_explicit(&map->view.seq, memory_order_acquire);
}

bool ioasid__spidmap_changed(const struct ioasid__spidmap *map, uint64_t seq)
{
	return atomic_load_explicit(&map->view.seq, memory_order_acquire) != seq;
}

bool ioasid__spidmap_probe(const struct ioasid__spidmap *map, ioasid_t spid,
			   ioasid_t *idp)
{
	const struct ioasid_spid_table *t;
	uint32_t mask, i;

	t = atomic_load_explicit(&map->view.cur, memory_order_acquire);
	if (!t)
		return false;
	mask = t->mask;
	i = slot_home(t, spid);
	for (uint32_t n = 0; n <= mask; n++, i = (i + 1) & mask) {
		uint64_t s = atomic_load_explicit(&t->slots[i],
						  memory_order_acquire);

		if (s == SLOT_EMPTY)
			return false;
		if (slot_maps(s, spid)) {
			*idp = (ioasid_t)s;
			return true;
		}
	}
	return false;
}
