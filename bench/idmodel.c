/* SPDX-License-Identifier: MIT */
/*
 * idmodel.c - the model of a namespace's live IDs that the benchmarks fill
 * their subjects from, and the allocation hints and lookup streams drawn
 * from it (see idmodel.h). Everything is drawn from fixed seeds.
 */
#include <errno.h>
#include <stdlib.h>

#include "idmodel.h"
#include "rng.h"

void idset_fini(struct idset *s)
{
	free(s->ids);
	free(s->live);
	s->ids = NULL;
	s->live = NULL;
}

/* nr distinct IDs drawn uniformly from 1..IDMODEL_ID_LAST. 0 or -ENOMEM. */
int idset_init(struct idset *s, uint32_t nr, uint64_t seed)
{
	struct rng rng = { seed };
	uint32_t *ids;

	s->nr = nr;
	s->ids = NULL;
	s->live = calloc(IDMODEL_CAPACITY, 1);
	ids = malloc(IDMODEL_ID_LAST * sizeof(*ids));
	if (!s->live || !ids)
		goto free_all;
	for (uint32_t i = 0; i < IDMODEL_ID_LAST; i++)
		ids[i] = i + 1;
	rng_shuffle_prefix(&rng, ids, IDMODEL_ID_LAST, nr);
	s->ids = realloc(ids, (size_t)nr * sizeof(*ids));
	if (!s->ids)
		goto free_all;
	for (uint32_t i = 0; i < nr; i++)
		s->live[s->ids[i]] = 1;
	return 0;

free_all:
	free(ids);
	free(s->live);
	s->live = NULL;
	return -ENOMEM;
}

/* The lowest free ID >= from, 0 if there is none. */
uint32_t idset_next_free(const struct idset *s, uint32_t from)
{
	for (uint32_t id = from; id <= IDMODEL_ID_LAST; id++)
		if (!s->live[id])
			return id;
	return 0;
}

/* Whether [h->min, h->max] holds at least need free IDs. */
static bool hint_fits(const struct idset *s, const struct hint *h,
		      unsigned need)
{
	uint32_t id = h->min - 1;

	while (need--) {
		id = idset_next_free(s, id + 1);
		if (!id || id > h->max)
			return false;
	}
	return true;
}

static void hint_draw(struct rng *rng, struct hint *h)
{
	h->min = 1 + rng_below(rng, IDMODEL_ID_LAST);
	h->max = IDMODEL_ID_LAST;
	if (rng_below(rng, 2)) {
		uint32_t span = rng_below(rng, IDMODEL_SPAN_MAX);

		if (span < IDMODEL_ID_LAST - h->min)
			h->max = h->min + span;
	}
}

/* IDMODEL_HINTS hints whose ranges each hold at least need free IDs. */
struct hint *hints_new(const struct idset *s, uint64_t seed,
			      unsigned need)
{
	struct hint *hints = malloc(IDMODEL_HINTS * sizeof(*hints));
	struct rng rng = { seed };

	if (!hints)
		return NULL;
	for (uint32_t i = 0; i < IDMODEL_HINTS; i++)
		do
			hint_draw(&rng, &hints[i]);
		while (!hint_fits(s, &hints[i], need));
	return hints;
}

/* IDMODEL_STREAM values drawn uniformly from pool[0..nr-1]. */
uint32_t *stream_new(const uint32_t *pool, uint32_t nr, uint64_t seed)
{
	uint32_t *stream = malloc(IDMODEL_STREAM * sizeof(*stream));
	struct rng rng = { seed };

	if (!stream)
		return NULL;
	for (uint32_t i = 0; i < IDMODEL_STREAM; i++)
		stream[i] = pool[rng_below(&rng, nr)];
	return stream;
}

