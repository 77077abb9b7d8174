/* SPDX-License-Identifier: MIT */
/*
 * The platform layer's objects: platform, groups, devices, notifiers.
 * Shared by platform.c, group.c, device.c, driver.c, owner.c, notifier.c,
 * attach.c, sysfs.c and the containers.
 *
 * Locking. One mutex per platform (platform->lock) protects every mutable
 * field below that is not marked otherwise: the group table, the device
 * list, group membership, driver bindings, ownership, notifier lists and
 * attachments. Lock order:
 *
 *     container->lock  ->  platform->lock  ->  domain lock (domain layer)
 *
 * The DMA path (ioasid_device_translate) takes no lock: it reads a device's
 * RID domain and PASID table under rcu_read_lock() (liburcu-bp). Writers
 * publish them with rcu_assign_pointer() under platform->lock; a replaced
 * PASID table is freed after synchronize_rcu(); domains are reclaimed by the
 * domain layer after a grace period, so a translation that found a domain
 * just before it was detached may still complete through it.
 *
 * Callbacks (group notifiers, owner callbacks, for_each walks) run with
 * platform->lock held.
 */
#ifndef IOASID_LIB_IOMMU_PLATFORM_INTERNAL_H
#define IOASID_LIB_IOMMU_PLATFORM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <urcu/list.h>

#include <ioasid/iommu/domain.h>
#include <ioasid/iommu/group.h>

/* One IOMMU instance held by the platform. */
struct platform_iommu {
	struct ioasid_iommu *iommu; /* owned: freed with the platform */
	/* A BLOCKED domain charged with the faults of DMA that finds no domain
	 * attached (IOASID_FAULT_NO_DOMAIN). Owned. */
	struct ioasid_domain *blocked;
	/* The IDENTITY domain untagged DMA of an IDENTITY-type group goes
	 * through while the group is neither owned nor attached. Owned. */
	struct ioasid_domain *identity;
};

struct ioasid_platform {
	pthread_mutex_t lock; /* see the top of this file */

	/* Group table indexed by group ID; NULL slots are free IDs. */
	struct ioasid_group **groups;
	unsigned int nr_slots;
	unsigned int nr_groups;

	struct cds_list_head devices; /* ascending device ID */
	unsigned int nr_devices;
	uint32_t next_device_id;

	struct platform_iommu *iommus;
	unsigned int nr_iommus;

	unsigned int nr_owned; /* groups with an owner */
	unsigned int nr_attached; /* group and PASID attachments */

	/* Test hook: the nth per-device attach step from now fails with err
	 * (0: disarmed). See ioasid__platform_fail_attach_nth(). */
	unsigned long attach_fail_nth;
	int attach_fail_err;
};

struct ioasid_group {
	struct ioasid_platform *platform; /* immutable */
	unsigned int id; /* immutable */
	char *name; /* immutable, may be NULL */
	enum ioasid_group_type type; /* immutable */

	/* References: alloc, get, lookup, notifiers, claims, attachment.
	 * Devices are counted apart in nr_devices; the group is freed when
	 * both reach 0. */
	unsigned int refs;
	struct cds_list_head devices; /* struct ioasid_device.group_node */
	unsigned int nr_devices;

	void *iommu_data;
	void (*iommu_data_release)(void *data);

	struct ioasid_owner *owner; /* NULL: not owned */
	unsigned int owner_claims;

	/* The attached domain, NULL if none, and who attached it (NULL:
	 * native). The attachment counts once on the domain for the group and
	 * once per device of the group. */
	struct ioasid_domain *domain;
	struct ioasid_owner *domain_owner;

	struct cds_list_head notifiers; /* struct ioasid_group_notifier.node */
};

/* One PASID attachment of a device. */
struct pasid_slot {
	ioasid_t pasid;
	struct ioasid_domain *domain;
	struct ioasid_owner *owner; /* NULL: native */
};

/* A device's PASID attachments, sorted by PASID. Replaced as a whole
 * (copy, publish, wait for readers, free) so readers need no lock. */
struct pasid_table {
	unsigned int nr;
	struct pasid_slot slots[];
};

struct ioasid_device {
	struct ioasid_platform *platform; /* immutable */
	uint32_t id; /* immutable */
	char *name; /* immutable */
	char *parent; /* immutable, NULL if none */
	struct ioasid_iommu *iommu; /* immutable */
	unsigned int iommu_index; /* immutable: index in platform->iommus */
	unsigned int ssid_bits; /* immutable */
	struct ioasid_domain *blocked; /* immutable: platform_iommu.blocked */
	struct ioasid_domain *identity; /* immutable: platform_iommu.identity */
	struct cds_list_head node; /* platform->devices */

	struct ioasid_group *group; /* NULL: in no group */
	char *link_name; /* name in the group, NULL when in none */
	struct cds_list_head group_node;

	enum ioasid_driver_kind driver_kind;
	char *driver; /* native driver name (DRIVER_NATIVE only) */
	struct ioasid_owner *owner; /* DRIVER_OWNER only */

	/* DMA routing, read under rcu_read_lock() by translate.
	 * rid_domain: untagged DMA goes there: the group's attached domain
	 * (counted on it), the platform's identity domain (IDENTITY-type group
	 * neither owned nor attached; not counted), or NULL (blocked).
	 * pasids: PASID attachments; a detached slot keeps its place with a
	 * NULL domain until the table is next rebuilt. */
	struct ioasid_domain *rid_domain;
	struct pasid_table *pasids;
};

struct ioasid_group_notifier {
	struct cds_list_head node; /* group->notifiers */
	struct ioasid_group *group; /* holds a reference */
	ioasid_group_notify_fn fn;
	void *arg;
};

/* platform.c */
int ioasid__platform_iommu_index(struct ioasid_platform *p,
				 const struct ioasid_iommu *iommu,
				 unsigned int *indexp);
/* Test hook: make the nth per-device attach step (counting from the next
 * one) fail with err; nth 0 disarms. */
void ioasid__platform_fail_attach_nth(struct ioasid_platform *p,
				      unsigned long nth, int err);
int ioasid__platform_attach_fault(struct ioasid_platform *p);

/* group.c */
/* Drop a reference under the lock. Returns the group if it must now be
 * destroyed (it has been unlinked from the table): the caller calls
 * ioasid__group_destroy() after unlocking. */
struct ioasid_group *ioasid__group_unref_locked(struct ioasid_group *g);
void ioasid__group_destroy(struct ioasid_group *g);
/* Remove a device from its group under the lock (see
 * ioasid_group_remove_device); returns what unref returned. */
struct ioasid_group *ioasid__group_remove_device_locked(struct ioasid_device *dev);

/* notifier.c */
void ioasid__group_notify(struct ioasid_group *g, enum ioasid_group_event event,
			  struct ioasid_device *dev);
/* Driver events take what binds or unbinds from the device's binding. */
void ioasid__group_notify_driver(struct ioasid_device *dev,
				 enum ioasid_group_event event,
				 enum ioasid_driver_kind kind, const char *driver,
				 struct ioasid_owner *owner);

/* driver.c */
/* Unbind whatever is bound, with notifications. */
void ioasid__device_unbind_locked(struct ioasid_device *dev);
/* Bind dev to owner, with notifications (dev must be unbound). */
void ioasid__device_bind_owner_locked(struct ioasid_device *dev,
				      struct ioasid_owner *owner);

/* owner.c */
/* May owner (NULL: native) change the group's DMA? 0 or -EPERM. */
int ioasid__group_check_owner(struct ioasid_group *g, struct ioasid_owner *owner);
/* Release every claim of the group (platform teardown); the caller holds a
 * reference so the group cannot die here. */
void ioasid__group_release_all_locked(struct ioasid_group *g);

/* attach.c */
/* Route a device that just joined its group: attach it to the group's
 * domain if there is one, else set its default routing. */
int ioasid__device_join_locked(struct ioasid_device *dev);
/* Detach dev's RID domain and every PASID and block its DMA (device
 * leaving its group). */
void ioasid__device_leave_locked(struct ioasid_device *dev);
/* Recompute the default routing of the group's devices that have no
 * domain attached (after a claim or release changed it). */
void ioasid__group_sync_default_locked(struct ioasid_group *g);
/* Detach the group's domain and every PASID attachment made by owner.
 * Returns what unref returned for the attachment's group reference. */
struct ioasid_group *ioasid__group_detach_owner_locked(struct ioasid_group *g,
						       struct ioasid_owner *owner);
/* True if a device of the group has a PASID attached by owner (NULL:
 * native). */
bool ioasid__group_has_pasids_of(struct ioasid_group *g,
				 struct ioasid_owner *owner);
/* True if the group or a PASID of one of its devices has a domain with a
 * holder attached (a container's: only the container may end that). */
bool ioasid__group_has_held_locked(struct ioasid_group *g);

/*
 * The attach and detach calls on behalf of a domain's holder (see
 * domain_internal.h): as the public calls, which pass holder NULL, but
 * -EPERM unless the domain (for detach: the one attached) has exactly this
 * holder. A container attaches and detaches its own domains through these.
 */
int ioasid__group_attach_held(struct ioasid_group *g, struct ioasid_owner *owner,
			      struct ioasid_domain *domain, const void *holder);
int ioasid__group_detach_held(struct ioasid_group *g, struct ioasid_owner *owner,
			      const void *holder);
int ioasid__device_attach_pasid_held(struct ioasid_device *dev,
				     struct ioasid_owner *owner, ioasid_t pasid,
				     struct ioasid_domain *domain,
				     const void *holder);
int ioasid__device_detach_pasid_held(struct ioasid_device *dev,
				     struct ioasid_owner *owner, ioasid_t pasid,
				     const void *holder);

/* hostsysfs.c */
struct ioasid_host_resv;
/* Parse a reserved_regions file (strictly: "0x%llx 0x%llx TYPE" per line,
 * start <= last). *out is NULL when there is no line; free it with
 * ioasid__free(). Errors: -EINVAL malformed; -ENOMEM. */
int ioasid__host_parse_resv(const char *buf, size_t len,
			    struct ioasid_host_resv **out, unsigned int *nr);

#endif /* IOASID_LIB_IOMMU_PLATFORM_INTERNAL_H */
