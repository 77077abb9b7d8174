// SPDX-License-Identifier: MIT
/*
 * Per-group notifier chains.
 *
 * Subscriptions live on their group's list and each holds a group
 * reference. Events are delivered synchronously, in registration order,
 * with the platform lock held: the lock is what makes "after unregister
 * returns, fn is not running" true, and it keeps the event order equal to
 * the order of the changes.
 */
#include <errno.h>

#include "iommu/platform_internal.h"
#include "util/alloc.h"

static const char *const group_event_names[] = {
	[IOASID_GROUP_NOTIFY_ADD_DEVICE] = "ADD_DEVICE",
	[IOASID_GROUP_NOTIFY_DEL_DEVICE] = "DEL_DEVICE",
	[IOASID_GROUP_NOTIFY_BIND_DRIVER] = "BIND_DRIVER",
	[IOASID_GROUP_NOTIFY_BOUND_DRIVER] = "BOUND_DRIVER",
	[IOASID_GROUP_NOTIFY_UNBIND_DRIVER] = "UNBIND_DRIVER",
	[IOASID_GROUP_NOTIFY_UNBOUND_DRIVER] = "UNBOUND_DRIVER",
};

const char *ioasid_group_event_name(enum ioasid_group_event event)
{
	if (event < IOASID_GROUP_NOTIFY_ADD_DEVICE ||
	    event > IOASID_GROUP_NOTIFY_UNBOUND_DRIVER)
		return "UNKNOWN";
	return group_event_names[event];
}

int ioasid_group_notifier_register(struct ioasid_group *g,
				   ioasid_group_notify_fn fn, void *arg,
				   struct ioasid_group_notifier **np)
{
	struct ioasid_group_notifier *n;

	if (!fn)
		return -EINVAL;
	n = ioasid__calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->group = g;
	n->fn = fn;
	n->arg = arg;
	pthread_mutex_lock(&g->platform->lock);
	g->refs++; /* held by the subscription */
	cds_list_add_tail(&n->node, &g->notifiers);
	pthread_mutex_unlock(&g->platform->lock);
	*np = n;
	return 0;
}

void ioasid_group_notifier_unregister(struct ioasid_group_notifier *n)
{
	struct ioasid_group *g, *dead;

	if (!n)
		return;
	g = n->group;
	pthread_mutex_lock(&g->platform->lock);
	cds_list_del(&n->node);
	dead = ioasid__group_unref_locked(g);
	pthread_mutex_unlock(&g->platform->lock);
	ioasid__group_destroy(dead);
	ioasid__free(n);
}

static void group_deliver(struct ioasid_group *g,
			  const struct ioasid_group_event_data *ev)
{
	struct ioasid_group_notifier *n;

	cds_list_for_each_entry(n, &g->notifiers, node)
		n->fn(ev, n->arg);
}

void ioasid__group_notify(struct ioasid_group *g, enum ioasid_group_event event,
			  struct ioasid_device *dev)
{
	struct ioasid_group_event_data ev = {
		.event = event,
		.group = g,
		.group_id = g->id,
		.dev = dev,
		.device_id = dev->id,
		.link_name = dev->link_name,
		.driver_kind = IOASID_DRIVER_NONE,
	};

	group_deliver(g, &ev);
}

void ioasid__group_notify_driver(struct ioasid_device *dev,
				 enum ioasid_group_event event,
				 enum ioasid_driver_kind kind, const char *driver,
				 struct ioasid_owner *owner)
{
	struct ioasid_group_event_data ev = {
		.event = event,
		.group = dev->group,
		.group_id = dev->group->id,
		.dev = dev,
		.device_id = dev->id,
		.link_name = dev->link_name,
		.driver_kind = kind,
		.driver = driver,
		.owner = owner,
	};

	group_deliver(dev->group, &ev);
}
