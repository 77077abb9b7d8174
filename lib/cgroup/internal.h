/* SPDX-License-Identifier: MIT */
/*
 * Internal structures of the resource controller (include/ioasid/cgroup.h).
 *
 * A tree owns its groups. Every group is reachable two ways: from its
 * parent's sorted list of children (for hierarchical walks) and from the
 * tree's hash index keyed by the full path (for lookups). Both are changed
 * together, under the tree's lock, and only once nothing can fail any more.
 */
#ifndef IOASID_LIB_CGROUP_INTERNAL_H
#define IOASID_LIB_CGROUP_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <ioasid/cgroup.h>

/*
 * The hash index: chained buckets, at most one group per bucket on average.
 * Protected by the tree's lock.
 */
struct cgroup_index {
	struct ioasid_cgroup **buckets;
	size_t nbuckets; /* a power of two */
	size_t count;
};

/*
 * A group. path, name, parent, depth, hash and tree never change after
 * creation and may be read without the lock; every other field is
 * protected by tree->lock.
 */
struct ioasid_cgroup {
	struct ioasid_cgroup_tree *tree;
	struct ioasid_cgroup *parent; /* NULL for the root */
	struct ioasid_cgroup *children; /* sorted by name (strcmp) */
	struct ioasid_cgroup *sibling; /* next child of parent */
	struct ioasid_cgroup *hash_next; /* chain in tree->index */
	char *path; /* owned; "/" for the root */
	const char *name; /* last component, inside path; "" for the root */
	uint64_t hash; /* of path */
	uint32_t depth;
	uint32_t nr_children;
	uint64_t refs;
	uint64_t max;
	uint64_t current;
	uint64_t peak;
	uint64_t events;
	uint64_t events_local;
};

/*
 * The tree. Lock order: lock is a leaf; nothing else is taken while it is
 * held, and no callback runs under it except ioasid_cgroup_for_each()'s.
 * It protects capacity, index and every group's mutable fields.
 */
struct ioasid_cgroup_tree {
	pthread_mutex_t lock;
	uint64_t capacity;
	struct ioasid_cgroup *root;
	struct cgroup_index index;
};

/* path.c */
int ioasid__cgroup_path_check(const char *path, size_t len);

/* index.c */
uint64_t ioasid__cgroup_path_hash(const char *path, size_t len);
int ioasid__cgroup_index_init(struct cgroup_index *idx);
void ioasid__cgroup_index_destroy(struct cgroup_index *idx);
int ioasid__cgroup_index_reserve(struct cgroup_index *idx, size_t extra);
struct ioasid_cgroup *ioasid__cgroup_index_find(const struct cgroup_index *idx,
						const char *path, size_t len,
						uint64_t hash);
void ioasid__cgroup_index_insert(struct cgroup_index *idx,
				 struct ioasid_cgroup *cg);
void ioasid__cgroup_index_remove(struct cgroup_index *idx,
				 struct ioasid_cgroup *cg);

/* group.c */
struct ioasid_cgroup *ioasid__cgroup_new(const char *path, size_t len);
void ioasid__cgroup_destroy(struct ioasid_cgroup *cg);
void ioasid__cgroup_prune_locked(struct ioasid_cgroup *cg);
void ioasid__cgroup_info_locked(const struct ioasid_cgroup *cg,
				struct ioasid_cgroup_info *info);

#endif /* IOASID_LIB_CGROUP_INTERNAL_H */
