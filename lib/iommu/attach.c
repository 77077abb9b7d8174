// SPDX-License-Identifier: MIT
/*
 * Attaching groups and (device, PASID) pairs to domains, and the DMA path.
 *
 * Routing. Each device carries what its DMA goes through: rid_domain for
 * untagged DMA and a PASID table, both read by ioasid_device_translate()
 * under rcu_read_lock() with no other lock. They change only under the
 * platform lock:
 *
 *   rid_domain = the group's attached domain, if any;
 *              else the platform's identity domain for an IDENTITY-type
 *                group nobody owns (the kernel's identity default domain);
 *              else NULL: DMA is blocked and charged to the platform's
 *                blocked domain as IOASID_FAULT_NO_DOMAIN.
 *
 * Accounting. A group attachment counts once on the domain for the group
 * (so an attached empty group still pins its domain) and once per device;
 * a PASID attachment counts once. ioasid_domain_free() refuses a domain
 * with any count left.
 *
 * Holders. A domain private to a holder (a container's, see
 * domain_internal.h) is attached and detached only through the _held
 * calls that name that holder; the public calls pass no holder, so they
 * refuse it with -EPERM whoever the owner is. That is what lets the
 * holder count every attachment of its domain and free it without fail.
 *
 * All or nothing. Attaching a group checks everything that can be checked
 * first, then attaches device by device; if one fails, those already done
 * are detached again before returning. A PASID table is rebuilt into a new
 * array, published, and the old one freed after a grace period; detaching
 * a PASID only clears its slot (so detach never allocates and never fails).
 */
#include <errno.h>

#include "iommu/domain_internal.h"
#include "iommu/platform_internal.h"
#include "iommu/rcu.h"
#include "util/alloc.h"

/*
 * Publication: C11 release stores paired with acquire loads (what
 * rcu_assign_pointer() and rcu_dereference() promise, spelled so that TSan
 * sees the ordering). Reclaim still waits for liburcu-bp grace periods.
 */
#define publish_ptr(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define fetch_ptr(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

static struct ioasid_domain *device_default_domain(struct ioasid_device *dev)
{
	struct ioasid_group *g = dev->group;

	if (g && g->type == IOASID_GROUP_TYPE_IDENTITY && !g->owner)
		return dev->identity;
	return NULL;
}

static int device_attach_rid_locked(struct ioasid_device *dev,
				    struct ioasid_domain *domain)
{
	int ret = ioasid__platform_attach_fault(dev->platform);

	if (ret)
		return ret;
	ret = ioasid__domain_attach_get(domain);
	if (ret)
		return ret;
	publish_ptr(&dev->rid_domain, domain);
	return 0;
}

/* Undo device_attach_rid_locked(); the device falls back to fallback. */
static void device_detach_rid_locked(struct ioasid_device *dev,
				     struct ioasid_domain *fallback)
{
	struct ioasid_domain *old = dev->rid_domain;

	publish_ptr(&dev->rid_domain, fallback);
	ioasid__domain_attach_put(old);
}

int ioasid__device_join_locked(struct ioasid_device *dev)
{
	if (dev->group->domain)
		return device_attach_rid_locked(dev, dev->group->domain);
	publish_ptr(&dev->rid_domain, device_default_domain(dev));
	return 0;
}

static void device_detach_pasids_of_locked(struct ioasid_device *dev,
					   struct ioasid_owner *owner, bool all)
{
	struct pasid_table *t = dev->pasids;

	if (!t)
		return;
	for (unsigned int i = 0; i < t->nr; i++) {
		struct pasid_slot *slot = &t->slots[i];
		struct ioasid_domain *old = slot->domain;

		if (!old || (!all && slot->owner != owner))
			continue;
		publish_ptr(&slot->domain, NULL);
		ioasid__domain_attach_put(old);
		dev->platform->nr_attached--;
	}
}

void ioasid__device_leave_locked(struct ioasid_device *dev)
{
	if (dev->group->domain)
		device_detach_rid_locked(dev, NULL);
	else
		publish_ptr(&dev->rid_domain, NULL);
	device_detach_pasids_of_locked(dev, NULL, true);
}

void ioasid__group_sync_default_locked(struct ioasid_group *g)
{
	struct ioasid_device *dev;

	if (g->domain)
		return;
	cds_list_for_each_entry(dev, &g->devices, group_node)
		publish_ptr(&dev->rid_domain, device_default_domain(dev));
}

static int group_attach_check_locked(struct ioasid_group *g,
				     struct ioasid_owner *owner,
				     struct ioasid_domain *domain)
{
	struct ioasid_iommu *iommu = ioasid_domain_iommu(domain);
	struct ioasid_device *dev;

	if (ioasid__group_check_owner(g, owner))
		return -EPERM;
	if (g->domain)
		return -EBUSY;
	cds_list_for_each_entry(dev, &g->devices, group_node)
		if (dev->iommu != iommu)
			return -EINVAL;
	return 0;
}

/* Attach every device, or none: on failure the ones done are undone. */
static int group_attach_devices_locked(struct ioasid_group *g,
				       struct ioasid_domain *domain)
{
	struct ioasid_device *dev, *undo;
	int ret = 0;

	cds_list_for_each_entry(dev, &g->devices, group_node) {
		ret = device_attach_rid_locked(dev, domain);
		if (ret)
			break;
	}
	if (!ret)
		return 0;
	cds_list_for_each_entry(undo, &g->devices, group_node) {
		if (undo == dev)
			break;
		device_detach_rid_locked(undo, device_default_domain(undo));
	}
	return ret;
}

int ioasid__group_attach_held(struct ioasid_group *g, struct ioasid_owner *owner,
			      struct ioasid_domain *domain, const void *holder)
{
	struct ioasid_platform *p = g->platform;
	int ret;

	if (!domain)
		return -EINVAL;
	if (ioasid__domain_holder(domain) != holder)
		return -EPERM;
	pthread_mutex_lock(&p->lock);
	ret = group_attach_check_locked(g, owner, domain);
	if (ret)
		goto unlock;
	ret = ioasid__domain_attach_get(domain); /* the group's own count */
	if (ret)
		goto unlock;
	ret = group_attach_devices_locked(g, domain);
	if (ret) {
		ioasid__domain_attach_put(domain);
		goto unlock;
	}
	g->domain = domain;
	g->domain_owner = owner;
	g->refs++; /* held by the attachment */
	p->nr_attached++;
unlock:
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int ioasid_group_attach(struct ioasid_group *g, struct ioasid_owner *owner,
			struct ioasid_domain *domain)
{
	return ioasid__group_attach_held(g, owner, domain, NULL);
}

/* Detach the group's domain; returns the group if it must be destroyed. */
static struct ioasid_group *group_detach_locked(struct ioasid_group *g)
{
	struct ioasid_domain *domain = g->domain;
	struct ioasid_device *dev;

	g->domain = NULL;
	g->domain_owner = NULL;
	cds_list_for_each_entry(dev, &g->devices, group_node)
		device_detach_rid_locked(dev, device_default_domain(dev));
	ioasid__domain_attach_put(domain);
	g->platform->nr_attached--;
	return ioasid__group_unref_locked(g); /* the attachment's reference */
}

int ioasid__group_detach_held(struct ioasid_group *g, struct ioasid_owner *owner,
			      const void *holder)
{
	struct ioasid_platform *p = g->platform;
	struct ioasid_group *dead = NULL;
	int ret = -EPERM;

	pthread_mutex_lock(&p->lock);
	if (ioasid__group_check_owner(g, owner))
		goto unlock;
	ret = -ENOENT;
	if (!g->domain)
		goto unlock;
	ret = -EPERM;
	if (g->domain_owner != owner ||
	    ioasid__domain_holder(g->domain) != holder)
		goto unlock;
	dead = group_detach_locked(g);
	ret = 0;
unlock:
	pthread_mutex_unlock(&p->lock);
	ioasid__group_destroy(dead);
	return ret;
}

int ioasid_group_detach(struct ioasid_group *g, struct ioasid_owner *owner)
{
	return ioasid__group_detach_held(g, owner, NULL);
}

struct ioasid_group *ioasid__group_detach_owner_locked(struct ioasid_group *g,
						       struct ioasid_owner *owner)
{
	struct ioasid_group *dead = NULL;
	struct ioasid_device *dev;

	cds_list_for_each_entry(dev, &g->devices, group_node)
		device_detach_pasids_of_locked(dev, owner, false);
	if (g->domain && g->domain_owner == owner)
		dead = group_detach_locked(g);
	return dead;
}

bool ioasid__group_has_pasids_of(struct ioasid_group *g,
				 struct ioasid_owner *owner)
{
	struct ioasid_device *dev;

	cds_list_for_each_entry(dev, &g->devices, group_node) {
		struct pasid_table *t = dev->pasids;

		for (unsigned int i = 0; t && i < t->nr; i++)
			if (t->slots[i].domain && t->slots[i].owner == owner)
				return true;
	}
	return false;
}

bool ioasid__group_has_held_locked(struct ioasid_group *g)
{
	struct ioasid_device *dev;

	if (g->domain && ioasid__domain_holder(g->domain))
		return true;
	cds_list_for_each_entry(dev, &g->devices, group_node) {
		struct pasid_table *t = dev->pasids;

		for (unsigned int i = 0; t && i < t->nr; i++)
			if (t->slots[i].domain &&
			    ioasid__domain_holder(t->slots[i].domain))
				return true;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * PASIDs
 */

/* The slot of pasid in t (live or cleared), or NULL. Binary search. */
static struct pasid_slot *pasid_table_find(struct pasid_table *t, ioasid_t pasid)
{
	unsigned int lo = 0, hi = t ? t->nr : 0;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (t->slots[mid].pasid == pasid)
			return &t->slots[mid];
		if (t->slots[mid].pasid < pasid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A copy of the live slots of old with a new slot for pasid, sorted. */
static struct pasid_table *pasid_table_with(const struct pasid_table *old,
					    const struct pasid_slot *add)
{
	unsigned int nr = old ? old->nr : 0, n = 0;
	struct pasid_table *t;
	bool placed = false;

	t = ioasid__malloc(sizeof(*t) + (nr + 1) * sizeof(t->slots[0]));
	if (!t)
		return NULL;
	for (unsigned int i = 0; i < nr; i++) {
		if (!old->slots[i].domain)
			continue;
		if (!placed && old->slots[i].pasid > add->pasid) {
			t->slots[n++] = *add;
			placed = true;
		}
		t->slots[n++] = old->slots[i];
	}
	if (!placed)
		t->slots[n++] = *add;
	t->nr = n;
	return t;
}

static int pasid_attach_check(struct ioasid_device *dev, ioasid_t pasid,
			      struct ioasid_domain *domain)
{
	const struct ioasid_iommu_caps *caps = ioasid_iommu_caps(dev->iommu);

	if (!domain || pasid == 0)
		return -EINVAL;
	if (pasid >= (1u << dev->ssid_bits) || pasid >= (1u << caps->pasid_bits))
		return -EINVAL;
	if (ioasid_domain_iommu(domain) != dev->iommu)
		return -EINVAL;
	return 0;
}

static int pasid_attach_locked(struct ioasid_device *dev,
			       struct ioasid_owner *owner, ioasid_t pasid,
			       struct ioasid_domain *domain,
			       struct pasid_table **oldp)
{
	struct pasid_slot add = { .pasid = pasid, .domain = domain, .owner = owner };
	struct pasid_slot *slot;
	struct pasid_table *t;
	int ret;

	if (!dev->group)
		return -ENOENT;
	if (ioasid__group_check_owner(dev->group, owner))
		return -EPERM;
	slot = pasid_table_find(dev->pasids, pasid);
	if (slot && slot->domain)
		return -EBUSY;
	t = pasid_table_with(dev->pasids, &add);
	if (!t)
		return -ENOMEM;
	ret = ioasid__platform_attach_fault(dev->platform);
	if (!ret)
		ret = ioasid__domain_attach_get(domain);
	if (ret) {
		ioasid__free(t);
		return ret;
	}
	*oldp = dev->pasids;
	publish_ptr(&dev->pasids, t);
	dev->platform->nr_attached++;
	return 0;
}

int ioasid__device_attach_pasid_held(struct ioasid_device *dev,
				     struct ioasid_owner *owner, ioasid_t pasid,
				     struct ioasid_domain *domain,
				     const void *holder)
{
	struct pasid_table *old = NULL;
	int ret = pasid_attach_check(dev, pasid, domain);

	if (ret)
		return ret;
	if (ioasid__domain_holder(domain) != holder)
		return -EPERM;
	pthread_mutex_lock(&dev->platform->lock);
	ret = pasid_attach_locked(dev, owner, pasid, domain, &old);
	pthread_mutex_unlock(&dev->platform->lock);
	if (old) {
		ioasid__rcu_synchronize(); /* no translation reads old any more */
		ioasid__free(old);
	}
	return ret;
}

int ioasid_device_attach_pasid(struct ioasid_device *dev,
			       struct ioasid_owner *owner, ioasid_t pasid,
			       struct ioasid_domain *domain)
{
	return ioasid__device_attach_pasid_held(dev, owner, pasid, domain, NULL);
}

int ioasid__device_detach_pasid_held(struct ioasid_device *dev,
				     struct ioasid_owner *owner, ioasid_t pasid,
				     const void *holder)
{
	struct ioasid_platform *p = dev->platform;
	struct ioasid_domain *domain;
	struct pasid_slot *slot;
	int ret = -ENOENT;

	pthread_mutex_lock(&p->lock);
	if (!dev->group)
		goto unlock;
	ret = -EPERM;
	if (ioasid__group_check_owner(dev->group, owner))
		goto unlock;
	ret = -ENOENT;
	slot = pasid_table_find(dev->pasids, pasid);
	if (!slot || !slot->domain)
		goto unlock;
	ret = -EPERM;
	if (slot->owner != owner || ioasid__domain_holder(slot->domain) != holder)
		goto unlock;
	domain = slot->domain;
	publish_ptr(&slot->domain, NULL);
	ioasid__domain_attach_put(domain);
	p->nr_attached--;
	ret = 0;
unlock:
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int ioasid_device_detach_pasid(struct ioasid_device *dev,
			       struct ioasid_owner *owner, ioasid_t pasid)
{
	return ioasid__device_detach_pasid_held(dev, owner, pasid, NULL);
}

/* ------------------------------------------------------------------------
 * DMA
 */

/* The domain DMA with pasid goes through; call under rcu_read_lock() or
 * the platform lock (no table a writer replaces is freed before it drops
 * that lock and waits for a grace period). */
static struct ioasid_domain *device_route(struct ioasid_device *dev,
					  ioasid_t pasid)
{
	struct pasid_slot *slot;

	if (!pasid)
		return fetch_ptr(&dev->rid_domain);
	slot = pasid_table_find(fetch_ptr(&dev->pasids), pasid);
	return slot ? fetch_ptr(&slot->domain) : NULL;
}

struct ioasid_domain *ioasid_device_domain(struct ioasid_device *dev,
					   ioasid_t pasid)
{
	struct ioasid_domain *domain;

	pthread_mutex_lock(&dev->platform->lock);
	domain = device_route(dev, pasid);
	pthread_mutex_unlock(&dev->platform->lock);
	return domain;
}

static int device_dma_blocked(struct ioasid_device *dev, ioasid_t pasid,
			      uint64_t iova, uint32_t access)
{
	struct ioasid_fault fault = {
		.devid = dev->id,
		.pasid = pasid,
		.addr = iova,
		.access = access,
		.reason = IOASID_FAULT_NO_DOMAIN,
	};

	ioasid__domain_fault_record(dev->blocked, &fault);
	return -EFAULT;
}

int ioasid_device_translate(struct ioasid_device *dev, ioasid_t pasid,
			    uint64_t iova, uint32_t access, uint64_t *physp)
{
	struct ioasid_domain *domain;
	int ret;

	if (!access || (access & ~(IOASID_ACCESS_READ | IOASID_ACCESS_WRITE)))
		return -EINVAL;
	if (pasid && pasid >= (1u << dev->ssid_bits))
		return -EINVAL;
	rcu_read_lock();
	domain = device_route(dev, pasid);
	if (domain)
		ret = ioasid_iommu_translate(dev->iommu, domain, dev->id, pasid,
					     iova, access, physp);
	else
		ret = device_dma_blocked(dev, pasid, iova, access);
	ioasid__rcu_read_unlock();
	return ret;
}
