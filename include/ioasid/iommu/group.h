/* SPDX-License-Identifier: MIT */
/*
 * ioasid/iommu/group.h - the IOMMU platform: groups, devices, drivers and
 * DMA ownership.
 *
 * A platform (struct ioasid_platform) holds IOMMU instances (struct
 * ioasid_iommu, ioasid/iommu/domain.h), IOMMU groups and devices. The daemon
 * hosts one; tests create as many as they like.
 *
 * Groups. An IOMMU group is the unit of isolation: the smallest set of
 * devices the IOMMU can tell apart. Groups get small integer IDs, the lowest
 * free one first (0, 1, 2, ...), reused once a group is gone. A group lives
 * while it has devices or references: ioasid_group_alloc() returns it with
 * one reference, each device in it, each notifier on it, an owner's claim
 * and an attached domain hold it too, and the last of them to go frees it
 * (calling the iommu-private data's release callback). Every device is in at
 * most one group. In the group, a device appears under a link name: its own
 * name, or "name.0", "name.1", ... when another device of the group already
 * uses that name (the kernel's sysfs link naming).
 *
 * Drivers and ownership (VFIO and the kernel's DMA ownership). A device is
 * unbound, bound to a native driver (named: "e1000e", "idxd", ...), or bound
 * to an owner: a container, a daemon handle, anything with a struct
 * ioasid_owner. A group can be claimed by one owner only when every device
 * in it is unbound or already bound to that owner; a device bound to a
 * native driver makes the claim fail with -EBUSY unless the claimer asks
 * for native drivers to be detached (IOASID_CLAIM_DETACH_DRIVERS, the
 * isolation-group proposal's "detach"). Claiming binds every device to the
 * owner. While a group is owned, no native driver can bind to any of its
 * devices (-EBUSY), and a device hot-added to it is bound to the owner at
 * once (never to a native driver) and reported to the owner through its
 * device_added callback. Releasing the claim detaches what the owner
 * attached and returns the devices to the driver model: unbound, free for
 * native drivers again. One owner may claim a group several times; each
 * claim is released separately and the group stays owned until the last.
 *
 * Domains. ioasid_group_attach() attaches every device of a group to a
 * domain (all or nothing); ioasid_device_attach_pasid() attaches one
 * (device, PASID) pair. A domain stays attached until detached (or until the
 * owner that attached it releases the group), and the domain engineer's
 * attach accounting keeps a domain with attachments from being freed.
 * A domain a container allocated (ioasid/iommu/container.h) is the
 * container's alone, as VFIO type1 never hands its domains out: these
 * calls refuse to attach or detach it (-EPERM), whoever the owner, so
 * the container can always free it.
 * ioasid_device_translate() is the device's DMA: it goes through the domain
 * attached for the PASID (0: untagged DMA, the group's domain) and its IOTLB,
 * and a refused access is recorded as a fault carrying the device's ID.
 *
 * Notifiers. Each group has a notifier chain with the kernel's group events
 * (ADD_DEVICE, DEL_DEVICE, BIND_DRIVER, BOUND_DRIVER, UNBIND_DRIVER,
 * UNBOUND_DRIVER). Callbacks run synchronously, in registration order, in
 * the thread making the change, with the platform lock held (see "Thread
 * safety"); a call that fails emits no event.
 *
 * Errors: every function returns 0 (or a count) or a negative errno from
 * DESIGN.md §4 and never sets errno. A call that fails changes nothing.
 *
 * Thread safety: every function may be called from any thread. One mutex per
 * platform serialises changes to groups, devices, bindings, ownership and
 * attachments; ioasid_device_translate() takes no lock (it reads a device's
 * domains under an RCU read-side critical section of liburcu-bp).
 * Notifier callbacks, owner callbacks and for_each callbacks run with the
 * platform mutex held: they may call the lock-free accessors marked
 * "[lock-free]" below, and nothing else from this header.
 */
#ifndef IOASID_IOMMU_GROUP_H
#define IOASID_IOMMU_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioasid/core.h>
#include <ioasid/iommu/domain.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ioasid_platform;
struct ioasid_group;
struct ioasid_device;
struct ioasid_group_notifier;

/* Names: group names, device names and driver names are
 * 1 .. IOASID_NAME_MAX - 1 bytes of printable ASCII other than blank and
 * '/', and neither "." nor "..". A device parent is such names joined by
 * single '/' (none leading, trailing or doubled), each name any length,
 * 1 .. 2 * IOASID_NAME_MAX - 1 bytes in all. */
#define IOASID_NAME_MAX 64
/* A link name is a device name with an instance suffix: "name.N". */
#define IOASID_LINK_NAME_MAX (IOASID_NAME_MAX + 12)

/* ------------------------------------------------------------------------
 * Platform
 */

/*
 * ioasid_platform_alloc - an empty platform.
 * Errors: -ENOMEM.
 */
int ioasid_platform_alloc(struct ioasid_platform **pp);

/*
 * ioasid_platform_free - destroy the platform: every group's claims are
 * released, its domains detached, its devices removed and freed, its
 * notifiers dropped, then the IOMMU instances it holds are freed. Domains
 * and containers built on the platform must be freed first. Accepts NULL;
 * never fails. No other call on the platform may be in progress or follow.
 */
void ioasid_platform_free(struct ioasid_platform *p);

/*
 * ioasid_platform_add_iommu - hand an IOMMU instance to the platform, which
 * frees it in ioasid_platform_free(). Devices can be created on it from now
 * on. The platform's IOMMUs are numbered in the order they were added, from
 * 0 (ioasid_platform_iommu()).
 * Errors: -EINVAL iommu NULL; -EEXIST already added; -ENOMEM.
 */
int ioasid_platform_add_iommu(struct ioasid_platform *p,
			      struct ioasid_iommu *iommu);

/* ioasid_platform_iommu - the IOMMU at index, or NULL. */
struct ioasid_iommu *ioasid_platform_iommu(struct ioasid_platform *p,
					   unsigned int index);

/*
 * ioasid_platform_fault_read - read the faults of DMA that found no domain
 * attached (reason IOASID_FAULT_NO_DOMAIN) from devices of the IOMMU at
 * index, as ioasid_domain_fault_read() does for a domain. Returns how many
 * were moved to faults[].
 * Errors: -ENOENT no IOMMU at index.
 */
int ioasid_platform_fault_read(struct ioasid_platform *p, unsigned int index,
			       struct ioasid_fault *faults, uint32_t max,
			       uint64_t *lost);

struct ioasid_platform_info {
	unsigned int nr_iommus;
	unsigned int nr_groups; /* live groups */
	unsigned int nr_devices; /* devices, in a group or not */
	unsigned int nr_owned_groups;
	unsigned int nr_attached; /* group and PASID attachments */
};

/* ioasid_platform_query - fill *info. Never fails. */
void ioasid_platform_query(struct ioasid_platform *p,
			   struct ioasid_platform_info *info);

/*
 * ioasid_platform_for_each_group - call fn for every live group in
 * ascending ID order, under the platform lock. A non-zero return from fn
 * stops the walk and is returned.
 */
int ioasid_platform_for_each_group(struct ioasid_platform *p,
				   int (*fn)(struct ioasid_group *g, void *arg),
				   void *arg);

/*
 * ioasid_platform_for_each_device - call fn for every device in ascending
 * device ID order, under the platform lock. A non-zero return from fn stops
 * the walk and is returned.
 */
int ioasid_platform_for_each_device(struct ioasid_platform *p,
				    int (*fn)(struct ioasid_device *dev,
					      void *arg),
				    void *arg);

/* ------------------------------------------------------------------------
 * Groups
 */

/*
 * The group's default domain type, as the kernel's
 * /sys/kernel/iommu_groups/N/type file shows it. The platform does not
 * model the kernel's own DMA API translation: the type is descriptive,
 * except that DMA from a device of an IDENTITY group with no domain attached
 * is passed through untranslated (see ioasid_device_translate()).
 */
enum ioasid_group_type {
	IOASID_GROUP_TYPE_DMA = 0, /* "DMA" */
	IOASID_GROUP_TYPE_DMA_FQ = 1, /* "DMA-FQ" */
	IOASID_GROUP_TYPE_IDENTITY = 2, /* "identity" */
	IOASID_GROUP_TYPE_BLOCKED = 3, /* "blocked" */
	IOASID_GROUP_TYPE_UNMANAGED = 4, /* "unmanaged" */
	IOASID_GROUP_TYPE_UNKNOWN = 5, /* "unknown": no default domain */
};

/* ioasid_group_type_name - the type file's word ("DMA", "identity", ...). */
const char *ioasid_group_type_name(enum ioasid_group_type type);

/*
 * ioasid_group_alloc - allocate a group with the lowest free ID, an
 * optional name (NULL: none; a group has a "name" file only if named) and a
 * default domain type. Returns it with one reference held by the caller.
 * Errors: -EINVAL bad name or type; -ENOSPC no free ID (2^31 groups);
 * -ENOMEM.
 */
int ioasid_group_alloc(struct ioasid_platform *p, const char *name,
		       enum ioasid_group_type type, struct ioasid_group **gp);

/* ioasid_group_get - take a reference. Never fails. */
void ioasid_group_get(struct ioasid_group *g);

/*
 * ioasid_group_put - drop a reference (from alloc, get, lookup or
 * ioasid_device_group()). The group is freed when it has neither
 * references nor devices. Accepts NULL; never fails.
 */
void ioasid_group_put(struct ioasid_group *g);

/*
 * ioasid_group_lookup - the group with this ID, with a reference.
 * Errors: -ENOENT no such group.
 */
int ioasid_group_lookup(struct ioasid_platform *p, unsigned int id,
			struct ioasid_group **gp);

/* ioasid_group_id - the group's ID. [lock-free] */
unsigned int ioasid_group_id(const struct ioasid_group *g);

/* ioasid_group_name - the group's name or NULL; lives as the group does.
 * [lock-free] */
const char *ioasid_group_name(const struct ioasid_group *g);

/* ioasid_group_type - the group's default domain type. [lock-free] */
enum ioasid_group_type ioasid_group_type(const struct ioasid_group *g);

/* ioasid_group_platform - the platform of the group. [lock-free] */
struct ioasid_platform *ioasid_group_platform(const struct ioasid_group *g);

/*
 * ioasid_group_set_iommu_data - attach IOMMU-private data to the group;
 * release (may be NULL) is called with it when the group is freed, outside
 * any platform lock. Replacing the data does not release the old data (as
 * the kernel's iommu_group_set_iommudata()). Never fails.
 */
void ioasid_group_set_iommu_data(struct ioasid_group *g, void *data,
				 void (*release)(void *data));

/* ioasid_group_iommu_data - the IOMMU-private data or NULL. */
void *ioasid_group_iommu_data(struct ioasid_group *g);

/*
 * ioasid_group_add_device - put dev into the group, under its own name or
 * the first free "name.N". If the group has a domain attached the device is
 * attached to it too; if the group is owned the device is bound to the
 * owner and the owner's device_added callback runs. Notifies ADD_DEVICE
 * (then BIND_DRIVER and BOUND_DRIVER if owned). The device holds a group
 * reference while it is in the group.
 * Errors: -EBUSY dev already in a group (this one or another), or the
 * group is owned and dev is bound to a native driver; -EINVAL dev
 * of another platform, or the group's attached domain cannot take it (its
 * IOMMU differs); -ENOMEM; an error from the domain attach.
 */
int ioasid_group_add_device(struct ioasid_group *g, struct ioasid_device *dev);

/*
 * ioasid_group_remove_device - take dev out of its group: its domain and
 * PASID attachments are detached; if the group is owned the device is
 * unbound from the owner (UNBIND_DRIVER, UNBOUND_DRIVER) and the owner's
 * device_removed callback runs; then DEL_DEVICE is notified. A native driver
 * stays bound. Drops the device's group reference (which may free the
 * group).
 * Errors: -ENOENT dev is in no group.
 */
int ioasid_group_remove_device(struct ioasid_device *dev);

/*
 * ioasid_group_for_each_device - call fn(dev, link_name, arg) for each
 * device of the group in the order they were added, under the platform
 * lock. A non-zero return from fn stops the walk and is returned.
 */
int ioasid_group_for_each_device(struct ioasid_group *g,
				 int (*fn)(struct ioasid_device *dev,
					   const char *link_name, void *arg),
				 void *arg);

struct ioasid_owner;

struct ioasid_group_info {
	unsigned int id;
	char name[IOASID_NAME_MAX]; /* "" when unnamed */
	enum ioasid_group_type type;
	unsigned int nr_devices;
	unsigned int refs; /* references, devices not counted */
	struct ioasid_owner *owner; /* NULL when not owned */
	unsigned int owner_claims;
	char owner_name[IOASID_NAME_MAX]; /* "" when not owned */
	struct ioasid_domain *domain; /* attached domain or NULL */
};

/* ioasid_group_query - fill *info. Never fails. */
void ioasid_group_query(struct ioasid_group *g, struct ioasid_group_info *info);

/* ------------------------------------------------------------------------
 * Group notifiers
 */

enum ioasid_group_event {
	IOASID_GROUP_NOTIFY_ADD_DEVICE = 1, /* after the device joined */
	IOASID_GROUP_NOTIFY_DEL_DEVICE = 2, /* after the device left */
	IOASID_GROUP_NOTIFY_BIND_DRIVER = 3, /* a driver is about to bind */
	IOASID_GROUP_NOTIFY_BOUND_DRIVER = 4, /* a driver is bound */
	IOASID_GROUP_NOTIFY_UNBIND_DRIVER = 5, /* a driver is about to unbind */
	IOASID_GROUP_NOTIFY_UNBOUND_DRIVER = 6, /* a driver is unbound */
};

/* ioasid_group_event_name - "ADD_DEVICE", ..., or "UNKNOWN". */
const char *ioasid_group_event_name(enum ioasid_group_event event);

enum ioasid_driver_kind {
	IOASID_DRIVER_NONE = 0, /* unbound */
	IOASID_DRIVER_NATIVE = 1, /* a native (kernel-style) driver */
	IOASID_DRIVER_OWNER = 2, /* bound to a DMA owner */
};

struct ioasid_group_event_data {
	enum ioasid_group_event event;
	struct ioasid_group *group;
	unsigned int group_id;
	struct ioasid_device *dev;
	uint32_t device_id;
	const char *link_name; /* the device's name in the group */
	/* Driver events: what binds or unbinds. Device events: NONE. */
	enum ioasid_driver_kind driver_kind;
	const char *driver; /* native driver or owner name; NULL for NONE */
	struct ioasid_owner *owner; /* for OWNER */
};

typedef void (*ioasid_group_notify_fn)(const struct ioasid_group_event_data *ev,
				       void *arg);

/*
 * ioasid_group_notifier_register - subscribe fn to the group's events. The
 * subscription holds a group reference until it is unregistered.
 * Errors: -EINVAL fn NULL; -ENOMEM.
 */
int ioasid_group_notifier_register(struct ioasid_group *g,
				   ioasid_group_notify_fn fn, void *arg,
				   struct ioasid_group_notifier **np);

/*
 * ioasid_group_notifier_unregister - end a subscription; fn is not running
 * and will not be called again once this returns. Must not be called from a
 * callback. Accepts NULL; never fails.
 */
void ioasid_group_notifier_unregister(struct ioasid_group_notifier *n);

/* ------------------------------------------------------------------------
 * Devices
 */

struct ioasid_device_desc {
	const char *name; /* required (see IOASID_NAME_MAX) */
	/* Optional sysfs parent path such as "pci0000:00"; NULL or "": none.
	 * (parent, name) is unique on the platform; two devices of the same
	 * name under different parents may share a group. */
	const char *parent;
	struct ioasid_iommu *iommu; /* required, added to the platform */
	/* PASID capability: the device emits PASIDs below 2^ssid_bits;
	 * 0 (the default) means no PASID support. At most 20. */
	unsigned int ssid_bits;
};

/*
 * ioasid_device_alloc - create an unbound device in no group. Devices get
 * IDs 1, 2, 3, ... never reused on the platform (a fault names a device by
 * its ID).
 * Errors: -EINVAL desc NULL, bad name or parent, iommu NULL or not on this
 * platform, ssid_bits > 20; -EEXIST (parent, name) already exists;
 * -ENOMEM.
 */
int ioasid_device_alloc(struct ioasid_platform *p,
			const struct ioasid_device_desc *desc,
			struct ioasid_device **devp);

/*
 * ioasid_device_free - hot-unplug: a bound driver is unbound (UNBIND_DRIVER,
 * UNBOUND_DRIVER), the device leaves its group as with
 * ioasid_group_remove_device(), and is freed. Accepts NULL; never fails.
 */
void ioasid_device_free(struct ioasid_device *dev);

/*
 * ioasid_device_lookup - the device with this ID.
 * ioasid_device_lookup_name - the device named name, or "parent/name".
 * The pointer stays valid until the device is freed; devices are freed only
 * by whoever created them. Errors: -ENOENT no such device.
 */
int ioasid_device_lookup(struct ioasid_platform *p, uint32_t id,
			 struct ioasid_device **devp);
int ioasid_device_lookup_name(struct ioasid_platform *p, const char *name,
			      struct ioasid_device **devp);

/* Immutable properties. [lock-free] */
uint32_t ioasid_device_id(const struct ioasid_device *dev);
const char *ioasid_device_name(const struct ioasid_device *dev);
const char *ioasid_device_parent(const struct ioasid_device *dev); /* or NULL */
unsigned int ioasid_device_ssid_bits(const struct ioasid_device *dev);
struct ioasid_iommu *ioasid_device_iommu(const struct ioasid_device *dev);

/*
 * ioasid_device_group - the device's group, with a reference to put.
 * Errors: -ENOENT the device is in no group.
 */
int ioasid_device_group(struct ioasid_device *dev, struct ioasid_group **gp);

struct ioasid_device_info {
	uint32_t id;
	char name[IOASID_NAME_MAX];
	char parent[IOASID_NAME_MAX * 2]; /* "" when none */
	unsigned int ssid_bits;
	unsigned int iommu_index; /* its IOMMU's index on the platform */
	int group_id; /* -1 when in no group */
	char link_name[IOASID_LINK_NAME_MAX]; /* "" when in no group */
	enum ioasid_driver_kind driver_kind;
	char driver[IOASID_NAME_MAX]; /* native driver or owner name */
	struct ioasid_owner *owner;
	unsigned int nr_pasids; /* PASIDs with a domain attached */
};

/* ioasid_device_query - fill *info. Never fails. */
void ioasid_device_query(struct ioasid_device *dev,
			 struct ioasid_device_info *info);

/* ------------------------------------------------------------------------
 * Native drivers
 */

/*
 * ioasid_device_bind_driver - bind a native driver to the device. Notifies
 * BIND_DRIVER then BOUND_DRIVER if the device is in a group.
 * Errors: -EINVAL bad driver name; -EBUSY the device is bound already, or
 * its group is owned (no native driver may touch an owned group); -ENOMEM.
 */
int ioasid_device_bind_driver(struct ioasid_device *dev, const char *driver);

/*
 * ioasid_device_unbind_driver - unbind the device's native driver. Notifies
 * UNBIND_DRIVER then UNBOUND_DRIVER if the device is in a group.
 * Errors: -ENOENT no driver bound; -EBUSY bound to an owner (only releasing
 * the group's claim unbinds it).
 */
int ioasid_device_unbind_driver(struct ioasid_device *dev);

/* ------------------------------------------------------------------------
 * DMA ownership
 */

/*
 * An owner: embed one in the object that claims groups (a container, a
 * daemon handle). Its address is its identity. The callbacks run with the
 * platform lock held (see "Thread safety") and may be NULL.
 */
struct ioasid_owner {
	const char *name; /* shown as the bound "driver"; required */
	/* A device joined a group this owner has claimed; it is bound to the
	 * owner and attached to the group's domain, if any, already. */
	void (*device_added)(struct ioasid_owner *owner, struct ioasid_group *g,
			     struct ioasid_device *dev);
	/* A device is leaving a group this owner has claimed. */
	void (*device_removed)(struct ioasid_owner *owner,
			       struct ioasid_group *g,
			       struct ioasid_device *dev);
};

/* Claim flags */
#define IOASID_CLAIM_DETACH_DRIVERS (1u << 0) /* unbind native drivers */

/*
 * ioasid_group_claim - make owner the group's DMA owner (or count one more
 * claim if it is already). Every device is bound to the owner: a device
 * bound to a native driver is first unbound if DETACH_DRIVERS is given
 * (UNBIND_DRIVER, UNBOUND_DRIVER), then each device not yet bound to the
 * owner notifies BIND_DRIVER and BOUND_DRIVER. The claim holds a group
 * reference. An empty group can be claimed; devices added later are bound
 * to the owner.
 * Errors: -EOPNOTSUPP unknown flag; -EINVAL owner NULL or nameless;
 * -EBUSY the group is owned by another owner, a device is bound to a native
 * driver and DETACH_DRIVERS was not given, or a domain was attached to the
 * group without an owner.
 */
int ioasid_group_claim(struct ioasid_group *g, struct ioasid_owner *owner,
		       uint32_t flags);

/*
 * ioasid_group_release - drop one claim. When the last claim goes, the
 * domain and PASID attachments made by the owner are detached and every
 * device is unbound (UNBIND_DRIVER, UNBOUND_DRIVER): native drivers may bind
 * again. Drops the claim's group reference (which may free the group).
 * Errors: -EINVAL owner NULL; -ENOENT the group is not owned; -EPERM it is
 * owned by another owner; -EBUSY this is the last claim and a container's
 * domain is attached to the group or to a PASID of one of its devices
 * (that claim is the container's: ioasid_container_detach_group() drops
 * it).
 */
int ioasid_group_release(struct ioasid_group *g, struct ioasid_owner *owner);

/*
 * ioasid_group_viable - 1 if owner could claim the group now without
 * detaching drivers (every device unbound or bound to owner, no ownerless
 * domain attached), else 0. VFIO's "viable".
 */
int ioasid_group_viable(struct ioasid_group *g, struct ioasid_owner *owner);

/* ------------------------------------------------------------------------
 * Attaching domains
 *
 * owner is the caller's claim on the group: it must be the group's owner.
 * owner NULL is a native (kernel-side) attachment, allowed only while the
 * group is not owned; a group with such an attachment cannot be claimed
 * until it is detached (the kernel's "group->domain is not the default
 * domain" rule).
 */

/*
 * ioasid_group_attach - attach every device of the group to domain, all or
 * nothing (a failure on one device detaches the ones done). An empty group
 * can be attached: devices added later join the domain. The attachment
 * holds a group reference and counts as a user of the domain.
 * Errors, in this order: -EINVAL domain NULL; -EPERM domain is a
 * container's (see above); -EPERM owner is not the group's owner, or owner
 * NULL and the group is owned; -EBUSY the group has a domain attached
 * already; -EINVAL domain of an IOMMU other than a device's; an error from
 * the domain attach (nothing left attached).
 */
int ioasid_group_attach(struct ioasid_group *g, struct ioasid_owner *owner,
			struct ioasid_domain *domain);

/*
 * ioasid_group_detach - detach the group's domain from every device.
 * Errors: -EPERM owner is not the one that may detach (as for attach);
 * -ENOENT no domain attached; -EPERM the attached domain is a container's
 * (ioasid_container_detach_group() detaches it).
 */
int ioasid_group_detach(struct ioasid_group *g, struct ioasid_owner *owner);

/*
 * ioasid_device_attach_pasid - DMA tagged with pasid from dev goes through
 * domain. The device must be in a group (owned by owner, or not owned when
 * owner is NULL). PASID 0 is reserved for untagged DMA.
 * Errors, in this order: -EINVAL pasid 0, pasid not below 2^ssid_bits of
 * the device or 2^pasid_bits of its IOMMU, domain NULL or of another
 * IOMMU; -EPERM domain is a container's (ioasid_container_attach_pasid()
 * attaches a PASID to it); -ENOENT the device is in no group; -EPERM owner
 * mismatch (as for group attach); -EBUSY the PASID has a domain attached
 * already; -ENOMEM; an error from the domain attach.
 */
int ioasid_device_attach_pasid(struct ioasid_device *dev,
			       struct ioasid_owner *owner, ioasid_t pasid,
			       struct ioasid_domain *domain);

/*
 * ioasid_device_detach_pasid - undo ioasid_device_attach_pasid().
 * Errors: -EPERM owner mismatch, or the domain attached for pasid is a
 * container's (ioasid_container_detach_pasid() detaches it); -ENOENT
 * nothing attached for pasid.
 */
int ioasid_device_detach_pasid(struct ioasid_device *dev,
			       struct ioasid_owner *owner, ioasid_t pasid);

/*
 * ioasid_device_domain - the domain DMA with this PASID (0: untagged) from
 * dev goes through, or NULL if none. No reference is taken: the pointer
 * stays valid while the domain stays attached. The domain may be a
 * container's; it can then be inspected (ioasid_domain_query(),
 * ioasid_domain_iova_to_phys(), ...) but not attached to anything else or
 * detached (-EPERM), not mapped, unmapped or have its faults read (-EPERM,
 * see ioasid/iommu/domain.h), and not freed (-EBUSY while attached).
 */
struct ioasid_domain *ioasid_device_domain(struct ioasid_device *dev,
					   ioasid_t pasid);

/*
 * ioasid_device_translate - a DMA from the device: translate iova for the
 * given access (IOASID_ACCESS_READ and/or IOASID_ACCESS_WRITE) tagged with
 * pasid (0: untagged) into *physp, through the domain attached for the
 * PASID (its IOTLB, then its page table). A refused access is recorded as
 * a fault carrying this device's ID: in the domain, or, when no domain is
 * attached for the PASID (DMA blocked, as the kernel's blocking domain
 * does), with reason IOASID_FAULT_NO_DOMAIN in the platform's fault log of
 * the device's IOMMU (ioasid_platform_fault_read()). Untagged DMA from a
 * device of an IDENTITY-type group that is neither owned nor attached
 * passes through: *physp = iova. Takes no lock.
 * Errors: -EINVAL access 0 or with unknown bits, pasid not below 2^ssid_bits
 * (no fault recorded); -EFAULT no domain attached, nothing mapped, outside
 * the aperture or blocked; -EACCES mapped without the needed permission.
 */
int ioasid_device_translate(struct ioasid_device *dev, ioasid_t pasid,
			    uint64_t iova, uint32_t access, uint64_t *physp);

#ifdef __cplusplus
}
#endif
#endif /* IOASID_IOMMU_GROUP_H */
