/* SPDX-License-Identifier: MIT */
/*
 * What the platform layer (groups, devices, containers) needs from domains
 * beyond the public contract in ioasid/iommu/domain.h.
 *
 * Attachments: the platform layer counts every (device) or (device, PASID)
 * attachment on the domain with ioasid__domain_attach_get() / _put(), so
 * that ioasid_domain_free() fails with -EBUSY while any remains. The domain
 * itself knows nothing about devices.
 *
 * Holders: a domain may be made private to one object, its holder (a
 * container holds the domains it allocates, as VFIO type1 never hands its
 * domains out). The platform layer then attaches and detaches it only on
 * the holder's behalf and the public attach and detach calls refuse it, so
 * nobody else can pin it (its holder's free would fail) or unpin it (it
 * could be freed under its holder). Likewise its page table, fault ring
 * and life are the holder's: the public map, unmap, fault read and free
 * refuse it with -EPERM (free: -EBUSY first while it is attached), and the
 * holder uses the _held calls below, so the table never drifts from the
 * holder's record of what it mapped. Calls that only look (translate,
 * iova_to_phys, query, ranges) stay open.
 *
 * The IOTLB is keyed by (domain, PASID, page), not by device: detaching one
 * device does not make another device's cached translations through the
 * same domain stale, so detach needs no flush for correctness. A platform
 * that wants the hardware-like behaviour (flush the PASID on detach) calls
 * ioasid__domain_iotlb_flush().
 */
#ifndef IOASID_LIB_IOMMU_DOMAIN_INTERNAL_H
#define IOASID_LIB_IOMMU_DOMAIN_INTERNAL_H

#include <stdint.h>

#include <ioasid/iommu/domain.h>

/* Passed as pasid to mean "every PASID". */
#define IOASID__PASID_ALL UINT32_MAX

/*
 * ioasid__domain_attach_get - count one more attachment. Takes the domain
 * lock. Errors: -ENOENT the domain is being freed (cannot happen if the
 * caller serialises free against attach, as the platform layer does).
 */
int ioasid__domain_attach_get(struct ioasid_domain *dom);

/* ioasid__domain_attach_put - drop one attachment. Never fails. */
void ioasid__domain_attach_put(struct ioasid_domain *dom);

/*
 * ioasid__domain_set_holder - make dom private to holder. Call it before
 * the domain is attached or shown to anyone; it never changes afterwards.
 * Never fails.
 */
void ioasid__domain_set_holder(struct ioasid_domain *dom, const void *holder);

/* ioasid__domain_holder - the holder, or NULL. Lock-free; never fails. */
const void *ioasid__domain_holder(const struct ioasid_domain *dom);

/*
 * The calls on behalf of a domain's holder: the public calls of
 * ioasid/iommu/domain.h (which pass holder NULL), but -EPERM unless the
 * domain has exactly this holder, checked before anything else; for free,
 * right after -EBUSY, which an attached domain answers whoever asks. Free
 * cannot fail for the holder once it has detached all it attached.
 */
int ioasid__domain_map_held(struct ioasid_domain *dom, uint64_t iova,
			    uint64_t phys, uint64_t length, uint32_t prot,
			    uint32_t flags, const void *holder);
int ioasid__domain_unmap_held(struct ioasid_domain *dom, uint64_t iova,
			      uint64_t length, uint32_t flags, uint64_t *unmapped,
			      const void *holder);
int ioasid__domain_fault_read_held(struct ioasid_domain *dom,
				   struct ioasid_fault *faults, uint32_t max,
				   uint64_t *lost, const void *holder);
int ioasid__domain_free_held(struct ioasid_domain *dom, const void *holder);

/*
 * ioasid__domain_iotlb_flush - invalidate the domain's IOTLB entries for
 * one PASID, or for all with IOASID__PASID_ALL. Never fails.
 */
void ioasid__domain_iotlb_flush(struct ioasid_domain *dom, uint32_t pasid);

/*
 * ioasid__domain_fault_record - record a refused DMA in the domain's fault
 * ring on behalf of a device (for instance IOASID_FAULT_NO_DOMAIN when a
 * PASID has nothing attached and the platform charges the fault to the
 * device's default blocked domain). Never fails: a full ring counts the
 * fault as lost. Safe from any thread, lock-free readers included.
 */
void ioasid__domain_fault_record(struct ioasid_domain *dom,
				 const struct ioasid_fault *fault);

#endif /* IOASID_LIB_IOMMU_DOMAIN_INTERNAL_H */
