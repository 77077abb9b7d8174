// SPDX-License-Identifier: MIT
/*
 * The SPAPR-TCE container model (VFIO's vfio_iommu_spapr_tce.c, v1).
 *
 * On POWER the TCE table belongs to the partitionable endpoint, so a
 * container drives exactly one group's table: a second group is refused
 * with EBUSY. The table here is a PAGING domain whose only usable range is
 * the 32-bit DMA window; each TCE is one page of the IOMMU's smallest size.
 * Entries are set with a map and cleared page-granular (a clear may cut a
 * mapping in two, as clearing TCEs does). A group attaches to a table
 * allocated for it, and every TCE is cleared before the group is detached
 * (the table is freed right after), so no entry made for one user is ever
 * seen by the next. Requests are never rounded: anything misaligned or
 * outside the window is EINVAL.
 */
#include <errno.h>

#include "iommu/container_internal.h"
#include "iommu/domain_internal.h"
#include "util/alloc.h"

_Static_assert(IOASID_SPAPR_DMA32_START == 0,
	       "spapr_check_range() relies on the window starting at 0");

#define SPAPR_WINDOW_LAST \
	((uint64_t)IOASID_SPAPR_DMA32_START + IOASID_SPAPR_DMA32_SIZE - 1)

static struct ioasid_domain *spapr_table(struct ioasid_container *c)
{
	return c->domains[0]->domain;
}

/* The TCE page size: the IOMMU's smallest page. */
static uint64_t spapr_pgsize(struct ioasid_container *c)
{
	uint64_t bitmap = ioasid_iommu_caps(c->domains[0]->iommu)->pgsize_bitmap;

	return bitmap & -bitmap;
}

static void spapr_clear_all(struct ioasid_container *c,
			    struct ioasid_domain *table)
{
	/* -ENOENT when the table holds nothing: that is the goal. */
	ioasid__domain_unmap_held(table, 0, UINT64_MAX, 0, NULL, c);
}

/* Is the whole window usable on this IOMMU? */
static int spapr_window_usable(struct ioasid_domain *table)
{
	struct ioasid_iova_range *r;
	unsigned int nr;
	int ret = ioasid__container_domain_ranges(table, &r, &nr);

	if (ret)
		return ret;
	if (!ioasid__ranges_contain(r, nr, IOASID_SPAPR_DMA32_START,
				    SPAPR_WINDOW_LAST))
		ret = -EINVAL;
	ioasid__free(r);
	return ret;
}

static int spapr_attach_group(struct ioasid_container *c,
			      struct container_group *cg)
{
	struct container_domain *cd = NULL;
	struct ioasid_iova_range *window = NULL;
	struct ioasid_iommu *iommu;
	int ret = ioasid__container_group_iommu(cg->group, &iommu);

	if (ret)
		return ret;
	ret = -ENOMEM;
	cd = ioasid__calloc(1, sizeof(*cd));
	window = ioasid__calloc(1, sizeof(*window));
	c->domains = ioasid__calloc(1, sizeof(*c->domains));
	if (!cd || !window || !c->domains)
		goto free;
	ret = ioasid__container_domain_alloc(c, iommu, &cd->domain);
	if (ret)
		goto free;
	ret = spapr_window_usable(cd->domain);
	if (!ret)
		ret = ioasid__container_group_attach(c, cg->group, cd->domain);
	if (ret)
		goto free_domain;
	cd->iommu = iommu;
	cd->nr_groups = 1;
	cg->cd = cd;
	c->domains[0] = cd;
	c->nr_domains = 1;
	*window = (struct ioasid_iova_range){ IOASID_SPAPR_DMA32_START,
					      SPAPR_WINDOW_LAST };
	c->ranges = window;
	c->nr_ranges = 1;
	return 0;
free_domain:
	ioasid__container_domain_free(c, cd->domain);
free:
	ioasid__free(c->domains);
	c->domains = NULL;
	ioasid__free(window);
	ioasid__free(cd);
	return ret;
}

static void spapr_detach_group(struct ioasid_container *c,
			       struct container_group *cg)
{
	struct container_domain *cd = cg->cd;

	if (!cd)
		return;
	spapr_clear_all(c, cd->domain);
	ioasid__container_group_detach(c, cg->group);
	cg->cd = NULL;
	cd->nr_groups = 0;
}

static int spapr_check_extension(uint32_t ext)
{
	return ext == IOASID_VFIO_SPAPR_TCE_IOMMU;
}

static void spapr_get_info(struct ioasid_container *c,
			   struct ioasid_container_info *info)
{
	struct ioasid_domain_info di;

	ioasid_domain_query(spapr_table(c), &di);
	info->flags = IOASID_CONTAINER_INFO_PGSIZES |
		      IOASID_CONTAINER_INFO_IOVA_RANGES |
		      IOASID_CONTAINER_INFO_DMA32_WINDOW;
	info->iova_pgsizes = spapr_pgsize(c);
	info->nr_iova_ranges = 1;
	info->iova_ranges[0] = c->ranges[0];
	info->dma32_window_start = IOASID_SPAPR_DMA32_START;
	info->dma32_window_size = IOASID_SPAPR_DMA32_SIZE;
	info->mapped_bytes = di.mapped_bytes;
	info->nr_mappings = (uint32_t)(di.mapped_bytes / spapr_pgsize(c));
}

/* The shared range checks, then the window; for map and unmap. */
static int spapr_check_range(struct ioasid_container *c, uint64_t iova,
			     uint64_t size, uint64_t vaddr)
{
	int ret = ioasid__container_range_check(iova, size, vaddr, spapr_pgsize(c));

	if (ret)
		return ret;
	return iova + size - 1 > SPAPR_WINDOW_LAST ? -EINVAL : 0;
}

static int spapr_map(struct ioasid_container *c, const struct ioasid_dma_map *map)
{
	uint32_t prot;
	int ret = ioasid__container_map_prot(map->flags, &prot);

	if (!ret)
		ret = spapr_check_range(c, map->iova, map->size, map->vaddr);
	if (ret)
		return ret;
	return ioasid__domain_map_held(spapr_table(c), map->iova, map->vaddr,
				       map->size, prot, 0, c);
}

static int spapr_unmap(struct ioasid_container *c,
		       const struct ioasid_dma_unmap *unmap, uint64_t *unmapped)
{
	int ret;

	if (unmap->flags)
		return -EOPNOTSUPP;
	ret = spapr_check_range(c, unmap->iova, unmap->size, 0);
	if (ret)
		return ret;
	ret = ioasid__domain_unmap_held(spapr_table(c), unmap->iova, unmap->size,
					IOASID_UNMAP_SPLIT, unmapped, c);
	return ret == -ENOENT ? 0 : ret; /* clearing clear TCEs is no error */
}

const struct container_ops ioasid__container_spapr_ops = {
	.type = IOASID_VFIO_SPAPR_TCE_IOMMU,
	.max_groups = 1, /* the TCE table is the one group's */
	.attach_group = spapr_attach_group,
	.detach_group = spapr_detach_group,
	.check_extension = spapr_check_extension,
	.get_info = spapr_get_info,
	.map = spapr_map,
	.unmap = spapr_unmap,
};
