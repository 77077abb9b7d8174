// SPDX-License-Identifier: MIT
/*
 * DMA ownership of groups (VFIO; the kernel's iommu_group_claim_dma_owner()
 * and the isolation-group proposal).
 *
 * A claim succeeds only if the whole group can go to the owner: every
 * device unbound or (with IOASID_CLAIM_DETACH_DRIVERS) bound to a native
 * driver that may be detached, and no domain or PASID attached by anyone
 * but an owner. All checks come first; the changes that follow cannot fail,
 * so a refused claim changes nothing and emits no event.
 *
 * Claims are counted per owner (one owner may hold several, as the kernel
 * counts iommu_device_claim_dma_owner()), each holding a group reference.
 * The last release detaches what the owner attached and unbinds every
 * device. It is refused while a container's domain is attached in the
 * group: that is the container's claim, which the container releases
 * itself once it has detached (a domain a container holds is attached and
 * detached by nobody else, see domain_internal.h).
 */
#include <errno.h>

#include "iommu/platform_internal.h"

int ioasid__group_check_owner(struct ioasid_group *g, struct ioasid_owner *owner)
{
	return g->owner == owner ? 0 : -EPERM;
}

/* Can owner take the group, which it does not own yet? */
static int group_claimable_locked(struct ioasid_group *g, uint32_t flags)
{
	struct ioasid_device *dev;

	if (g->owner)
		return -EBUSY;
	if (g->domain || ioasid__group_has_pasids_of(g, NULL))
		return -EBUSY;
	cds_list_for_each_entry(dev, &g->devices, group_node)
		if (dev->driver_kind == IOASID_DRIVER_NATIVE &&
		    !(flags & IOASID_CLAIM_DETACH_DRIVERS))
			return -EBUSY;
	return 0;
}

static void group_take_locked(struct ioasid_group *g, struct ioasid_owner *owner)
{
	struct ioasid_device *dev;

	g->owner = owner;
	g->owner_claims = 1;
	g->refs++; /* held by the claim */
	g->platform->nr_owned++;
	cds_list_for_each_entry(dev, &g->devices, group_node) {
		if (dev->driver_kind == IOASID_DRIVER_NATIVE)
			ioasid__device_unbind_locked(dev);
		ioasid__device_bind_owner_locked(dev, owner);
	}
	ioasid__group_sync_default_locked(g);
}

int ioasid_group_claim(struct ioasid_group *g, struct ioasid_owner *owner,
		       uint32_t flags)
{
	struct ioasid_platform *p = g->platform;
	int ret = 0;

	if (flags & ~IOASID_CLAIM_DETACH_DRIVERS)
		return -EOPNOTSUPP;
	if (!owner || !owner->name || !owner->name[0])
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	if (g->owner == owner) {
		g->owner_claims++;
		g->refs++; /* held by the claim */
		goto unlock;
	}
	ret = group_claimable_locked(g, flags);
	if (!ret)
		group_take_locked(g, owner);
unlock:
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* The owner's last claim goes: detach what it attached, unbind devices. */
static void group_give_back_locked(struct ioasid_group *g)
{
	struct ioasid_device *dev;

	/* The claim's reference still pins g, so this cannot free it. */
	ioasid__group_detach_owner_locked(g, g->owner);
	cds_list_for_each_entry(dev, &g->devices, group_node)
		if (dev->driver_kind == IOASID_DRIVER_OWNER)
			ioasid__device_unbind_locked(dev);
	g->owner = NULL;
	g->platform->nr_owned--;
	ioasid__group_sync_default_locked(g);
}

/* May owner drop one claim now? */
static int group_release_check_locked(struct ioasid_group *g,
				      struct ioasid_owner *owner)
{
	if (!g->owner)
		return -ENOENT;
	if (g->owner != owner)
		return -EPERM;
	if (g->owner_claims == 1 && ioasid__group_has_held_locked(g))
		return -EBUSY;
	return 0;
}

int ioasid_group_release(struct ioasid_group *g, struct ioasid_owner *owner)
{
	struct ioasid_platform *p = g->platform;
	struct ioasid_group *dead = NULL;
	int ret;

	if (!owner)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	ret = group_release_check_locked(g, owner);
	if (ret)
		goto unlock;
	if (--g->owner_claims == 0)
		group_give_back_locked(g);
	dead = ioasid__group_unref_locked(g); /* the claim's reference */
unlock:
	pthread_mutex_unlock(&p->lock);
	ioasid__group_destroy(dead);
	return ret;
}

void ioasid__group_release_all_locked(struct ioasid_group *g)
{
	unsigned int claims = g->owner_claims;

	g->owner_claims = 0;
	group_give_back_locked(g);
	g->refs -= claims; /* the caller's own reference keeps g alive */
}

int ioasid_group_viable(struct ioasid_group *g, struct ioasid_owner *owner)
{
	int viable;

	pthread_mutex_lock(&g->platform->lock);
	if (g->owner)
		viable = g->owner == owner;
	else
		viable = !group_claimable_locked(g, 0);
	pthread_mutex_unlock(&g->platform->lock);
	return viable;
}
