// SPDX-License-Identifier: MIT
/*
 * IOMMU groups: IDs, names, references, membership.
 *
 * IDs are indexes in the platform's group table; allocation takes the lowest
 * NULL slot, growing the table when none is free. A group is freed when it
 * has neither references nor devices: the put (or device removal) that
 * brings both to zero unlinks it from the table under the platform lock,
 * and the caller destroys it after unlocking so that the iommu-private
 * release callback never runs under the lock.
 *
 * A device joins a group under a link name unique within the group: its
 * own name, else "name.0", "name.1", ... (the kernel's sysfs link naming).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "iommu/platform_internal.h"
#include "util/alloc.h"
#include "util/name.h"

/* Groups IDs stay below this (the kernel's IDA hands out ints). */
#define GROUP_ID_LIMIT ((unsigned int)INT_MAX)

static const char *const group_type_names[] = {
	[IOASID_GROUP_TYPE_DMA] = "DMA",
	[IOASID_GROUP_TYPE_DMA_FQ] = "DMA-FQ",
	[IOASID_GROUP_TYPE_IDENTITY] = "identity",
	[IOASID_GROUP_TYPE_BLOCKED] = "blocked",
	[IOASID_GROUP_TYPE_UNMANAGED] = "unmanaged",
	[IOASID_GROUP_TYPE_UNKNOWN] = "unknown",
};

const char *ioasid_group_type_name(enum ioasid_group_type type)
{
	if ((unsigned int)type > IOASID_GROUP_TYPE_UNKNOWN)
		return "unknown";
	return group_type_names[type];
}

/* The lowest free ID, growing the table if needed; nothing changes on
 * failure. */
static int group_table_reserve(struct ioasid_platform *p, unsigned int *idp)
{
	struct ioasid_group **table;
	unsigned int id, nr;

	for (id = 0; id < p->nr_slots; id++) {
		if (!p->groups[id]) {
			*idp = id;
			return 0;
		}
	}
	if (p->nr_slots >= GROUP_ID_LIMIT)
		return -ENOSPC;
	nr = p->nr_slots ? p->nr_slots * 2 : 8;
	if (nr > GROUP_ID_LIMIT)
		nr = GROUP_ID_LIMIT;
	table = ioasid__realloc(p->groups, nr * sizeof(*table));
	if (!table)
		return -ENOMEM;
	memset(table + p->nr_slots, 0, (nr - p->nr_slots) * sizeof(*table));
	p->groups = table;
	*idp = p->nr_slots;
	p->nr_slots = nr;
	return 0;
}

static struct ioasid_group *group_new(struct ioasid_platform *p,
				      const char *name,
				      enum ioasid_group_type type)
{
	struct ioasid_group *g = ioasid__calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	if (name) {
		g->name = ioasid__strdup(name);
		if (!g->name) {
			ioasid__free(g);
			return NULL;
		}
	}
	g->platform = p;
	g->type = type;
	g->refs = 1; /* the caller's */
	CDS_INIT_LIST_HEAD(&g->devices);
	CDS_INIT_LIST_HEAD(&g->notifiers);
	return g;
}

int ioasid_group_alloc(struct ioasid_platform *p, const char *name,
		       enum ioasid_group_type type, struct ioasid_group **gp)
{
	struct ioasid_group *g;
	unsigned int id;
	int ret;

	if ((name && ioasid__name_check(name, IOASID_NAME_MAX)) ||
	    (unsigned int)type > IOASID_GROUP_TYPE_UNKNOWN)
		return -EINVAL;
	g = group_new(p, name, type);
	if (!g)
		return -ENOMEM;
	pthread_mutex_lock(&p->lock);
	ret = group_table_reserve(p, &id);
	if (ret) {
		pthread_mutex_unlock(&p->lock);
		ioasid__group_destroy(g);
		return ret;
	}
	g->id = id;
	p->groups[id] = g;
	p->nr_groups++;
	pthread_mutex_unlock(&p->lock);
	*gp = g;
	return 0;
}

/* Unlink a group with neither references nor devices; returns it, or NULL
 * if it is still alive. */
static struct ioasid_group *group_reap_locked(struct ioasid_group *g)
{
	struct ioasid_platform *p = g->platform;

	if (g->refs || g->nr_devices)
		return NULL;
	p->groups[g->id] = NULL;
	p->nr_groups--;
	return g;
}

struct ioasid_group *ioasid__group_unref_locked(struct ioasid_group *g)
{
	g->refs--;
	return group_reap_locked(g);
}

void ioasid__group_destroy(struct ioasid_group *g)
{
	if (!g)
		return;
	if (g->iommu_data_release)
		g->iommu_data_release(g->iommu_data);
	ioasid__free(g->name);
	ioasid__free(g);
}

void ioasid_group_get(struct ioasid_group *g)
{
	pthread_mutex_lock(&g->platform->lock);
	g->refs++;
	pthread_mutex_unlock(&g->platform->lock);
}

void ioasid_group_put(struct ioasid_group *g)
{
	struct ioasid_group *dead;

	if (!g)
		return;
	pthread_mutex_lock(&g->platform->lock);
	dead = ioasid__group_unref_locked(g);
	pthread_mutex_unlock(&g->platform->lock);
	ioasid__group_destroy(dead);
}

int ioasid_group_lookup(struct ioasid_platform *p, unsigned int id,
			struct ioasid_group **gp)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&p->lock);
	if (id < p->nr_slots && p->groups[id]) {
		p->groups[id]->refs++; /* handed to the caller */
		*gp = p->groups[id];
		ret = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

unsigned int ioasid_group_id(const struct ioasid_group *g)
{
	return g->id;
}

const char *ioasid_group_name(const struct ioasid_group *g)
{
	return g->name;
}

enum ioasid_group_type ioasid_group_type(const struct ioasid_group *g)
{
	return g->type;
}

struct ioasid_platform *ioasid_group_platform(const struct ioasid_group *g)
{
	return g->platform;
}

void ioasid_group_set_iommu_data(struct ioasid_group *g, void *data,
				 void (*release)(void *data))
{
	pthread_mutex_lock(&g->platform->lock);
	g->iommu_data = data;
	g->iommu_data_release = release;
	pthread_mutex_unlock(&g->platform->lock);
}

void *ioasid_group_iommu_data(struct ioasid_group *g)
{
	void *data;

	pthread_mutex_lock(&g->platform->lock);
	data = g->iommu_data;
	pthread_mutex_unlock(&g->platform->lock);
	return data;
}

static bool group_link_used(struct ioasid_group *g, const char *link)
{
	struct ioasid_device *dev;

	cds_list_for_each_entry(dev, &g->devices, group_node)
		if (strcmp(dev->link_name, link) == 0)
			return true;
	return false;
}

/* The device's link name in g: its name, or the first free "name.N". */
static char *group_link_name_alloc(struct ioasid_group *g, const char *name)
{
	char link[IOASID_LINK_NAME_MAX];
	unsigned int i;

	if (!group_link_used(g, name))
		return ioasid__strdup(name);
	/* A group holds fewer than UINT_MAX devices, so one suffix is free. */
	for (i = 0;; i++) {
		snprintf(link, sizeof(link), "%s.%u", name, i);
		if (!group_link_used(g, link))
			return ioasid__strdup(link);
	}
}

static void group_link_device(struct ioasid_group *g, struct ioasid_device *dev,
			      char *link)
{
	dev->group = g;
	dev->link_name = link;
	cds_list_add_tail(&dev->group_node, &g->devices);
	g->nr_devices++;
}

static void group_unlink_device(struct ioasid_device *dev)
{
	struct ioasid_group *g = dev->group;

	cds_list_del(&dev->group_node);
	g->nr_devices--;
	ioasid__free(dev->link_name);
	dev->link_name = NULL;
	dev->group = NULL;
}

/* An owned group takes the new device: bind it and tell the owner. */
static void group_hand_to_owner(struct ioasid_group *g, struct ioasid_device *dev)
{
	struct ioasid_owner *owner = g->owner;

	ioasid__device_bind_owner_locked(dev, owner);
	if (owner->device_added)
		owner->device_added(owner, g, dev);
}

int ioasid_group_add_device(struct ioasid_group *g, struct ioasid_device *dev)
{
	struct ioasid_platform *p = g->platform;
	char *link;
	int ret;

	if (dev->platform != p)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	ret = -EBUSY;
	/* A device in a group already, or one bound to a native driver
	 * joining an owned group (isolation would be broken). */
	if (dev->group || (g->owner && dev->driver_kind != IOASID_DRIVER_NONE))
		goto unlock;
	ret = -EINVAL;
	if (g->domain && ioasid_domain_iommu(g->domain) != dev->iommu)
		goto unlock;
	ret = -ENOMEM;
	link = group_link_name_alloc(g, dev->name);
	if (!link)
		goto unlock;
	group_link_device(g, dev, link);
	ret = ioasid__device_join_locked(dev);
	if (ret) {
		group_unlink_device(dev);
		goto unlock;
	}
	ioasid__group_notify(g, IOASID_GROUP_NOTIFY_ADD_DEVICE, dev);
	if (g->owner)
		group_hand_to_owner(g, dev);
unlock:
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* The owner lets go of a device leaving its group. */
static void group_take_from_owner(struct ioasid_group *g,
				  struct ioasid_device *dev)
{
	struct ioasid_owner *owner = g->owner;

	if (owner->device_removed)
		owner->device_removed(owner, g, dev);
	if (dev->driver_kind == IOASID_DRIVER_OWNER)
		ioasid__device_unbind_locked(dev);
}

struct ioasid_group *ioasid__group_remove_device_locked(struct ioasid_device *dev)
{
	struct ioasid_group *g = dev->group;

	ioasid__device_leave_locked(dev);
	if (g->owner)
		group_take_from_owner(g, dev);
	cds_list_del(&dev->group_node);
	g->nr_devices--;
	ioasid__group_notify(g, IOASID_GROUP_NOTIFY_DEL_DEVICE, dev);
	ioasid__free(dev->link_name);
	dev->link_name = NULL;
	dev->group = NULL;
	return group_reap_locked(g);
}

int ioasid_group_remove_device(struct ioasid_device *dev)
{
	struct ioasid_platform *p = dev->platform;
	struct ioasid_group *dead;

	pthread_mutex_lock(&p->lock);
	if (!dev->group) {
		pthread_mutex_unlock(&p->lock);
		return -ENOENT;
	}
	dead = ioasid__group_remove_device_locked(dev);
	pthread_mutex_unlock(&p->lock);
	ioasid__group_destroy(dead);
	return 0;
}

int ioasid_group_for_each_device(struct ioasid_group *g,
				 int (*fn)(struct ioasid_device *dev,
					   const char *link_name, void *arg),
				 void *arg)
{
	struct ioasid_device *dev;
	int ret = 0;

	pthread_mutex_lock(&g->platform->lock);
	cds_list_for_each_entry(dev, &g->devices, group_node) {
		ret = fn(dev, dev->link_name, arg);
		if (ret)
			break;
	}
	pthread_mutex_unlock(&g->platform->lock);
	return ret;
}

void ioasid_group_query(struct ioasid_group *g, struct ioasid_group_info *info)
{
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&g->platform->lock);
	info->id = g->id;
	if (g->name)
		snprintf(info->name, sizeof(info->name), "%s", g->name);
	info->type = g->type;
	info->nr_devices = g->nr_devices;
	info->refs = g->refs;
	info->owner = g->owner;
	info->owner_claims = g->owner_claims;
	if (g->owner)
		snprintf(info->owner_name, sizeof(info->owner_name), "%s",
			 g->owner->name);
	info->domain = g->domain;
	pthread_mutex_unlock(&g->platform->lock);
}

int ioasid_device_group(struct ioasid_device *dev, struct ioasid_group **gp)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&dev->platform->lock);
	if (dev->group) {
		dev->group->refs++; /* handed to the caller */
		*gp = dev->group;
		ret = 0;
	}
	pthread_mutex_unlock(&dev->platform->lock);
	return ret;
}
