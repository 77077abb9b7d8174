/* SPDX-License-Identifier: MIT */
/*
 * The per-set SPID index: an open-addressing hash from SPID to ID with
 * lock-free readers.
 *
 * Each slot is one atomic 64-bit word (spid << 32 | id), so a reader never
 * sees half a slot. ID 0 is never allocated, which gives the two markers:
 * an empty slot is 0 and a deleted slot (tombstone) is IOASID_INVALID << 32.
 * Writers hold the namespace lock.
 *
 * Growth and tombstone clean-up publish a rebuilt table. Retired tables
 * are never freed while the set lives, because a reader may still be
 * probing one: every retired table is smaller than the current one except
 * at most one spare of the same size, so the retired memory stays below
 * twice the current table whatever the churn. A same-size rebuild reuses
 * that spare (the table before the previous rebuild) instead of allocating.
 * A reader that probes a table while it is rebuilt, or a table already
 * replaced, may see a mixture of old and new slots, so its answer (hit or
 * miss) is trusted only if the map's sequence count did not move during the
 * probe (see ioasid__spidmap_seq()); otherwise it probes again. Within one
 * table, every slot a reader loads is a mapping that existed at that
 * instant, since slots change by single atomic stores.
 */
#ifndef IOASID_CORE_SPIDMAP_H
#define IOASID_CORE_SPIDMAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/core.h>

/*
 * The tables (struct ioasid_spid_table) and the reader-side fields (view:
 * cur, NULL until the first insert, and seq, bumped around every table
 * switch) are public in ioasid/core_inline.h, whose inline
 * ioasid_spid_find() probes the home slot: their layout is ABI.
 */
struct ioasid__spidmap {
	struct ioasid_spid_map_view view;
	/* Writer-only fields (namespace lock). */
	struct ioasid_spid_table *spare; /* same size as cur, or NULL */
	struct ioasid_spid_table *retired; /* smaller tables, list */
	uint32_t live;
};

void ioasid__spidmap_init(struct ioasid__spidmap *map);
/* Frees every table. No reader may be left. */
void ioasid__spidmap_destroy(struct ioasid__spidmap *map);

/* Writer side, namespace lock held. Returns 0, -EEXIST or -ENOMEM. */
int ioasid__spidmap_insert(struct ioasid__spidmap *map, ioasid_t spid,
			   ioasid_t id);
/* Writer side: remove a mapping known to exist. */
void ioasid__spidmap_remove(struct ioasid__spidmap *map, ioasid_t spid);

/*
 * Reader side, no lock. Read the sequence count, probe, then ask whether
 * the count moved: a miss (or a hit the entry does not confirm) is final
 * only if it did not.
 */
uint64_t ioasid__spidmap_seq(const struct ioasid__spidmap *map);
bool ioasid__spidmap_changed(const struct ioasid__spidmap *map, uint64_t seq);
/* Returns true and *idp if a slot maps spid. */
bool ioasid__spidmap_probe(const struct ioasid__spidmap *map, ioasid_t spid,
			   ioasid_t *idp);

#endif /* IOASID_CORE_SPIDMAP_H */
