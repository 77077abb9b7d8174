// SPDX-License-Identifier: MIT
/*
 * The daemon's side of every ID's life (see ioasidd.h).
 *
 * The core owns IDs, sets, references and states; the daemon adds what the
 * wire needs: the cgroup each ID was charged to (kept until the ID really
 * returns to the pool, which may be long after its owner freed it), how
 * many references handles hold, how many exports name it, and a bitmap of
 * live IDs for LIST. The daemon is the only caller of the core, and is
 * single-threaded, so after each free or put it can ask the core whether
 * the ID went back to the pool and settle the charge at once.
 *
 * Every reference besides the owner's is taken through ioasid__ids_get()
 * and counted in the slot (hrefs). An ID live in its set with no such
 * reference is therefore ACTIVE with the owner's reference alone, and
 * freeing it returns it to the pool: FREE, the hot path, then needs no
 * ioasid_query() (which takes the namespace lock) before or after.
 */
#include <errno.h>
#include <string.h>

#include "export.h"
#include "ioasidd.h"
#include "log.h"
#include "session.h"
#include "state.h"
#include "util/alloc.h"

/* IDs collected per pass when a whole set is freed. */
#define IDS_FREE_BATCH 256

int ioasid__ids_init(struct ioasidd *d)
{
	size_t words = (d->cfg.capacity + 63) / 64;

	d->slots = ioasid__calloc(d->cfg.capacity, sizeof(*d->slots));
	d->live = ioasid__calloc(words, sizeof(*d->live));
	if (!d->slots || !d->live) {
		ioasid__ids_destroy(d);
		return -ENOMEM;
	}
	return 0;
}

void ioasid__ids_destroy(struct ioasidd *d)
{
	for (ioasid_t id = ioasid__ids_next_live(d, 1); d->slots && id;
	     id = ioasid__ids_next_live(d, (uint64_t)id + 1))
		ioasid_cgroup_put(d->slots[id].cg);
	ioasid__free(d->slots);
	ioasid__free(d->live);
	d->slots = NULL;
	d->live = NULL;
}

static void live_set(struct ioasidd *d, ioasid_t id, bool live)
{
	uint64_t bit = 1ull << (id % 64);

	if (live)
		d->live[id / 64] |= bit;
	else
		d->live[id / 64] &= ~bit;
}

ioasid_t ioasid__ids_next_live(const struct ioasidd *d, uint64_t from)
{
	uint64_t words = (d->cfg.capacity + 63) / 64;

	if (!d->live || from >= d->cfg.capacity)
		return 0;
	for (uint64_t w = from / 64; w < words; w++) {
		uint64_t bits = d->live[w];

		if (w == from / 64)
			bits &= ~0ull << (from % 64);
		if (bits)
			return (ioasid_t)(w * 64 + (uint64_t)__builtin_ctzll(bits));
	}
	return 0;
}

void ioasid__ids_adopt(struct ioasidd *d, ioasid_t id, struct ioasid_cgroup *cg)
{
	d->slots[id] = (struct ioasidd_slot){ .cg = cg }; /* reference moves in */
	live_set(d, id, true);
}

/* slot_release - id went back to the pool: return its charge. */
static void slot_release(struct ioasidd *d, ioasid_t id)
{
	struct ioasidd_slot *slot = &d->slots[id];

	if (slot->cg) {
		/* Cannot fail: this slot's charge is part of cg's current. */
		(void)ioasid_cgroup_uncharge(slot->cg, 1);
		ioasid_cgroup_put(slot->cg);
	}
	*slot = (struct ioasidd_slot){ 0 };
	live_set(d, id, false);
}

/* id_settle - if id went back to the pool, return its charge. */
static void id_settle(struct ioasidd *d, ioasid_t id)
{
	struct ioasid_info info;

	if (ioasid_query(d->ns, id, &info) || info.state != IOASID_STATE_IDLE)
		return;
	slot_release(d, id);
}

int ioasid__ids_alloc(struct session *s, ioasid_t min, ioasid_t max,
		      ioasid_t *idp)
{
	struct ioasidd *d = s->d;
	struct ioasid_cgroup *cg = ioasid__session_cgroup(s);
	struct ioasid_set_info info;
	ioasid_t id;
	int ret;

	ret = ioasid_cgroup_charge(cg, 1);
	if (ret)
		return ret;
	ret = ioasid_alloc(s->set, min, max, NULL, &id);
	if (ret)
		goto uncharge;
	if (d->cfg.state_dir) {
		ioasid_set_query(s->set, &info);
		ret = ioasid__state_log_alloc(d, &s->owner, info.quota, id,
					      ioasid_cgroup_path(cg));
		if (ret)
			goto free_id;
	}
	ioasid_cgroup_get(cg);
	ioasid__ids_adopt(d, id, cg); /* the reference just taken moves in */
	*idp = id;
	return 0;
free_id:
	/* Cannot fail: the ID was allocated in this set just now. */
	(void)ioasid_free(s->set, id);
uncharge:
	(void)ioasid_cgroup_uncharge(cg, 1);
	return ret;
}

/*
 * check_active - the checks ioasid_free() makes, before anything changes.
 * info is filled only when handles hold references (slot hrefs): without
 * them a live ID is ACTIVE (see the top of the file).
 */
static int check_active(struct ioasidd *d, struct ioasid_set *set,
			ioasid_t id, struct ioasid_info *info)
{
	int ret = ioasid_find(d->ns, set, id, NULL);

	if (ret)
		return ret;
	if (!d->slots[id].hrefs) /* a live ID is below capacity */
		return 0;
	ret = ioasid_query(d->ns, id, info);
	if (ret || info->state != IOASID_STATE_ACTIVE)
		return -ENOENT;
	return 0;
}

/* notify_holders - tell handles holding references that id was freed. */
static void notify_holders(struct ioasidd *d, struct ioasid_set *set,
			   const struct ioasid_info *info)
{
	for (struct session *s = d->sessions; s; s = s->next)
		if (s->set != set && ioasid__session_refs(s, info->id))
			ioasid__events_push(s, IOASID_EVENT_FREE, info->id,
					    info->spid, info->set_id);
}

int ioasid__ids_free(struct ioasidd *d, struct ioasid_set *set, ioasid_t id,
		     bool journal)
{
	struct ioasid_info info;
	int ret;

	ret = check_active(d, set, id, &info);
	if (ret)
		return ret;
	if (journal) {
		ret = ioasid__state_log_free(d, id);
		if (ret)
			return ret;
	}
	if (d->slots[id].exports)
		ioasid__export_drop_id(d, id);
	ret = ioasid_free(set, id);
	if (ret) {
		/* check_active() saw it ACTIVE in set: a core bug. */
		log_err("ioasid_free(%u) failed after checks: %d", id, ret);
		return ret;
	}
	if (!d->slots[id].hrefs) {
		slot_release(d, id); /* the owner's was the only reference */
		return 0;
	}
	notify_holders(d, set, &info);
	id_settle(d, id);
	return 0;
}

int ioasid__ids_get(struct ioasidd *d, struct ioasid_set *set, ioasid_t id)
{
	int ret = ioasid_get(d->ns, set, id);

	if (ret)
		return ret;
	d->slots[id].hrefs++;
	return 0;
}

void ioasid__ids_put(struct ioasidd *d, ioasid_t id)
{
	int ret = ioasid_put(d->ns, NULL, id);

	if (ret) {
		log_err("ioasid_put(%u) of a handle's reference failed: %d", id,
			ret);
		return;
	}
	d->slots[id].hrefs--;
	id_settle(d, id);
}

struct id_batch {
	ioasid_t after;
	unsigned int n;
	ioasid_t ids[IDS_FREE_BATCH];
};

static int batch_collect(ioasid_t id, void *arg)
{
	struct id_batch *b = arg;

	if (id <= b->after)
		return 0;
	b->ids[b->n++] = id;
	return b->n == IDS_FREE_BATCH;
}

unsigned int ioasid__ids_free_set(struct ioasidd *d, struct ioasid_set *set)
{
	struct id_batch b = { 0 };
	unsigned int freed = 0;

	/* Collect a batch, then free it: freeing changes what is walked. */
	do {
		b.n = 0;
		ioasid_set_for_each(set, batch_collect, &b);
		for (unsigned int i = 0; i < b.n; i++)
			/* -ENOENT: FREE_PENDING already. */
			if (!ioasid__ids_free(d, set, b.ids[i], false))
				freed++;
		if (b.n)
			b.after = b.ids[b.n - 1];
	} while (b.n == IDS_FREE_BATCH);
	return freed;
}

void ioasid__ids_set_drop(struct ioasid_set *set)
{
	/* With FREE_PENDING IDs left, free refuses; the put lets them finish. */
	if (ioasid_set_free(set))
		ioasid_set_put(set);
}
