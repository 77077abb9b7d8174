/* SPDX-License-Identifier: MIT */
/*
 * The per-set SPID index: SPID -> ID, a two-level table indexed by the
 * SPID with lock-free readers.
 *
 * Geometry and reader protocol are public (ioasid/core_inline.h, whose
 * inline ioasid_spid_find() walks it): a directory of
 * IOASID_SPID_DIR_LEAVES leaf pointers, each leaf the IDs of
 * IOASID_SPID_LEAF_IDS consecutive SPIDs, 0 where none is mapped. Every
 * pointer is valid at all times: a map without SPIDs points to a shared
 * empty directory, a directory points to a shared empty leaf where it has
 * no SPIDs. Writers (namespace lock) fill a new leaf or directory before
 * publishing it with a release store, and publish or clear a mapping with
 * one atomic store of its ID. Nothing moves or is freed while the set
 * lives, so a reader needs no retry and no sequence count.
 *
 * Memory: nothing until the first SPID; then a 8 KiB directory and a 4 KiB
 * leaf per range of 1024 SPIDs in use. A set holds at most as many SPIDs
 * as live IDs, so at most min(quota, 1024) leaves: a guest choosing its
 * SPIDs far apart costs at most 4 KiB per SPID and 4 MiB + 8 KiB per set,
 * and cannot make an attach fail for any other reason than that memory.
 * Leaves stay when their SPIDs are detached, until the set is destroyed.
 */
#ifndef IOASID_CORE_SPIDMAP_H
#define IOASID_CORE_SPIDMAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>

struct ioasid__spidmap {
	struct ioasid_spid_map_view view;
};

void ioasid__spidmap_init(struct ioasid__spidmap *map);
/* Frees the directory and every leaf. No reader may be left. */
void ioasid__spidmap_destroy(struct ioasid__spidmap *map);

/*
 * Writer side, namespace lock held; spid < IOASID_CAPACITY_MAX, id != 0.
 * Returns 0, -EEXIST (spid already mapped; nothing changed) or -ENOMEM
 * (nothing changed).
 */
int ioasid__spidmap_insert(struct ioasid__spidmap *map, ioasid_t spid,
			   ioasid_t id);
/* Writer side: remove a mapping known to exist. */
void ioasid__spidmap_remove(struct ioasid__spidmap *map, ioasid_t spid);

/*
 * Reader side, no lock: the ID spid maps to at this instant, or 0. spid
 * may be any value (SPIDs at or beyond IOASID_CAPACITY_MAX map nothing).
 */
ioasid_t ioasid__spidmap_lookup(const struct ioasid__spidmap *map,
				ioasid_t spid);

#endif /* IOASID_CORE_SPIDMAP_H */
