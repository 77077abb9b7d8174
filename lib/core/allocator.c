// SPDX-License-Identifier: MIT
/*
 * The source of IDs: the namespace's bitmap, or a custom allocator a guest
 * uses to delegate allocation to its host.
 *
 * Every live ID is marked in the bitmap, wherever it came from, so that IDs
 * a custom allocator handed out are never given out again by the bitmap
 * once the allocator is unregistered. The entry's custom flag remembers
 * where an ID came from: at its return to the pool it goes back through
 * ops->free if, and only if, the allocator is still registered. A new
 * allocator can only be registered while no ID is live, so a custom ID
 * never reaches an allocator other than the one that produced it.
 *
 * The ops run under the namespace lock: after unregister has taken and
 * dropped the lock, no call can be in progress or follow.
 */
#include <errno.h>
#include <string.h>

#include "core/allocator.h"
#include "core/ns.h"
#include "core/set.h"

static int custom_take(struct ioasid_ns *ns, ioasid_t min, ioasid_t max,
		       ioasid_t *idp)
{
	const struct ioasid_allocator_ops *ops = &ns->allocator;
	ioasid_t id = IOASID_INVALID;
	int ret = ops->alloc(min, max, ops->data, &id);

	if (ret)
		return ret < 0 ? ret : -EIO;
	if (id < min || id > max) {
		/* Not usable, but the allocator's to take back. */
		ops->free(id, ops->data);
		return -EIO;
	}
	if (ioasid__bitmap_test(ns->bitmap, id))
		return -EIO; /* already live here: not ours to free */
	*idp = id;
	return 0;
}

int ioasid__allocator_take_custom(struct ioasid_ns *ns, ioasid_t min,
				  ioasid_t max, ioasid_t *idp)
{
	int ret = custom_take(ns, min, max, idp);

	if (!ret)
		ioasid__bitmap_set(ns->bitmap, *idp);
	return ret;
}

void ioasid__allocator_free_custom(struct ioasid_ns *ns, ioasid_t id)
{
	ns->allocator.free(id, ns->allocator.data);
}

/* True if any set holds a live ID. Namespace lock held. */
static bool ns_has_live_ids(const struct ioasid_ns *ns)
{
	const struct ioasid__list *pos;

	ioasid__list_for_each(pos, &ns->sets) {
		const struct ioasid_set *set =
			ioasid__container_of(pos, struct ioasid_set, node);

		if (set->nr_ids)
			return true;
	}
	return false;
}

int ioasid_allocator_register(struct ioasid_ns *ns,
			      const struct ioasid_allocator_ops *ops)
{
	int ret = 0;

	if (!ops || !ops->alloc || !ops->free)
		return -EINVAL;
	ioasid__lock_acquire(&ns->lock);
	if (ns->has_allocator || ns_has_live_ids(ns)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ns->allocator = *ops;
	ns->has_allocator = true;
out_unlock:
	ioasid__lock_release(&ns->lock);
	return ret;
}

int ioasid_allocator_unregister(struct ioasid_ns *ns)
{
	int ret = 0;

	ioasid__lock_acquire(&ns->lock);
	if (!ns->has_allocator) {
		ret = -ENOENT;
		goto out_unlock;
	}
	ns->has_allocator = false;
	memset(&ns->allocator, 0, sizeof(ns->allocator));
out_unlock:
	ioasid__lock_release(&ns->lock);
	return ret;
}
