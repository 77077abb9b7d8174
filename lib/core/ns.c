// SPDX-License-Identifier: MIT
/*
 * The namespace: creation and destruction of everything it holds, and the
 * walk over its sets. The lock order is written on struct ioasid_ns
 * (ns.h).
 */
#include <errno.h>

#include "core/capacity.h"
#include "core/ns.h"
#include "core/set.h"
#include "util/alloc.h"

int ioasid_ns_new(struct ioasid_ns **nsp)
{
	struct ioasid_ns *ns = ioasid__calloc(1, sizeof(*ns));
	int ret = -ENOMEM;

	if (!ns)
		return -ENOMEM;
	ns->bitmap = ioasid__bitmap_new();
	if (!ns->bitmap)
		goto out_free_ns;
	ioasid__bitmap_set(ns->bitmap, 0); /* untagged DMA, never allocated */
	ret = ioasid__idtable_map(&ns->view);
	if (ret)
		goto out_free_bitmap;
	ioasid__lock_init(&ns->lock);
	ioasid__capacity_init(ns);
	ioasid__list_init(&ns->sets);
	ns->next_set_id = 1;
	ioasid__notify_init(&ns->notify);
	ret = ioasid__wq_start(&ns->wq);
	if (ret)
		goto out_destroy_locks;
	*nsp = ns;
	return 0;

out_destroy_locks:
	ioasid__notify_destroy(&ns->notify);
	ioasid__idtable_unmap(&ns->view);
out_free_bitmap:
	ioasid__bitmap_free(ns->bitmap);
out_free_ns:
	ioasid__free(ns);
	return ret;
}

/* Give IDs still live back to the custom allocator that produced them. */
static void ns_return_custom_ids(struct ioasid_ns *ns, struct ioasid_set *set)
{
	if (!ns->has_allocator)
		return;
	for (uint32_t i = 0; i < set->nr_ids; i++) {
		ioasid_t id = set->members[i];
		uint64_t w = atomic_load_explicit(&ns->view.table[id].word,
						  memory_order_relaxed);

		if (w & IOASID__W_CUSTOM)
			ns->allocator.free(id, ns->allocator.data);
	}
}

void ioasid_ns_free(struct ioasid_ns *ns)
{
	struct ioasid__list *pos, *tmp;

	if (!ns)
		return;
	ioasid__wq_stop(&ns->wq);
	ioasid__list_for_each_safe(pos, tmp, &ns->sets) {
		struct ioasid_set *set =
			ioasid__container_of(pos, struct ioasid_set, node);

		ns_return_custom_ids(ns, set);
		ioasid__set_destroy(set);
	}
	ioasid__notify_destroy(&ns->notify);
	ioasid__idtable_unmap(&ns->view);
	ioasid__bitmap_free(ns->bitmap);
	ioasid__free(ns);
}

/* Every live set, each with a reference. Returns the count or -ENOMEM. */
static int ns_snapshot_sets(struct ioasid_ns *ns, struct ioasid_set ***setsp)
{
	struct ioasid_set **sets = NULL;
	struct ioasid__list *pos;
	int nr = 0;

	ioasid__lock_acquire(&ns->lock);
	if (ns->nr_sets) {
		sets = ioasid__malloc(ns->nr_sets * sizeof(*sets));
		if (!sets)
			nr = -ENOMEM;
	}
	if (sets) {
		ioasid__list_for_each(pos, &ns->sets) {
			struct ioasid_set *set = ioasid__container_of(
				pos, struct ioasid_set, node);

			/* Live IDs keep the set; the reference may revive it. */
			atomic_fetch_add_explicit(&set->refs, 1,
						  memory_order_relaxed);
			sets[nr++] = set;
		}
	}
	ioasid__lock_release(&ns->lock);
	*setsp = sets;
	return nr;
}

/* The first live set created after the set numbered after, referenced. */
static struct ioasid_set *ns_next_set(struct ioasid_ns *ns, uint64_t after)
{
	struct ioasid_set *found = NULL;
	struct ioasid__list *pos;

	ioasid__lock_acquire(&ns->lock);
	ioasid__list_for_each(pos, &ns->sets) {
		struct ioasid_set *set =
			ioasid__container_of(pos, struct ioasid_set, node);

		if (set->id > after) {
			atomic_fetch_add_explicit(&set->refs, 1,
						  memory_order_relaxed);
			found = set;
			break;
		}
	}
	ioasid__lock_release(&ns->lock);
	return found;
}

/* Without memory for a snapshot: one set at a time, quadratic, infallible. */
static int ns_for_each_set_stepwise(struct ioasid_ns *ns,
				    int (*fn)(struct ioasid_set *set,
					      void *arg),
				    void *arg)
{
	struct ioasid_set *set;
	uint64_t after = 0;
	int ret = 0;

	while (!ret && (set = ns_next_set(ns, after))) {
		after = set->id;
		ret = fn(set, arg);
		ioasid_set_put(set); /* the walk's reference */
	}
	return ret;
}

int ioasid_ns_for_each_set(struct ioasid_ns *ns,
			   int (*fn)(struct ioasid_set *set, void *arg),
			   void *arg)
{
	struct ioasid_set **sets;
	int nr = ns_snapshot_sets(ns, &sets);
	int ret = 0;

	if (nr < 0)
		return ns_for_each_set_stepwise(ns, fn, arg);
	for (int i = 0; i < nr; i++) {
		if (!ret)
			ret = fn(sets[i], arg);
		ioasid_set_put(sets[i]); /* the snapshot's reference */
	}
	ioasid__free(sets);
	return ret;
}
