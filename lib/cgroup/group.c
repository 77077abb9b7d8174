// SPDX-License-Identifier: MIT
/*
 * Groups: lookup and creation by path, references, removal, snapshots.
 *
 * Creating "/a/b/c" when only "/a" exists allocates "/a/b" and "/a/b/c"
 * first, reserves room in the index for both, and only then links them into
 * the hierarchy and the index, so that a failed creation publishes nothing.
 * A group stays while something needs it (include/ioasid/cgroup.h,
 * "Lifetime"); ioasid__cgroup_prune_locked() removes one that nothing needs
 * any more and then looks at its parent, which may have been kept only for
 * that child.
 */
#include <string.h>

#include "cgroup/internal.h"
#include "util/alloc.h"

/* One allocation holds the group and its path. */
struct cgroup_alloc {
	struct ioasid_cgroup cg;
	char path[];
};

struct ioasid_cgroup *ioasid__cgroup_new(const char *path, size_t len)
{
	struct cgroup_alloc *a = ioasid__calloc(1, sizeof(*a) + len + 1);
	const char *slash;

	if (!a)
		return NULL;
	memcpy(a->path, path, len);
	a->path[len] = '\0';
	slash = strrchr(a->path, '/');
	a->cg.path = a->path;
	a->cg.name = slash + 1;
	a->cg.hash = ioasid__cgroup_path_hash(path, len);
	a->cg.max = IOASID_CGROUP_MAX;
	return &a->cg;
}

void ioasid__cgroup_destroy(struct ioasid_cgroup *cg)
{
	/* cg is the first member of its struct cgroup_alloc. */
	ioasid__free(cg);
}

/* Insert cg into parent's children, keeping them sorted by name. */
static void group_link(struct ioasid_cgroup *parent, struct ioasid_cgroup *cg)
{
	struct ioasid_cgroup **pp = &parent->children;

	while (*pp && strcmp((*pp)->name, cg->name) < 0)
		pp = &(*pp)->sibling;
	cg->sibling = *pp;
	*pp = cg;
	cg->parent = parent;
	parent->nr_children++;
}

static void group_unlink(struct ioasid_cgroup *cg)
{
	struct ioasid_cgroup **pp = &cg->parent->children;

	while (*pp != cg)
		pp = &(*pp)->sibling;
	*pp = cg->sibling;
	cg->parent->nr_children--;
	ioasid__cgroup_index_remove(&cg->tree->index, cg);
}

static int group_needed(const struct ioasid_cgroup *cg)
{
	return !cg->parent || cg->refs || cg->current || cg->nr_children ||
	       cg->max != IOASID_CGROUP_MAX;
}

void ioasid__cgroup_prune_locked(struct ioasid_cgroup *cg)
{
	while (!group_needed(cg)) {
		struct ioasid_cgroup *parent = cg->parent;

		group_unlink(cg);
		ioasid__cgroup_destroy(cg);
		cg = parent;
	}
}

/*
 * The deepest existing proper ancestor of path[0..len): returns it and sets
 * *alen to the length of its path. The root always exists.
 */
static struct ioasid_cgroup *closest_ancestor(struct ioasid_cgroup_tree *tree,
					      const char *path, size_t len,
					      size_t *alen)
{
	size_t l = len;

	for (;;) {
		struct ioasid_cgroup *cg;

		while (path[l - 1] != '/')
			l--;
		l--; /* now the length up to, not including, that '/' */
		if (l == 0) {
			*alen = 1;
			return tree->root;
		}
		cg = ioasid__cgroup_index_find(&tree->index, path, l,
					       ioasid__cgroup_path_hash(path, l));
		if (cg) {
			*alen = l;
			return cg;
		}
	}
}

/* Free a chain of unpublished groups, linked leaf to top through parent. */
static void chain_destroy(struct ioasid_cgroup *leaf, struct ioasid_cgroup *stop)
{
	while (leaf && leaf != stop) {
		struct ioasid_cgroup *parent = leaf->parent;

		ioasid__cgroup_destroy(leaf);
		leaf = parent;
	}
}

/*
 * Allocate the groups from below ancestor (whose path is alen bytes) down
 * to path[0..len), each pointing at the next one up through parent, and
 * count them in *count. Nothing is linked yet.
 */
static int chain_alloc(struct ioasid_cgroup *ancestor, const char *path,
		       size_t len, size_t alen, struct ioasid_cgroup **leafp,
		       size_t *count)
{
	struct ioasid_cgroup *up = ancestor;
	size_t end = alen == 1 ? 0 : alen;

	*count = 0;
	while (end < len) {
		struct ioasid_cgroup *cg;

		end++; /* past the '/' */
		while (end < len && path[end] != '/')
			end++;
		cg = ioasid__cgroup_new(path, end);
		if (!cg) {
			chain_destroy(up, ancestor);
			return -ENOMEM;
		}
		cg->parent = up;
		cg->tree = ancestor->tree;
		cg->depth = up->depth + 1;
		up = cg;
		(*count)++;
	}
	*leafp = up;
	return 0;
}

/*
 * Link an allocated chain into the hierarchy and the index; cannot fail.
 * The order does not matter: the tree's lock is held throughout.
 */
static void chain_publish(struct ioasid_cgroup_tree *tree,
			  struct ioasid_cgroup *ancestor,
			  struct ioasid_cgroup *leaf)
{
	for (struct ioasid_cgroup *cg = leaf; cg != ancestor; cg = cg->parent) {
		group_link(cg->parent, cg);
		ioasid__cgroup_index_insert(&tree->index, cg);
	}
}

static int group_create_locked(struct ioasid_cgroup_tree *tree,
			       const char *path, size_t len,
			       struct ioasid_cgroup **cgp)
{
	struct ioasid_cgroup *ancestor, *leaf;
	size_t alen, count;
	int ret;

	ancestor = closest_ancestor(tree, path, len, &alen);
	ret = chain_alloc(ancestor, path, len, alen, &leaf, &count);
	if (ret)
		return ret;
	ret = ioasid__cgroup_index_reserve(&tree->index, count);
	if (ret)
		goto undo_chain;
	chain_publish(tree, ancestor, leaf);
	*cgp = leaf;
	return 0;

undo_chain:
	chain_destroy(leaf, ancestor);
	return ret;
}

int ioasid_cgroup_lookup(struct ioasid_cgroup_tree *tree, const char *path,
			 unsigned int flags, struct ioasid_cgroup **cgp)
{
	struct ioasid_cgroup *cg;
	size_t len;
	int ret = 0;

	if (!tree || !path || !cgp || (flags & ~IOASID_CGROUP_CREATE))
		return -EINVAL;
	len = strnlen(path, IOASID_CGROUP_PATH_MAX);
	if (ioasid__cgroup_path_check(path, len))
		return -EINVAL;
	pthread_mutex_lock(&tree->lock);
	cg = ioasid__cgroup_index_find(&tree->index, path, len,
				       ioasid__cgroup_path_hash(path, len));
	if (!cg && (flags & IOASID_CGROUP_CREATE))
		ret = group_create_locked(tree, path, len, &cg);
	else if (!cg)
		ret = -ENOENT;
	if (!ret) {
		cg->refs++;
		*cgp = cg; /* The reference just taken goes to the caller. */
	}
	pthread_mutex_unlock(&tree->lock);
	return ret;
}

void ioasid_cgroup_get(struct ioasid_cgroup *cg)
{
	pthread_mutex_lock(&cg->tree->lock);
	cg->refs++;
	pthread_mutex_unlock(&cg->tree->lock);
}

void ioasid_cgroup_put(struct ioasid_cgroup *cg)
{
	struct ioasid_cgroup_tree *tree;

	if (!cg)
		return;
	tree = cg->tree;
	pthread_mutex_lock(&tree->lock);
	cg->refs--;
	ioasid__cgroup_prune_locked(cg);
	pthread_mutex_unlock(&tree->lock);
}

void ioasid__cgroup_info_locked(const struct ioasid_cgroup *cg,
				struct ioasid_cgroup_info *info)
{
	info->max = cg->max;
	info->current = cg->current;
	info->peak = cg->peak;
	info->events = cg->events;
	info->events_local = cg->events_local;
	info->capacity = cg->parent ? 0 : cg->tree->capacity;
	info->depth = cg->depth;
	info->children = cg->nr_children;
}

void ioasid_cgroup_query(struct ioasid_cgroup *cg,
			 struct ioasid_cgroup_info *info)
{
	pthread_mutex_lock(&cg->tree->lock);
	ioasid__cgroup_info_locked(cg, info);
	pthread_mutex_unlock(&cg->tree->lock);
}

const char *ioasid_cgroup_path(const struct ioasid_cgroup *cg)
{
	return cg->path;
}
