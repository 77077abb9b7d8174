// SPDX-License-Identifier: MIT
/*
 * IDs: allocation, references, the ACTIVE / FREE_PENDING / IDLE state
 * machine and private data.
 *
 * State and references live in the entry's word (idtable.h) and change by
 * compare-and-swap, so get, put, find and free take no lock. Allocation
 * and the return of an ID to the pool take the namespace lock, which also
 * covers the set's accounting and the bitmap.
 *
 * Freeing with subscribers present runs in three steps so that the FREE
 * event comes before anything can complete the free: the word goes
 * ACTIVE -> FREE_PENDING while still counting the owner's reference (so no
 * put can drop the count to zero and no get can succeed), the event is
 * delivered, and only then is the owner's reference dropped. Without
 * subscribers the first and last steps are one compare-and-swap, or, for
 * an ID only its owner holds, the quiet free (idtable.h), which decides
 * under the namespace lock without one.
 *
 * Whoever moves the count to zero moves the word to the internal RELEASING
 * state in the same compare-and-swap and then returns the ID to the pool
 * (ioasid__id_release): readers treat RELEASING like IDLE from that moment.
 */
#include <errno.h>
#include <sched.h>

#include "core/allocator.h"
#include "core/id.h"
#include "core/ns.h"
#include "core/set.h"

static int alloc_check_args(const struct ioasid_ns *ns, ioasid_t min,
			    ioasid_t max, void *private)
{
	uint32_t total = atomic_load_explicit(&ns->view.total, memory_order_relaxed);

	if (min < 1 || min > max || max >= total)
		return -EINVAL;
	if (private == IOASID_PRIVATE_RESERVED)
		return -EINVAL;
	return 0;
}

/*
 * Fill an IDLE entry, make it ACTIVE, and publish it by setting its slot,
 * which is when lookups start to see it. Namespace lock held.
 *
 * Only stores, and as few as possible: with random hints the entry is
 * usually not in cache, and every store behind the one that waits for the
 * line waits in the store buffer too (see docs/core.md). The generation
 * comes from a namespace-wide counter rather than from the entry's
 * previous word, which would be a load that stalls; a reader's two loads
 * of the word could only see equal generations across a reuse after 2^28
 * allocations in between. The SPID field of an IDLE entry already reads
 * none (idtable.h).
 */
static inline void entry_activate(struct ioasid_ns *ns, ioasid_t id,
				  struct ioasid_set *set, void *private,
				  bool custom)
{
	struct ioasid_entry *e = &ns->view.table[id];
	uint64_t w = (ns->next_gen++ << IOASID__W_GEN_SHIFT) |
		     (custom ? IOASID__W_CUSTOM : 0) | IOASID__W_OWNER | 1;

	atomic_store_explicit(&e->set, set, memory_order_release);
	w = ioasid__word_with_state(w, IOASID_STATE_ACTIVE);
	atomic_store_explicit(&e->word, w, memory_order_release);
	atomic_store_explicit(&ns->view.slots[id], ioasid__slot_of(private),
			      memory_order_release);
}

/* Make id, taken from the pool, a live ID of set. Namespace lock held. */
static inline void alloc_commit(struct ioasid_ns *ns, struct ioasid_set *set,
				ioasid_t id, void *private, bool custom)
{
	entry_activate(ns, id, set, private, custom);
	ioasid__set_add_member(set, ns->view.table, id);
}

static __attribute__((noinline, cold)) int
alloc_notify(struct ioasid_set *set, ioasid_t id, void *private)
{
	ioasid__notify_event(set, IOASID_EVENT_ALLOC, id, IOASID_INVALID,
			     private);
	return 0;
}

/*
 * Every allocation the near path cannot take: a member array to grow, the
 * quota, a custom allocator, a free ID beyond min's bitmap word.
 * Namespace lock held; drops it.
 */
static __attribute__((noinline)) int
alloc_locked(struct ioasid_set *set, ioasid_t min, ioasid_t max, void *private,
	     ioasid_t *idp)
{
	struct ioasid_ns *ns = set->ns;
	bool custom = false;
	ioasid_t id;
	int ret = 0;

	if (!ioasid__set_has_room(set))
		ret = ioasid__set_reserve_member(set);
	if (ret)
		goto out_unlock;
	ret = ioasid__allocator_take(ns, min, max, &id, &custom);
	if (!ret)
		alloc_commit(ns, set, id, private, custom);
out_unlock:
	ioasid__lock_release(&ns->lock);
	if (ret)
		return ret;
	*idp = id;
	if (ioasid__notify_wanted(set))
		return alloc_notify(set, id, private);
	return 0;
}

static __attribute__((noinline, cold)) int
alloc_contended(struct ioasid_set *set, ioasid_t min, ioasid_t max,
		void *private, ioasid_t *idp)
{
	ioasid__lock_wait(&set->ns->lock);
	return alloc_locked(set, min, max, private, idp);
}

/*
 * The allocation path. Most allocations are the near path: IDs from the
 * bitmap, room in the set, and a free ID in the bitmap word of min. It is
 * written to be short (no calls, few stores), because its length, not its
 * one cache miss, sets the cost of an allocate+free pair (docs/core.md).
 */
int ioasid_alloc(struct ioasid_set *set, ioasid_t min, ioasid_t max,
		 void *private, ioasid_t *idp)
{
	struct ioasid_ns *ns = set->ns;
	ioasid_t id;
	int ret;

	ret = alloc_check_args(ns, min, max, private);
	if (ret)
		return ret;
	/*
	 * The lowest free ID at or above min is most often min itself or a
	 * neighbour: start fetching its slot and entry now, so that the cache
	 * misses overlap the lock and the search.
	 */
	__builtin_prefetch(&ns->view.slots[min], 1, 3);
	__builtin_prefetch(&ns->view.table[min], 1, 3);
	if (!ioasid__lock_try(&ns->lock))
		return alloc_contended(set, min, max, private, idp);
	if (__builtin_expect(ns->has_allocator || !ioasid__set_has_room(set) ||
				     !ioasid__bitmap_find_near(ns->bitmap, min,
							       max, &id),
			     0))
		return alloc_locked(set, min, max, private, idp);
	ioasid__bitmap_set(ns->bitmap, id);
	alloc_commit(ns, set, id, private, false);
	ioasid__lock_release(&ns->lock);
	*idp = id;
	if (ioasid__notify_wanted(set))
		return alloc_notify(set, id, private);
	return 0;
}

/*
 * The last stores of a release, namespace lock held: the word IDLE, then
 * no closing mark, in that order (idtable.h).
 */
static inline void entry_idle(struct ioasid_entry *e, uint64_t w)
{
	atomic_store_explicit(&e->word, w & IOASID__W_GEN, memory_order_release);
	atomic_store_explicit(&e->closing, 0, memory_order_release);
}

/*
 * Return a RELEASING ID to the pool, whatever it holds: its SPID, a custom
 * allocator, the last reason its set lived. Namespace lock held, slot
 * already cleared; drops the lock.
 */
static __attribute__((noinline)) int
release_locked(struct ioasid_ns *ns, ioasid_t id)
{
	struct ioasid_entry *e = &ns->view.table[id];
	uint64_t w = atomic_load_explicit(&e->word, memory_order_relaxed);
	struct ioasid_set *set = atomic_load_explicit(&e->set,
						      memory_order_relaxed);
	ioasid_t spid = ioasid__entry_spid(e, memory_order_relaxed);
	bool dead;

	if (spid != IOASID_INVALID) {
		ioasid__spidmap_remove(&set->spids, spid);
		ioasid__entry_set_spid(e, IOASID_INVALID);
	}
	ioasid__set_del_member(set, ns->view.table, id);
	ioasid__allocator_return(ns, id, w & IOASID__W_CUSTOM);
	entry_idle(e, w);
	dead = ioasid__set_try_unlink(set);
	ioasid__lock_release(&ns->lock);
	if (dead)
		ioasid__set_destroy(set);
	return 0;
}

static __attribute__((noinline, cold)) int
release_contended(struct ioasid_ns *ns, ioasid_t id)
{
	ioasid__lock_wait(&ns->lock);
	atomic_store_explicit(&ns->view.slots[id], 0, memory_order_release);
	return release_locked(ns, id); /* drops the lock */
}

/*
 * The common release, namespace lock held: no SPID, from the bitmap, and
 * the set lives on. Returns false, having changed nothing, for any other.
 */
static inline bool release_near(struct ioasid_ns *ns, ioasid_t id)
{
	struct ioasid_entry *e = &ns->view.table[id];
	uint64_t w = atomic_load_explicit(&e->word, memory_order_relaxed);
	struct ioasid_set *set = atomic_load_explicit(&e->set,
						      memory_order_relaxed);

	if ((w & IOASID__W_CUSTOM) ||
	    ioasid__entry_spid(e, memory_order_relaxed) != IOASID_INVALID ||
	    ioasid__set_last_keeper(set))
		return false;
	ioasid__allocator_return(ns, id, false);
	ioasid__set_del_member(set, ns->view.table, id);
	entry_idle(e, w);
	return true;
}

/*
 * Return an ID to the pool, namespace lock held: the ID whose word this
 * thread moved to RELEASING, or the one a quiet free decided to release.
 * The slot is cleared first; from there on the ID is not live for any
 * reader (idtable.h). The entry keeps its set pointer while IDLE (nothing
 * reads it then), which spares the release a store. Drops the lock and
 * returns 0, so that callers can end with it as a tail call.
 */
static inline int release_held(struct ioasid_ns *ns, ioasid_t id)
{
	atomic_store_explicit(&ns->view.slots[id], 0, memory_order_release);
	if (__builtin_expect(release_near(ns, id), 1)) {
		ioasid__lock_release(&ns->lock);
		return 0;
	}
	return release_locked(ns, id); /* drops the lock */
}

/* Return an ID whose word this thread moved to RELEASING to the pool. */
static inline int id_release(struct ioasid_ns *ns, ioasid_t id)
{
	if (!ioasid__lock_try(&ns->lock))
		return release_contended(ns, id);
	return release_held(ns, id);
}

void ioasid__id_release(struct ioasid_ns *ns, ioasid_t id)
{
	id_release(ns, id);
}

/* The word after dropping one reference (and the owner's flag). */
static uint64_t word_unref(uint64_t w, bool drop_owner)
{
	w -= 1;
	if (drop_owner)
		w &= ~IOASID__W_OWNER;
	if (!ioasid__word_refs(w))
		w = ioasid__word_with_state(w, IOASID__STATE_RELEASING);
	return w;
}

static bool word_releasing(uint64_t w)
{
	return ioasid__word_state(w) == IOASID__STATE_RELEASING;
}

void ioasid__id_unref(struct ioasid_ns *ns, ioasid_t id, bool drop_owner)
{
	struct ioasid_entry *e = &ns->view.table[id];
	uint64_t w = atomic_load_explicit(&e->word, memory_order_relaxed);
	uint64_t nw;

	do {
		nw = word_unref(w, drop_owner);
	} while (!atomic_compare_exchange_weak_explicit(&e->word, &w, nw,
							memory_order_acq_rel,
							memory_order_relaxed));
	if (word_releasing(nw))
		ioasid__id_release(ns, id);
}

/*
 * An ID that is RELEASING with its slot still set, or closing, is in the
 * middle of a free: its freeing thread holds or is taking the namespace
 * lock for a bounded, non-blocking stretch. Wait it out, so that the
 * caller answers as of after the free.
 */
static void id_wait_free(void)
{
	sched_yield();
}

/*
 * Give back a reference taken on an entry that turned out to be closing,
 * unless the closing free has stored the word IDLE over it already (the
 * generation or the liveness is gone: the reference was never counted).
 */
static __attribute__((noinline, cold)) void
ref_back_out(struct ioasid_ns *ns, ioasid_t id, uint64_t taken)
{
	struct ioasid_entry *e = &ns->view.table[id];
	uint64_t w = atomic_load_explicit(&e->word, memory_order_relaxed);
	uint64_t nw;

	do {
		if (!ioasid__word_same_gen(w, taken) || !ioasid__word_live(w))
			return;
		nw = word_unref(w, false);
	} while (!atomic_compare_exchange_weak_explicit(&e->word, &w, nw,
							memory_order_acq_rel,
							memory_order_relaxed));
	if (word_releasing(nw))
		ioasid__id_release(ns, id);
}

/*
 * After a reference was added to the word: no quiet free that could have
 * missed it is under way (no mark), and no release stored the word IDLE
 * over it before clearing its mark (idtable.h).
 */
static bool ref_settled(struct ioasid_entry *e, uint64_t taken)
{
	uint64_t w;

	if (atomic_load_explicit(&e->closing, memory_order_acquire))
		return false;
	w = atomic_load_explicit(&e->word, memory_order_relaxed);
	return ioasid__word_same_gen(w, taken) && ioasid__word_live(w);
}

int ioasid__id_ref(struct ioasid_ns *ns, ioasid_t id,
		   struct ioasid__entry_snap *snap)
{
	struct ioasid_entry *e = &ns->view.table[id];
	uint64_t taken;
	int ret;

	if (__builtin_expect(snap->closing, 0)) {
		id_wait_free();
		return -EAGAIN;
	}
	ret = ioasid__entry_ref(e, snap);
	if (ret)
		return ret;
	taken = snap->word + 1;
	if (__builtin_expect(ref_settled(e, taken), 1))
		return 0;
	ref_back_out(ns, id, taken);
	id_wait_free();
	return -EAGAIN;
}

int ioasid__id_pin(struct ioasid_ns *ns, ioasid_t id,
		   struct ioasid__entry_snap *snap)
{
	struct ioasid_entry *e = ioasid__ns_entry(ns, id);
	int ret;

	if (!e)
		return -ENOENT;
	do {
		if (!ioasid__entry_snapshot(&ns->view, id, snap))
			return -ENOENT;
		if (word_releasing(snap->word)) {
			id_wait_free();
			ret = -EAGAIN;
			continue;
		}
		ret = ioasid__id_ref(ns, id, snap);
	} while (ret == -EAGAIN);
	return ret;
}

/* Snapshot an ID its owner is about to free. */
static int free_check(struct ioasid_ns *ns, ioasid_t id,
		      struct ioasid_set *set, struct ioasid__entry_snap *snap)
{
	if (!ioasid__entry_snapshot(&ns->view, id, snap) ||
	    ioasid__word_state(snap->word) != IOASID_STATE_ACTIVE)
		return -ENOENT;
	if (snap->set != set)
		return -EPERM;
	return 0;
}

/*
 * The word after the owner gives the ID up: FREE_PENDING, and with
 * drop_owner its reference dropped too, RELEASING if it was the last.
 */
static uint64_t word_freed(uint64_t w, bool drop_owner)
{
	if (drop_owner) {
		w = word_unref(w, true);
		if (word_releasing(w))
			return w;
	}
	return ioasid__word_with_state(w, IOASID_STATE_FREE_PENDING);
}

/*
 * The free of an ID with subscribers present: the ID parks FREE_PENDING
 * still holding the owner's reference, so that nothing can complete the
 * free before the FREE event is out; then the reference goes.
 */
static __attribute__((noinline, cold)) int
free_watched(struct ioasid_set *set, ioasid_t id)
{
	struct ioasid_ns *ns = set->ns;
	struct ioasid_entry *e = &ns->view.table[id];
	struct ioasid__entry_snap snap;
	int ret;

	do {
		ret = free_check(ns, id, set, &snap);
		if (ret)
			return ret;
	} while (!atomic_compare_exchange_strong_explicit(
		&e->word, &snap.word, word_freed(snap.word, false),
		memory_order_acq_rel, memory_order_relaxed));
	/* The owner's reference keeps spid and private as snap saw them. */
	ioasid__notify_event(set, IOASID_EVENT_FREE, id, snap.spid,
			     snap.private);
	ioasid__id_unref(ns, id, true); /* the owner's reference */
	return 0;
}

/*
 * The compare-and-swap way of a free without subscribers: the ID leaves
 * ACTIVE and loses the owner's reference in one compare-and-swap; *nwp is
 * the word it left. Returns -ENOENT, -EPERM, or -EAGAIN if the word moved
 * under the compare-and-swap.
 */
static int free_cas_once(struct ioasid_ns *ns, struct ioasid_set *set,
			 ioasid_t id, uint64_t *nwp)
{
	struct ioasid_entry *e = &ns->view.table[id];
	struct ioasid__entry_snap snap;
	int ret;

	ret = free_check(ns, id, set, &snap);
	if (ret)
		return ret;
	*nwp = word_freed(snap.word, true);
	if (!atomic_compare_exchange_strong_explicit(&e->word, &snap.word, *nwp,
						     memory_order_acq_rel,
						     memory_order_relaxed))
		return -EAGAIN;
	return 0;
}

/* The free of an ID others hold too, or that another free is closing. */
static __attribute__((noinline)) int
free_cas(struct ioasid_ns *ns, struct ioasid_set *set, ioasid_t id)
{
	uint64_t nw;
	int ret;

	do {
		ret = free_cas_once(ns, set, id, &nw);
	} while (ret == -EAGAIN);
	if (ret)
		return ret;
	if (word_releasing(nw))
		return id_release(ns, id);
	return 0;
}

/*
 * A closing free that lost: a reference was taken or dropped, or another
 * free's mark replaced this one's. Namespace lock held; takes the mark
 * back if it is still this free's, drops the lock and frees by
 * compare-and-swap.
 */
static __attribute__((noinline, cold)) int
free_closing_abort(struct ioasid_ns *ns, struct ioasid_set *set, ioasid_t id,
		   uint32_t mark)
{
	struct ioasid_entry *e = &ns->view.table[id];

	if (atomic_load_explicit(&e->closing, memory_order_relaxed) == mark)
		atomic_store_explicit(&e->closing, 0, memory_order_relaxed);
	ioasid__lock_release(&ns->lock);
	return free_cas(ns, set, id);
}

/*
 * The decision of a closing free, namespace lock held (idtable.h): if the
 * word is still w, the owner's reference alone, and the mark still this
 * free's, no reference can be taken any more without its taker seeing the
 * mark, and the ID goes back to the pool now. Drops the lock.
 */
static inline int free_closing_locked(struct ioasid_ns *ns,
				      struct ioasid_set *set, ioasid_t id,
				      uint64_t w, uint32_t mark)
{
	struct ioasid_entry *e = &ns->view.table[id];

	if (__builtin_expect(
		    atomic_load_explicit(&e->word, memory_order_relaxed) != w ||
			    atomic_load_explicit(&e->closing,
						 memory_order_relaxed) != mark,
		    0))
		return free_closing_abort(ns, set, id, mark);
	return release_held(ns, id);
}

static __attribute__((noinline, cold)) int
free_closing_contended(struct ioasid_ns *ns, struct ioasid_set *set,
		       ioasid_t id, uint64_t w, uint32_t mark)
{
	ioasid__lock_wait(&ns->lock);
	return free_closing_locked(ns, set, id, w, mark);
}

/*
 * Like the near path of ioasid_alloc(), the free of an ID only its owner
 * holds is the short path of a pair: inline, without a loop or a call but
 * tail calls, and without a compare-and-swap: it marks the entry closing
 * and decides under the lock (idtable.h). An ID others hold too goes
 * FREE_PENDING by compare-and-swap.
 */
int ioasid_free(struct ioasid_set *set, ioasid_t id)
{
	struct ioasid_ns *ns = set->ns;
	struct ioasid__entry_snap snap;
	uint32_t mark;
	int ret;

	if (!ioasid__ns_entry(ns, id))
		return -ENOENT;
	if (ioasid__notify_wanted(set))
		return free_watched(set, id);
	ret = free_check(ns, id, set, &snap);
	if (ret)
		return ret;
	if (ioasid__word_refs(snap.word) != 1 || snap.closing)
		return free_cas(ns, set, id);
	mark = ioasid__closing_mark(snap.word);
	/* Before the lock, whose exchange orders it before the checks. */
	atomic_store_explicit(&ns->view.table[id].closing, mark,
			      memory_order_relaxed);
	if (!ioasid__lock_try_full(&ns->lock))
		return free_closing_contended(ns, set, id, snap.word, mark);
	return free_closing_locked(ns, set, id, snap.word, mark);
}

/*
 * Snapshot a live ID of the table and, with set given, check its owner.
 * Returns 0, -ENOENT (not live) or -EPERM (another set's).
 */
static int id_snapshot_owned(struct ioasid_ns *ns, struct ioasid_set *set,
			     ioasid_t id, struct ioasid__entry_snap *snap)
{
	if (!ioasid__entry_snapshot(&ns->view, id, snap))
		return -ENOENT;
	if (set && snap->set != set)
		return -EPERM;
	return 0;
}

int ioasid_get(struct ioasid_ns *ns, struct ioasid_set *set, ioasid_t id)
{
	struct ioasid__entry_snap snap;
	int ret;

	if (!ioasid__ns_entry(ns, id))
		return -ENOENT;
	do {
		ret = id_snapshot_owned(ns, set, id, &snap);
		if (ret)
			return ret;
		/* FREE_PENDING, or RELEASING read as FREE_PENDING (idtable.h). */
		if (ioasid__word_state(snap.word) != IOASID_STATE_ACTIVE)
			return -EBUSY;
		ret = ioasid__id_ref(ns, id, &snap);
	} while (ret == -EAGAIN);
	return ret;
}

int ioasid_get_if_owned(struct ioasid_ns *ns, uint64_t process_token,
			ioasid_t id)
{
	struct ioasid__entry_snap snap;
	struct ioasid_set *set;
	int ret = 0;

	/* The pin keeps the set alive while its type and token are read. */
	ret = ioasid__id_pin(ns, id, &snap);
	if (ret)
		return ret;
	set = snap.set;
	if (set->type != IOASID_SET_TYPE_PROCESS)
		ret = -EINVAL;
	else if (set->token != process_token)
		ret = -EPERM;
	else if (ioasid__word_state(snap.word) == IOASID_STATE_FREE_PENDING)
		ret = -EBUSY;
	if (ret)
		ioasid__id_unref(ns, id, false);
	return ret; /* on success the pin is the caller's reference */
}

int ioasid_put(struct ioasid_ns *ns, struct ioasid_set *set, ioasid_t id)
{
	struct ioasid_entry *e = ioasid__ns_entry(ns, id);
	struct ioasid__entry_snap snap;
	uint64_t nw;

	if (!e)
		return -ENOENT;
	do {
		int ret = id_snapshot_owned(ns, set, id, &snap);

		if (ret)
			return ret;
		if (ioasid__word_refs(snap.word) <=
		    (snap.word & IOASID__W_OWNER ? 1u : 0u))
			return -EINVAL;
		nw = word_unref(snap.word, false);
	} while (!atomic_compare_exchange_strong_explicit(
		&e->word, &snap.word, nw, memory_order_acq_rel,
		memory_order_relaxed));
	if (word_releasing(nw))
		ioasid__id_release(ns, id);
	return 0;
}

/* ioasid_find() with an owner check: the entry and the slot agree. */
static int find_owned(struct ioasid_ns *ns, struct ioasid_set *set,
		      ioasid_t id, void **privatep)
{
	struct ioasid__entry_snap snap;
	int ret = id_snapshot_owned(ns, set, id, &snap);

	if (!ret && privatep)
		*privatep = snap.private;
	return ret;
}

/*
 * The hot lookup. Without an owner check the slot alone answers, as in
 * ioasid_find_inline() (ioasid/core_inline.h), which callers compile in
 * and which calls this function when its first snapshot with an owner
 * check does not settle: keep the two in step. The parentheses keep the
 * header's ioasid_find() macro from expanding the definition.
 */
int (ioasid_find)(struct ioasid_ns *ns, struct ioasid_set *set, ioasid_t id,
		void **privatep)
{
	uint32_t total = atomic_load_explicit(&ns->view.total, memory_order_relaxed);
	uint64_t slot;

	if (id - 1u >= total - 1u) /* id 0 wraps around */
		return -ENOENT;
	if (set)
		return find_owned(ns, set, id, privatep);
	slot = atomic_load_explicit(&ns->view.slots[id], memory_order_acquire);
	if (!slot)
		return -ENOENT;
	if (privatep)
		*privatep = ioasid_slot_private(slot);
	return 0;
}

int ioasid_find_set(struct ioasid_ns *ns, ioasid_t id,
		    struct ioasid_set **setp)
{
	struct ioasid__entry_snap snap;
	int ret;

	ret = ioasid__id_pin(ns, id, &snap);
	if (ret)
		return ret;
	ioasid_set_get(snap.set); /* handed to the caller */
	ioasid__id_unref(ns, id, false);
	*setp = snap.set;
	return 0;
}

static int data_store(struct ioasid_set *set, ioasid_t id, void *private)
{
	struct ioasid_ns *ns = set->ns;
	struct ioasid_entry *e = ioasid__ns_entry(ns, id);
	uint64_t w;
	int ret = 0;

	if (private == IOASID_PRIVATE_RESERVED)
		return -EINVAL;
	if (!e)
		return -ENOENT;
	ioasid__lock_acquire(&ns->lock);
	w = atomic_load_explicit(&e->word, memory_order_relaxed);
	if (ioasid__word_state(w) != IOASID_STATE_ACTIVE)
		ret = -ENOENT;
	else if (atomic_load_explicit(&e->set, memory_order_relaxed) != set)
		ret = -EPERM;
	else
		atomic_store_explicit(&ns->view.slots[id],
				      ioasid__slot_of(private),
				      memory_order_seq_cst);
	ioasid__lock_release(&ns->lock);
	return ret;
}

int ioasid_attach_data(struct ioasid_set *set, ioasid_t id, void *private)
{
	return data_store(set, id, private);
}

int ioasid_detach_data(struct ioasid_set *set, ioasid_t id)
{
	return data_store(set, id, NULL);
}

const char *ioasid_state_name(enum ioasid_state state)
{
	switch (state) {
	case IOASID_STATE_IDLE:
		return "IDLE";
	case IOASID_STATE_ACTIVE:
		return "ACTIVE";
	case IOASID_STATE_FREE_PENDING:
		return "FREE_PENDING";
	}
	return "UNKNOWN";
}

static enum ioasid_state word_public_state(uint64_t w)
{
	unsigned int s = ioasid__word_state(w);

	/* On its way to the pool: freed, but not yet available. */
	return s == IOASID__STATE_RELEASING ? IOASID_STATE_FREE_PENDING
					    : (enum ioasid_state)s;
}

int ioasid_query(struct ioasid_ns *ns, ioasid_t id, struct ioasid_info *info)
{
	struct ioasid_entry *e = ioasid__ns_entry(ns, id);
	struct ioasid_set *set;
	uint64_t w;

	if (!e)
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	w = atomic_load_explicit(&e->word, memory_order_relaxed);
	set = atomic_load_explicit(&e->set, memory_order_relaxed);
	info->id = id;
	info->state = word_public_state(w);
	info->refs = ioasid__word_refs(w);
	/* An IDLE entry's set pointer is stale (id_release()). */
	info->spid = info->state == IOASID_STATE_IDLE
			     ? IOASID_INVALID
			     : ioasid__entry_spid(e, memory_order_relaxed);
	info->set_id = info->state == IOASID_STATE_IDLE ? 0 : set->id;
	ioasid__lock_release(&ns->lock);
	return 0;
}
