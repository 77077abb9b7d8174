// SPDX-License-Identifier: MIT
/*
 * Set-private IDs: a guest PASID (SPID) mapped to a host ID of the set.
 *
 * ID -> SPID is the entry's spid field; SPID -> ID is the set's SPID map
 * (spidmap.h). Both change together under the namespace lock. The entry is
 * authoritative. A lock-free lookup without a reference reads the map only
 * (see spid_find_noref); one that takes a reference confirms the slot
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

	if (spid == IOASID_INVALID)
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
	struct ioasid_entry *e = ioasid__ns_entry(set->ns, id);
	struct ioasid__entry_snap snap;
	int ret;

	if (!e)
		return -ENOENT;
	do {
		if (!ioasid__entry_snapshot(&set->ns->view, id, &snap) ||
		    snap.set != set || snap.spid != spid)
			return -ENOENT;
		/* FREE_PENDING, or RELEASING read as FREE_PENDING. */
		if (ioasid__word_state(snap.word) != IOASID_STATE_ACTIVE)
			return -EBUSY;
		ret = ioasid__entry_ref(e, &snap);
	} while (ret == -EAGAIN);
	return ret;
}

/*
 * Without a reference the map alone answers: a slot read from the current
 * table while the sequence count stood still was a real mapping at that
 * instant, and its ID cannot have been handed out again, because an ID's
 * SPID slot is deleted before the ID returns to the pool. So the lookup
 * touches the map only, not the ID table. With a reference, the entry is
 * needed anyway, and it confirms the mapping.
 */
static int spid_find_noref(struct ioasid_set *set, ioasid_t spid,
			   ioasid_t *idp)
{
	for (;;) {
		uint64_t seq = ioasid__spidmap_seq(&set->spids);
		ioasid_t id;
		bool found = ioasid__spidmap_probe(&set->spids, spid, &id);

		if (ioasid__spidmap_changed(&set->spids, seq))
			continue;
		if (!found)
			return -ENOENT;
		*idp = id;
		return 0;
	}
}

static int spid_find_get(struct ioasid_set *set, ioasid_t spid, ioasid_t *idp)
{
	for (;;) {
		uint64_t seq = ioasid__spidmap_seq(&set->spids);
		ioasid_t id;

		if (ioasid__spidmap_probe(&set->spids, spid, &id)) {
			int ret = spid_confirm_get(set, id, spid);

			if (ret != -ENOENT) {
				if (!ret)
					*idp = id;
				return ret;
			}
		}
		if (!ioasid__spidmap_changed(&set->spids, seq))
			return -ENOENT;
	}
}

/*
 * Callers compiled with ioasid/core_inline.h probe the home slot inline and
 * call this function for everything else. The parentheses keep the
 * header's ioasid_spid_find() macro from expanding the definition.
 */
int (ioasid_spid_find)(struct ioasid_set *set, ioasid_t spid, bool get,
		     ioasid_t *idp)
{
	if (spid == IOASID_INVALID)
		return -ENOENT;
	return get ? spid_find_get(set, spid, idp)
		   : spid_find_noref(set, spid, idp);
}
