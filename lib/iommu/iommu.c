// SPDX-License-Identifier: MIT
/*
 * IOMMU instances: capabilities, the DMA translation path and the public
 * IOTLB controls.
 *
 * An instance is immutable after allocation except for its IOTLB, so the
 * translate path reads it freely. Translation of a PAGING domain tries the
 * IOTLB (no lock, no RCU section: an entry carries its own data) and on a
 * miss hands over to the domain's page-table walk, which fills the IOTLB.
 * IDENTITY and BLOCKED domains have nothing to cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/domain_internal.h"
#include "iommu/iommu_priv.h"
#include "util/alloc.h"

#define PGSIZE_ALL (IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M | IOASID_PAGE_SIZE_1G)
#define CAP_FLAGS_ALL (IOASID_IOMMU_CAP_PRI | IOASID_IOMMU_CAP_NESTING)

static const struct ioasid_iova_range default_reserved[] = {
	{ IOASID_MSI_WINDOW_START, IOASID_MSI_WINDOW_LAST },
};

void ioasid_iommu_caps_init(struct ioasid_iommu_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->pasid_bits = IOASID_IOMMU_PASID_BITS_MAX;
	caps->addr_width = 48;
	caps->pgsize_bitmap = PGSIZE_ALL;
	caps->nr_reserved = 1;
	caps->reserved = default_reserved;
	caps->flags = CAP_FLAGS_ALL;
}

/* ------------------------------------------------------------------------
 * Capability checks
 */

static unsigned int width_levels(uint32_t addr_width)
{
	switch (addr_width) {
	case 39:
		return 3;
	case 48:
		return 4;
	case 57:
		return 5;
	default:
		return 0;
	}
}

static bool range_page_granular(const struct ioasid_iova_range *r)
{
	return r->start <= r->last && !(r->start & (IOASID_PAGE_SIZE_4K - 1)) &&
	       (r->last & (IOASID_PAGE_SIZE_4K - 1)) == IOASID_PAGE_SIZE_4K - 1;
}

static int caps_check_aperture(const struct ioasid_iommu_caps *caps)
{
	uint64_t top = (1ull << caps->addr_width) - 1;

	if (!caps->aperture.last)
		return caps->aperture.start ? -EINVAL : 0;
	if (!range_page_granular(&caps->aperture) || caps->aperture.last > top)
		return -EINVAL;
	return 0;
}

static int caps_check(const struct ioasid_iommu_caps *caps)
{
	uint32_t i;

	if (caps->flags & ~CAP_FLAGS_ALL)
		return -EOPNOTSUPP;
	if (caps->pasid_bits > IOASID_IOMMU_PASID_BITS_MAX || !width_levels(caps->addr_width))
		return -EINVAL;
	if (!(caps->pgsize_bitmap & IOASID_PAGE_SIZE_4K) || (caps->pgsize_bitmap & ~PGSIZE_ALL))
		return -EINVAL;
	if (caps->iotlb_entries && (caps->iotlb_entries & (caps->iotlb_entries - 1) ||
				    caps->iotlb_entries < IOASID__IOTLB_ENTRIES_MIN ||
				    caps->iotlb_entries > IOASID__IOTLB_ENTRIES_MAX))
		return -EINVAL;
	if (caps->nr_reserved && !caps->reserved)
		return -EINVAL;
	for (i = 0; i < caps->nr_reserved; i++) {
		if (!range_page_granular(&caps->reserved[i]))
			return -EINVAL;
	}
	return caps_check_aperture(caps);
}

static int range_cmp(const void *a, const void *b)
{
	const struct ioasid_iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Copy caps into iommu, owning the name and reserved array. */
static int caps_copy(struct ioasid_iommu *iommu, const struct ioasid_iommu_caps *caps)
{
	size_t bytes = caps->nr_reserved * sizeof(*iommu->reserved);

	iommu->caps = *caps;
	iommu->name = ioasid__strdup(caps->name ? caps->name : "");
	if (!iommu->name)
		return -ENOMEM;
	if (bytes) {
		iommu->reserved = ioasid__malloc(bytes);
		if (!iommu->reserved)
			return -ENOMEM;
		memcpy(iommu->reserved, caps->reserved, bytes);
		qsort(iommu->reserved, caps->nr_reserved, sizeof(*iommu->reserved), range_cmp);
	}
	iommu->caps.name = iommu->name;
	iommu->caps.reserved = iommu->reserved;
	if (!iommu->caps.aperture.last)
		iommu->caps.aperture.last = (1ull << caps->addr_width) - 1;
	if (!iommu->caps.iotlb_entries)
		iommu->caps.iotlb_entries = IOASID_IOTLB_ENTRIES_DEFAULT;
	iommu->pasid_limit = 1u << caps->pasid_bits;
	iommu->levels = width_levels(caps->addr_width);
	return 0;
}

/* ------------------------------------------------------------------------
 * Life cycle
 */

int ioasid_iommu_alloc(const struct ioasid_iommu_caps *caps,
		       struct ioasid_iommu **iommup)
{
	struct ioasid_iommu *iommu;
	int ret;

	ret = caps_check(caps);
	if (ret)
		return ret;
	iommu = ioasid__calloc(1, sizeof(*iommu));
	if (!iommu)
		return -ENOMEM;
	ret = caps_copy(iommu, caps);
	if (ret)
		goto err_free_caps;
	ret = ioasid__iotlb_init(&iommu->iotlb, iommu->caps.iotlb_entries);
	if (ret)
		goto err_free_caps;
	ret = -pthread_mutex_init(&iommu->reclaim.lock, NULL);
	if (ret)
		goto err_destroy_iotlb;
	ret = ioasid__pt_cache_init(&iommu->ptcache);
	if (ret)
		goto err_destroy_reclaim;
	*iommup = iommu;
	return 0;

err_destroy_reclaim:
	pthread_mutex_destroy(&iommu->reclaim.lock);
err_destroy_iotlb:
	ioasid__iotlb_destroy(&iommu->iotlb);
err_free_caps:
	ioasid__free(iommu->reserved);
	ioasid__free(iommu->name);
	ioasid__free(iommu);
	return ret;
}

void ioasid_iommu_free(struct ioasid_iommu *iommu)
{
	if (!iommu)
		return;
	ioasid__reclaim_flush(iommu);
	ioasid__pt_cache_destroy(&iommu->ptcache);
	pthread_mutex_destroy(&iommu->reclaim.lock);
	ioasid__iotlb_destroy(&iommu->iotlb);
	ioasid__free(iommu->reserved);
	ioasid__free(iommu->name);
	ioasid__free(iommu);
}

const struct ioasid_iommu_caps *ioasid_iommu_caps(const struct ioasid_iommu *iommu)
{
	return &iommu->caps;
}

bool ioasid__iommu_range_reserved(const struct ioasid_iommu *iommu, uint64_t start,
				  uint64_t last)
{
	uint32_t i;

	for (i = 0; i < iommu->caps.nr_reserved; i++) {
		const struct ioasid_iova_range *r = &iommu->reserved[i];

		if (r->start <= last && start <= r->last)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Translation
 */

static bool translate_args_ok(const struct ioasid_iommu *iommu,
			      const struct ioasid_domain *dom, uint32_t pasid,
			      uint32_t access)
{
	return dom->iommu == iommu && pasid < iommu->pasid_limit && access &&
	       !(access & ~(uint32_t)(IOASID_ACCESS_READ | IOASID_ACCESS_WRITE));
}

static int translate_identity(struct ioasid_domain *dom, uint32_t devid, uint32_t pasid,
			      uint64_t iova, uint32_t access, uint64_t *phys)
{
	if (iova < dom->aperture.start || iova > dom->aperture.last ||
	    ioasid__iommu_range_reserved(dom->iommu, iova, iova))
		return ioasid__domain_fault(dom, devid, pasid, iova, access,
					    IOASID_FAULT_RESERVED, -EFAULT);
	*phys = iova;
	return 0;
}

/* Translation through an IDENTITY or BLOCKED domain. */
static __attribute__((noinline, cold)) int
translate_unpaged(struct ioasid_domain *dom, uint32_t devid, uint32_t pasid,
		  uint64_t iova, uint32_t access, uint64_t *phys)
{
	if (dom->type == IOASID_DOMAIN_IDENTITY)
		return translate_identity(dom, devid, pasid, iova, access, phys);
	return ioasid__domain_fault(dom, devid, pasid, iova, access,
				    IOASID_FAULT_BLOCKED, -EFAULT);
}

/* An IOTLB miss: count it, walk and fill. Kept out of the hit path. */
static __attribute__((noinline, cold)) int
translate_miss(struct ioasid_iommu *iommu, struct ioasid_domain *dom, uint32_t devid,
	       uint32_t pasid, uint64_t iova, uint32_t access, uint64_t *phys)
{
	ioasid__iotlb_count_miss(&iommu->iotlb);
	return ioasid__domain_translate_walk(dom, devid, pasid, iova, access, phys);
}

/* A hit whose permissions refuse the access. */
static __attribute__((noinline, cold)) int
translate_denied(struct ioasid_domain *dom, uint32_t devid, uint32_t pasid,
		 uint64_t iova, uint32_t access)
{
	ioasid__iotlb_count_hit(&dom->iommu->iotlb);
	return ioasid__domain_fault(dom, devid, pasid, iova, access,
				    IOASID_FAULT_PERMISSION, -EACCES);
}

int ioasid_iommu_translate(struct ioasid_iommu *iommu, struct ioasid_domain *dom,
			   uint32_t devid, uint32_t pasid, uint64_t iova,
			   uint32_t access, uint64_t *phys)
{
	uint64_t data;

	if (__builtin_expect(!translate_args_ok(iommu, dom, pasid, access), 0))
		return -EINVAL;
	if (__builtin_expect(dom->type != IOASID_DOMAIN_PAGING, 0))
		return translate_unpaged(dom, devid, pasid, iova, access, phys);
	if (__builtin_expect(!ioasid__iotlb_lookup(&iommu->iotlb,
						   __atomic_load_n(&dom->iotlb_tag,
								   __ATOMIC_ACQUIRE),
						   pasid, iova >> IOASID_PAGE_SHIFT, &data),
			     0))
		return translate_miss(iommu, dom, devid, pasid, iova, access, phys);
	if (__builtin_expect((data & access) != access, 0))
		return translate_denied(dom, devid, pasid, iova, access);
	*phys = (data & IOASID__PTE_ADDR) | (iova & (IOASID_PAGE_SIZE_4K - 1));
	ioasid__iotlb_count_hit(&iommu->iotlb);
	return 0;
}

/* ------------------------------------------------------------------------
 * IOTLB controls
 */

static int inv_check(const struct ioasid_iommu *iommu, const struct ioasid_iotlb_inv *inv)
{
	uint64_t last;

	if (inv->granule > IOASID_IOTLB_INV_ADDR || inv->__reserved ||
	    (inv->flags & ~IOASID_IOTLB_INV_F_ALL_PASIDS) ||
	    (inv->flags && inv->granule != IOASID_IOTLB_INV_ADDR))
		return -EOPNOTSUPP;
	if (inv->granule == IOASID_IOTLB_INV_GLOBAL)
		return 0;
	if (inv->domain ? inv->domain->iommu != iommu : inv->granule != IOASID_IOTLB_INV_PASID)
		return -EINVAL;
	if ((inv->granule == IOASID_IOTLB_INV_PASID ||
	     (inv->granule == IOASID_IOTLB_INV_ADDR && !inv->flags)) &&
	    inv->pasid >= iommu->pasid_limit)
		return -EINVAL;
	if (inv->granule != IOASID_IOTLB_INV_ADDR)
		return 0;
	if (!inv->length)
		return -EINVAL;
	return __builtin_add_overflow(inv->iova, inv->length - 1, &last) ? -EOVERFLOW : 0;
}

static uint64_t domain_tag(const struct ioasid_domain *dom)
{
	return __atomic_load_n(&dom->iotlb_tag, __ATOMIC_ACQUIRE);
}

int ioasid_iommu_iotlb_invalidate(struct ioasid_iommu *iommu,
				  const struct ioasid_iotlb_inv *inv)
{
	int ret = inv_check(iommu, inv);

	if (ret)
		return ret;
	switch (inv->granule) {
	case IOASID_IOTLB_INV_GLOBAL:
		ioasid__iotlb_inv_all(&iommu->iotlb);
		break;
	case IOASID_IOTLB_INV_DOMAIN:
		ioasid__domain_iotlb_flush(inv->domain, IOASID__PASID_ALL);
		break;
	case IOASID_IOTLB_INV_PASID:
		ioasid__iotlb_inv_pasid(&iommu->iotlb, inv->domain ? domain_tag(inv->domain) : 0,
					inv->pasid);
		break;
	default:
		ioasid__iotlb_inv_range(&iommu->iotlb, domain_tag(inv->domain),
					inv->flags ? IOASID__IOTLB_ANY_PASID : inv->pasid,
					inv->iova >> IOASID_PAGE_SHIFT,
					(inv->iova + inv->length - 1) >> IOASID_PAGE_SHIFT);
		break;
	}
	return 0;
}

void ioasid_iommu_iotlb_stats(struct ioasid_iommu *iommu, struct ioasid_iotlb_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	ioasid__iotlb_read_stats(&iommu->iotlb, &stats->hits, &stats->misses, &stats->fills,
				 &stats->invalidations);
	stats->entries = iommu->caps.iotlb_entries;
	stats->ways = IOASID__IOTLB_WAYS;
}
