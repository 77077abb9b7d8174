/* SPDX-License-Identifier: MIT */
/*
 * struct ioasid_ns: one IOASID namespace, and its lock order.
 */
#ifndef IOASID_CORE_NS_H
#define IOASID_CORE_NS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>

#include "core/bitmap.h"
#include "core/idtable.h"
#include "core/list.h"
#include "core/lock.h"
#include "core/notify.h"
#include "core/work.h"

/*
 * Locks, in the order they may be taken:
 *
 *   1. ns->lock, the namespace (mutation) lock, a spinlock (lock.h):
 *      held briefly by every call that changes IDs, sets, capacity or the
 *      allocator. It protects the fields marked [ns] below, every set's
 *      fields marked [ns] (see set.h), the SPID maps' writer side and the
 *      entry fields that idtable.h says are written under it. Custom
 *      allocator ops and heap allocations run under it; nothing that waits
 *      for another thread does. Lookups (find, get, put, SPID find) never
 *      take it; a put that drops the last reference does, to return the
 *      ID to the pool.
 *   2. ns->notify.lock: notifier chains and subscriptions (notify.h).
 *   3. ns->wq.lock: the work queue, a leaf (work.h).
 *
 * Notifier callbacks and work functions run with none of them held.
 */
struct ioasid_ns {
	/*
	 * First, as ioasid/core_inline.h requires: the table (fixed for the
	 * namespace's life) and the capacity (written under lock, read
	 * anywhere), which inline lookups read. The padding keeps them off the
	 * lock's cache line, which every allocation writes.
	 */
	struct ioasid_ns_view view;
	char view_pad[64 - sizeof(struct ioasid_ns_view)];

	struct ioasid__lock lock;

	_Atomic uint32_t available;
	uint32_t reserved; /* [ns] held for host pools */
	bool installed; /* [ns] ioasid_capacity_install() succeeded */

	/* IDs; the table is view.table. */
	struct ioasid__bitmap *bitmap; /* [ns] IDs in use, 0 included */
	uint64_t next_gen; /* [ns] generation of the next allocation */
	bool has_allocator; /* [ns] */
	struct ioasid_allocator_ops allocator; /* [ns] */

	/* Sets, in creation order. */
	struct ioasid__list sets; /* [ns] */
	uint32_t nr_sets; /* [ns] */
	uint64_t next_set_id; /* [ns] */

	struct ioasid__notify notify;
	struct ioasid__wq wq;
};

/* The entry of id, or NULL when id is 0 or beyond the capacity. */
static inline struct ioasid_entry *ioasid__ns_entry(struct ioasid_ns *ns,
						     ioasid_t id)
{
	if (id == 0 ||
	    id >= atomic_load_explicit(&ns->view.total, memory_order_relaxed))
		return NULL;
	return &ns->view.table[id];
}

_Static_assert(__builtin_offsetof(struct ioasid_ns, view) == 0,
	       "inline lookups find the view at the start of the namespace");

#endif /* IOASID_CORE_NS_H */
