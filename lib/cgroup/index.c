// SPDX-License-Identifier: MIT
/*
 * The path index of a tree: a chained hash table from full path to group.
 *
 * Growing the table is the only step that allocates, and it is done by
 * ioasid__cgroup_index_reserve() before a creation publishes anything, so
 * that inserting can never fail. The table doubles when the number of
 * groups would exceed the number of buckets and never shrinks (a tree's
 * high-water mark of groups is small).
 */
#include <string.h>

#include "cgroup/internal.h"
#include "util/alloc.h"

#define INDEX_MIN_BUCKETS 64

/* FNV-1a, 64 bits. */
uint64_t ioasid__cgroup_path_hash(const char *path, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)path[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int ioasid__cgroup_index_init(struct cgroup_index *idx)
{
	idx->buckets = ioasid__calloc(INDEX_MIN_BUCKETS, sizeof(*idx->buckets));
	if (!idx->buckets)
		return -ENOMEM;
	idx->nbuckets = INDEX_MIN_BUCKETS;
	idx->count = 0;
	return 0;
}

void ioasid__cgroup_index_destroy(struct cgroup_index *idx)
{
	ioasid__free(idx->buckets);
	idx->buckets = NULL;
	idx->nbuckets = 0;
	idx->count = 0;
}

static void index_rehash(struct cgroup_index *idx,
			 struct ioasid_cgroup **buckets, size_t nbuckets)
{
	for (size_t i = 0; i < idx->nbuckets; i++) {
		struct ioasid_cgroup *cg = idx->buckets[i], *next;

		for (; cg; cg = next) {
			size_t b = cg->hash & (nbuckets - 1);

			next = cg->hash_next;
			cg->hash_next = buckets[b];
			buckets[b] = cg;
		}
	}
	ioasid__free(idx->buckets);
	idx->buckets = buckets;
	idx->nbuckets = nbuckets;
}

int ioasid__cgroup_index_reserve(struct cgroup_index *idx, size_t extra)
{
	size_t want = idx->count + extra, nbuckets = idx->nbuckets;
	struct ioasid_cgroup **buckets;

	if (want <= nbuckets)
		return 0;
	while (nbuckets < want)
		nbuckets *= 2;
	buckets = ioasid__calloc(nbuckets, sizeof(*buckets));
	if (!buckets)
		return -ENOMEM;
	index_rehash(idx, buckets, nbuckets);
	return 0;
}

struct ioasid_cgroup *ioasid__cgroup_index_find(const struct cgroup_index *idx,
						const char *path, size_t len,
						uint64_t hash)
{
	struct ioasid_cgroup *cg = idx->buckets[hash & (idx->nbuckets - 1)];

	for (; cg; cg = cg->hash_next)
		if (cg->hash == hash && strncmp(cg->path, path, len) == 0 &&
		    cg->path[len] == '\0')
			return cg;
	return NULL;
}

void ioasid__cgroup_index_insert(struct cgroup_index *idx,
				 struct ioasid_cgroup *cg)
{
	size_t b = cg->hash & (idx->nbuckets - 1);

	cg->hash_next = idx->buckets[b];
	idx->buckets[b] = cg;
	idx->count++;
}

/* cg must be in the index: every published group is. */
void ioasid__cgroup_index_remove(struct cgroup_index *idx,
				 struct ioasid_cgroup *cg)
{
	struct ioasid_cgroup **pp = &idx->buckets[cg->hash & (idx->nbuckets - 1)];

	while (*pp != cg)
		pp = &(*pp)->hash_next;
	*pp = cg->hash_next;
	idx->count--;
}
