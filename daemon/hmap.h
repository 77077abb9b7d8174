/* SPDX-License-Identifier: MIT */
/*
 * daemon/hmap.h - a small open-addressing hash map from u64 keys to u64
 * values (linear probing, backward-shift deletion, power-of-two size).
 *
 * The daemon uses it for handles by pid, a handle's references by ID and
 * exports by inode. It is not thread-safe: the daemon's single event loop
 * owns every map. Lookups and deletions never allocate; an insertion of a
 * new key may grow the table and is the only call that can fail.
 */
#ifndef IOASIDD_HMAP_H
#define IOASIDD_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The one key that cannot be stored: it marks an empty slot. */
#define HMAP_EMPTY UINT64_MAX

struct hmap_entry {
	uint64_t key;
	uint64_t val;
};

struct hmap {
	struct hmap_entry *slots; /* NULL until the first insertion */
	size_t mask; /* slots - 1 */
	size_t count;
};

/* hmap_init - an empty map; allocates nothing. */
void ioasid__hmap_init(struct hmap *m);

/* hmap_destroy - free the table. Accepts a map that never allocated. */
void ioasid__hmap_destroy(struct hmap *m);

/* hmap_find - a pointer to key's value, or NULL. Valid until the next put. */
uint64_t *ioasid__hmap_find(const struct hmap *m, uint64_t key);

/*
 * hmap_put - set key's value (inserting the key if needed).
 * Errors: -EINVAL key is HMAP_EMPTY; -ENOMEM (map unchanged).
 */
int ioasid__hmap_put(struct hmap *m, uint64_t key, uint64_t val);

/*
 * hmap_reserve - make room so that n more new keys insert without
 * allocating. Errors: -ENOMEM (map unchanged).
 */
int ioasid__hmap_reserve(struct hmap *m, size_t n);

/* hmap_del - remove key; returns true if it was present. */
bool ioasid__hmap_del(struct hmap *m, uint64_t key);

/*
 * hmap_next - the first entry at or after slot *cursor (start at 0);
 * returns NULL at the end. The map must not change during a walk, with one
 * exception: a walk that deletes every entry it returns (draining the map)
 * may delete the returned entry and call again with the same cursor, which
 * backward shifting may have refilled; it then visits every entry once.
 */
struct hmap_entry *ioasid__hmap_next(const struct hmap *m, size_t *cursor);

#endif /* IOASIDD_HMAP_H */
