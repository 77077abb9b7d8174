/* SPDX-License-Identifier: MIT */
/*
 * Where IDs come from: the namespace's bitmap or a registered custom
 * allocator. Namespace lock held for all of these.
 */
#ifndef IOASID_CORE_ALLOCATOR_H
#define IOASID_CORE_ALLOCATOR_H

#include <stdbool.h>

#include <ioasid/core.h>

#include "core/ns.h"

/* The custom allocator's halves of the two calls below (allocator.c). */
int ioasid__allocator_take_custom(struct ioasid_ns *ns, ioasid_t min,
				  ioasid_t max, ioasid_t *idp);
void ioasid__allocator_free_custom(struct ioasid_ns *ns, ioasid_t id);

/*
 * Take a free ID in [min, max] and mark it in the bitmap. *custom says
 * whether the custom allocator provided it. Returns 0, -ENOSPC, -EIO (the
 * custom allocator returned an unusable ID) or the custom allocator's
 * error. The bitmap case is inline: it is the allocation path whenever
 * min's own bitmap word is full.
 */
static inline int ioasid__allocator_take(struct ioasid_ns *ns, ioasid_t min,
					 ioasid_t max, ioasid_t *idp,
					 bool *custom)
{
	int ret;

	*custom = ns->has_allocator;
	if (*custom)
		return ioasid__allocator_take_custom(ns, min, max, idp);
	ret = ioasid__bitmap_find(ns->bitmap, min, max, idp);
	if (!ret)
		ioasid__bitmap_set(ns->bitmap, *idp);
	return ret;
}

/* Return an ID to where it came from. */
static inline void ioasid__allocator_return(struct ioasid_ns *ns, ioasid_t id,
					    bool custom)
{
	ioasid__bitmap_clear(ns->bitmap, id);
	if (custom && ns->has_allocator)
		ioasid__allocator_free_custom(ns, id);
}

#endif /* IOASID_CORE_ALLOCATOR_H */
