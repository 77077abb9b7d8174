// SPDX-License-Identifier: MIT
/*
 * Charging, uncharging and limits (include/ioasid/cgroup.h, "Charging").
 *
 * A charge is decided before anything is changed: the walk from the group
 * to the root finds the first level that cannot take the amount, and only
 * when there is none is the amount added everywhere. The kernel adds as it
 * goes and takes back on failure; under one lock the two are the same, and
 * deciding first keeps a failed charge from ever being visible.
 */
#include "cgroup/internal.h"

/* True if adding amount to current would go above limit. */
static int would_exceed(uint64_t current, uint64_t amount, uint64_t limit)
{
	return current > limit || amount > limit - current;
}

/*
 * The first level, from cg up, that cannot take amount, with the errno for
 * it in *errp; NULL if every level can.
 */
static struct ioasid_cgroup *charge_find_failing(struct ioasid_cgroup *cg,
						 uint64_t amount, int *errp)
{
	uint64_t capacity = cg->tree->capacity;

	for (; cg; cg = cg->parent) {
		if (would_exceed(cg->current, amount, cg->max)) {
			*errp = -EDQUOT;
			return cg;
		}
		if (would_exceed(cg->current, amount, capacity)) {
			*errp = -ENOSPC;
			return cg;
		}
	}
	return NULL;
}

static void charge_count_event(struct ioasid_cgroup *failing)
{
	failing->events_local++;
	for (struct ioasid_cgroup *cg = failing; cg; cg = cg->parent)
		cg->events++;
}

static void charge_apply(struct ioasid_cgroup *cg, uint64_t amount)
{
	for (; cg; cg = cg->parent) {
		cg->current += amount;
		if (cg->current > cg->peak)
			cg->peak = cg->current;
	}
}

int ioasid_cgroup_charge(struct ioasid_cgroup *cg, uint64_t amount)
{
	struct ioasid_cgroup *failing;
	int ret = 0;

	if (!amount)
		return 0;
	pthread_mutex_lock(&cg->tree->lock);
	failing = charge_find_failing(cg, amount, &ret);
	if (failing)
		charge_count_event(failing);
	else
		charge_apply(cg, amount);
	pthread_mutex_unlock(&cg->tree->lock);
	return ret;
}

int ioasid_cgroup_uncharge(struct ioasid_cgroup *cg, uint64_t amount)
{
	struct ioasid_cgroup_tree *tree = cg->tree;

	pthread_mutex_lock(&tree->lock);
	/* Every ancestor holds at least what cg holds, so one check will do. */
	if (amount > cg->current) {
		pthread_mutex_unlock(&tree->lock);
		return -EINVAL;
	}
	for (struct ioasid_cgroup *i = cg; i; i = i->parent)
		i->current -= amount;
	ioasid__cgroup_prune_locked(cg);
	pthread_mutex_unlock(&tree->lock);
	return 0;
}

int ioasid_cgroup_max_set(struct ioasid_cgroup *cg, uint64_t max)
{
	struct ioasid_cgroup_tree *tree = cg->tree;

	if (!cg->parent)
		return -EINVAL;
	pthread_mutex_lock(&tree->lock);
	cg->max = max;
	ioasid__cgroup_prune_locked(cg);
	pthread_mutex_unlock(&tree->lock);
	return 0;
}
