// SPDX-License-Identifier: MIT
/*
 * The tree: creation, destruction, capacity and the hierarchical walk.
 *
 * The root group is created with the tree and lives as long as it; it has
 * no max (ioasid_cgroup_max_set() refuses it) and the tree's capacity
 * stands in for one at every level, as misc_res_capacity does in the
 * kernel.
 */
#include "cgroup/internal.h"
#include "util/alloc.h"

int ioasid_cgroup_tree_new(uint64_t capacity, struct ioasid_cgroup_tree **treep)
{
	struct ioasid_cgroup_tree *tree;
	int ret = -ENOMEM;

	if (!treep)
		return -EINVAL;
	tree = ioasid__calloc(1, sizeof(*tree));
	if (!tree)
		return -ENOMEM;
	if (ioasid__cgroup_index_init(&tree->index))
		goto free_tree;
	tree->root = ioasid__cgroup_new("/", 1);
	if (!tree->root)
		goto destroy_index;
	tree->root->tree = tree;
	ioasid__cgroup_index_insert(&tree->index, tree->root);
	tree->capacity = capacity;
	pthread_mutex_init(&tree->lock, NULL);
	*treep = tree;
	return 0;

destroy_index:
	ioasid__cgroup_index_destroy(&tree->index);
free_tree:
	ioasid__free(tree);
	return ret;
}

void ioasid_cgroup_tree_free(struct ioasid_cgroup_tree *tree)
{
	if (!tree)
		return;
	for (size_t i = 0; i < tree->index.nbuckets; i++) {
		struct ioasid_cgroup *cg = tree->index.buckets[i], *next;

		for (; cg; cg = next) {
			next = cg->hash_next;
			ioasid__cgroup_destroy(cg);
		}
	}
	ioasid__cgroup_index_destroy(&tree->index);
	pthread_mutex_destroy(&tree->lock);
	ioasid__free(tree);
}

void ioasid_cgroup_capacity_set(struct ioasid_cgroup_tree *tree,
				uint64_t capacity)
{
	pthread_mutex_lock(&tree->lock);
	tree->capacity = capacity;
	pthread_mutex_unlock(&tree->lock);
}

uint64_t ioasid_cgroup_capacity(struct ioasid_cgroup_tree *tree)
{
	uint64_t capacity;

	pthread_mutex_lock(&tree->lock);
	capacity = tree->capacity;
	pthread_mutex_unlock(&tree->lock);
	return capacity;
}

/* The group after cg in a pre-order walk, or NULL at the end. */
static struct ioasid_cgroup *walk_next(struct ioasid_cgroup *cg)
{
	if (cg->children)
		return cg->children;
	while (cg && !cg->sibling)
		cg = cg->parent;
	return cg ? cg->sibling : NULL;
}

int ioasid_cgroup_for_each(struct ioasid_cgroup_tree *tree,
			   ioasid_cgroup_visit_fn fn, void *arg)
{
	struct ioasid_cgroup_info info;
	int ret = 0;

	if (!tree || !fn)
		return -EINVAL;
	pthread_mutex_lock(&tree->lock);
	for (struct ioasid_cgroup *cg = tree->root; cg && !ret; cg = walk_next(cg)) {
		ioasid__cgroup_info_locked(cg, &info);
		ret = fn(cg->path, &info, arg);
	}
	pthread_mutex_unlock(&tree->lock);
	return ret;
}
