/* SPDX-License-Identifier: MIT */
/*
 * bench_core.c - the IOASID core (include/ioasid/core.h) beside its peers,
 * issue 2 "Speed and memory".
 *
 * Every figure runs in a namespace of the default capacity, 2^20 IDs. The
 * fill levels are 1K, 64K and "1M" live IDs, where 1M means 2^20 - 4096 =
 * 1,044,480 live IDs: 4,095 of the 1,048,575 allocatable IDs stay free so
 * that allocation still finds something. The live IDs of a level are a
 * uniformly random subset of 1..2^20-1 (fixed seed), and every peer holds
 * exactly the same IDs.
 *
 * Allocation hints: min is uniform in [1, 2^20-1]; max is 2^20-1 with
 * probability 1/2, else min + a span uniform in [0, 65535] (clipped). A hint
 * whose range holds no free ID is drawn again, so every allocation succeeds
 * for every subject. 65,536 hints are drawn once and cycled through. An
 * allocate+free pair leaves the free IDs as they were, so the fill level
 * holds for the whole measurement, and every subject must return the same
 * ID for the same hint (checked before timing). One untimed pass over all
 * hints comes first: the pages of the core's ID table that the hints reach
 * are faulted in once, which is a one-time cost, not the steady state.
 * Four more untimed cycles precede every timed batch of either subject,
 * so that each batch starts from the steady state. On the machine we
 * measure (a VM), a pause of a few milliseconds, the length of the peer's
 * batches, was found to leave the core's pairs slow for several cycles
 * afterwards, even when the pause touched no memory: with 1K live IDs,
 * 27 ns a pair when pairs ran back to back, 52 ns in 5 ms batches after a
 * 15 ms busy-wait, 38-41 ns after one untimed cycle, 28 ns after four.
 *
 * Lookups go through a stream of 2^20 IDs drawn uniformly from the live
 * ones, the same stream for every subject; they are independent (a
 * throughput, not a latency chain). Each batch goes on in the hints and
 * the stream where the previous batch of any subject stopped, so that no
 * batch replays the IDs (and cache lines) of the one before. The floor is
 * a plain array of 2^20 void * (8 MiB), indexed by ID at the same stream
 * positions.
 *
 * Figures (names start with core.):
 *   alloc_free.<L>         ioasid_alloc + ioasid_free vs Judy1 FirstEmpty
 *                          (from min, bounded by max) + Set + Unset
 *   find.<L> vs <peer>     ioasid_find(ns, NULL, id, &private) vs the array,
 *                          Judy1Test and g_hash_table_lookup (g_direct_hash)
 *   spid_find.<N>          ioasid_spid_find(set, spid, false, &id) in a set of
 *                          10 and of 100K SPIDs vs the array at the SPIDs
 *   spid_find.100K.hot10   the set of 100K, the lookups going to 10 of its
 *                          SPIDs, the way the set of 10 is looked up
 *   spid_find.100K.hot10 vs 10
 *                          the two against each other: what the set's size
 *                          alone costs a lookup (goal: <= 1.5)
 *   spid_find.100K vs 10   the 100K figure against the 10 one (no goal):
 *                          10 SPIDs stay in L1 and 100K random ones do not,
 *   spid_array.100K vs 10  as the same ratio for the array alone shows
 *   mem.1M vs <peer>       RSS growth per live ID in a fresh process, vs
 *                          Judy1 and GHashTable holding the same IDs
 *   mt.*                   allocate+free pairs per second, 1 and 2 threads
 */
#include <Judy.h>
#include <errno.h>
#include <glib.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ioasid/core.h>

#include "bench.h"
#include "idmodel.h"

_Static_assert(IDMODEL_CAPACITY == IOASID_CAPACITY_DEFAULT,
	       "the model and the namespace have the same capacity");

#define HEADROOM 4096
#define LIVE_1M (IDMODEL_CAPACITY - HEADROOM)
#define VERIFY_HINTS 4096 /* hints checked against the model before timing */
#define REWARM_PAIRS (4 * IDMODEL_HINTS) /* untimed before every pair batch */
#define SPID_SMALL 10
#define SPID_LARGE 100000
#define MT_LIVE (1u << 16)
#define MT_QUOTA 4096

#define SEED_LIVE UINT64_C(0x1d5e7)
#define SEED_HINTS UINT64_C(0x41475)
#define SEED_STREAM UINT64_C(0x57ea)
#define SEED_SPID UINT64_C(0x5b1d)

/* Goals of issue 2. */
#define GOAL_PAIR_NS 60.0
#define GOAL_PAIR_VS_JUDY 0.2
#define GOAL_FIND_VS_ARRAY 1.5
#define GOAL_SPID_VS_ARRAY 2.5
#define GOAL_SPID_LARGE_VS_SMALL 1.5
#define GOAL_BYTES_PER_ID 48.0

/*
 * The figures of the SPID and the threads measurements: each measurement
 * runs when --filter wants any of them, and reports all of them.
 */
static const char *const figure_spid[] = { "core.spid_find.10",
					   "core.spid_find.100K",
					   "core.spid_find.100K.hot10",
					   "core.spid_array.100K" };
static const char *const figure_mt[] = { "core.mt.1thread",
					 "core.mt.2threads.sameset",
					 "core.mt.2threads.twosets" };

struct level {
	const char *label;
	uint32_t live;
};

static const struct level levels[] = {
	{ "1K", 1u << 10 },
	{ "64K", 1u << 16 },
	{ "1M", LIVE_1M },
};

/* The private data of an ID: a distinct, never dereferenced pointer. */
static void *private_of(uint32_t id)
{
	return (void *)(((uintptr_t)id << 4) | 8);
}

/* ------------------------------------------------------------------------
 * The subjects, filled with the live IDs of the model.
 */

/* A namespace with one set whose quota is everything. */
static int core_open(struct ioasid_ns **nsp, struct ioasid_set **setp)
{
	int err = ioasid_ns_new(nsp);

	if (err)
		return err;
	err = ioasid_set_alloc(*nsp, IOASID_SET_TYPE_NONE, 0,
			       ioasid_capacity_available(*nsp), setp);
	if (err)
		goto free_ns;
	return 0;

free_ns:
	ioasid_ns_free(*nsp);
	*nsp = NULL;
	return err;
}

/* Allocate exactly ids[0..nr-1] in set, each with its private data. */
static int core_fill(struct ioasid_set *set, const uint32_t *ids, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++) {
		ioasid_t got;
		int err = ioasid_alloc(set, ids[i], ids[i], private_of(ids[i]),
				       &got);

		if (err)
			return err;
		if (got != ids[i])
			return -EIO;
	}
	return 0;
}

static int judy_fill(Pvoid_t *judy, const uint32_t *ids, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		if (Judy1Set(judy, ids[i], PJE0) == JERR)
			return -ENOMEM;
	return 0;
}

static GHashTable *hash_new_filled(const uint32_t *ids, uint32_t nr)
{
	GHashTable *hash = g_hash_table_new(g_direct_hash, g_direct_equal);

	for (uint32_t i = 0; i < nr; i++)
		g_hash_table_insert(hash, GUINT_TO_POINTER(ids[i]),
				    private_of(ids[i]));
	return hash;
}

/* The floor: IDMODEL_CAPACITY void * slots, keys[i] holding values[i]. */
static void **array_new_filled(const uint32_t *keys, const uint32_t *values,
			       uint32_t nr)
{
	void **array = calloc(IDMODEL_CAPACITY, sizeof(*array));

	if (!array)
		return NULL;
	for (uint32_t i = 0; i < nr; i++)
		array[keys[i]] = values ? (void *)(uintptr_t)values[i] :
					  private_of(keys[i]);
	return array;
}

/* ------------------------------------------------------------------------
 * One fill level: allocate+free pairs and lookups.
 */

struct world {
	struct idset model;
	struct hint *hints;
	uint32_t *stream;
	struct ioasid_ns *ns;
	struct ioasid_set *set;
	Pvoid_t judy;
	GHashTable *hash; /* lookups only */
	void **array; /* lookups only */
	uint64_t cursor; /* each batch goes on in hints and stream from here */
};

static void world_fini(struct world *w)
{
	ioasid_ns_free(w->ns);
	Judy1FreeArray(&w->judy, PJE0);
	if (w->hash)
		g_hash_table_destroy(w->hash);
	free(w->array);
	free(w->stream);
	free(w->hints);
	idset_fini(&w->model);
	memset(w, 0, sizeof(*w));
}

static int world_init_lookups(struct world *w)
{
	w->stream = stream_new(w->model.ids, w->model.nr, SEED_STREAM);
	w->array = array_new_filled(w->model.ids, NULL, w->model.nr);
	w->hash = hash_new_filled(w->model.ids, w->model.nr);
	return w->stream && w->array ? 0 : -ENOMEM;
}

static int world_init(struct world *w, uint32_t live, bool lookups)
{
	int err;

	memset(w, 0, sizeof(*w));
	err = idset_init(&w->model, live, SEED_LIVE);
	if (err)
		return err;
	w->hints = hints_new(&w->model, SEED_HINTS, 1);
	if (!w->hints)
		return -ENOMEM;
	err = core_open(&w->ns, &w->set);
	if (!err)
		err = core_fill(w->set, w->model.ids, live);
	if (!err)
		err = judy_fill(&w->judy, w->model.ids, live);
	if (!err && lookups)
		err = world_init_lookups(w);
	return err;
}

static int core_pair(struct ioasid_set *set, const struct hint *h,
		     ioasid_t *idp)
{
	int err = ioasid_alloc(set, h->min, h->max, NULL, idp);

	if (err)
		return err;
	return ioasid_free(set, *idp);
}

static int core_pair_batch(void *arg, uint64_t iters)
{
	struct world *w = arg;
	uint64_t base = w->cursor;

	for (uint64_t i = 0; i < iters; i++) {
		ioasid_t id;
		int err = core_pair(w->set, hint_at(w->hints, base + i), &id);

		if (err)
			return err;
	}
	w->cursor = base + iters;
	return 0;
}

static int judy_pair(Pvoid_t *judy, const struct hint *h, Word_t *idp)
{
	*idp = h->min;
	if (Judy1FirstEmpty(*judy, idp, PJE0) != 1 || *idp > h->max)
		return -ENOSPC;
	if (Judy1Set(judy, *idp, PJE0) != 1)
		return -ENOMEM;
	return Judy1Unset(judy, *idp, PJE0) == 1 ? 0 : -EIO;
}

static int judy_pair_batch(void *arg, uint64_t iters)
{
	struct world *w = arg;
	uint64_t base = w->cursor;

	for (uint64_t i = 0; i < iters; i++) {
		Word_t id;
		int err = judy_pair(&w->judy, hint_at(w->hints, base + i), &id);

		if (err)
			return err;
	}
	w->cursor = base + iters;
	return 0;
}

/* Both subjects must give the lowest free ID of the hint, as the model. */
static int verify_pairs(struct bench_ctx *ctx, struct world *w,
			const char *name)
{
	for (uint32_t i = 0; i < VERIFY_HINTS; i++) {
		const struct hint *h = &w->hints[i];
		uint32_t want = idset_next_free(&w->model, h->min);
		ioasid_t id = 0;
		Word_t jid = 0;
		int err = core_pair(w->set, h, &id);

		if (!err)
			err = judy_pair(&w->judy, h, &jid);
		if (err || id != want || jid != want) {
			bench_fail(ctx, "%s: hint [%u, %u]: want %u, core %u, judy1 %lu (%s)",
				   name, h->min, h->max, want, id,
				   (unsigned long)jid, strerror(-err));
			return -1;
		}
	}
	return 0;
}

static void run_pairs(struct bench_ctx *ctx, struct world *w,
		      const char *label)
{
	char name[64];

	snprintf(name, sizeof(name), "core.alloc_free.%s", label);
	if (!bench_want(ctx, name) || verify_pairs(ctx, w, name))
		return;
	struct bench_series s[] = {
		{ .name = name, .batch = core_pair_batch, .arg = w,
		  .warmup = IDMODEL_HINTS, .rewarm = REWARM_PAIRS },
		{ .name = "judy1", .batch = judy_pair_batch, .arg = w,
		  .warmup = IDMODEL_HINTS, .rewarm = REWARM_PAIRS },
	};
	bench_measure(ctx, s, 2);
	bench_report(ctx, &(struct bench_row){
		.name = name, .unit = "ns/op", .value = s[0].median,
		.peer = "judy1", .peer_value = s[1].median,
		.goals = { { BENCH_GOAL_VALUE_MAX, GOAL_PAIR_NS },
			   { BENCH_GOAL_RATIO_MAX, GOAL_PAIR_VS_JUDY } } });
}

/*
 * The namespace and the stream are held in locals, as a caller's loop holds
 * what it looks up in: the slot load is an acquire, after which the
 * compiler may not reuse fields it loaded from memory, so reading them
 * through w would reload both at every lookup, which the array's loop
 * never does.
 */
static int core_find_batch(void *arg, uint64_t iters)
{
	struct world *w = arg;
	struct ioasid_ns *ns = w->ns;
	const uint32_t *stream = w->stream;
	uint64_t base = w->cursor;

	for (uint64_t i = 0; i < iters; i++) {
		void *private;
		int err = ioasid_find(ns, NULL, stream_at(stream, base + i),
				      &private);

		if (err)
			return err;
		bench_keep(private);
	}
	w->cursor = base + iters;
	return 0;
}

static int array_find_batch(void *arg, uint64_t iters)
{
	struct world *w = arg;
	uint64_t base = w->cursor;

	for (uint64_t i = 0; i < iters; i++)
		bench_keep(w->array[stream_at(w->stream, base + i)]);
	w->cursor = base + iters;
	return 0;
}

static int judy_test_batch(void *arg, uint64_t iters)
{
	struct world *w = arg;
	uint64_t base = w->cursor;

	for (uint64_t i = 0; i < iters; i++)
		bench_keep(Judy1Test(w->judy, stream_at(w->stream, base + i),
				     PJE0));
	w->cursor = base + iters;
	return 0;
}

static int hash_lookup_batch(void *arg, uint64_t iters)
{
	struct world *w = arg;
	uint64_t base = w->cursor;

	for (uint64_t i = 0; i < iters; i++)
		bench_keep(g_hash_table_lookup(w->hash,
			GUINT_TO_POINTER(stream_at(w->stream, base + i))));
	w->cursor = base + iters;
	return 0;
}

/* Every subject must find what the model says, before anything is timed. */
static int verify_finds(struct bench_ctx *ctx, struct world *w,
			const char *name)
{
	for (uint32_t i = 0; i < VERIFY_HINTS; i++) {
		uint32_t id = w->stream[i];
		void *private = NULL;
		int err = ioasid_find(w->ns, NULL, id, &private);

		if (err || private != private_of(id) ||
		    Judy1Test(w->judy, id, PJE0) != 1 ||
		    g_hash_table_lookup(w->hash, GUINT_TO_POINTER(id)) !=
			    private_of(id)) {
			bench_fail(ctx, "%s: ID %u: find gives %d, %p", name,
				   id, err, private);
			return -1;
		}
	}
	return 0;
}

static void report_find(struct bench_ctx *ctx, const char *name,
			const struct bench_series *s)
{
	char row[80];

	for (int peer = 1; peer < 4; peer++) {
		snprintf(row, sizeof(row), "%s vs %s", name, s[peer].name);
		bench_report(ctx, &(struct bench_row){
			.name = row, .unit = "ns/op", .value = s[0].median,
			.peer = s[peer].name, .peer_value = s[peer].median,
			.goals = { { peer == 1 ? BENCH_GOAL_RATIO_MAX :
						 BENCH_GOAL_NONE,
				     GOAL_FIND_VS_ARRAY } } });
	}
}

static void run_finds(struct bench_ctx *ctx, struct world *w,
		      const char *label)
{
	char name[64];

	snprintf(name, sizeof(name), "core.find.%s", label);
	if (!bench_want(ctx, name) || verify_finds(ctx, w, name))
		return;
	struct bench_series s[] = {
		{ .name = name, .batch = core_find_batch, .arg = w },
		{ .name = "array", .batch = array_find_batch, .arg = w },
		{ .name = "judy1", .batch = judy_test_batch, .arg = w },
		{ .name = "ghashtable", .batch = hash_lookup_batch, .arg = w },
	};
	bench_measure(ctx, s, 4);
	report_find(ctx, name, s);
}

static void run_level(struct bench_ctx *ctx, const struct level *l)
{
	char pairs[64], finds[64];
	struct world w;
	bool lookups;
	int err;

	snprintf(pairs, sizeof(pairs), "core.alloc_free.%s", l->label);
	snprintf(finds, sizeof(finds), "core.find.%s", l->label);
	lookups = bench_want(ctx, finds);
	if (!lookups && !bench_want(ctx, pairs))
		return;
	err = world_init(&w, l->live, lookups);
	if (err)
		bench_fail(ctx, "%s live IDs: set-up failed: %s", l->label,
			   strerror(-err));
	else {
		run_pairs(ctx, &w, l->label);
		if (lookups)
			run_finds(ctx, &w, l->label);
	}
	world_fini(&w);
}

/* ------------------------------------------------------------------------
 * SPID -> ID in a set of 10 and a set of 100K SPIDs.
 */

struct spid_world {
	struct idset ids; /* SPID_LARGE + SPID_SMALL IDs, large set's first */
	struct idset spids; /* the SPIDs, in the same order */
	struct ioasid_ns *ns;
	struct ioasid_set *small;
	struct ioasid_set *large;
	uint32_t *stream_small;
	uint32_t *stream_large;
	uint32_t *stream_hot; /* over SPID_SMALL of the large set's SPIDs */
	void **array; /* SPID -> ID */
	uint64_t cursor; /* each batch goes on in the streams from here */
};

/* What one series looks up: a set (or the array) and a stream of SPIDs. */
struct spid_arg {
	struct spid_world *w;
	struct ioasid_set *set;
	const uint32_t *stream;
};

static void spid_world_fini(struct spid_world *w)
{
	ioasid_ns_free(w->ns);
	free(w->array);
	free(w->stream_small);
	free(w->stream_large);
	free(w->stream_hot);
	idset_fini(&w->spids);
	idset_fini(&w->ids);
	memset(w, 0, sizeof(*w));
}

/* In set, the IDs ids[0..nr-1], each mapped from spids[i]. */
static int spid_fill(struct ioasid_set *set, const uint32_t *ids,
		     const uint32_t *spids, uint32_t nr)
{
	int err = core_fill(set, ids, nr);

	for (uint32_t i = 0; i < nr && !err; i++)
		err = ioasid_spid_attach(set, ids[i], spids[i]);
	return err;
}

static int spid_world_sets(struct spid_world *w)
{
	struct ioasid_ns *ns;
	int err;

	err = ioasid_ns_new(&w->ns);
	if (err)
		return err;
	ns = w->ns;
	err = ioasid_set_alloc(ns, IOASID_SET_TYPE_GUEST, 1, SPID_LARGE,
			       &w->large);
	if (!err)
		err = ioasid_set_alloc(ns, IOASID_SET_TYPE_GUEST, 2, SPID_SMALL,
				       &w->small);
	if (!err)
		err = spid_fill(w->large, w->ids.ids, w->spids.ids, SPID_LARGE);
	if (!err)
		err = spid_fill(w->small, w->ids.ids + SPID_LARGE,
				w->spids.ids + SPID_LARGE, SPID_SMALL);
	return err;
}

static int spid_world_init(struct spid_world *w)
{
	const uint32_t total = SPID_LARGE + SPID_SMALL;
	int err;

	memset(w, 0, sizeof(*w));
	err = idset_init(&w->ids, total, SEED_LIVE);
	if (!err)
		err = idset_init(&w->spids, total, SEED_SPID);
	if (!err)
		err = spid_world_sets(w);
	if (err)
		return err;
	w->stream_large = stream_new(w->spids.ids, SPID_LARGE, SEED_STREAM);
	w->stream_small = stream_new(w->spids.ids + SPID_LARGE, SPID_SMALL,
				     SEED_STREAM);
	w->stream_hot = stream_new(w->spids.ids, SPID_SMALL, SEED_STREAM);
	w->array = array_new_filled(w->spids.ids, w->ids.ids, total);
	return w->stream_large && w->stream_small && w->stream_hot && w->array
		       ? 0
		       : -ENOMEM;
}

/* In locals for the reason given at core_find_batch(). */
static int spid_find_batch(void *arg, uint64_t iters)
{
	const struct spid_arg *a = arg;
	struct ioasid_set *set = a->set;
	const uint32_t *stream = a->stream;
	uint64_t base = a->w->cursor;

	for (uint64_t i = 0; i < iters; i++) {
		ioasid_t id;
		int err = ioasid_spid_find(set, stream_at(stream, base + i),
					   false, &id);

		if (err)
			return err;
		bench_keep(id);
	}
	a->w->cursor = base + iters;
	return 0;
}

static int spid_array_batch(void *arg, uint64_t iters)
{
	const struct spid_arg *a = arg;
	uint64_t base = a->w->cursor;

	for (uint64_t i = 0; i < iters; i++)
		bench_keep(a->w->array[stream_at(a->stream, base + i)]);
	a->w->cursor = base + iters;
	return 0;
}

static int verify_spids(struct bench_ctx *ctx, struct spid_world *w)
{
	for (uint32_t i = 0; i < SPID_LARGE + SPID_SMALL; i++) {
		struct ioasid_set *set = i < SPID_LARGE ? w->large : w->small;
		ioasid_t id = 0;
		int err = ioasid_spid_find(set, w->spids.ids[i], false, &id);

		if (err || id != w->ids.ids[i]) {
			bench_fail(ctx, "core.spid_find: SPID %u: want ID %u, got %u (%s)",
				   w->spids.ids[i], w->ids.ids[i], id,
				   strerror(-err));
			return -1;
		}
	}
	return 0;
}

static void report_spids(struct bench_ctx *ctx, const struct bench_series *s)
{
	/* s: core 10, core 100K, array at the 10, array at the 100K, hot. */
	for (int i = 0; i < 2; i++)
		bench_report(ctx, &(struct bench_row){
			.name = s[i].name, .unit = "ns/op",
			.value = s[i].median, .peer = "array",
			.peer_value = s[i + 2].median,
			.goals = { { BENCH_GOAL_RATIO_MAX, GOAL_SPID_VS_ARRAY } } });
	bench_report(ctx, &(struct bench_row){
		.name = "core.spid_find.100K.hot10 vs 10", .unit = "ns/op",
		.value = s[4].median, .peer = s[0].name,
		.peer_value = s[0].median,
		.goals = { { BENCH_GOAL_RATIO_MAX, GOAL_SPID_LARGE_VS_SMALL } } });
	/*
	 * No goal on the next two: the uniform stream over 100K SPIDs against
	 * the one over 10, and the same ratio for the floor itself, which
	 * says how much of it is the cache (10 SPIDs stay in L1, 100K do not).
	 */
	bench_report(ctx, &(struct bench_row){
		.name = "core.spid_find.100K vs 10", .unit = "ns/op",
		.value = s[1].median, .peer = s[0].name,
		.peer_value = s[0].median });
	bench_report(ctx, &(struct bench_row){
		.name = "core.spid_array.100K vs 10", .unit = "ns/op",
		.value = s[3].median, .peer = s[2].name,
		.peer_value = s[2].median });
}

static void run_spids(struct bench_ctx *ctx)
{
	struct spid_world w;
	int err;

	if (!BENCH_WANT_ANY(ctx, figure_spid))
		return;
	err = spid_world_init(&w);
	if (err) {
		bench_fail(ctx, "core.spid_find: set-up failed: %s", strerror(-err));
		goto fini;
	}
	if (verify_spids(ctx, &w))
		goto fini;
	struct spid_arg small = { &w, w.small, w.stream_small };
	struct spid_arg large = { &w, w.large, w.stream_large };
	struct spid_arg hot = { &w, w.large, w.stream_hot };
	struct bench_series s[] = {
		{ .name = figure_spid[0], .batch = spid_find_batch, .arg = &small },
		{ .name = figure_spid[1], .batch = spid_find_batch, .arg = &large },
		{ .name = "array.10", .batch = spid_array_batch, .arg = &small },
		{ .name = "array.100K", .batch = spid_array_batch, .arg = &large },
		{ .name = figure_spid[2], .batch = spid_find_batch, .arg = &hot },
	};
	bench_measure(ctx, s, 5);
	report_spids(ctx, s);
fini:
	spid_world_fini(&w);
}

/* ------------------------------------------------------------------------
 * Memory: RSS growth per live ID at 1M live IDs, each subject built in a
 * fresh process (`ioasid-bench --child core mem SUBJECT`), whose RSS is
 * read just before the subject's first allocation and just after its last.
 */

struct mem_subject {
	const char *name;
	/* Build the subject holding s's IDs; NULL and *errp on failure. */
	void *(*build)(const struct idset *s, int *errp);
	void (*destroy)(void *subject);
};

static void *mem_build_core(const struct idset *s, int *errp)
{
	struct ioasid_ns *ns;
	struct ioasid_set *set;

	*errp = core_open(&ns, &set);
	if (*errp)
		return NULL;
	*errp = core_fill(set, s->ids, s->nr);
	if (*errp)
		goto free_ns;
	return ns;

free_ns:
	ioasid_ns_free(ns);
	return NULL;
}

static void mem_destroy_core(void *subject)
{
	ioasid_ns_free(subject);
}

/* Judy1 is a pointer that is NULL while empty: it lives in a box. */
static void *mem_build_judy(const struct idset *s, int *errp)
{
	Pvoid_t *box = malloc(sizeof(*box));

	*errp = -ENOMEM;
	if (!box)
		return NULL;
	*box = NULL;
	*errp = judy_fill(box, s->ids, s->nr);
	if (*errp)
		goto free_box;
	return box;

free_box:
	Judy1FreeArray(box, PJE0);
	free(box);
	return NULL;
}

static void mem_destroy_judy(void *subject)
{
	Pvoid_t *box = subject;

	Judy1FreeArray(box, PJE0);
	free(box);
}

static void *mem_build_hash(const struct idset *s, int *errp)
{
	*errp = 0;
	return hash_new_filled(s->ids, s->nr);
}

static void mem_destroy_hash(void *subject)
{
	g_hash_table_destroy(subject);
}

static const struct mem_subject mem_subjects[] = {
	{ "core", mem_build_core, mem_destroy_core },
	{ "judy1", mem_build_judy, mem_destroy_judy },
	{ "ghashtable", mem_build_hash, mem_destroy_hash },
};

#define MEM_SUBJECTS (sizeof(mem_subjects) / sizeof(mem_subjects[0]))

/* ioasid-bench --child core mem SUBJECT: print bytes of RSS per live ID. */
static int core_child(int argc, char **argv)
{
	const struct mem_subject *m = NULL;
	uint64_t before, after;
	struct idset s;
	void *subject;
	int err;

	for (size_t i = 0; argc == 2 && i < MEM_SUBJECTS; i++)
		if (strcmp(argv[0], "mem") == 0 &&
		    strcmp(argv[1], mem_subjects[i].name) == 0)
			m = &mem_subjects[i];
	if (!m) {
		fprintf(stderr, "usage: ioasid-bench --child core mem core|judy1|ghashtable\n");
		return 2;
	}
	if (idset_init(&s, LIVE_1M, SEED_LIVE))
		return 1;
	before = bench_rss_bytes();
	subject = m->build(&s, &err);
	after = bench_rss_bytes();
	if (subject)
		m->destroy(subject);
	idset_fini(&s);
	if (err) {
		fprintf(stderr, "ioasid-bench: mem %s: %s\n", m->name, strerror(-err));
		return 1;
	}
	printf("%.3f\n", (double)(after - before) / LIVE_1M);
	return 0;
}

static void run_memory(struct bench_ctx *ctx)
{
	const char *name = "core.mem.1M";
	char row[64];

	if (!bench_want(ctx, name))
		return;
	const char *argv[MEM_SUBJECTS][3];
	struct bench_series s[MEM_SUBJECTS];

	for (size_t i = 0; i < MEM_SUBJECTS; i++) {
		argv[i][0] = "mem";
		argv[i][1] = mem_subjects[i].name;
		argv[i][2] = NULL;
		s[i] = (struct bench_series){ .name = mem_subjects[i].name,
					      .sample = bench_child_sample,
					      .arg = argv[i] };
	}
	bench_measure(ctx, s, MEM_SUBJECTS);
	for (size_t i = 1; i < MEM_SUBJECTS; i++) {
		snprintf(row, sizeof(row), "%s vs %s", name, s[i].name);
		bench_report(ctx, &(struct bench_row){
			.name = row, .unit = "bytes/ID", .value = s[0].median,
			.peer = s[i].name, .peer_value = s[i].median,
			.goals = { { BENCH_GOAL_VALUE_MAX, GOAL_BYTES_PER_ID } } });
	}
}

/* ------------------------------------------------------------------------
 * Threads: allocate+free pairs per second with 1 thread, and with 2
 * threads in the same set or in two sets, over 64K live IDs held by a third
 * set. Each thread has its own hints, whose ranges hold at least two free
 * IDs, so the other thread's one allocated ID never makes a pair fail.
 */

struct mt_world {
	struct idset model;
	struct hint *hints[2];
	struct ioasid_ns *ns;
	struct ioasid_set *fill;
	struct ioasid_set *sets[2];
};

/* One sample's start and stop flags, shared by the workers. */
struct mt_run {
	atomic_uint ready;
	atomic_bool go;
	atomic_bool stop;
};

struct mt_worker {
	pthread_t thread;
	struct mt_run *run;
	struct ioasid_set *set;
	const struct hint *hints;
	uint64_t pairs; /* written by the worker, read after the join */
	int err;
};

/* What one series runs: how many threads, in one set or two. */
struct mt_case {
	struct mt_world *w;
	unsigned threads;
	bool two_sets;
};

static void mt_world_fini(struct mt_world *w)
{
	ioasid_ns_free(w->ns);
	free(w->hints[0]);
	free(w->hints[1]);
	idset_fini(&w->model);
	memset(w, 0, sizeof(*w));
}

static int mt_world_init(struct mt_world *w)
{
	int err;

	memset(w, 0, sizeof(*w));
	err = idset_init(&w->model, MT_LIVE, SEED_LIVE);
	if (err)
		return err;
	w->hints[0] = hints_new(&w->model, SEED_HINTS, 2);
	w->hints[1] = hints_new(&w->model, SEED_HINTS + 1, 2);
	if (!w->hints[0] || !w->hints[1])
		return -ENOMEM;
	err = ioasid_ns_new(&w->ns);
	if (!err)
		err = ioasid_set_alloc(w->ns, IOASID_SET_TYPE_NONE, 0, MT_LIVE,
				       &w->fill);
	for (int i = 0; i < 2 && !err; i++)
		err = ioasid_set_alloc(w->ns, IOASID_SET_TYPE_NONE, 0, MT_QUOTA,
				       &w->sets[i]);
	if (!err)
		err = core_fill(w->fill, w->model.ids, MT_LIVE);
	return err;
}

static void *mt_worker_main(void *arg)
{
	struct mt_worker *k = arg;
	uint64_t i;

	atomic_fetch_add(&k->run->ready, 1);
	while (!atomic_load_explicit(&k->run->go, memory_order_acquire))
		sched_yield();
	for (i = 0; !atomic_load_explicit(&k->run->stop, memory_order_relaxed);
	     i++) {
		ioasid_t id;

		k->err = core_pair(k->set, hint_at(k->hints, i), &id);
		if (k->err)
			break;
	}
	k->pairs = i;
	return NULL;
}

static void mt_sleep_ns(double ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1e9),
			       .tv_nsec = (long)fmod(ns, 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Start the workers, let them run for duration_ns, stop them. */
static double mt_run_workers(struct mt_worker *k, unsigned n,
			     struct mt_run *run, double duration_ns)
{
	uint64_t start, end;

	while (atomic_load(&run->ready) < n)
		sched_yield();
	start = bench_now_ns();
	atomic_store_explicit(&run->go, true, memory_order_release);
	mt_sleep_ns(duration_ns);
	atomic_store_explicit(&run->stop, true, memory_order_relaxed);
	end = bench_now_ns();
	for (unsigned i = 0; i < n; i++)
		pthread_join(k[i].thread, NULL);
	return (double)(end - start);
}

static double mt_sample(struct bench_ctx *ctx, struct bench_series *s)
{
	const struct mt_case *c = s->arg;
	struct mt_run run = { 0 };
	struct mt_worker k[2];
	uint64_t pairs = 0;
	unsigned started;
	double elapsed;

	for (started = 0; started < c->threads; started++) {
		k[started] = (struct mt_worker){
			.run = &run, .hints = c->w->hints[started],
			.set = c->w->sets[c->two_sets ? started : 0] };
		if (pthread_create(&k[started].thread, NULL, mt_worker_main,
				   &k[started]))
			break;
	}
	elapsed = mt_run_workers(k, started, &run, 20 * ctx->batch_ns);
	for (unsigned i = 0; i < started; i++) {
		pairs += k[i].pairs;
		if (k[i].err && !s->err)
			s->err = k[i].err;
	}
	if (started < c->threads && !s->err)
		s->err = -EAGAIN;
	return s->err ? NAN : (double)pairs * 1e9 / elapsed;
}

static void report_threads(struct bench_ctx *ctx, const struct bench_series *s)
{
	bench_report(ctx, &(struct bench_row){
		.name = s[0].name, .unit = "pairs/s", .value = s[0].median });
	for (int i = 1; i < 3; i++)
		bench_report(ctx, &(struct bench_row){
			.name = s[i].name, .unit = "pairs/s",
			.value = s[i].median, .peer = "1 thread",
			.peer_value = s[0].median });
}

static void run_threads(struct bench_ctx *ctx)
{
	struct mt_world w;
	int err;

	if (!BENCH_WANT_ANY(ctx, figure_mt))
		return;
	err = mt_world_init(&w);
	if (err) {
		bench_fail(ctx, "core.mt: set-up failed: %s", strerror(-err));
		goto fini;
	}
	struct mt_case one = { &w, 1, false };
	struct mt_case same = { &w, 2, false };
	struct mt_case two = { &w, 2, true };
	struct bench_series s[] = {
		{ .name = figure_mt[0], .sample = mt_sample, .arg = &one },
		{ .name = figure_mt[1], .sample = mt_sample, .arg = &same },
		{ .name = figure_mt[2], .sample = mt_sample, .arg = &two },
	};
	bench_measure(ctx, s, 3);
	report_threads(ctx, s);
fini:
	mt_world_fini(&w);
}

/* ------------------------------------------------------------------------ */

static void core_run(struct bench_ctx *ctx)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		run_level(ctx, &levels[i]);
	run_spids(ctx);
	run_memory(ctx);
	run_threads(ctx);
}

const struct bench_module bench_module_core = {
	.name = "core",
	.summary = "IOASID core: alloc+free, find, SPID find, memory, 2 threads",
	.run = core_run,
	.child = core_child,
};
