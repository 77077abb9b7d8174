// SPDX-License-Identifier: MIT
/*
 * Set-private IDs: a guest PASID (SPID) mapped to a host ID of the set.
 *
 * ID -> SPID is the entry's spid field; SPID -> ID is the set's SPID map
 * (spidmap.h). Both change together under the namespace lock. The entry is
 * authoritative. A lock-free lookup without a reference reads the map only
 * (see spid_find_get); one that takes a reference confirms the mapping
 * against the entry (live, same set, same SPID) and takes the reference
 * with a compare-and-swap on the same snapshot of the word.
 */
#include <errno.h>

#include "core/id.h"
#include "core/ns.h"
#include "core/set.h"

/* The entry of a live ID of set, for a writer. Namespace lock held. */
static int spid_owned_entry(struct ioasid_set *set, ioasid_t id,
			    bool active_only, struct ioasid_entry **ep)
{
	struct ioasid_entry *e = ioasid__ns_entry(set->ns, id);
	uint64_t w;

	if (!e)
		return -ENOENT;
	w = atomic_load_explicit(&e->word, memory_order_relaxed);
	if (active_only ? ioasid__word_state(w) != IOASID_STATE_ACTIVE
			: !ioasid__word_live(w))
		return -ENOENT;
	if (atomic_load_explicit(&e->set, memory_order_relaxed) != set)
		return -EPERM;
	*ep = e;
	return 0;
}

int ioasid_spid_attach(struct ioasid_set *set, ioasid_t id, ioasid_t spid)
{
	struct ioasid_ns *ns = set->ns;
	struct ioasid_entry *e;
	void *private = NULL;
	int ret;

	if (spid >= IOASID_CAPACITY_MAX) /* IOASID_INVALID included */
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	ret = spid_owned_entry(set, id, true, &e);
	if (ret)
		goto out_unlock;
	if (ioasid__entry_spid(e, memory_order_relaxed) != IOASID_INVALID) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = ioasid__spidmap_insert(&set->spids, spid, id);
	if (ret)
		goto out_unlock;
	ioasid__entry_set_spid(e, spid);
	private = ioasid_slot_private(atomic_load_explicit(
		&ns->view.slots[id], memory_order_relaxed));
out_unlock:
	ioasid__lock_release(&ns->lock);
	if (!ret)
		ioasid__notify_event(set, IOASID_EVENT_BIND, id, spid, private);
	return ret;
}

int ioasid_spid_detach(struct ioasid_set *set, ioasid_t id)
{
	struct ioasid_ns *ns = set->ns;
	struct ioasid_entry *e;
	ioasid_t spid = IOASID_INVALID;
	void *private = NULL;
	int ret;

	ioasid__lock_acquire(&ns->lock);
	ret = spid_owned_entry(set, id, false, &e);
	if (ret)
		goto out_unlock;
	spid = ioasid__entry_spid(e, memory_order_relaxed);
	if (spid == IOASID_INVALID) {
		ret = -ENOENT;
		goto out_unlock;
	}
	ioasid__spidmap_remove(&set->spids, spid);
	ioasid__entry_set_spid(e, IOASID_INVALID);
	private = ioasid_slot_private(atomic_load_explicit(
		&ns->view.slots[id], memory_order_relaxed));
out_unlock:
	ioasid__lock_release(&ns->lock);
	if (!ret)
		ioasid__notify_event(set, IOASID_EVENT_UNBIND, id, spid,
				     private);
	return ret;
}

/*
 * Check a slot's answer against the entry and take a reference on the ID.
 * Returns 0, -EBUSY, -EOVERFLOW, or -ENOENT when the entry does not
 * confirm it.
 */
static int spid_confirm_get(struct ioasid_set *set, ioasid_t id,
			    ioasid_t spid)
{
	struct ioasid__entry_snap snap;
	int ret;

	if (!ioasid__ns_entry(set->ns, id))
		return -ENOENT;
	do {
		if (!ioasid__entry_snapshot(&set->ns->view, id, &snap) ||
		    snap.set != set || snap.spid != spid)
			return -ENOENT;
		/* FREE_PENDING, or RELEASING read as FREE_PENDING. */
		if (ioasid__word_state(snap.word) != IOASID_STATE_ACTIVE)
			return -EBUSY;
		ret = ioasid__id_ref(set->ns, id, &snap);
	} while (ret == -EAGAIN);
	return ret;
}

/*
 * Without a reference the map alone answers: an ID read from it was mapped
 * at that instant, and it cannot have been handed out again meanwhile,
 * because an ID's SPID is removed from the map before the ID returns to
 * the pool. With a reference the entry is needed anyway, and it confirms
 * the mapping: if it does not (the SPID was detached, or the ID is being
 * released, since the map was read), there was an instant without that
 * mapping, and -ENOENT is the answer as of then.
 */
static int spid_find_get(struct ioasid_set *set, ioasid_t spid, ioasid_t *idp)
{
	ioasid_t id = ioasid__spidmap_lookup(&set->spids, spid);
	int ret;

	if (!id)
		return -ENOENT;
	ret = spid_confirm_get(set, id, spid);
	if (!ret)
		*idp = id;
	return ret;
}

/*
 * Callers compiled with ioasid/core_inline.h walk the map inline without a
 * reference and call this function with one. The parentheses keep the
 * header's ioasid_spid_find() macro from expanding the definition.
 */
int (ioasid_spid_find)(struct ioasid_set *set, ioasid_t spid, bool get,
		     ioasid_t *idp)
{
	ioasid_t id;

	if (get)
		return spid_find_get(set, spid, idp);
	id = ioasid__spidmap_lookup(&set->spids, spid);
	if (!id)
		return -ENOENT;
	*idp = id;
	return 0;
}
