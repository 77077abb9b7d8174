// SPDX-License-Identifier: MIT
/*
 * Concurrency stress test of the core: several threads allocate, free,
 * get, put, attach and look up SPIDs at random over a small ID range (so
 * they collide constantly) while another walks sets and queues work. Every
 * call's result must be one the contract allows, no ID may ever be handed
 * out to two owners at once, and at the end every count must agree: as
 * many ALLOC as FREE events as successful allocations, nothing live, the
 * namespace empty. A second run goes without subscribers, so that frees
 * take the quiet path against concurrent gets and puts.
 *
 * Duration: IOASID_STRESS_SECONDS per run (default 1.5, at most 2 by
 * default so the TSan run stays short).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

#define NR_WORKERS 4
#define ID_SPAN 2048
#define MAX_OWNED 64
#define MAX_HELD 64
#define SPID_SPAN 512

struct stress {
	struct ioasid_ns *ns;
	struct ioasid_set *shared;
	_Atomic uint32_t owner[ID_SPAN + 1]; /* worker index + 1, or 0 */
	atomic_long alloc_events, free_events;
	atomic_int stop;
	atomic_long works_run;
};

struct worker {
	struct stress *st;
	int index;
	unsigned int seed;
	struct ioasid_set *own;
	struct {
		ioasid_t id;
		struct ioasid_set *set;
		ioasid_t spid; /* IOASID_INVALID: none */
	} owned[MAX_OWNED];
	int nr_owned;
	ioasid_t held[MAX_HELD];
	int nr_held;
	uint32_t next_spid;
	long allocs, frees, gets, spid_hits;
};

static void count_events(const struct ioasid_event_data *ev, void *arg)
{
	struct stress *st = arg;

	if (ev->event == IOASID_EVENT_ALLOC)
		atomic_fetch_add(&st->alloc_events, 1);
	else if (ev->event == IOASID_EVENT_FREE)
		atomic_fetch_add(&st->free_events, 1);
}

static void claim(struct worker *w, ioasid_t id)
{
	uint32_t expected = 0;

	assert_true(id >= 1 && id <= ID_SPAN);
	if (!atomic_compare_exchange_strong(&w->st->owner[id], &expected,
					    (uint32_t)w->index + 1))
		fail_msg("ID %u handed out twice (owner %u)", id, expected);
}

static void op_alloc(struct worker *w)
{
	struct ioasid_set *set = rand_r(&w->seed) % 2 ? w->own : w->st->shared;
	ioasid_t min = 1 + (ioasid_t)rand_r(&w->seed) % ID_SPAN;
	ioasid_t max = min + (ioasid_t)rand_r(&w->seed) % 64;
	ioasid_t id;
	int ret;

	if (w->nr_owned == MAX_OWNED)
		return;
	if (max > ID_SPAN)
		max = ID_SPAN;
	ret = ioasid_alloc(set, min, max, w, &id);
	if (ret == -ENOSPC || ret == -EDQUOT)
		return;
	assert_int_equal(ret, 0);
	claim(w, id);
	w->owned[w->nr_owned].id = id;
	w->owned[w->nr_owned].set = set;
	w->owned[w->nr_owned].spid = IOASID_INVALID;
	w->nr_owned++;
	w->allocs++;
}

static void op_free(struct worker *w)
{
	int k;
	ioasid_t id;

	if (!w->nr_owned)
		return;
	k = rand_r(&w->seed) % w->nr_owned;
	id = w->owned[k].id;
	/* Give up the claim first: the ID may be reused as soon as it is freed. */
	atomic_store(&w->st->owner[id], 0);
	assert_int_equal(ioasid_free(w->owned[k].set, id), 0);
	w->owned[k] = w->owned[--w->nr_owned];
	w->frees++;
}

static void op_get(struct worker *w)
{
	ioasid_t id = 1 + (ioasid_t)rand_r(&w->seed) % ID_SPAN;
	int ret;

	if (w->nr_held == MAX_HELD)
		return;
	ret = ioasid_get(w->st->ns, NULL, id);
	if (ret == -ENOENT || ret == -EBUSY)
		return;
	assert_int_equal(ret, 0);
	w->held[w->nr_held++] = id;
	w->gets++;
}

static void op_put(struct worker *w)
{
	int k;

	if (!w->nr_held)
		return;
	k = rand_r(&w->seed) % w->nr_held;
	assert_int_equal(ioasid_put(w->st->ns, NULL, w->held[k]), 0);
	w->held[k] = w->held[--w->nr_held];
}

static void op_spid_attach(struct worker *w)
{
	int k, ret;
	ioasid_t spid;

	if (!w->nr_owned)
		return;
	k = rand_r(&w->seed) % w->nr_owned;
	if (w->owned[k].spid != IOASID_INVALID) {
		assert_int_equal(ioasid_spid_detach(w->owned[k].set,
						    w->owned[k].id), 0);
		w->owned[k].spid = IOASID_INVALID;
		return;
	}
	/*
	 * Per-worker SPIDs, so only this worker's own earlier attach (after
	 * the counter wrapped) can make it EEXIST.
	 */
	spid = (uint32_t)w->index << 16 | (w->next_spid++ % SPID_SPAN);
	ret = ioasid_spid_attach(w->owned[k].set, w->owned[k].id, spid);
	if (ret == -EEXIST)
		return;
	assert_int_equal(ret, 0);
	w->owned[k].spid = spid;
}

static void op_spid_find(struct worker *w)
{
	struct ioasid_set *set = rand_r(&w->seed) % 2 ? w->own : w->st->shared;
	int who = rand_r(&w->seed) % NR_WORKERS;
	ioasid_t spid = (uint32_t)who << 16 | (rand_r(&w->seed) % SPID_SPAN);
	bool get = w->nr_held < MAX_HELD && rand_r(&w->seed) % 2;
	ioasid_t id;
	int ret = ioasid_spid_find(set, spid, get, &id);

	if (ret == -ENOENT || (get && ret == -EBUSY))
		return;
	assert_int_equal(ret, 0);
	assert_true(id >= 1 && id <= ID_SPAN);
	w->spid_hits++;
	if (get)
		w->held[w->nr_held++] = id;
}

static void op_find(struct worker *w)
{
	ioasid_t id = 1 + (ioasid_t)rand_r(&w->seed) % ID_SPAN;
	struct ioasid_info info;
	void *p;
	int ret = ioasid_find(w->st->ns, NULL, id, &p);

	assert_true(ret == 0 || ret == -ENOENT);
	assert_int_equal(ioasid_query(w->st->ns, id, &info), 0);
	if (info.state == IOASID_STATE_ACTIVE)
		assert_true(info.refs >= 1);
	/* Our own IDs are ours and carry our private data. */
	if (w->nr_owned) {
		int k = rand_r(&w->seed) % w->nr_owned;

		assert_int_equal(ioasid_find(w->st->ns, w->owned[k].set,
					     w->owned[k].id, &p), 0);
		assert_ptr_equal(p, w);
	}
}

static void (*const ops[])(struct worker *w) = {
	op_alloc, op_alloc, op_free, op_get, op_put, op_put,
	op_spid_attach, op_spid_find, op_find,
};

static void worker_drain(struct worker *w)
{
	while (w->nr_held)
		op_put(w);
	while (w->nr_owned)
		op_free(w);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (!atomic_load_explicit(&w->st->stop, memory_order_relaxed))
		ops[rand_r(&w->seed) % (sizeof(ops) / sizeof(ops[0]))](w);
	worker_drain(w);
	return NULL;
}

struct bg_work {
	struct ioasid_work work;
	struct stress *st;
};

static void bg_work_run(struct ioasid_work *work)
{
	struct bg_work *b = ioasid__container_of(work, struct bg_work, work);

	atomic_fetch_add(&b->st->works_run, 1);
}

static int walk_ids(ioasid_t id, void *arg)
{
	(void)arg;
	assert_true(id >= 1 && id <= ID_SPAN);
	return 0;
}

static int walk_sets(struct ioasid_set *set, void *arg)
{
	struct ioasid_set_info info;

	(void)arg;
	ioasid_set_query(set, &info);
	assert_true(info.nr_ids <= info.quota);
	return ioasid_set_for_each(set, walk_ids, NULL);
}

/* Walks sets, looks them up by token and queues work, all concurrently. */
static void *walker_main(void *arg)
{
	struct stress *st = arg;
	struct bg_work b = { .st = st };
	unsigned int seed = 99;

	ioasid_work_init(&b.work, bg_work_run);
	while (!atomic_load_explicit(&st->stop, memory_order_relaxed)) {
		struct ioasid_set *set;
		int ret;

		assert_int_equal(ioasid_ns_for_each_set(st->ns, walk_sets, NULL), 0);
		ret = ioasid_set_lookup(st->ns, IOASID_SET_TYPE_PROCESS,
					(uint64_t)(rand_r(&seed) % NR_WORKERS) + 1,
					&set);
		assert_int_equal(ret, 0);
		ioasid_set_put(set);
		ioasid_work_queue(st->ns, &b.work);
	}
	ioasid_work_flush(st->ns);
	return NULL;
}

static double stress_seconds(void)
{
	const char *env = getenv("IOASID_STRESS_SECONDS");
	double s = env ? strtod(env, NULL) : 1.5;

	return s > 0 ? s : 1.5;
}

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts))
		;
}

/*
 * One stress run. With watched, a global notifier counts events, so every
 * free goes the watched way (FREE_PENDING first, the event, then the
 * owner's reference); without, frees of IDs nobody else holds take the
 * quiet, closing path (lib/core/idtable.h) against concurrent gets.
 */
static void stress_run(void **state, bool watched)
{
	struct ioasid_ns *ns = core_ns(state);
	struct stress *st = calloc(1, sizeof(*st));
	struct worker w[NR_WORKERS];
	pthread_t t[NR_WORKERS], walker;
	struct ioasid_notifier *n = NULL;
	long allocs = 0, frees = 0, hits = 0, gets = 0;

	assert_non_null(st);
	st->ns = ns;
	st->shared = core_set(ns, IOASID_SET_TYPE_GUEST, 1, ID_SPAN / 2);
	if (watched)
		assert_int_equal(ioasid_notifier_register(ns, NULL, count_events,
							  st, &n), 0);
	for (int i = 0; i < NR_WORKERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].st = st;
		w[i].index = i;
		w[i].seed = 1000u + (unsigned int)i;
		w[i].own = core_set(ns, IOASID_SET_TYPE_PROCESS, (uint64_t)i + 1,
				    ID_SPAN / 4);
	}
	for (int i = 0; i < NR_WORKERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	assert_int_equal(pthread_create(&walker, NULL, walker_main, st), 0);
	sleep_seconds(stress_seconds());
	atomic_store(&st->stop, 1);
	for (int i = 0; i < NR_WORKERS; i++)
		pthread_join(t[i], NULL);
	pthread_join(walker, NULL);

	for (int i = 0; i < NR_WORKERS; i++) {
		struct ioasid_set_info info;

		allocs += w[i].allocs;
		hits += w[i].spid_hits;
		frees += w[i].frees;
		gets += w[i].gets;
		ioasid_set_query(w[i].own, &info);
		assert_int_equal(info.nr_ids, 0);
		assert_int_equal(info.refs, 1);
		assert_int_equal(ioasid_set_free(w[i].own), 0);
	}
	print_message("stress (%s): %ld allocs, %ld gets, %ld SPID hits, %ld work items\n",
		      watched ? "watched" : "quiet", allocs, gets, hits,
		      atomic_load(&st->works_run));
	assert_true(allocs > 0);
	assert_int_equal(allocs, frees);
	if (watched) {
		assert_int_equal(atomic_load(&st->alloc_events), allocs);
		assert_int_equal(atomic_load(&st->free_events), frees);
		ioasid_notifier_unregister(n);
	}
	for (ioasid_t id = 1; id <= ID_SPAN; id++)
		assert_int_equal(atomic_load(&st->owner[id]), 0);
	assert_int_equal(ioasid_set_free(st->shared), 0);
	free(st);
}

static void test_stress_random_ops_counts_consistent(void **state)
{
	stress_run(state, true);
}

static void test_stress_quiet_frees_counts_consistent(void **state)
{
	stress_run(state, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_stress_random_ops_counts_consistent),
		CORE_TEST(test_stress_quiet_frees_counts_consistent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
