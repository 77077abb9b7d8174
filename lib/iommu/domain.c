// SPDX-License-Identifier: MIT
/*
 * Domains: I/O address spaces with IOAS (iommufd) area rules on top of the
 * page table.
 *
 * Areas are not stored anywhere but in the START bit of their first leaf
 * (pgtable.h): an area runs from a START leaf up to the next START leaf or
 * hole. That is all the unmap rules need: a range [iova, last] cuts an
 * area exactly when the leaf holding iova is present but is not the START
 * leaf beginning at iova, or the leaf holding last is present and either
 * does not end at last or is followed by a present leaf that is not START.
 * Three walks answer it, and areas cost no memory.
 *
 * Every change runs under dom->lock and is checked before it is made, so a
 * failing call changes nothing: map checks the range is empty and then
 * lets the page table prepare and commit; unmap checks the area rules (and
 * allocates any split tables) before it clears a single entry. The IOTLB is
 * invalidated before unmap returns; page tables that an unmap (or a failed
 * map) unlinks go back to the IOMMU's table cache only after an RCU grace
 * period because ioasid_iommu_translate() walks without the lock.
 *
 * A domain private to a holder (a container's, domain_internal.h) is
 * changed only by the _held calls that name it; the public calls pass no
 * holder, so they refuse it with -EPERM before looking at anything else
 * (free: after -EBUSY, which an attached domain answers whoever asks). The
 * holder is constant once the domain is visible, so the check needs no
 * lock.
 */
#include <errno.h>
#include <string.h>

#include <urcu-bp.h>

#include "iommu/domain_internal.h"
#include "iommu/iommu_priv.h"
#include "util/alloc.h"

#define PAGE_MASK_4K (IOASID_PAGE_SIZE_4K - 1)

/* ------------------------------------------------------------------------
 * Deferred reclaim of unlinked tables
 *
 * Tables unlinked by unmap (or by a failed map) may still be read by a
 * concurrent translate, so they go on the IOMMU's reclaim list. Once the
 * list holds IOASID__RECLAIM_BATCH tables, the thread that filled it takes
 * the whole list, waits for one grace period and gives it back to the
 * IOMMU's table cache (ptcache.h): one synchronize_rcu() per batch keeps
 * unmap cheap. No allocation, no helper
 * thread (call_rcu() is not used: its hand-off is invisible to TSan).
 */

#ifdef IOASID__TSAN
char ioasid__rcu_tsan_sync;
#endif

static void reclaim_free_after_grace(struct ioasid_iommu *iommu,
				     struct ioasid__pt_reclaim *rc)
{
	if (!rc->head)
		return;
	ioasid__rcu_synchronize();
	ioasid__pt_cache_put_list(&iommu->ptcache, rc);
}

/* Queue rc's tables; free the queue if it is full. Called without dom->lock. */
static void reclaim_defer(struct ioasid_iommu *iommu, struct ioasid__pt_reclaim *rc)
{
	struct ioasid__reclaim *r = &iommu->reclaim;
	struct ioasid__pt_reclaim full = { 0 };

	if (!rc->head)
		return;
	pthread_mutex_lock(&r->lock);
	ioasid__pt_reclaim_splice(&r->tables, rc);
	if (r->tables.count >= IOASID__RECLAIM_BATCH)
		ioasid__pt_reclaim_splice(&full, &r->tables);
	pthread_mutex_unlock(&r->lock);
	reclaim_free_after_grace(iommu, &full);
}

void ioasid__reclaim_flush(struct ioasid_iommu *iommu)
{
	struct ioasid__reclaim *r = &iommu->reclaim;
	struct ioasid__pt_reclaim all = { 0 };

	pthread_mutex_lock(&r->lock);
	ioasid__pt_reclaim_splice(&all, &r->tables);
	pthread_mutex_unlock(&r->lock);
	reclaim_free_after_grace(iommu, &all);
}

/* ------------------------------------------------------------------------
 * Life cycle
 */

static void domain_release(struct ioasid_domain *dom)
{
	ioasid__pgtable_destroy(&dom->pt);
	ioasid__fault_ring_destroy(&dom->faults);
	pthread_mutex_destroy(&dom->lock);
	ioasid__free(dom);
}

static int domain_init_paging(struct ioasid_domain *dom)
{
	struct ioasid_iommu *iommu = dom->iommu;

	return ioasid__pgtable_init(&dom->pt, &iommu->ptcache, iommu->levels,
				    iommu->caps.pgsize_bitmap);
}

int ioasid_domain_alloc(struct ioasid_iommu *iommu, enum ioasid_domain_type type,
			uint32_t flags, struct ioasid_domain **domp)
{
	struct ioasid_domain *dom;
	int ret;

	if (flags || (unsigned int)type > IOASID_DOMAIN_BLOCKED)
		return -EOPNOTSUPP;
	dom = ioasid__calloc(1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	dom->iommu = iommu;
	dom->type = type;
	dom->aperture = iommu->caps.aperture;
	if (type == IOASID_DOMAIN_PAGING) {
		ret = domain_init_paging(dom);
		if (ret)
			goto err_free_dom;
	}
	ret = ioasid__fault_ring_init(&dom->faults);
	if (ret)
		goto err_destroy_pgtable;
	ret = -pthread_mutex_init(&dom->lock, NULL);
	if (ret)
		goto err_destroy_faults;
	dom->iotlb_tag = ioasid__iotlb_tag_alloc(&iommu->iotlb);
	*domp = dom;
	return 0;

err_destroy_faults:
	ioasid__fault_ring_destroy(&dom->faults);
err_destroy_pgtable:
	ioasid__pgtable_destroy(&dom->pt);
err_free_dom:
	ioasid__free(dom);
	return ret;
}

int ioasid__domain_free_held(struct ioasid_domain *dom, const void *holder)
{
	int ret = 0;

	if (!dom)
		return 0;
	pthread_mutex_lock(&dom->lock);
	/* An attached domain is busy whoever asks, as it always was. */
	if (dom->attachments)
		ret = -EBUSY;
	else if (dom->holder != holder)
		ret = -EPERM;
	else
		dom->dying = true;
	pthread_mutex_unlock(&dom->lock);
	if (ret)
		return ret;
	/*
	 * Translations that found the domain before it was detached may still
	 * walk its tables. The domain's tag is never reused, so its IOTLB
	 * entries can no longer match afterwards; they age out as victims.
	 */
	ioasid__rcu_synchronize();
	domain_release(dom);
	return 0;
}

int ioasid_domain_free(struct ioasid_domain *dom)
{
	return ioasid__domain_free_held(dom, NULL);
}

enum ioasid_domain_type ioasid_domain_type(const struct ioasid_domain *dom)
{
	return dom->type;
}

struct ioasid_iommu *ioasid_domain_iommu(const struct ioasid_domain *dom)
{
	return dom->iommu;
}

/* ------------------------------------------------------------------------
 * Map
 */

static int map_check_args(const struct ioasid_domain *dom, uint64_t iova, uint64_t phys,
			  uint64_t length, uint32_t prot, uint32_t flags)
{
	uint64_t last, phys_last;

	if (flags || (prot & ~(uint32_t)(IOASID_PROT_READ | IOASID_PROT_WRITE)))
		return -EOPNOTSUPP;
	if (!(prot & (IOASID_PROT_READ | IOASID_PROT_WRITE)))
		return -EINVAL;
	if (dom->type != IOASID_DOMAIN_PAGING || !length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last) ||
	    __builtin_add_overflow(phys, length - 1, &phys_last))
		return -EOVERFLOW;
	if ((iova | phys | length) & PAGE_MASK_4K || phys_last >= IOASID_PHYS_LIMIT)
		return -EINVAL;
	if (iova < dom->aperture.start || last > dom->aperture.last)
		return -EINVAL;
	if (ioasid__iommu_range_reserved(dom->iommu, iova, last))
		return -EINVAL;
	return 0;
}

int ioasid__domain_map_held(struct ioasid_domain *dom, uint64_t iova,
			    uint64_t phys, uint64_t length, uint32_t prot,
			    uint32_t flags, const void *holder)
{
	struct ioasid__pt_reclaim rc = { 0 };
	uint64_t last = iova + length - 1;
	int ret;

	if (dom->holder != holder)
		return -EPERM;
	ret = map_check_args(dom, iova, phys, length, prot, flags);
	if (ret)
		return ret;
	pthread_mutex_lock(&dom->lock);
	/* The IOTLB caches no faults, so filling a hole needs no invalidation. */
	ret = length == IOASID_PAGE_SIZE_4K ?
		      ioasid__pgtable_map_page(&dom->pt, iova, phys, prot) : -EAGAIN;
	if (ret == -EAGAIN) {
		if (!ioasid__pgtable_range_empty(&dom->pt, iova, last))
			ret = -EEXIST;
		else
			ret = ioasid__pgtable_map(&dom->pt, iova, last, phys, prot, &rc);
	}
	if (!ret) {
		dom->mapped_bytes += length;
		dom->nr_areas++;
	}
	pthread_mutex_unlock(&dom->lock);
	reclaim_defer(dom->iommu, &rc);
	return ret;
}

int ioasid_domain_map(struct ioasid_domain *dom, uint64_t iova, uint64_t phys,
		      uint64_t length, uint32_t prot, uint32_t flags)
{
	return ioasid__domain_map_held(dom, iova, phys, length, prot, flags, NULL);
}

/* ------------------------------------------------------------------------
 * Unmap
 */

static int unmap_check_args(const struct ioasid_domain *dom, uint64_t iova,
			    uint64_t length, uint32_t flags)
{
	uint64_t last;

	if (flags & ~IOASID_UNMAP_SPLIT)
		return -EOPNOTSUPP;
	if (!length || dom->type != IOASID_DOMAIN_PAGING)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	if ((flags & IOASID_UNMAP_SPLIT) && ((iova | length) & PAGE_MASK_4K))
		return -EINVAL;
	return 0;
}

/* True if [iova, last] cuts through an area (see the comment at the top). */
static bool range_cuts_area(const struct ioasid_domain *dom, uint64_t iova, uint64_t last)
{
	struct ioasid__pt_leaf leaf;

	ioasid__pgtable_walk(&dom->pt, iova, &leaf);
	if (leaf.pte && (leaf.base != iova || !(leaf.pte & IOASID__PTE_START)))
		return true;
	ioasid__pgtable_walk(&dom->pt, last, &leaf);
	if (!leaf.pte)
		return false;
	if (last != leaf.base + leaf.size - 1)
		return true;
	if (last == dom->aperture.last)
		return false;
	ioasid__pgtable_walk(&dom->pt, last + 1, &leaf);
	return leaf.pte && !(leaf.pte & IOASID__PTE_START);
}

/*
 * Make iova and last + 1 leaf boundaries and area starts, so the range can
 * be cleared without cutting anything. All tables are allocated first.
 */
static int unmap_split_ends(struct ioasid_domain *dom, uint64_t iova, uint64_t last)
{
	struct ioasid__pt_reclaim spare = { 0 };
	bool right = last < dom->aperture.last;
	unsigned int need;
	int ret;

	need = ioasid__pgtable_split_need(&dom->pt, iova);
	if (right)
		need += ioasid__pgtable_split_need(&dom->pt, last + 1);
	ret = ioasid__pgtable_spare_alloc(&dom->pt, &spare, need);
	if (ret)
		return ret;
	ioasid__pgtable_split_at(&dom->pt, iova, &spare);
	if (right) {
		ioasid__pgtable_split_at(&dom->pt, last + 1, &spare);
		dom->nr_areas += ioasid__pgtable_mark_start(&dom->pt, last + 1);
	}
	/* Spares are left when both ends were in one leaf; never linked. */
	ioasid__pt_cache_put_list(dom->pt.cache, &spare);
	return 0;
}

/*
 * Check the rules for [iova, last] (clipped to the aperture) and clear it:
 * without split, cutting an area or finding nothing is -ENOENT; with it,
 * cut areas and huge leaves are split as needed.
 */
static int unmap_locked(struct ioasid_domain *dom, uint64_t iova, uint64_t last,
			bool split, struct ioasid__pt_reclaim *rc,
			uint64_t *bytes)
{
	uint64_t areas = 0;
	int ret;

	if (!(iova & PAGE_MASK_4K) && last - iova == PAGE_MASK_4K &&
	    ioasid__pgtable_unmap_page(&dom->pt, iova)) {
		*bytes = IOASID_PAGE_SIZE_4K;
		areas = 1;
		goto out_invalidate;
	}
	if ((!split && range_cuts_area(dom, iova, last)) ||
	    ioasid__pgtable_range_empty(&dom->pt, iova, last))
		return -ENOENT;
	if (split) {
		ret = unmap_split_ends(dom, iova, last);
		if (ret)
			return ret;
	}
	*bytes = ioasid__pgtable_unmap(&dom->pt, iova, last, rc, &areas);
out_invalidate:
	dom->mapped_bytes -= *bytes;
	dom->nr_areas -= areas;
	ioasid__iotlb_inv_range(&dom->iommu->iotlb,
				__atomic_load_n(&dom->iotlb_tag, __ATOMIC_RELAXED),
				IOASID__IOTLB_ANY_PASID, iova >> IOASID_PAGE_SHIFT,
				last >> IOASID_PAGE_SHIFT);
	return 0;
}

/* Check the holder and the arguments, clip to the aperture, unmap under
 * the lock. */
int ioasid__domain_unmap_held(struct ioasid_domain *dom, uint64_t iova,
			      uint64_t length, uint32_t flags, uint64_t *unmapped,
			      const void *holder)
{
	struct ioasid__pt_reclaim rc = { 0 };
	uint64_t last = iova + length - 1, bytes = 0;
	int ret = -EPERM;

	if (dom->holder == holder)
		ret = unmap_check_args(dom, iova, length, flags);
	if (ret)
		goto out;
	ret = -ENOENT;
	/* Nothing is mapped outside the aperture: clip to it. */
	if (iova < dom->aperture.start)
		iova = dom->aperture.start;
	if (last > dom->aperture.last)
		last = dom->aperture.last;
	if (iova <= last) {
		pthread_mutex_lock(&dom->lock);
		ret = unmap_locked(dom, iova, last, flags & IOASID_UNMAP_SPLIT,
				   &rc, &bytes);
		pthread_mutex_unlock(&dom->lock);
	}
	reclaim_defer(dom->iommu, &rc);
out:
	if (unmapped)
		*unmapped = bytes;
	return ret;
}

int ioasid_domain_unmap(struct ioasid_domain *dom, uint64_t iova,
			uint64_t length, uint32_t flags, uint64_t *unmapped)
{
	return ioasid__domain_unmap_held(dom, iova, length, flags, unmapped, NULL);
}

/* ------------------------------------------------------------------------
 * Lookups
 */

int ioasid_domain_iova_to_phys(struct ioasid_domain *dom, uint64_t iova,
			       uint64_t *phys)
{
	struct ioasid__pt_leaf leaf;

	if (iova < dom->aperture.start || iova > dom->aperture.last)
		return -ENOENT;
	if (dom->type == IOASID_DOMAIN_IDENTITY) {
		if (ioasid__iommu_range_reserved(dom->iommu, iova, iova))
			return -ENOENT;
		*phys = iova;
		return 0;
	}
	if (dom->type != IOASID_DOMAIN_PAGING)
		return -ENOENT;
	rcu_read_lock();
	ioasid__pgtable_walk(&dom->pt, iova, &leaf);
	ioasid__rcu_read_unlock();
	if (!leaf.pte)
		return -ENOENT;
	*phys = (leaf.pte & IOASID__PTE_ADDR) + (iova - leaf.base);
	return 0;
}

int ioasid__domain_translate_walk(struct ioasid_domain *dom, uint32_t devid,
				  uint32_t pasid, uint64_t iova, uint32_t access,
				  uint64_t *phys)
{
	struct ioasid__iotlb *tlb = &dom->iommu->iotlb;
	uint64_t tag, epoch, page_phys;
	struct ioasid__pt_leaf leaf;

	if (iova < dom->aperture.start || iova > dom->aperture.last)
		return ioasid__domain_fault(dom, devid, pasid, iova, access,
					    IOASID_FAULT_RESERVED, -EFAULT);
	tag = __atomic_load_n(&dom->iotlb_tag, __ATOMIC_ACQUIRE);
	epoch = ioasid__iotlb_epoch(tlb);
	rcu_read_lock();
	ioasid__pgtable_walk(&dom->pt, iova, &leaf);
	ioasid__rcu_read_unlock();
	if (!leaf.pte)
		return ioasid__domain_fault(dom, devid, pasid, iova, access,
					    ioasid__iommu_range_reserved(dom->iommu, iova, iova) ?
						    IOASID_FAULT_RESERVED : IOASID_FAULT_UNMAPPED,
					    -EFAULT);
	page_phys = (leaf.pte & IOASID__PTE_ADDR) + ((iova - leaf.base) & ~PAGE_MASK_4K);
	ioasid__iotlb_fill(tlb, tag, pasid, iova >> IOASID_PAGE_SHIFT,
			   page_phys | (leaf.pte & IOASID__PTE_PROT), epoch);
	if ((leaf.pte & access) != access)
		return ioasid__domain_fault(dom, devid, pasid, iova, access,
					    IOASID_FAULT_PERMISSION, -EACCES);
	*phys = page_phys | (iova & PAGE_MASK_4K);
	return 0;
}

/* Emit the aperture minus the reserved ranges into out (if not NULL). */
static uint32_t usable_ranges(const struct ioasid_domain *dom, struct ioasid_iova_range *out)
{
	const struct ioasid_iommu *iommu = dom->iommu;
	uint64_t cur = dom->aperture.start;
	uint32_t i, n = 0;

	for (i = 0; i < iommu->caps.nr_reserved && cur <= dom->aperture.last; i++) {
		const struct ioasid_iova_range *r = &iommu->reserved[i];

		if (r->last < cur)
			continue;
		if (r->start > dom->aperture.last)
			break;
		if (r->start > cur) {
			if (out)
				out[n] = (struct ioasid_iova_range){ cur, r->start - 1 };
			n++;
		}
		if (r->last >= dom->aperture.last)
			return n;
		cur = r->last + 1;
	}
	if (cur <= dom->aperture.last) {
		if (out)
			out[n] = (struct ioasid_iova_range){ cur, dom->aperture.last };
		n++;
	}
	return n;
}

int ioasid_domain_iova_ranges(struct ioasid_domain *dom,
			      struct ioasid_iova_range *ranges, uint32_t *nr)
{
	uint32_t need = usable_ranges(dom, NULL);

	if (need > *nr) {
		*nr = need;
		return -EMSGSIZE;
	}
	usable_ranges(dom, ranges);
	*nr = need;
	return 0;
}

void ioasid_domain_query(struct ioasid_domain *dom, struct ioasid_domain_info *info)
{
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&dom->lock);
	info->type = dom->type;
	info->levels = dom->pt.levels;
	info->pgsize_bitmap = dom->pt.pgsize_bitmap;
	info->mapped_bytes = dom->mapped_bytes;
	info->nr_areas = dom->nr_areas;
	info->nr_tables = dom->pt.nr_tables;
	info->table_bytes = dom->pt.nr_tables * IOASID__PT_TABLE_BYTES;
	info->attachments = dom->attachments;
	info->faults_pending = ioasid__fault_ring_pending(&dom->faults);
	pthread_mutex_unlock(&dom->lock);
}

uint64_t ioasid_domain_pgtable_bytes(struct ioasid_domain *dom)
{
	uint64_t bytes;

	pthread_mutex_lock(&dom->lock);
	bytes = dom->pt.nr_tables * IOASID__PT_TABLE_BYTES;
	pthread_mutex_unlock(&dom->lock);
	return bytes;
}

/* ------------------------------------------------------------------------
 * For the platform layer (domain_internal.h)
 */

int ioasid__domain_attach_get(struct ioasid_domain *dom)
{
	int ret = 0;

	pthread_mutex_lock(&dom->lock);
	if (dom->dying)
		ret = -ENOENT;
	else
		dom->attachments++;
	pthread_mutex_unlock(&dom->lock);
	return ret;
}

void ioasid__domain_attach_put(struct ioasid_domain *dom)
{
	pthread_mutex_lock(&dom->lock);
	dom->attachments--;
	pthread_mutex_unlock(&dom->lock);
}

void ioasid__domain_set_holder(struct ioasid_domain *dom, const void *holder)
{
	dom->holder = holder;
}

const void *ioasid__domain_holder(const struct ioasid_domain *dom)
{
	return dom->holder;
}

void ioasid__domain_iotlb_flush(struct ioasid_domain *dom, uint32_t pasid)
{
	struct ioasid__iotlb *tlb = &dom->iommu->iotlb;

	pthread_mutex_lock(&dom->lock);
	if (pasid == IOASID__PASID_ALL) {
		/* A fresh tag orphans every entry of the domain at once. */
		__atomic_store_n(&dom->iotlb_tag, ioasid__iotlb_tag_alloc(tlb),
				 __ATOMIC_RELEASE);
		ioasid__iotlb_count_inv(tlb);
	} else {
		ioasid__iotlb_inv_pasid(tlb, dom->iotlb_tag, pasid);
	}
	pthread_mutex_unlock(&dom->lock);
}
