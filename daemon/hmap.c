// SPDX-License-Identifier: MIT
/*
 * Open-addressing u64 -> u64 hash map (see hmap.h). Load factor is kept at
 * or below 1/2, so probes stay short; deletion shifts later members of the
 * probe run back instead of leaving tombstones.
 */
#include <errno.h>

#include "hmap.h"
#include "util/alloc.h"

#define HMAP_MIN_SLOTS 16u

static size_t hash_key(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key;
}

void ioasid__hmap_init(struct hmap *m)
{
	*m = (struct hmap){ 0 };
}

void ioasid__hmap_destroy(struct hmap *m)
{
	ioasid__free(m->slots);
	ioasid__hmap_init(m);
}

static struct hmap_entry *slot_of(const struct hmap *m, uint64_t key)
{
	size_t i = hash_key(key) & m->mask;

	while (m->slots[i].key != key) {
		if (m->slots[i].key == HMAP_EMPTY)
			return NULL;
		i = (i + 1) & m->mask;
	}
	return &m->slots[i];
}

uint64_t *ioasid__hmap_find(const struct hmap *m, uint64_t key)
{
	struct hmap_entry *e;

	if (!m->slots || key == HMAP_EMPTY)
		return NULL;
	e = slot_of(m, key);
	return e ? &e->val : NULL;
}

static void insert_new(struct hmap_entry *slots, size_t mask, uint64_t key,
		       uint64_t val)
{
	size_t i = hash_key(key) & mask;

	while (slots[i].key != HMAP_EMPTY)
		i = (i + 1) & mask;
	slots[i] = (struct hmap_entry){ key, val };
}

static int table_resize(struct hmap *m, size_t nslots)
{
	struct hmap_entry *slots = ioasid__malloc(nslots * sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < nslots; i++)
		slots[i].key = HMAP_EMPTY;
	for (size_t i = 0; m->slots && i <= m->mask; i++)
		if (m->slots[i].key != HMAP_EMPTY)
			insert_new(slots, nslots - 1, m->slots[i].key,
				   m->slots[i].val);
	ioasid__free(m->slots);
	m->slots = slots;
	m->mask = nslots - 1;
	return 0;
}

int ioasid__hmap_reserve(struct hmap *m, size_t n)
{
	size_t need = (m->count + n) * 2, nslots;

	if (m->slots && need <= m->mask + 1)
		return 0;
	nslots = m->slots ? m->mask + 1 : HMAP_MIN_SLOTS;
	while (nslots < need)
		nslots *= 2;
	return table_resize(m, nslots);
}

int ioasid__hmap_put(struct hmap *m, uint64_t key, uint64_t val)
{
	uint64_t *v;
	int ret;

	if (key == HMAP_EMPTY)
		return -EINVAL;
	v = ioasid__hmap_find(m, key);
	if (v) {
		*v = val;
		return 0;
	}
	ret = ioasid__hmap_reserve(m, 1);
	if (ret)
		return ret;
	insert_new(m->slots, m->mask, key, val);
	m->count++;
	return 0;
}

/*
 * stays - true if home lies cyclically in (hole, i]: the entry at i would
 * become unreachable if it moved back to hole.
 */
static bool stays(size_t home, size_t hole, size_t i)
{
	if (hole <= i)
		return hole < home && home <= i;
	return hole < home || home <= i;
}

bool ioasid__hmap_del(struct hmap *m, uint64_t key)
{
	struct hmap_entry *e;
	size_t hole, i;

	if (!m->slots || key == HMAP_EMPTY)
		return false;
	e = slot_of(m, key);
	if (!e)
		return false;
	hole = (size_t)(e - m->slots);
	for (i = (hole + 1) & m->mask; m->slots[i].key != HMAP_EMPTY;
	     i = (i + 1) & m->mask) {
		size_t home = hash_key(m->slots[i].key) & m->mask;

		if (stays(home, hole, i))
			continue;
		m->slots[hole] = m->slots[i];
		hole = i;
	}
	m->slots[hole].key = HMAP_EMPTY;
	m->count--;
	return true;
}

struct hmap_entry *ioasid__hmap_next(const struct hmap *m, size_t *cursor)
{
	for (; m->slots && *cursor <= m->mask; (*cursor)++)
		if (m->slots[*cursor].key != HMAP_EMPTY)
			return &m->slots[*cursor];
	return NULL;
}
