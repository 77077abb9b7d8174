// SPDX-License-Identifier: MIT
/*
 * IOASID sets: a token, a quota drawn from the namespace's capacity, the
 * set's live IDs and its SPID map (see set.h for the lifetime rule).
 *
 * The live IDs are kept in an unordered array; each entry remembers its
 * index, so adding and removing are O(1) (removal moves the last ID into
 * the hole). The array grows by doubling before an allocation needs the
 * room, which is the only way an ID allocation can run out of memory, and
 * never shrinks while the set lives.
 *
 * Walks (ioasid_set_for_each, ioasid_ns_for_each_set) work on a snapshot
 * taken under the namespace lock and call back without any core lock, so
 * callbacks may use the whole API; IDs freed after the snapshot are
 * skipped. If the snapshot cannot be allocated they fall back to a slower
 * walk that needs no memory, so a walk never fails.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/capacity.h"
#include "core/id.h"
#include "core/ns.h"
#include "core/set.h"
#include "util/alloc.h"

#define MEMBERS_MIN 16u

static bool set_type_valid(enum ioasid_set_type type, uint64_t token)
{
	switch (type) {
	case IOASID_SET_TYPE_NONE:
		return token == 0;
	case IOASID_SET_TYPE_PROCESS:
	case IOASID_SET_TYPE_GUEST:
		return true;
	default:
		return false;
	}
}

struct ioasid_set *ioasid__set_find_token(struct ioasid_ns *ns,
					  enum ioasid_set_type type,
					  uint64_t token)
{
	struct ioasid__list *pos;

	if (type == IOASID_SET_TYPE_NONE)
		return NULL;
	ioasid__list_for_each(pos, &ns->sets) {
		struct ioasid_set *set =
			ioasid__container_of(pos, struct ioasid_set, node);

		if (set->type == type && set->token == token)
			return set;
	}
	return NULL;
}

/* A new set, not yet visible. Namespace lock held. */
static struct ioasid_set *set_new(struct ioasid_ns *ns,
				  enum ioasid_set_type type, uint64_t token,
				  uint32_t quota)
{
	struct ioasid_set *set = ioasid__calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	set->ns = ns;
	set->type = type;
	set->token = token;
	set->quota = quota;
	atomic_init(&set->refs, 1);
	ioasid__list_init(&set->node);
	ioasid__spidmap_init(&set->spids);
	ioasid__event_chain_init(&set->chain);
	return set;
}

/* Make a new set visible: ID, list, token subscribers. Cannot fail. */
static void set_publish(struct ioasid_ns *ns, struct ioasid_set *set)
{
	set->id = ns->next_set_id++;
	ioasid__list_add_tail(&ns->sets, &set->node);
	ns->nr_sets++;
	ioasid__notify_wire_set(ns, set);
}

/* The existing set a PROCESS or GUEST token names. Namespace lock held. */
static int set_reuse_token(struct ioasid_ns *ns, enum ioasid_set_type type,
			   uint64_t token, struct ioasid_set **setp)
{
	struct ioasid_set *set = ioasid__set_find_token(ns, type, token);

	if (!set)
		return -ENOENT;
	if (type != IOASID_SET_TYPE_PROCESS)
		return -EEXIST;
	atomic_fetch_add_explicit(&set->refs, 1, memory_order_relaxed);
	*setp = set;
	return 0;
}

int ioasid_set_alloc(struct ioasid_ns *ns, enum ioasid_set_type type,
		     uint64_t token, uint32_t quota, struct ioasid_set **setp)
{
	struct ioasid_set *set;
	int ret;

	if (!set_type_valid(type, token) || !quota)
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	ret = set_reuse_token(ns, type, token, setp);
	if (ret != -ENOENT)
		goto out_unlock;
	ret = ioasid__capacity_take(ns, quota);
	if (ret)
		goto out_unlock;
	set = set_new(ns, type, token, quota);
	if (!set) {
		ret = -ENOMEM;
		goto out_give_capacity;
	}
	set_publish(ns, set);
	*setp = set;
	ioasid__lock_release(&ns->lock);
	return 0;

out_give_capacity:
	ioasid__capacity_give(ns, quota);
out_unlock:
	ioasid__lock_release(&ns->lock);
	return ret;
}

bool ioasid__set_try_unlink(struct ioasid_set *set)
{
	struct ioasid_ns *ns = set->ns;

	if (set->dying || set->nr_ids ||
	    atomic_load_explicit(&set->refs, memory_order_relaxed))
		return false;
	set->dying = true;
	ioasid__list_del(&set->node);
	ns->nr_sets--;
	ioasid__capacity_give(ns, set->quota);
	ioasid__notify_unwire_set(ns, set);
	return true;
}

void ioasid__set_destroy(struct ioasid_set *set)
{
	ioasid__spidmap_destroy(&set->spids);
	ioasid__free(set->members);
	ioasid__free(set);
}

int ioasid_set_free(struct ioasid_set *set)
{
	struct ioasid_ns *ns;
	bool dead = false;

	if (!set)
		return 0;
	ns = set->ns;
	ioasid__lock_acquire(&ns->lock);
	if (set->nr_ids) {
		ioasid__lock_release(&ns->lock);
		return -EBUSY;
	}
	if (atomic_fetch_sub_explicit(&set->refs, 1, memory_order_relaxed) == 1)
		dead = ioasid__set_try_unlink(set);
	ioasid__lock_release(&ns->lock);
	if (dead)
		ioasid__set_destroy(set);
	return 0;
}

void ioasid_set_get(struct ioasid_set *set)
{
	atomic_fetch_add_explicit(&set->refs, 1, memory_order_relaxed);
}

void ioasid_set_put(struct ioasid_set *set)
{
	struct ioasid_ns *ns;
	uint32_t refs;
	bool dead = false;

	if (!set)
		return;
	/* Drop any reference but what may be the last one without the lock. */
	refs = atomic_load_explicit(&set->refs, memory_order_relaxed);
	while (refs > 1)
		if (atomic_compare_exchange_weak_explicit(&set->refs, &refs,
							  refs - 1,
							  memory_order_relaxed,
							  memory_order_relaxed))
			return;
	ns = set->ns;
	ioasid__lock_acquire(&ns->lock);
	if (atomic_fetch_sub_explicit(&set->refs, 1, memory_order_relaxed) == 1)
		dead = ioasid__set_try_unlink(set);
	ioasid__lock_release(&ns->lock);
	if (dead)
		ioasid__set_destroy(set);
}

int ioasid_set_lookup(struct ioasid_ns *ns, enum ioasid_set_type type,
		      uint64_t token, struct ioasid_set **setp)
{
	struct ioasid_set *set;
	int ret = 0;

	if (type == IOASID_SET_TYPE_NONE || !set_type_valid(type, token))
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	set = ioasid__set_find_token(ns, type, token);
	if (set) {
		atomic_fetch_add_explicit(&set->refs, 1, memory_order_relaxed);
		*setp = set;
	} else {
		ret = -ENOENT;
	}
	ioasid__lock_release(&ns->lock);
	return ret;
}

int ioasid_set_adjust_quota(struct ioasid_set *set, uint32_t quota)
{
	struct ioasid_ns *ns = set->ns;
	int ret = 0;

	if (!quota)
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	if (quota < set->nr_ids) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (quota > set->quota) {
		ret = ioasid__capacity_take(ns, quota - set->quota);
		if (ret)
			goto out_unlock;
	} else {
		ioasid__capacity_give(ns, set->quota - quota);
	}
	set->quota = quota;
out_unlock:
	ioasid__lock_release(&ns->lock);
	return ret;
}

void ioasid_set_query(struct ioasid_set *set, struct ioasid_set_info *info)
{
	struct ioasid_ns *ns = set->ns;

	ioasid__lock_acquire(&ns->lock);
	info->id = set->id;
	info->type = set->type;
	info->token = set->token;
	info->quota = set->quota;
	info->nr_ids = set->nr_ids;
	info->refs = atomic_load_explicit(&set->refs, memory_order_relaxed);
	ioasid__lock_release(&ns->lock);
}

int ioasid__set_reserve_member(struct ioasid_set *set)
{
	ioasid_t *members;
	uint32_t cap;

	if (set->nr_ids >= set->quota)
		return -EDQUOT;
	if (set->nr_ids < set->members_cap)
		return 0;
	cap = set->members_cap ? set->members_cap * 2 : MEMBERS_MIN;
	members = ioasid__realloc(set->members, (size_t)cap * sizeof(*members));
	if (!members)
		return -ENOMEM;
	set->members = members;
	set->members_cap = cap;
	return 0;
}

static int id_compare(const void *a, const void *b)
{
	ioasid_t x = *(const ioasid_t *)a, y = *(const ioasid_t *)b;

	return (x > y) - (x < y);
}

/* Copy the set's live IDs, sorted. Returns the count or -ENOMEM. */
static int set_snapshot_ids(struct ioasid_set *set, ioasid_t **idsp)
{
	struct ioasid_ns *ns = set->ns;
	ioasid_t *ids = NULL;
	uint32_t nr;

	ioasid__lock_acquire(&ns->lock);
	nr = set->nr_ids;
	if (nr) {
		ids = ioasid__malloc((size_t)nr * sizeof(*ids));
		if (ids)
			memcpy(ids, set->members, (size_t)nr * sizeof(*ids));
	}
	ioasid__lock_release(&ns->lock);
	if (nr && !ids)
		return -ENOMEM;
	if (nr)
		qsort(ids, nr, sizeof(*ids), id_compare);
	*idsp = ids;
	return (int)nr;
}

static bool id_live_in(struct ioasid_set *set, ioasid_t id)
{
	struct ioasid__entry_snap snap;

	return ioasid__entry_snapshot(&set->ns->view, id, &snap) &&
	       snap.set == set;
}

/*
 * Without memory for a snapshot, walk the whole ID table instead: slower
 * (every ID of the capacity is looked at) but it cannot fail.
 */
static int set_for_each_scan(struct ioasid_set *set,
			     int (*fn)(ioasid_t id, void *arg), void *arg)
{
	uint32_t total = ioasid_capacity_total(set->ns);
	int ret = 0;

	for (ioasid_t id = 1; id < total && !ret; id++)
		if (id_live_in(set, id))
			ret = fn(id, arg);
	return ret;
}

int ioasid_set_for_each(struct ioasid_set *set,
			int (*fn)(ioasid_t id, void *arg), void *arg)
{
	ioasid_t *ids = NULL;
	int nr = set_snapshot_ids(set, &ids);
	int ret = 0;

	if (nr < 0)
		return set_for_each_scan(set, fn, arg);
	for (int i = 0; i < nr && !ret; i++)
		if (id_live_in(set, ids[i]))
			ret = fn(ids[i], arg);
	ioasid__free(ids);
	return ret;
}

/* From *pos on, the next ACTIVE member of the set. */
static bool set_next_active(struct ioasid_set *set, uint32_t *pos,
			    ioasid_t *idp)
{
	struct ioasid_ns *ns = set->ns;
	bool found = false;

	ioasid__lock_acquire(&ns->lock);
	for (; *pos < set->nr_ids; (*pos)++) {
		ioasid_t id = set->members[*pos];
		uint64_t w = atomic_load_explicit(&ns->view.table[id].word,
						  memory_order_relaxed);

		if (ioasid__word_state(w) == IOASID_STATE_ACTIVE) {
			*idp = id;
			found = true;
			break;
		}
	}
	ioasid__lock_release(&ns->lock);
	return found;
}

/*
 * One pass over the member array. Freeing an ID either leaves it in place
 * (now FREE_PENDING, skipped next time) or moves another ID into its slot,
 * so the position only advances past IDs that are not ACTIVE. IDs that
 * other threads' releases move behind the position are caught by the next
 * pass.
 */
static int set_free_all_pass(struct ioasid_set *set)
{
	uint32_t pos = 0;
	ioasid_t id;
	int freed = 0;

	while (set_next_active(set, &pos, &id))
		if (ioasid_free(set, id) == 0)
			freed++;
	return freed;
}

int ioasid_set_free_all(struct ioasid_set *set)
{
	int freed = 0, pass;

	do {
		pass = set_free_all_pass(set);
		freed += pass;
	} while (pass);
	return freed;
}
