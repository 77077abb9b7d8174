// SPDX-License-Identifier: MIT
/*
 * VFIO-style containers: the part common to every IOMMU model.
 *
 * As in VFIO's container core, the container tracks its groups and, once
 * SET_IOMMU chose a model, hands every group to that model (ops table in
 * container_internal.h). Attaching a group claims it for the container's
 * owner first; the claim is what makes the group "viable" here. A group
 * that fails to attach to the model is released again, and a SET_IOMMU
 * that fails on any group detaches the ones done and forgets the model.
 * The last group to leave releases the model, as
 * __vfio_container_detach_group() does: mappings and domains go.
 *
 * The domains are the container's alone, as VFIO type1 never hands its
 * domains to anyone: each is allocated with the container as its holder
 * (domain_internal.h), so the public attach and detach calls refuse it
 * even to the container's owner, and every attachment it has is one the
 * container made and undoes before freeing it. That is why a model's
 * ioasid__container_domain_free() cannot fail. Its page tables and faults
 * are the container's too: the models map, unmap and read faults through
 * the domain's _held calls, and the public ones refuse the domain, so the
 * tables always hold exactly the container's mappings.
 */
#include <errno.h>
#include <string.h>

#include "iommu/container_internal.h"
#include "iommu/domain_internal.h"
#include "iommu/platform_internal.h"
#include "util/alloc.h"

static const struct container_ops *const container_models[] = {
	&ioasid__container_type1_ops,
	&ioasid__container_spapr_ops,
};

#define NR_MODELS (sizeof(container_models) / sizeof(container_models[0]))

int ioasid_container_alloc(struct ioasid_platform *p, struct ioasid_owner *owner,
			   struct ioasid_container **cp)
{
	struct ioasid_container *c;

	if (owner && (!owner->name || !owner->name[0]))
		return -EINVAL;
	c = ioasid__calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	c->platform = p;
	c->self.name = "vfio-container";
	c->owner = owner ? owner : &c->self;
	c->dma_limit = IOASID_CONTAINER_DMA_LIMIT_DEFAULT;
	*cp = c;
	return 0;
}

static int container_find_group(struct ioasid_container *c,
				struct ioasid_group *g)
{
	for (unsigned int i = 0; i < c->nr_groups; i++)
		if (c->groups[i].group == g)
			return (int)i;
	return -1;
}

/* Forget the model: free the domains it kept (SPAPR keeps its table until
 * here; type1 drops each with its last group), the usable ranges and the
 * mappings. No group is attached to the model any more. */
static void container_close_model(struct ioasid_container *c)
{
	for (unsigned int i = 0; i < c->nr_domains; i++) {
		ioasid__container_domain_free(c, c->domains[i]->domain);
		ioasid__free(c->domains[i]);
	}
	ioasid__free(c->domains);
	c->domains = NULL;
	c->nr_domains = 0;
	ioasid__free(c->ranges);
	c->ranges = NULL;
	c->nr_ranges = 0;
	ioasid__free(c->maps);
	c->maps = NULL;
	c->nr_maps = 0;
	c->cap_maps = 0;
	c->ops = NULL;
}

/* Detach, release and forget the group at index i; the last one out
 * closes the model. */
static void container_remove_group(struct ioasid_container *c, unsigned int i)
{
	struct container_group *cg = &c->groups[i];
	struct ioasid_group *g = cg->group;

	ioasid__container_drop_pasids(c, g);
	if (c->ops)
		c->ops->detach_group(c, cg);
	ioasid_group_release(g, c->owner);
	ioasid_group_put(g); /* the container's reference */
	memmove(cg, cg + 1, (c->nr_groups - i - 1) * sizeof(*cg));
	c->nr_groups--;
	if (!c->nr_groups && c->ops)
		container_close_model(c);
}

void ioasid_container_free(struct ioasid_container *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	while (c->nr_groups)
		container_remove_group(c, c->nr_groups - 1);
	pthread_mutex_unlock(&c->lock);
	ioasid__free(c->pasids);
	ioasid__free(c->groups);
	pthread_mutex_destroy(&c->lock);
	ioasid__free(c);
}

int ioasid_container_check_extension(struct ioasid_container *c, uint32_t ext)
{
	int ret = 0;

	pthread_mutex_lock(&c->lock);
	if (c->ops) {
		ret = c->ops->check_extension(ext);
	} else {
		for (unsigned int i = 0; i < NR_MODELS && !ret; i++)
			ret = container_models[i]->check_extension(ext);
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int ioasid_container_set_dma_limit(struct ioasid_container *c, uint32_t limit)
{
	int ret = 0;

	if (!limit)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->ops)
		ret = -EBUSY;
	else
		c->dma_limit = limit;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* Room for one more group; nothing changes on failure. */
static int container_groups_reserve(struct ioasid_container *c)
{
	struct container_group *arr;

	arr = ioasid__realloc(c->groups, (c->nr_groups + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	c->groups = arr;
	return 0;
}

static int container_attach_group_locked(struct ioasid_container *c,
					 struct ioasid_group *g)
{
	struct container_group *cg;
	struct ioasid_iommu *iommu;
	int ret;

	if (container_find_group(c, g) >= 0)
		return -EEXIST;
	/* Refuse what the model would refuse before claiming, so that a
	 * refused group sees no bind and unbind. */
	if (c->ops && c->ops->max_groups && c->nr_groups >= c->ops->max_groups)
		return -EBUSY;
	if (c->ops) {
		ret = ioasid__container_group_iommu(g, &iommu);
		if (ret)
			return ret;
	}
	ret = container_groups_reserve(c);
	if (ret)
		return ret;
	ret = ioasid_group_claim(g, c->owner, 0);
	if (ret)
		return ret;
	cg = &c->groups[c->nr_groups];
	cg->group = g;
	cg->cd = NULL;
	if (c->ops) {
		ret = c->ops->attach_group(c, cg);
		if (ret) {
			ioasid_group_release(g, c->owner);
			return ret;
		}
	}
	ioasid_group_get(g); /* held by the container */
	c->nr_groups++;
	return 0;
}

int ioasid_container_attach_group(struct ioasid_container *c,
				  struct ioasid_group *g)
{
	int ret;

	if (ioasid_group_platform(g) != c->platform)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	ret = container_attach_group_locked(c, g);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int ioasid_container_detach_group(struct ioasid_container *c,
				  struct ioasid_group *g)
{
	int i, ret = 0;

	pthread_mutex_lock(&c->lock);
	i = container_find_group(c, g);
	if (i < 0)
		ret = -ENOENT;
	else
		container_remove_group(c, (unsigned int)i);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

static const struct container_ops *container_model(uint32_t type)
{
	for (unsigned int i = 0; i < NR_MODELS; i++)
		if (container_models[i]->type == type)
			return container_models[i];
	return NULL;
}

/* Hand every group to the model, all or nothing. */
static int container_open_model(struct ioasid_container *c,
				const struct container_ops *ops)
{
	unsigned int i;
	int ret = 0;

	if (ops->max_groups && c->nr_groups > ops->max_groups)
		return -EBUSY;
	c->ops = ops;
	for (i = 0; i < c->nr_groups; i++) {
		ret = ops->attach_group(c, &c->groups[i]);
		if (ret)
			break;
	}
	if (!ret)
		return 0;
	while (i--)
		ops->detach_group(c, &c->groups[i]);
	container_close_model(c);
	return ret;
}

int ioasid_container_set_iommu(struct ioasid_container *c, uint32_t type)
{
	const struct container_ops *ops;
	int ret = -EINVAL;

	pthread_mutex_lock(&c->lock);
	if (c->ops || !c->nr_groups)
		goto unlock;
	ret = -ENODEV;
	ops = container_model(type);
	if (ops)
		ret = container_open_model(c, ops);
unlock:
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int ioasid_container_get_info(struct ioasid_container *c,
			      struct ioasid_container_info *info)
{
	int ret = 0;

	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&c->lock);
	if (c->ops) {
		info->type = c->ops->type;
		info->nr_groups = c->nr_groups;
		c->ops->get_info(c, info);
	} else {
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int ioasid_container_map_dma(struct ioasid_container *c,
			     const struct ioasid_dma_map *map)
{
	int ret = -EINVAL;

	pthread_mutex_lock(&c->lock);
	if (c->ops)
		ret = c->ops->map(c, map);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int ioasid_container_unmap_dma(struct ioasid_container *c,
			       const struct ioasid_dma_unmap *unmap,
			       uint64_t *unmapped)
{
	uint64_t bytes = 0;
	int ret = -EINVAL;

	pthread_mutex_lock(&c->lock);
	if (c->ops)
		ret = c->ops->unmap(c, unmap, &bytes);
	pthread_mutex_unlock(&c->lock);
	if (unmapped)
		*unmapped = ret ? 0 : bytes;
	return ret;
}

/* ------------------------------------------------------------------------
 * Helpers for the models
 */

int ioasid__container_group_iommu(struct ioasid_group *g,
				  struct ioasid_iommu **iommup)
{
	struct ioasid_platform *p = g->platform;
	struct ioasid_iommu *iommu = NULL;
	struct ioasid_device *dev;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	cds_list_for_each_entry(dev, &g->devices, group_node) {
		if (iommu && dev->iommu != iommu)
			ret = -EINVAL;
		iommu = dev->iommu;
	}
	pthread_mutex_unlock(&p->lock);
	if (!iommu)
		ret = -EINVAL;
	if (!ret)
		*iommup = iommu;
	return ret;
}

int ioasid__container_domain_alloc(struct ioasid_container *c,
				   struct ioasid_iommu *iommu,
				   struct ioasid_domain **domp)
{
	int ret = ioasid_domain_alloc(iommu, IOASID_DOMAIN_PAGING, 0, domp);

	if (!ret)
		ioasid__domain_set_holder(*domp, c); /* before anyone sees it */
	return ret;
}

void ioasid__container_domain_free(struct ioasid_container *c,
				   struct ioasid_domain *domain)
{
	/* Every attachment of a domain c holds is one c made, and c has
	 * undone them all: this cannot fail. */
	ioasid__domain_free_held(domain, c);
}

int ioasid__container_group_attach(struct ioasid_container *c,
				   struct ioasid_group *g,
				   struct ioasid_domain *domain)
{
	return ioasid__group_attach_held(g, c->owner, domain, c);
}

void ioasid__container_group_detach(struct ioasid_container *c,
				    struct ioasid_group *g)
{
	ioasid__group_detach_held(g, c->owner, c);
}

int ioasid__container_domain_ranges(struct ioasid_domain *domain,
				    struct ioasid_iova_range **rangesp,
				    unsigned int *nrp)
{
	struct ioasid_iova_range *r;
	uint32_t nr = 0;
	int ret = ioasid_domain_iova_ranges(domain, NULL, &nr);

	if (ret && ret != -EMSGSIZE)
		return ret;
	r = ioasid__calloc(nr ? nr : 1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	ret = ioasid_domain_iova_ranges(domain, r, &nr);
	if (ret) {
		ioasid__free(r);
		return ret;
	}
	*rangesp = r;
	*nrp = nr;
	return 0;
}

int ioasid__container_map_prot(uint32_t flags, uint32_t *protp)
{
	if (flags & ~(IOASID_DMA_MAP_FLAG_READ | IOASID_DMA_MAP_FLAG_WRITE))
		return -EOPNOTSUPP;
	if (!flags)
		return -EINVAL;
	*protp = (flags & IOASID_DMA_MAP_FLAG_READ ? IOASID_PROT_READ : 0) |
		 (flags & IOASID_DMA_MAP_FLAG_WRITE ? IOASID_PROT_WRITE : 0);
	return 0;
}

int ioasid__container_range_check(uint64_t iova, uint64_t size, uint64_t vaddr,
				  uint64_t pgsize)
{
	uint64_t vaddr_last;

	if (!size || ((iova | size | vaddr) & (pgsize - 1)))
		return -EINVAL;
	if (iova + size - 1 < iova || __builtin_add_overflow(vaddr, size - 1, &vaddr_last))
		return -EOVERFLOW;
	/* The last byte, not vaddr + size: that is 0 for a range ending at 2^64. */
	return vaddr_last >= IOASID_PHYS_LIMIT ? -EINVAL : 0;
}

bool ioasid__ranges_contain(const struct ioasid_iova_range *r, unsigned int nr,
			    uint64_t iova, uint64_t last)
{
	for (unsigned int i = 0; i < nr; i++)
		if (iova >= r[i].start && last <= r[i].last)
			return true;
	return false;
}
