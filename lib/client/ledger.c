// SPDX-License-Identifier: MIT
/*
 * The client's record of owned IDs: an open-addressing hash table (see
 * ledger.h). The load factor stays at or below 1/2, so probes are short
 * and there is always an empty slot to end a probe.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/ledger.h"
#include "util/alloc.h"

static size_t slot_of(const struct ioasid__ledger *l, ioasid_t id)
{
	/* Fibonacci hashing spreads consecutive IDs over the table. */
	return (size_t)((uint32_t)(id * 2654435769u)) & (l->nslots - 1);
}

void ioasid__ledger_destroy(struct ioasid__ledger *l)
{
	ioasid__free(l->slots);
	memset(l, 0, sizeof(*l));
}

static void slots_insert(struct ioasid__ledger_slot *slots, size_t nslots,
			 ioasid_t id, ioasid_t spid)
{
	struct ioasid__ledger tmp = { .slots = slots, .nslots = nslots };
	size_t i = slot_of(&tmp, id);

	while (slots[i].id != 0 && slots[i].id != id)
		i = (i + 1) & (nslots - 1);
	slots[i].id = id;
	slots[i].spid = spid;
}

int ioasid__ledger_reserve(struct ioasid__ledger *l, size_t n)
{
	struct ioasid__ledger_slot *slots;
	size_t nslots = l->nslots ? l->nslots : 16;

	while ((l->len + n) * 2 > nslots) {
		if (nslots > SIZE_MAX / 4 / sizeof(*slots))
			return -ENOMEM;
		nslots *= 2;
	}
	if (nslots == l->nslots)
		return 0;
	slots = ioasid__calloc(nslots, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < l->nslots; i++)
		if (l->slots[i].id)
			slots_insert(slots, nslots, l->slots[i].id,
				     l->slots[i].spid);
	ioasid__free(l->slots);
	l->slots = slots;
	l->nslots = nslots;
	return 0;
}

static struct ioasid__ledger_slot *slot_find(const struct ioasid__ledger *l,
					     ioasid_t id)
{
	size_t i;

	if (l->nslots == 0 || id == 0)
		return NULL;
	for (i = slot_of(l, id); l->slots[i].id; i = (i + 1) & (l->nslots - 1))
		if (l->slots[i].id == id)
			return &l->slots[i];
	return NULL;
}

void ioasid__ledger_add(struct ioasid__ledger *l, ioasid_t id, ioasid_t spid)
{
	struct ioasid__ledger_slot *s = slot_find(l, id);

	if (s) {
		s->spid = spid;
		return;
	}
	slots_insert(l->slots, l->nslots, id, spid);
	l->len++;
}

/* Backward-shift deletion: move later members of the probe run into the
 * hole when their home slot allows it, so no tombstones are needed. */
void ioasid__ledger_del(struct ioasid__ledger *l, ioasid_t id)
{
	struct ioasid__ledger_slot *s = slot_find(l, id);
	size_t mask = l->nslots - 1, hole, j, home;

	if (!s)
		return;
	hole = (size_t)(s - l->slots);
	for (j = (hole + 1) & mask; l->slots[j].id; j = (j + 1) & mask) {
		home = slot_of(l, l->slots[j].id);
		/* Move j into the hole unless its home lies in (hole, j]. */
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			l->slots[hole] = l->slots[j];
			hole = j;
		}
	}
	l->slots[hole].id = 0;
	l->slots[hole].spid = IOASID_INVALID;
	l->len--;
}

bool ioasid__ledger_find(const struct ioasid__ledger *l, ioasid_t id,
			 ioasid_t *spid)
{
	const struct ioasid__ledger_slot *s = slot_find(l, id);

	if (s && spid)
		*spid = s->spid;
	return s != NULL;
}

static int slot_cmp(const void *a, const void *b)
{
	ioasid_t x = ((const struct ioasid__ledger_slot *)a)->id;
	ioasid_t y = ((const struct ioasid__ledger_slot *)b)->id;

	return x < y ? -1 : x > y;
}

int ioasid__ledger_sorted(const struct ioasid__ledger *l,
			  struct ioasid__ledger_slot **out, size_t *count)
{
	struct ioasid__ledger_slot *v = NULL;
	size_t n = 0;

	if (l->len) {
		v = ioasid__malloc(l->len * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t i = 0; i < l->nslots; i++)
			if (l->slots[i].id)
				v[n++] = l->slots[i];
		qsort(v, n, sizeof(*v), slot_cmp);
	}
	*out = v;
	*count = n;
	return 0;
}
