// SPDX-License-Identifier: MIT
/*
 * The platform: the IOMMU instances, groups and devices of one machine.
 *
 * The platform owns its IOMMU instances and, for each, two domains: a
 * BLOCKED one that DMA finding no domain attached is charged to (so such
 * faults are recorded and can be read, as the kernel's blocking domain
 * would refuse them), and an IDENTITY one that untagged DMA of an
 * IDENTITY-type group goes through while nobody owns or attaches it. Groups and devices are created and destroyed through group.c and
 * device.c; the platform only holds their tables and tears everything down
 * in ioasid_platform_free().
 */
#include <errno.h>
#include <string.h>

#include <urcu-bp.h>

#include "iommu/domain_internal.h"
#include "iommu/platform_internal.h"
#include "util/alloc.h"

int ioasid_platform_alloc(struct ioasid_platform **pp)
{
	struct ioasid_platform *p = ioasid__calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	CDS_INIT_LIST_HEAD(&p->devices);
	p->next_device_id = 1;
	*pp = p;
	return 0;
}

/*
 * Tear down one group whatever references remain (the platform is going
 * away, so references its users still hold are forfeited): claims,
 * attachments, devices and notifiers go, then the group itself.
 */
static void platform_teardown_group(struct ioasid_platform *p,
				    struct ioasid_group *g)
{
	struct ioasid_group_notifier *n, *tmp;
	struct ioasid_group *dead;

	pthread_mutex_lock(&p->lock);
	g->refs++; /* pins g: none of the steps below can free it */
	if (g->owner)
		ioasid__group_release_all_locked(g);
	ioasid__group_detach_owner_locked(g, NULL);
	while (!cds_list_empty(&g->devices))
		ioasid__group_remove_device_locked(cds_list_first_entry(
			&g->devices, struct ioasid_device, group_node));
	cds_list_for_each_entry_safe(n, tmp, &g->notifiers, node) {
		cds_list_del(&n->node);
		ioasid__free(n);
	}
	g->refs = 1;
	dead = ioasid__group_unref_locked(g);
	pthread_mutex_unlock(&p->lock);
	ioasid__group_destroy(dead);
}

static void platform_free_groups(struct ioasid_platform *p)
{
	for (unsigned int id = 0; id < p->nr_slots; id++)
		if (p->groups[id])
			platform_teardown_group(p, p->groups[id]);
	ioasid__free(p->groups);
}

static void platform_free_devices(struct ioasid_platform *p)
{
	while (!cds_list_empty(&p->devices))
		ioasid_device_free(cds_list_first_entry(
			&p->devices, struct ioasid_device, node));
}

static void platform_free_iommus(struct ioasid_platform *p)
{
	for (unsigned int i = 0; i < p->nr_iommus; i++) {
		ioasid_domain_free(p->iommus[i].identity);
		ioasid_domain_free(p->iommus[i].blocked);
		ioasid_iommu_free(p->iommus[i].iommu);
	}
	ioasid__free(p->iommus);
}

void ioasid_platform_free(struct ioasid_platform *p)
{
	if (!p)
		return;
	platform_free_groups(p);
	platform_free_devices(p);
	platform_free_iommus(p);
	pthread_mutex_destroy(&p->lock);
	ioasid__free(p);
}

int ioasid__platform_iommu_index(struct ioasid_platform *p,
				 const struct ioasid_iommu *iommu,
				 unsigned int *indexp)
{
	for (unsigned int i = 0; i < p->nr_iommus; i++) {
		if (p->iommus[i].iommu == iommu) {
			*indexp = i;
			return 0;
		}
	}
	return -ENOENT;
}

int ioasid_platform_add_iommu(struct ioasid_platform *p,
			      struct ioasid_iommu *iommu)
{
	struct ioasid_domain *blocked = NULL, *identity = NULL;
	struct platform_iommu *arr;
	unsigned int index;
	int ret;

	if (!iommu)
		return -EINVAL;
	ret = ioasid_domain_alloc(iommu, IOASID_DOMAIN_BLOCKED, 0, &blocked);
	if (ret)
		return ret;
	ret = ioasid_domain_alloc(iommu, IOASID_DOMAIN_IDENTITY, 0, &identity);
	if (ret)
		goto free_blocked;
	pthread_mutex_lock(&p->lock);
	ret = -EEXIST;
	if (!ioasid__platform_iommu_index(p, iommu, &index))
		goto unlock;
	ret = -ENOMEM;
	arr = ioasid__realloc(p->iommus, (p->nr_iommus + 1) * sizeof(*arr));
	if (!arr)
		goto unlock;
	p->iommus = arr;
	arr[p->nr_iommus].iommu = iommu; /* the platform owns it from here */
	arr[p->nr_iommus].blocked = blocked;
	arr[p->nr_iommus].identity = identity;
	p->nr_iommus++;
	pthread_mutex_unlock(&p->lock);
	return 0;
unlock:
	pthread_mutex_unlock(&p->lock);
	ioasid_domain_free(identity);
free_blocked:
	ioasid_domain_free(blocked);
	return ret;
}

struct ioasid_iommu *ioasid_platform_iommu(struct ioasid_platform *p,
					   unsigned int index)
{
	struct ioasid_iommu *iommu = NULL;

	pthread_mutex_lock(&p->lock);
	if (index < p->nr_iommus)
		iommu = p->iommus[index].iommu;
	pthread_mutex_unlock(&p->lock);
	return iommu;
}

int ioasid_platform_fault_read(struct ioasid_platform *p, unsigned int index,
			       struct ioasid_fault *faults, uint32_t max,
			       uint64_t *lost)
{
	struct ioasid_domain *blocked = NULL;

	pthread_mutex_lock(&p->lock);
	if (index < p->nr_iommus)
		blocked = p->iommus[index].blocked;
	pthread_mutex_unlock(&p->lock);
	if (!blocked)
		return -ENOENT;
	return ioasid_domain_fault_read(blocked, faults, max, lost);
}

void ioasid_platform_query(struct ioasid_platform *p,
			   struct ioasid_platform_info *info)
{
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&p->lock);
	info->nr_iommus = p->nr_iommus;
	info->nr_groups = p->nr_groups;
	info->nr_devices = p->nr_devices;
	info->nr_owned_groups = p->nr_owned;
	info->nr_attached = p->nr_attached;
	pthread_mutex_unlock(&p->lock);
}

int ioasid_platform_for_each_group(struct ioasid_platform *p,
				   int (*fn)(struct ioasid_group *g, void *arg),
				   void *arg)
{
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	for (unsigned int id = 0; id < p->nr_slots && !ret; id++)
		if (p->groups[id])
			ret = fn(p->groups[id], arg);
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int ioasid_platform_for_each_device(struct ioasid_platform *p,
				    int (*fn)(struct ioasid_device *dev,
					      void *arg),
				    void *arg)
{
	struct ioasid_device *dev;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	cds_list_for_each_entry(dev, &p->devices, node) {
		ret = fn(dev, arg);
		if (ret)
			break;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

void ioasid__platform_fail_attach_nth(struct ioasid_platform *p,
				      unsigned long nth, int err)
{
	pthread_mutex_lock(&p->lock);
	p->attach_fail_nth = nth;
	p->attach_fail_err = err;
	pthread_mutex_unlock(&p->lock);
}

int ioasid__platform_attach_fault(struct ioasid_platform *p)
{
	if (!p->attach_fail_nth)
		return 0;
	if (--p->attach_fail_nth)
		return 0;
	return p->attach_fail_err;
}
