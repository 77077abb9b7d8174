// SPDX-License-Identifier: MIT
/*
 * System capacity: the number of IDs in the namespace (ID 0 included) and
 * the part of it that no set quota or host reservation holds.
 *
 *   available = total - 1 - reserved - sum(quota of every live set)
 *
 * total and available are written under the namespace lock and may be read
 * without it; reserved and installed only under it.
 */
#include <errno.h>

#include "core/capacity.h"
#include "core/ns.h"

void ioasid__capacity_init(struct ioasid_ns *ns)
{
	atomic_init(&ns->view.total, IOASID_CAPACITY_DEFAULT);
	atomic_init(&ns->available, IOASID_CAPACITY_DEFAULT - 1);
	ns->reserved = 0;
	ns->installed = false;
}

int ioasid__capacity_take(struct ioasid_ns *ns, uint32_t count)
{
	uint32_t avail = atomic_load_explicit(&ns->available,
					      memory_order_relaxed);

	if (count > avail)
		return -ENOSPC;
	atomic_store_explicit(&ns->available, avail - count,
			      memory_order_relaxed);
	return 0;
}

void ioasid__capacity_give(struct ioasid_ns *ns, uint32_t count)
{
	uint32_t avail = atomic_load_explicit(&ns->available,
					      memory_order_relaxed);

	atomic_store_explicit(&ns->available, avail + count,
			      memory_order_relaxed);
}

int ioasid_capacity_install(struct ioasid_ns *ns, uint32_t total)
{
	int ret = 0;

	if (total < 2 || total > IOASID_CAPACITY_MAX)
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	/* No set means no live ID: a live ID keeps its set. */
	if (ns->installed || ns->nr_sets || ns->reserved) {
		ret = -EBUSY;
		goto out_unlock;
	}
	atomic_store_explicit(&ns->view.total, total, memory_order_relaxed);
	atomic_store_explicit(&ns->available, total - 1, memory_order_relaxed);
	ns->installed = true;
out_unlock:
	ioasid__lock_release(&ns->lock);
	return ret;
}

uint32_t ioasid_capacity_total(const struct ioasid_ns *ns)
{
	return atomic_load_explicit(&ns->view.total, memory_order_relaxed);
}

uint32_t ioasid_capacity_available(const struct ioasid_ns *ns)
{
	return atomic_load_explicit(&ns->available, memory_order_relaxed);
}

int ioasid_capacity_reserve(struct ioasid_ns *ns, uint32_t count)
{
	int ret;

	if (!count)
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	ret = ioasid__capacity_take(ns, count);
	if (!ret)
		ns->reserved += count;
	ioasid__lock_release(&ns->lock);
	return ret;
}

int ioasid_capacity_return(struct ioasid_ns *ns, uint32_t count)
{
	int ret = 0;

	if (!count)
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	if (count > ns->reserved) {
		ret = -EINVAL;
		goto out_unlock;
	}
	ns->reserved -= count;
	ioasid__capacity_give(ns, count);
out_unlock:
	ioasid__lock_release(&ns->lock);
	return ret;
}
