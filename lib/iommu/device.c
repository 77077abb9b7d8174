// SPDX-License-Identifier: MIT
/*
 * Devices: creation on one of the platform's IOMMUs, lookup, hot-unplug.
 *
 * A device is named by (parent, name), unique on the platform, and by an ID
 * that is never reused (faults carry it, so a new device must not inherit
 * an old one's faults). Freeing a device is a hot-unplug: its native driver
 * is unbound, it leaves its group (which detaches its DMA and, in an owned
 * group, tells the owner), then it goes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommu/platform_internal.h"
#include "util/alloc.h"
#include "util/name.h"

static bool device_desc_valid(const struct ioasid_device_desc *desc)
{
	if (!desc || !desc->name || !desc->iommu)
		return false;
	if (ioasid__name_check(desc->name, IOASID_NAME_MAX))
		return false;
	if (desc->parent && desc->parent[0] &&
	    ioasid__name_path_check(desc->parent, 2 * IOASID_NAME_MAX))
		return false;
	return desc->ssid_bits <= IOASID_IOMMU_PASID_BITS_MAX;
}

static bool device_same_parent(const struct ioasid_device *dev,
			       const char *parent)
{
	if (!dev->parent || !parent)
		return !dev->parent && !parent;
	return strcmp(dev->parent, parent) == 0;
}

static bool device_path_used(struct ioasid_platform *p, const char *parent,
			     const char *name)
{
	struct ioasid_device *dev;

	cds_list_for_each_entry(dev, &p->devices, node)
		if (strcmp(dev->name, name) == 0 && device_same_parent(dev, parent))
			return true;
	return false;
}

static void device_destroy(struct ioasid_device *dev)
{
	ioasid__free(dev->pasids);
	ioasid__free(dev->driver);
	ioasid__free(dev->parent);
	ioasid__free(dev->name);
	ioasid__free(dev);
}

static struct ioasid_device *device_new(struct ioasid_platform *p,
					const struct ioasid_device_desc *desc)
{
	struct ioasid_device *dev = ioasid__calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->platform = p;
	dev->iommu = desc->iommu;
	dev->ssid_bits = desc->ssid_bits;
	dev->name = ioasid__strdup(desc->name);
	if (!dev->name)
		goto free_dev;
	if (desc->parent && desc->parent[0]) {
		dev->parent = ioasid__strdup(desc->parent);
		if (!dev->parent)
			goto free_dev;
	}
	return dev;
free_dev:
	device_destroy(dev);
	return NULL;
}

/* Give the new device its IOMMU's platform domains, an ID, and a place in
 * the device list. Called under the lock. */
static int device_register_locked(struct ioasid_platform *p,
				  struct ioasid_device *dev)
{
	unsigned int index;

	if (ioasid__platform_iommu_index(p, dev->iommu, &index))
		return -EINVAL;
	if (device_path_used(p, dev->parent, dev->name))
		return -EEXIST;
	if (!p->next_device_id)
		return -ENOSPC; /* 2^32 - 1 devices created */
	dev->iommu_index = index;
	dev->blocked = p->iommus[index].blocked;
	dev->identity = p->iommus[index].identity;
	dev->id = p->next_device_id++;
	cds_list_add_tail(&dev->node, &p->devices);
	p->nr_devices++;
	return 0;
}

int ioasid_device_alloc(struct ioasid_platform *p,
			const struct ioasid_device_desc *desc,
			struct ioasid_device **devp)
{
	struct ioasid_device *dev;
	int ret;

	if (!device_desc_valid(desc))
		return -EINVAL;
	dev = device_new(p, desc);
	if (!dev)
		return -ENOMEM;
	pthread_mutex_lock(&p->lock);
	ret = device_register_locked(p, dev);
	pthread_mutex_unlock(&p->lock);
	if (ret) {
		device_destroy(dev);
		return ret;
	}
	*devp = dev;
	return 0;
}

void ioasid_device_free(struct ioasid_device *dev)
{
	struct ioasid_platform *p;
	struct ioasid_group *dead = NULL;

	if (!dev)
		return;
	p = dev->platform;
	pthread_mutex_lock(&p->lock);
	if (dev->driver_kind == IOASID_DRIVER_NATIVE)
		ioasid__device_unbind_locked(dev);
	if (dev->group)
		dead = ioasid__group_remove_device_locked(dev);
	cds_list_del(&dev->node);
	p->nr_devices--;
	pthread_mutex_unlock(&p->lock);
	ioasid__group_destroy(dead);
	/* The creator guarantees no DMA of this device is in flight, so its
	 * PASID table has no readers left. */
	device_destroy(dev);
}

int ioasid_device_lookup(struct ioasid_platform *p, uint32_t id,
			 struct ioasid_device **devp)
{
	struct ioasid_device *dev;
	int ret = -ENOENT;

	pthread_mutex_lock(&p->lock);
	cds_list_for_each_entry(dev, &p->devices, node) {
		if (dev->id == id) {
			*devp = dev;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* Does dev answer to path, "name" or "parent/name"? */
static bool device_matches(const struct ioasid_device *dev, const char *path,
			   bool full)
{
	size_t plen;

	if (!full)
		return strcmp(dev->name, path) == 0;
	if (!dev->parent)
		return false;
	plen = strlen(dev->parent);
	return strncmp(path, dev->parent, plen) == 0 && path[plen] == '/' &&
	       strcmp(path + plen + 1, dev->name) == 0;
}

int ioasid_device_lookup_name(struct ioasid_platform *p, const char *name,
			      struct ioasid_device **devp)
{
	struct ioasid_device *dev;
	int ret = -ENOENT;

	pthread_mutex_lock(&p->lock);
	for (int full = 1; full >= 0 && ret; full--) {
		cds_list_for_each_entry(dev, &p->devices, node) {
			if (device_matches(dev, name, full)) {
				*devp = dev;
				ret = 0;
				break;
			}
		}
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

uint32_t ioasid_device_id(const struct ioasid_device *dev)
{
	return dev->id;
}

const char *ioasid_device_name(const struct ioasid_device *dev)
{
	return dev->name;
}

const char *ioasid_device_parent(const struct ioasid_device *dev)
{
	return dev->parent;
}

unsigned int ioasid_device_ssid_bits(const struct ioasid_device *dev)
{
	return dev->ssid_bits;
}

struct ioasid_iommu *ioasid_device_iommu(const struct ioasid_device *dev)
{
	return dev->iommu;
}

static unsigned int device_nr_pasids_locked(const struct ioasid_device *dev)
{
	unsigned int nr = 0;

	if (dev->pasids)
		for (unsigned int i = 0; i < dev->pasids->nr; i++)
			nr += dev->pasids->slots[i].domain != NULL;
	return nr;
}

static const char *device_driver_name(const struct ioasid_device *dev)
{
	switch (dev->driver_kind) {
	case IOASID_DRIVER_NATIVE:
		return dev->driver;
	case IOASID_DRIVER_OWNER:
		return dev->owner->name;
	default:
		return "";
	}
}

void ioasid_device_query(struct ioasid_device *dev,
			 struct ioasid_device_info *info)
{
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&dev->platform->lock);
	info->id = dev->id;
	snprintf(info->name, sizeof(info->name), "%s", dev->name);
	if (dev->parent)
		snprintf(info->parent, sizeof(info->parent), "%s", dev->parent);
	info->ssid_bits = dev->ssid_bits;
	info->iommu_index = dev->iommu_index;
	info->group_id = dev->group ? (int)dev->group->id : -1;
	if (dev->group)
		snprintf(info->link_name, sizeof(info->link_name), "%s",
			 dev->link_name);
	info->driver_kind = dev->driver_kind;
	snprintf(info->driver, sizeof(info->driver), "%s",
		 device_driver_name(dev));
	info->owner = dev->owner;
	info->nr_pasids = device_nr_pasids_locked(dev);
	pthread_mutex_unlock(&dev->platform->lock);
}
