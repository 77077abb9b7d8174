/* SPDX-License-Identifier: MIT */
/*
 * lib/client/ledger.h - the client's own record of the IDs its handle owns
 * (allocated and not freed) and their SPIDs, kept to check what RECLAIM
 * returns after a reconnect.
 *
 * An open-addressing hash table keyed by ID (ID 0 is never allocated, so it
 * marks an empty slot), with linear probing and backward-shift deletion.
 * Adding never fails once room was reserved: callers reserve before they
 * send the request whose success they will record, so that a reply is never
 * lost to an allocation failure.
 *
 * Not thread-safe: the client's request lock protects it.
 */
#ifndef IOASID_CLIENT_LEDGER_H
#define IOASID_CLIENT_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include <ioasid/core.h>

struct ioasid__ledger_slot {
	ioasid_t id; /* 0: empty */
	ioasid_t spid; /* IOASID_INVALID: none */
};

struct ioasid__ledger {
	struct ioasid__ledger_slot *slots;
	size_t nslots; /* 0 or a power of two */
	size_t len;
};

/* ioasid__ledger_destroy - free the table; the ledger is empty after. */
void ioasid__ledger_destroy(struct ioasid__ledger *l);

/* ioasid__ledger_reserve - make room so that n more adds cannot fail.
 * Errors: -ENOMEM (nothing changes). */
int ioasid__ledger_reserve(struct ioasid__ledger *l, size_t n);

/* ioasid__ledger_add - record id (id != 0) with spid, or update its spid.
 * Room must have been reserved. */
void ioasid__ledger_add(struct ioasid__ledger *l, ioasid_t id, ioasid_t spid);

/* ioasid__ledger_del - forget id; no effect if it is not recorded. */
void ioasid__ledger_del(struct ioasid__ledger *l, ioasid_t id);

/* ioasid__ledger_find - whether id is recorded, and its spid if so. */
bool ioasid__ledger_find(const struct ioasid__ledger *l, ioasid_t id,
			 ioasid_t *spid);

/* ioasid__ledger_sorted - the records in ascending ID order, in a new
 * array (NULL when empty). Errors: -ENOMEM. */
int ioasid__ledger_sorted(const struct ioasid__ledger *l,
			  struct ioasid__ledger_slot **out, size_t *count);

#endif /* IOASID_CLIENT_LEDGER_H */
