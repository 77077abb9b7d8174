/* SPDX-License-Identifier: MIT */
/*
 * Where IDs come from: the namespace's bitmap or a registered custom
 * allocator. Namespace lock held for all of these.
 */
#ifndef IOASID_CORE_ALLOCATOR_H
#define IOASID_CORE_ALLOCATOR_H

#include <stdbool.h>

#include <ioasid/core.h>

/*
 * Take a free ID in [min, max]. *custom says whether the custom allocator
 * provided it. Returns 0, -ENOSPC, -EIO (the custom allocator returned an
 * unusable ID) or the custom allocator's error.
 */
int ioasid__allocator_take(struct ioasid_ns *ns, ioasid_t min, ioasid_t max,
			   ioasid_t *idp, bool *custom);
/* Return an ID to where it came from. */
void ioasid__allocator_return(struct ioasid_ns *ns, ioasid_t id, bool custom);

#endif /* IOASID_CORE_ALLOCATOR_H */
