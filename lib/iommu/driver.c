// SPDX-License-Identifier: MIT
/*
 * Driver binding: a device is unbound, bound to a native driver, or bound
 * to a DMA owner (owner.c binds and unbinds those).
 *
 * Binding notifies the device's group BIND_DRIVER before and BOUND_DRIVER
 * after the binding changes; unbinding notifies UNBIND_DRIVER and
 * UNBOUND_DRIVER likewise. A native driver cannot bind to a device of an
 * owned group: isolation means the owner has every device of the group.
 */
#include <errno.h>

#include "iommu/platform_internal.h"
#include "util/alloc.h"
#include "util/name.h"

static void device_notify_driver(struct ioasid_device *dev,
				 enum ioasid_group_event event,
				 enum ioasid_driver_kind kind, const char *driver,
				 struct ioasid_owner *owner)
{
	if (dev->group)
		ioasid__group_notify_driver(dev, event, kind, driver, owner);
}

void ioasid__device_unbind_locked(struct ioasid_device *dev)
{
	enum ioasid_driver_kind kind = dev->driver_kind;
	struct ioasid_owner *owner = dev->owner;
	char *driver = dev->driver;
	const char *name = kind == IOASID_DRIVER_OWNER ? owner->name : driver;

	device_notify_driver(dev, IOASID_GROUP_NOTIFY_UNBIND_DRIVER, kind, name,
			     owner);
	dev->driver_kind = IOASID_DRIVER_NONE;
	dev->driver = NULL;
	dev->owner = NULL;
	device_notify_driver(dev, IOASID_GROUP_NOTIFY_UNBOUND_DRIVER, kind, name,
			     owner);
	ioasid__free(driver);
}

void ioasid__device_bind_owner_locked(struct ioasid_device *dev,
				      struct ioasid_owner *owner)
{
	device_notify_driver(dev, IOASID_GROUP_NOTIFY_BIND_DRIVER,
			     IOASID_DRIVER_OWNER, owner->name, owner);
	dev->driver_kind = IOASID_DRIVER_OWNER;
	dev->owner = owner;
	device_notify_driver(dev, IOASID_GROUP_NOTIFY_BOUND_DRIVER,
			     IOASID_DRIVER_OWNER, owner->name, owner);
}

int ioasid_device_bind_driver(struct ioasid_device *dev, const char *driver)
{
	struct ioasid_platform *p = dev->platform;
	char *name;
	int ret = -EBUSY;

	if (!driver || ioasid__name_check(driver, IOASID_NAME_MAX))
		return -EINVAL;
	name = ioasid__strdup(driver);
	if (!name)
		return -ENOMEM;
	pthread_mutex_lock(&p->lock);
	if (dev->driver_kind != IOASID_DRIVER_NONE ||
	    (dev->group && dev->group->owner))
		goto unlock;
	device_notify_driver(dev, IOASID_GROUP_NOTIFY_BIND_DRIVER,
			     IOASID_DRIVER_NATIVE, name, NULL);
	dev->driver_kind = IOASID_DRIVER_NATIVE;
	dev->driver = name; /* the device owns the name from here */
	name = NULL;
	device_notify_driver(dev, IOASID_GROUP_NOTIFY_BOUND_DRIVER,
			     IOASID_DRIVER_NATIVE, dev->driver, NULL);
	ret = 0;
unlock:
	pthread_mutex_unlock(&p->lock);
	ioasid__free(name);
	return ret;
}

int ioasid_device_unbind_driver(struct ioasid_device *dev)
{
	struct ioasid_platform *p = dev->platform;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	if (dev->driver_kind == IOASID_DRIVER_NONE)
		ret = -ENOENT;
	else if (dev->driver_kind == IOASID_DRIVER_OWNER)
		ret = -EBUSY;
	else
		ioasid__device_unbind_locked(dev);
	pthread_mutex_unlock(&p->lock);
	return ret;
}
