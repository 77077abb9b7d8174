// SPDX-License-Identifier: MIT
/*
 * The TYPE1v2 container model (VFIO's vfio_iommu_type1.c, v2 rules).
 *
 * The container's mapping list is the truth: a sorted array of disjoint
 * mappings, each one MAP_DMA call and one area in every domain. There is
 * one PAGING domain per IOMMU behind the container's groups. A group on a
 * new IOMMU gets a new domain into which every mapping is replayed, after
 * checking that the mappings fit that IOMMU's usable ranges (the kernel's
 * aperture and reserved-region conflict checks); the container's usable
 * ranges are the intersection of its domains'.
 *
 * All or nothing: a map goes into every domain or, if one fails, is
 * unmapped from those done; the array has room reserved before any domain
 * is touched, so recording the mapping cannot fail afterwards. An unmap
 * removes whole areas only, which never allocates and never fails.
 */
#include <errno.h>
#include <string.h>

#include "iommu/container_internal.h"
#include "iommu/domain_internal.h"
#include "util/alloc.h"

/* Page sizes every domain's IOMMU supports. */
static uint64_t type1_pgsizes(struct ioasid_container *c)
{
	uint64_t bitmap = ~0ull;

	for (unsigned int i = 0; i < c->nr_domains; i++)
		bitmap &= ioasid_iommu_caps(c->domains[i]->iommu)->pgsize_bitmap;
	return bitmap;
}

/* The smallest page size: every IOMMU supports 4 KiB. */
static uint64_t type1_pgsize(struct ioasid_container *c)
{
	uint64_t bitmap = type1_pgsizes(c);

	return bitmap & -bitmap;
}

/* The first mapping ending at or after iova (nr_maps if none). */
static unsigned int type1_first_from(struct ioasid_container *c, uint64_t iova)
{
	unsigned int lo = 0, hi = c->nr_maps;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct dma_mapping *m = &c->maps[mid];

		if (m->iova + (m->size - 1) < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The mapping holding address a, or NULL. */
static struct dma_mapping *type1_find(struct ioasid_container *c, uint64_t a)
{
	unsigned int i = type1_first_from(c, a);

	if (i < c->nr_maps && c->maps[i].iova <= a)
		return &c->maps[i];
	return NULL;
}

static bool type1_overlaps(struct ioasid_container *c, uint64_t iova,
			   uint64_t last)
{
	unsigned int i = type1_first_from(c, iova);

	return i < c->nr_maps && c->maps[i].iova <= last;
}

/* ------------------------------------------------------------------------
 * Domains
 */

static struct container_domain *type1_find_domain(struct ioasid_container *c,
						  struct ioasid_iommu *iommu)
{
	for (unsigned int i = 0; i < c->nr_domains; i++)
		if (c->domains[i]->iommu == iommu)
			return c->domains[i];
	return NULL;
}

/* out = a ∩ b; both ascending and disjoint. out has room for na + nb. */
static unsigned int ranges_intersect(const struct ioasid_iova_range *a,
				     unsigned int na,
				     const struct ioasid_iova_range *b,
				     unsigned int nb, struct ioasid_iova_range *out)
{
	unsigned int i = 0, j = 0, n = 0;

	while (i < na && j < nb) {
		uint64_t start = a[i].start > b[j].start ? a[i].start : b[j].start;
		uint64_t last = a[i].last < b[j].last ? a[i].last : b[j].last;

		if (start <= last)
			out[n++] = (struct ioasid_iova_range){ start, last };
		if (a[i].last < b[j].last)
			i++;
		else
			j++;
	}
	return n;
}

/* r narrowed by the usable ranges of domain, into a new array. */
static int ranges_narrow(const struct ioasid_iova_range *r, unsigned int nr,
			 struct ioasid_domain *domain,
			 struct ioasid_iova_range **outp, unsigned int *nrp)
{
	struct ioasid_iova_range *dr, *out;
	unsigned int ndr;
	int ret = ioasid__container_domain_ranges(domain, &dr, &ndr);

	if (ret)
		return ret;
	out = ioasid__calloc(ndr + nr + 1, sizeof(*out));
	if (out) {
		*nrp = ranges_intersect(r, nr, dr, ndr, out);
		*outp = out;
	}
	ioasid__free(dr);
	return out ? 0 : -ENOMEM;
}

/* The container's ranges narrowed by a new domain's, into a new array. */
static int type1_ranges_with(struct ioasid_container *c,
			     struct ioasid_domain *domain,
			     struct ioasid_iova_range **outp, unsigned int *nrp)
{
	if (!c->nr_domains)
		return ioasid__container_domain_ranges(domain, outp, nrp);
	return ranges_narrow(c->ranges, c->nr_ranges, domain, outp, nrp);
}

static bool type1_maps_fit(struct ioasid_container *c,
			   const struct ioasid_iova_range *r, unsigned int nr)
{
	for (unsigned int i = 0; i < c->nr_maps; i++)
		if (!ioasid__ranges_contain(r, nr, c->maps[i].iova,
					    c->maps[i].iova + c->maps[i].size - 1))
			return false;
	return true;
}

/* Map every existing mapping into a new domain. On failure the caller
 * frees the domain, which drops whatever was mapped into it. */
static int type1_replay(struct ioasid_container *c, struct ioasid_domain *domain)
{
	for (unsigned int i = 0; i < c->nr_maps; i++) {
		const struct dma_mapping *m = &c->maps[i];
		int ret = ioasid__domain_map_held(domain, m->iova, m->vaddr,
						  m->size, m->prot, 0, c);

		if (ret)
			return ret;
	}
	return 0;
}

/* A domain on a new IOMMU for cg, with every mapping replayed. */
static int type1_new_domain(struct ioasid_container *c,
			    struct container_group *cg, struct ioasid_iommu *iommu)
{
	struct container_domain *cd, **arr;
	struct ioasid_iova_range *ranges = NULL;
	unsigned int nr_ranges = 0;
	int ret = -ENOMEM;

	cd = ioasid__calloc(1, sizeof(*cd));
	if (!cd)
		return -ENOMEM;
	arr = ioasid__realloc(c->domains, (c->nr_domains + 1) * sizeof(*arr));
	if (!arr)
		goto free_cd;
	c->domains = arr;
	ret = ioasid__container_domain_alloc(c, iommu, &cd->domain);
	if (ret)
		goto free_cd;
	ret = type1_ranges_with(c, cd->domain, &ranges, &nr_ranges);
	if (ret)
		goto free_domain;
	ret = -EINVAL;
	if (!type1_maps_fit(c, ranges, nr_ranges))
		goto free_ranges;
	ret = type1_replay(c, cd->domain);
	if (!ret)
		ret = ioasid__container_group_attach(c, cg->group, cd->domain);
	if (ret)
		goto free_ranges; /* freeing the domain drops the replay */
	cd->iommu = iommu;
	cd->nr_groups = 1;
	cg->cd = cd;
	c->domains[c->nr_domains++] = cd;
	ioasid__free(c->ranges);
	c->ranges = ranges;
	c->nr_ranges = nr_ranges;
	return 0;
free_ranges:
	ioasid__free(ranges);
free_domain:
	ioasid__container_domain_free(c, cd->domain);
free_cd:
	ioasid__free(cd);
	return ret;
}

static int type1_attach_group(struct ioasid_container *c,
			      struct container_group *cg)
{
	struct container_domain *cd;
	struct ioasid_iommu *iommu;
	int ret = ioasid__container_group_iommu(cg->group, &iommu);

	if (ret)
		return ret;
	cd = type1_find_domain(c, iommu);
	if (!cd)
		return type1_new_domain(c, cg, iommu);
	ret = ioasid__container_group_attach(c, cg->group, cd->domain);
	if (ret)
		return ret;
	cd->nr_groups++;
	cg->cd = cd;
	return 0;
}

/* Recompute the usable ranges after a domain left. On allocation failure
 * the old ranges stay: they are a subset of the new ones, so every check
 * made against them remains safe. */
static void type1_ranges_refresh(struct ioasid_container *c)
{
	struct ioasid_iova_range *ranges = NULL, *next;
	unsigned int nr = 0;

	for (unsigned int i = 0; i < c->nr_domains; i++) {
		struct ioasid_domain *domain = c->domains[i]->domain;
		int ret = i ? ranges_narrow(ranges, nr, domain, &next, &nr) :
			      ioasid__container_domain_ranges(domain, &next, &nr);

		ioasid__free(ranges);
		if (ret)
			return;
		ranges = next;
	}
	ioasid__free(c->ranges);
	c->ranges = ranges;
	c->nr_ranges = nr;
}

static void type1_drop_domain(struct ioasid_container *c,
			      struct container_domain *cd)
{
	unsigned int i;

	for (i = 0; i < c->nr_domains && c->domains[i] != cd; i++)
		;
	memmove(&c->domains[i], &c->domains[i + 1],
		(c->nr_domains - i - 1) * sizeof(c->domains[0]));
	c->nr_domains--;
	/* Its groups and PASIDs are detached, and nobody else can attach a
	 * domain the container holds: this cannot fail. */
	ioasid__container_domain_free(c, cd->domain);
	ioasid__free(cd);
	type1_ranges_refresh(c);
}

static void type1_detach_group(struct ioasid_container *c,
			       struct container_group *cg)
{
	struct container_domain *cd = cg->cd;

	if (!cd)
		return;
	ioasid__container_group_detach(c, cg->group);
	cg->cd = NULL;
	if (--cd->nr_groups == 0)
		type1_drop_domain(c, cd);
}

static int type1_check_extension(uint32_t ext)
{
	return ext == IOASID_VFIO_TYPE1v2_IOMMU || ext == IOASID_VFIO_UNMAP_ALL;
}

static void type1_get_info(struct ioasid_container *c,
			   struct ioasid_container_info *info)
{
	info->flags = IOASID_CONTAINER_INFO_PGSIZES |
		      IOASID_CONTAINER_INFO_IOVA_RANGES |
		      IOASID_CONTAINER_INFO_DMA_AVAIL;
	info->iova_pgsizes = type1_pgsizes(c);
	info->nr_iova_ranges = c->nr_ranges;
	for (unsigned int i = 0;
	     i < c->nr_ranges && i < IOASID_CONTAINER_MAX_IOVA_RANGES; i++)
		info->iova_ranges[i] = c->ranges[i];
	info->dma_avail = c->nr_maps < c->dma_limit ? c->dma_limit - c->nr_maps : 0;
	info->nr_mappings = c->nr_maps;
	for (unsigned int i = 0; i < c->nr_maps; i++)
		info->mapped_bytes += c->maps[i].size;
}

/* ------------------------------------------------------------------------
 * MAP_DMA / UNMAP_DMA
 */

/* The model's checks after the shared ones; *protp gets the protection. */
static int type1_map_check(struct ioasid_container *c,
			   const struct ioasid_dma_map *map, uint32_t *protp)
{
	uint64_t last = map->iova + map->size - 1;
	int ret = ioasid__container_map_prot(map->flags, protp);

	if (!ret)
		ret = ioasid__container_range_check(map->iova, map->size, map->vaddr,
						    type1_pgsize(c));
	if (ret)
		return ret;
	if (type1_overlaps(c, map->iova, last))
		return -EEXIST;
	if (c->nr_maps >= c->dma_limit)
		return -ENOSPC;
	if (!ioasid__ranges_contain(c->ranges, c->nr_ranges, map->iova, last))
		return -EINVAL;
	return 0;
}

static int type1_maps_reserve(struct ioasid_container *c)
{
	struct dma_mapping *arr;
	unsigned int cap;

	if (c->nr_maps < c->cap_maps)
		return 0;
	cap = c->cap_maps ? c->cap_maps * 2 : 16;
	arr = ioasid__realloc(c->maps, cap * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	c->maps = arr;
	c->cap_maps = cap;
	return 0;
}

/* Map into every domain, or none. */
static int type1_map_domains(struct ioasid_container *c,
			     const struct dma_mapping *m)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < c->nr_domains; i++) {
		ret = ioasid__domain_map_held(c->domains[i]->domain, m->iova,
					      m->vaddr, m->size, m->prot, 0, c);
		if (ret)
			break;
	}
	if (ret)
		while (i--)
			ioasid__domain_unmap_held(c->domains[i]->domain, m->iova,
						  m->size, 0, NULL, c);
	return ret;
}

static int type1_map(struct ioasid_container *c, const struct ioasid_dma_map *map)
{
	struct dma_mapping m = {
		.iova = map->iova,
		.size = map->size,
		.vaddr = map->vaddr,
	};
	unsigned int at;
	int ret = type1_map_check(c, map, &m.prot);

	if (!ret)
		ret = type1_maps_reserve(c);
	if (!ret)
		ret = type1_map_domains(c, &m);
	if (ret)
		return ret;
	at = type1_first_from(c, m.iova);
	memmove(&c->maps[at + 1], &c->maps[at], (c->nr_maps - at) * sizeof(m));
	c->maps[at] = m;
	c->nr_maps++;
	return 0;
}

static int type1_unmap_check(struct ioasid_container *c,
			     const struct ioasid_dma_unmap *unmap, uint64_t *lastp)
{
	uint64_t pgsize = type1_pgsize(c);
	struct dma_mapping *m;

	if (unmap->flags & ~IOASID_DMA_UNMAP_FLAG_ALL)
		return -EOPNOTSUPP;
	if (unmap->iova & (pgsize - 1))
		return -EINVAL;
	if (unmap->flags & IOASID_DMA_UNMAP_FLAG_ALL) {
		*lastp = UINT64_MAX;
		return unmap->iova || unmap->size ? -EINVAL : 0;
	}
	if (!unmap->size || (unmap->size & (pgsize - 1)))
		return -EINVAL;
	*lastp = unmap->iova + unmap->size - 1;
	if (*lastp < unmap->iova)
		return -EOVERFLOW;
	/* v2: no mapping may be bisected by either end of the range. */
	m = type1_find(c, unmap->iova);
	if (m && m->iova != unmap->iova)
		return -EINVAL;
	m = type1_find(c, *lastp);
	if (m && m->iova + m->size - 1 != *lastp)
		return -EINVAL;
	return 0;
}

static int type1_unmap(struct ioasid_container *c,
		       const struct ioasid_dma_unmap *unmap, uint64_t *unmapped)
{
	unsigned int lo, hi;
	uint64_t last;
	int ret = type1_unmap_check(c, unmap, &last);

	if (ret)
		return ret;
	lo = type1_first_from(c, unmap->iova);
	for (hi = lo; hi < c->nr_maps && c->maps[hi].iova <= last; hi++) {
		const struct dma_mapping *m = &c->maps[hi];

		for (unsigned int d = 0; d < c->nr_domains; d++)
			ioasid__domain_unmap_held(c->domains[d]->domain,
						  m->iova, m->size, 0, NULL, c);
		*unmapped += m->size;
	}
	if (hi == lo)
		return 0; /* nothing in range; maps may still be NULL */
	memmove(&c->maps[lo], &c->maps[hi], (c->nr_maps - hi) * sizeof(c->maps[0]));
	c->nr_maps -= hi - lo;
	return 0;
}

const struct container_ops ioasid__container_type1_ops = {
	.type = IOASID_VFIO_TYPE1v2_IOMMU,
	.pasids = true,
	.attach_group = type1_attach_group,
	.detach_group = type1_detach_group,
	.check_extension = type1_check_extension,
	.get_info = type1_get_info,
	.map = type1_map,
	.unmap = type1_unmap,
};
