/* SPDX-License-Identifier: MIT */
/*
 * struct ioasid_set and the set internals the ID and SPID code use.
 */
#ifndef IOASID_CORE_SET_H
#define IOASID_CORE_SET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>

#include "core/list.h"
#include "core/ns.h"
#include "core/notify.h"
#include "core/spidmap.h"

/*
 * A set lives while it has references or live IDs. Every decision to
 * destroy it is taken under the namespace lock (refs == 0, nr_ids == 0,
 * not yet dying), so exactly one thread destroys it. References may be
 * taken without the lock only by a caller that already holds one, or that
 * holds a live ID of the set (which keeps nr_ids above 0).
 *
 * Fields marked [ns] are protected by the namespace lock; [notify] by the
 * namespace's notify lock; the rest never change after creation.
 */
struct ioasid_set {
	/*
	 * First, as ioasid/core_inline.h requires: its inline SPID lookup
	 * finds the map's reader-side view at the start of the set.
	 */
	struct ioasid__spidmap spids; /* writers [ns], readers lock-free */
	struct ioasid_ns *ns;
	uint64_t id;
	enum ioasid_set_type type;
	uint64_t token;

	_Atomic uint32_t refs; /* references held by users */
	uint32_t quota; /* [ns] */
	uint32_t nr_ids; /* [ns] live IDs: ACTIVE, FREE_PENDING, RELEASING */
	bool dying; /* [ns] unlinked, about to be destroyed */
	struct ioasid__list node; /* [ns] on ns->sets */

	/* [ns] the live IDs in no particular order; entry->member indexes it. */
	ioasid_t *members;
	uint32_t members_cap;

	struct ioasid__event_chain chain; /* [notify] */
};

_Static_assert(__builtin_offsetof(struct ioasid_set, spids) == 0 &&
		       __builtin_offsetof(struct ioasid__spidmap, view) == 0,
	       "inline SPID lookups find the map's view at the start of the set");

/*
 * Make room for one more live ID: -EDQUOT at the quota, -ENOMEM if the
 * member array cannot grow. Namespace lock held.
 */
int ioasid__set_reserve_member(struct ioasid_set *set);

/* True if one more live ID fits without growing anything. [ns] */
static inline bool ioasid__set_has_room(const struct ioasid_set *set)
{
	return set->nr_ids < set->quota && set->nr_ids < set->members_cap;
}

/*
 * Record a new live ID; room was made (ioasid__set_reserve_member() or
 * ioasid__set_has_room()). Namespace lock held.
 */
static inline void ioasid__set_add_member(struct ioasid_set *set,
					  struct ioasid_entry *table,
					  ioasid_t id)
{
	table[id].member = set->nr_ids;
	set->members[set->nr_ids++] = id;
}

/*
 * Forget a live ID that returns to the pool: the last member takes its
 * place. Namespace lock held.
 */
static inline void ioasid__set_del_member(struct ioasid_set *set,
					  struct ioasid_entry *table,
					  ioasid_t id)
{
	uint32_t hole = table[id].member;
	ioasid_t last = set->members[--set->nr_ids];

	set->members[hole] = last;
	table[last].member = hole;
}

/*
 * True if the set would have to be unlinked once its last live ID, id,
 * leaves it: no references, and id was all that kept it. Namespace lock
 * held (a reference count above 0 cannot reach 0 without that lock).
 */
static inline bool ioasid__set_last_keeper(const struct ioasid_set *set)
{
	return set->nr_ids == 1 &&
	       !atomic_load_explicit(&set->refs, memory_order_relaxed);
}

/* True if any subscriber could receive an event of set. */
static inline bool ioasid__notify_wanted(const struct ioasid_set *set)
{
	return atomic_load_explicit(&set->ns->notify.global.nr,
				    memory_order_relaxed) ||
	       atomic_load_explicit(&set->chain.nr, memory_order_relaxed);
}

/*
 * If nothing keeps the set alive, unlink it (its quota returns to
 * capacity, its token is released, its subscriptions are unwired) and
 * return true: the caller then calls ioasid__set_destroy() after dropping
 * the namespace lock.
 */
bool ioasid__set_try_unlink(struct ioasid_set *set);
void ioasid__set_destroy(struct ioasid_set *set);

/* The live set of (type, token), or NULL. Namespace lock held. */
struct ioasid_set *ioasid__set_find_token(struct ioasid_ns *ns,
					  enum ioasid_set_type type,
					  uint64_t token);

#endif /* IOASID_CORE_SET_H */
