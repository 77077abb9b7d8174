// SPDX-License-Identifier: MIT
/*
 * DMA through a container: PASIDs the container attaches, translations
 * through its address space, and its faults.
 *
 * A PASID attachment made for the container is recorded by (device ID,
 * PASID) and made with the container's owner, so the platform's ownership
 * rules apply, and as the holder of the domain, so that nobody else can
 * attach or detach it. The records are what lets the container undo its
 * attachments before its domains go: when a group leaves, the PASIDs of
 * that group's devices are detached first. A device may leave its group
 * or be freed without the container knowing (the platform then detaches
 * its PASIDs itself); such records are dropped when next met.
 */
#include <errno.h>
#include <string.h>

#include "iommu/container_internal.h"
#include "iommu/domain_internal.h"
#include "iommu/platform_internal.h"
#include "util/alloc.h"

static int container_pasid_find(struct ioasid_container *c, uint32_t devid,
				ioasid_t pasid)
{
	for (unsigned int i = 0; i < c->nr_pasids; i++)
		if (c->pasids[i].devid == devid && c->pasids[i].pasid == pasid)
			return (int)i;
	return -1;
}

static void container_pasid_forget(struct ioasid_container *c, unsigned int i)
{
	memmove(&c->pasids[i], &c->pasids[i + 1],
		(c->nr_pasids - i - 1) * sizeof(c->pasids[0]));
	c->nr_pasids--;
}

/* The container domain serving dev: that of dev's group, if the group is
 * attached to the container. */
static struct container_domain *container_device_domain(struct ioasid_container *c,
							struct ioasid_device *dev)
{
	struct container_domain *cd = NULL;
	struct ioasid_group *g;

	if (ioasid_device_group(dev, &g))
		return NULL;
	for (unsigned int i = 0; i < c->nr_groups; i++)
		if (c->groups[i].group == g)
			cd = c->groups[i].cd;
	ioasid_group_put(g);
	return cd;
}

static int container_pasid_reserve(struct ioasid_container *c)
{
	struct container_pasid *arr;

	arr = ioasid__realloc(c->pasids, (c->nr_pasids + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	c->pasids = arr;
	return 0;
}

static int container_attach_pasid_locked(struct ioasid_container *c,
					 struct ioasid_device *dev,
					 ioasid_t pasid)
{
	struct container_domain *cd;
	uint32_t devid = ioasid_device_id(dev);
	int ret;

	if (!c->ops || !c->ops->pasids)
		return -EINVAL;
	cd = container_device_domain(c, dev);
	if (!cd)
		return -ENOENT;
	ret = container_pasid_reserve(c);
	if (ret)
		return ret;
	ret = ioasid__device_attach_pasid_held(dev, c->owner, pasid, cd->domain,
					       c);
	if (ret)
		return ret;
	/* A stale record of an earlier attachment may be there already. */
	if (container_pasid_find(c, devid, pasid) < 0)
		c->pasids[c->nr_pasids++] =
			(struct container_pasid){ .devid = devid, .pasid = pasid };
	return 0;
}

int ioasid_container_attach_pasid(struct ioasid_container *c,
				  struct ioasid_device *dev, ioasid_t pasid)
{
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = container_attach_pasid_locked(c, dev, pasid);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int ioasid_container_detach_pasid(struct ioasid_container *c,
				  struct ioasid_device *dev, ioasid_t pasid)
{
	int i, ret = -ENOENT;

	pthread_mutex_lock(&c->lock);
	i = container_pasid_find(c, ioasid_device_id(dev), pasid);
	if (i >= 0) {
		ret = ioasid__device_detach_pasid_held(dev, c->owner, pasid, c);
		container_pasid_forget(c, (unsigned int)i);
		if (ret)
			ret = -ENOENT; /* the platform detached it already */
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* Should the record go when g leaves? Yes if its device is in g, in no
 * group, or gone. */
static bool container_pasid_of_group(struct ioasid_container *c,
				     const struct container_pasid *cp,
				     struct ioasid_group *g,
				     struct ioasid_device **devp)
{
	struct ioasid_group *dg;
	bool ret;

	*devp = NULL;
	if (ioasid_device_lookup(c->platform, cp->devid, devp))
		return true;
	if (ioasid_device_group(*devp, &dg))
		return true;
	ret = dg == g;
	ioasid_group_put(dg);
	return ret;
}

void ioasid__container_drop_pasids(struct ioasid_container *c,
				   struct ioasid_group *g)
{
	unsigned int i = 0;

	while (i < c->nr_pasids) {
		struct ioasid_device *dev;

		if (!container_pasid_of_group(c, &c->pasids[i], g, &dev)) {
			i++;
			continue;
		}
		if (dev)
			ioasid__device_detach_pasid_held(dev, c->owner,
							 c->pasids[i].pasid, c);
		container_pasid_forget(c, i);
	}
}

int ioasid_container_translate(struct ioasid_container *c, uint64_t iova,
			       uint32_t access, uint64_t *physp)
{
	int ret = -EINVAL;

	pthread_mutex_lock(&c->lock);
	if (c->ops && c->nr_domains)
		ret = ioasid_iommu_translate(c->domains[0]->iommu,
					     c->domains[0]->domain,
					     IOASID_CONTAINER_DEVID, 0, iova,
					     access, physp);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int ioasid_container_fault_read(struct ioasid_container *c,
				struct ioasid_fault *faults, uint32_t max,
				uint64_t *lost)
{
	uint64_t dropped = 0, l;
	uint32_t n = 0;

	pthread_mutex_lock(&c->lock);
	for (unsigned int i = 0; i < c->nr_domains && n < max; i++) {
		n += (uint32_t)ioasid__domain_fault_read_held(
			c->domains[i]->domain, faults + n, max - n,
			lost ? &l : NULL, c);
		if (lost)
			dropped += l;
	}
	pthread_mutex_unlock(&c->lock);
	if (lost)
		*lost = dropped;
	return (int)n;
}
