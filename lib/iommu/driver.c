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
#include <string.h>

#include "iommu/platform_internal.h"
#include "util/alloc.h"

/* A name component: printable ASCII but '/', not "." or "..". */
static bool name_component_valid(const char *s, size_t len)
{
	if (len == 0 || (len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/')
			return false;
	return true;
}

bool ioasid__name_valid(const char *name)
{
	size_t len = strnlen(name, IOASID_NAME_MAX);

	return len < IOASID_NAME_MAX && name_component_valid(name, len);
}

bool ioasid__parent_valid(const char *parent)
{
	size_t len = strnlen(parent, 2 * IOASID_NAME_MAX);
	const char *s = parent, *slash;

	if (len >= 2 * IOASID_NAME_MAX)
		return false;
	for (;;) {
		slash = strchr(s, '/');
		if (!name_component_valid(s, slash ? (size_t)(slash - s) : strlen(s)))
			return false;
		if (!slash)
			return true;
		s = slash + 1;
	}
}

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

	if (!driver || !ioasid__name_valid(driver))
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
