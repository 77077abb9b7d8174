/* SPDX-License-Identifier: MIT */
/*
 * Private to the address-space half of lib/iommu (iommu.c, domain.c,
 * fault.c): the layouts of IOMMU instances and domains. The platform layer
 * uses domain_internal.h instead.
 */
#ifndef IOASID_LIB_IOMMU_IOMMU_PRIV_H
#define IOASID_LIB_IOMMU_IOMMU_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/iommu/domain.h>

#include "iommu/iotlb.h"
#include "iommu/pgtable.h"
#include "iommu/ptcache.h"
#include "iommu/rcu.h"

/*
 * Page tables unlinked from any domain of the instance, waiting for an RCU
 * grace period before they go back to the instance's table cache (see
 * domain.c). Lock: its own mutex,
 * a leaf lock, never held across synchronize_rcu().
 */
struct ioasid__reclaim {
	pthread_mutex_t lock;
	struct ioasid__pt_reclaim tables;
};

/* Tables (4 KiB each) the reclaim list collects before it waits and gives back. */
#define IOASID__RECLAIM_BATCH 512u

/*
 * An IOMMU instance. Everything but the IOTLB, the reclaim list and the
 * table cache is fixed at allocation; the IOTLB has its own lock-free rules
 * (iotlb.h), the other two their own locks.
 */
struct ioasid_iommu {
	struct ioasid_iommu_caps caps; /* name and reserved point below */
	char *name;
	struct ioasid_iova_range *reserved; /* sorted by start */
	uint32_t pasid_limit; /* 1 << pasid_bits */
	unsigned int levels;
	struct ioasid__iotlb iotlb;
	struct ioasid__reclaim reclaim;
	struct ioasid__pt_cache ptcache; /* every domain's page tables */
};

/* Give the instance's reclaim list back after a grace period (domain.c). */
void ioasid__reclaim_flush(struct ioasid_iommu *iommu);

/* The bounded fault ring of a domain. Lock: its own mutex, a leaf lock. */
struct ioasid__fault_ring {
	pthread_mutex_t lock;
	uint32_t head; /* index of the oldest fault */
	uint32_t count;
	uint64_t lost; /* dropped since the last read that asked */
	struct ioasid_fault slots[IOASID_DOMAIN_FAULT_RING];
};

/*
 * A domain.
 *
 * Lock order: dom->lock, then the fault ring's lock. dom->lock serialises
 * every change to the page table, the counters below it and the IOTLB tag;
 * it is never taken on the translate path. The fields above it never change
 * after allocation (pt.root and pt.levels included), which is what lets
 * translate read them without a lock.
 */
struct ioasid_domain {
	struct ioasid_iommu *iommu;
	enum ioasid_domain_type type;
	struct ioasid_iova_range aperture;
	/* The object the domain is private to (a container), or NULL. Set
	 * once before anyone else can see the domain, then constant. */
	const void *holder;
	uint64_t iotlb_tag; /* atomic: written under lock, read by translate */
	struct ioasid__pgtable pt;

	pthread_mutex_t lock;
	uint64_t mapped_bytes;
	uint64_t nr_areas;
	uint32_t attachments;
	bool dying; /* free has begun: no new attachment */

	struct ioasid__fault_ring faults;
};

/* True if [start, last] intersects one of the IOMMU's reserved ranges. */
bool ioasid__iommu_range_reserved(const struct ioasid_iommu *iommu, uint64_t start,
				  uint64_t last);

/* Fault ring set-up and teardown (fault.c). */
int ioasid__fault_ring_init(struct ioasid__fault_ring *ring);
void ioasid__fault_ring_destroy(struct ioasid__fault_ring *ring);
uint32_t ioasid__fault_ring_pending(struct ioasid__fault_ring *ring);

/*
 * Record a refused DMA on dom and return err (the errno the translation
 * fails with), so the translate path can end with one call.
 */
int ioasid__domain_fault(struct ioasid_domain *dom, uint32_t devid, uint32_t pasid,
			 uint64_t iova, uint32_t access, uint32_t reason, int err);

/* The translate path's page-table walk for a PAGING domain (domain.c). */
int ioasid__domain_translate_walk(struct ioasid_domain *dom, uint32_t devid,
				  uint32_t pasid, uint64_t iova, uint32_t access,
				  uint64_t *phys);

#endif /* IOASID_LIB_IOMMU_IOMMU_PRIV_H */
