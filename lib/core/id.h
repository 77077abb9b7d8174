/* SPDX-License-Identifier: MIT */
/* ID internals shared with the SPID and set code. */
#ifndef IOASID_CORE_ID_H
#define IOASID_CORE_ID_H

#include <ioasid/core.h>

#include "core/idtable.h"

/*
 * Return an ID whose word this thread moved to RELEASING to the pool:
 * forget its SPID, leave its set (destroying the set if that was all that
 * kept it), give it back to its allocator and mark it IDLE. Takes the
 * namespace lock.
 */
void ioasid__id_release(struct ioasid_ns *ns, ioasid_t id);

/*
 * Drop one reference from the word of a live ID (owner's included when
 * drop_owner), releasing the ID if it was the last. Lock-free unless it
 * releases.
 */
void ioasid__id_unref(struct ioasid_ns *ns, ioasid_t id, bool drop_owner);

/*
 * Take a reference on the live ID snap saw (ioasid__entry_ref), unless its
 * owner is freeing it right now (the entry is closing, idtable.h): then
 * wait for that free to end and return -EAGAIN, as when the word moved.
 * Returns 0, -EOVERFLOW or -EAGAIN (take a new snapshot and decide again).
 */
int ioasid__id_ref(struct ioasid_ns *ns, ioasid_t id,
		   struct ioasid__entry_snap *snap);

/*
 * Take a temporary reference on a live ID (ACTIVE or FREE_PENDING), which
 * keeps it and its set alive; *snap is the snapshot it was taken on. Waits
 * out an ID that is in the middle of a free. Returns 0, -ENOENT if the ID
 * is not live, or -EOVERFLOW.
 */
int ioasid__id_pin(struct ioasid_ns *ns, ioasid_t id,
		   struct ioasid__entry_snap *snap);

#endif /* IOASID_CORE_ID_H */
