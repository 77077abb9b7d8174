/* SPDX-License-Identifier: MIT */
/*
 * ioasid/iommu/container.h - VFIO-style containers.
 *
 * A container is VFIO's /dev/vfio/vfio: groups are attached to it
 * (VFIO_GROUP_SET_CONTAINER), an IOMMU model is chosen once a group is in
 * (VFIO_SET_IOMMU), and DMA mappings are made in the address space every
 * attached group then shares (VFIO_IOMMU_MAP_DMA / UNMAP_DMA). Two models:
 *
 * TYPE1v2 (VFIO_TYPE1v2_IOMMU). The container keeps a list of mappings,
 * each made by one MAP_DMA, and one PAGING domain per IOMMU instance its
 * groups sit behind (a group on a new IOMMU gets a new domain into which
 * every existing mapping is replayed). Rules of vfio_iommu_type1.c:
 *   - iova, vaddr and size aligned to the smallest IOMMU page size, size
 *     not 0 (EINVAL); at least one of READ and WRITE (EINVAL);
 *   - the range inside one usable IOVA range: the intersection of the
 *     domains' apertures minus their reserved ranges (EINVAL);
 *   - no overlap with an existing mapping (EEXIST);
 *   - at most dma_limit mappings (65535 by default, configurable before
 *     SET_IOMMU; ENOSPC);
 *   - UNMAP_DMA removes every mapping inside [iova, iova + size) and
 *     returns the bytes removed; a range holding nothing succeeds with 0;
 *     a range that would split a mapping (cut through its first or last
 *     byte) fails with EINVAL; IOASID_DMA_UNMAP_FLAG_ALL (iova and size 0)
 *     removes everything.
 *
 * SPAPR_TCE (VFIO_SPAPR_TCE_IOMMU, POWER's TCE tables). Exactly one group
 * (a second: EBUSY); a 32-bit DMA window [IOASID_SPAPR_DMA32_START,
 * + IOASID_SPAPR_DMA32_SIZE) reported by GET_INFO; mappings are TCEs of
 * the IOMMU's smallest page size, set and cleared page by page (an unmap
 * may cut a mapping); every TCE is cleared when the group is attached and
 * when it is detached, so no stale entry reaches the group's next user;
 * misaligned or out-of-window requests fail with EINVAL (never rounded).
 *
 * Groups and ownership. Attaching a group claims it for the container's
 * owner (ioasid_group_claim(), without detaching native drivers): a group
 * that is not viable for that owner fails with EBUSY. Once an IOMMU model
 * is set, the group is attached to the container's domain and every
 * device of it translates through the mappings. When the last group
 * leaves, the model is released as VFIO does: every mapping and domain
 * goes and SET_IOMMU must be called again.
 *
 * Domains. The container's domains are its own, as VFIO type1's are never
 * handed to user space. ioasid_device_domain() and ioasid_group_query()
 * show them, but the attach and detach calls of ioasid/iommu/group.h
 * refuse them with EPERM, whoever the owner (the container's own included),
 * and the last claim on one of the container's groups (the container's)
 * cannot be released while the group is attached (EBUSY). Every attachment
 * of a container's domain is therefore one the container made and undoes,
 * and freeing the container or detaching its last group never leaves a
 * domain or an attachment behind. PASIDs go through
 * ioasid_container_attach_pasid(). The domain calls that would change a
 * container's domain behind it refuse it too: ioasid_domain_map(),
 * ioasid_domain_unmap() and ioasid_domain_fault_read() with EPERM,
 * ioasid_domain_free() with EBUSY (the domain is attached while the
 * container has it). Its page table thus holds exactly the mappings
 * MAP_DMA made and UNMAP_DMA left, and its faults are read through
 * ioasid_container_fault_read(); translation and the query calls of
 * ioasid/iommu/domain.h still answer.
 *
 * Addresses. vaddr is the "physical" address the domain maps to (see
 * ioasid/iommu/domain.h: in ioasidd, an address in a memfd region the
 * daemon mapped); it must stay below IOASID_PHYS_LIMIT.
 *
 * Errors: every function returns 0 (or a count) or a negative errno from
 * DESIGN.md §4 and never sets errno; a call that fails changes nothing.
 * Unknown flags fail with EOPNOTSUPP (the kernel says EINVAL), an address
 * range that wraps with EOVERFLOW. Calls needing an IOMMU model before
 * SET_IOMMU fail with EINVAL, as VFIO's do.
 *
 * Thread safety: every function may be called from any thread; a mutex per
 * container serialises them. Lock order: container, then platform.
 */
#ifndef IOASID_IOMMU_CONTAINER_H
#define IOASID_IOMMU_CONTAINER_H

#include <stdint.h>

#include <ioasid/iommu/domain.h>
#include <ioasid/iommu/group.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ioasid_container;

/* IOMMU models and extensions (values of include/uapi/linux/vfio.h). */
#define IOASID_VFIO_TYPE1_IOMMU 1u /* type1 v1: not provided */
#define IOASID_VFIO_SPAPR_TCE_IOMMU 2u
#define IOASID_VFIO_TYPE1v2_IOMMU 3u
#define IOASID_VFIO_UNMAP_ALL 9u /* extension: IOASID_DMA_UNMAP_FLAG_ALL */

#define IOASID_CONTAINER_DMA_LIMIT_DEFAULT 65535u

/* The SPAPR 32-bit DMA window. */
#define IOASID_SPAPR_DMA32_START 0u
#define IOASID_SPAPR_DMA32_SIZE 0x80000000u /* 2 GiB */

/*
 * ioasid_container_alloc - an empty container on platform p. Groups are
 * claimed for owner (which must outlive the container and may also claim
 * groups elsewhere, e.g. a daemon handle), or with owner NULL for the
 * container itself, under the name "vfio-container".
 * Errors: -EINVAL owner without a name; -ENOMEM.
 */
int ioasid_container_alloc(struct ioasid_platform *p, struct ioasid_owner *owner,
			   struct ioasid_container **cp);

/*
 * ioasid_container_free - detach and release every group, drop every
 * mapping and free the domains. Accepts NULL; never fails.
 */
void ioasid_container_free(struct ioasid_container *c);

/*
 * ioasid_container_check_extension - VFIO_CHECK_EXTENSION: 1 if ext is
 * supported, else 0. Before SET_IOMMU every model this library provides
 * answers (TYPE1v2, SPAPR_TCE, UNMAP_ALL); after it, only the chosen one
 * (TYPE1v2 and UNMAP_ALL, or SPAPR_TCE). Never fails.
 */
int ioasid_container_check_extension(struct ioasid_container *c, uint32_t ext);

/*
 * ioasid_container_set_dma_limit - the TYPE1v2 mapping limit (the
 * kernel's dma_entry_limit), settable before SET_IOMMU.
 * Errors: -EINVAL limit 0; -EBUSY an IOMMU model is set.
 */
int ioasid_container_set_dma_limit(struct ioasid_container *c, uint32_t limit);

/*
 * ioasid_container_attach_group - VFIO_GROUP_SET_CONTAINER: claim g for the
 * container's owner and, if a model is set, attach it to the container's
 * address space. The container holds a group reference while attached.
 * Errors: -EEXIST g is attached to this container already; -EBUSY g is
 * not viable (another owner, a bound native driver, an ownerless
 * attachment) or SPAPR_TCE with a group already; -EINVAL g of another
 * platform, or (TYPE1v2) g has no device, its devices span IOMMUs, or
 * existing mappings do not fit the new IOMMU's usable ranges; (SPAPR_TCE)
 * the window is not usable on g's IOMMU; -ENOMEM; a domain error.
 */
int ioasid_container_attach_group(struct ioasid_container *c,
				  struct ioasid_group *g);

/*
 * ioasid_container_detach_group - VFIO_GROUP_UNSET_CONTAINER: detach g
 * (SPAPR_TCE: clearing every TCE first), release the claim and the group
 * reference. The last group to leave releases the IOMMU model (mappings
 * and domains go; the container is as after alloc, dma_limit kept).
 * Errors: -ENOENT g is not attached to this container.
 */
int ioasid_container_detach_group(struct ioasid_container *c,
				  struct ioasid_group *g);

/*
 * ioasid_container_set_iommu - VFIO_SET_IOMMU: choose the IOMMU model and
 * attach every group already in the container, all or nothing.
 * Errors: -EINVAL no group attached, or a model is set already; -ENODEV a
 * model this library does not provide (TYPE1 v1 included); -EBUSY
 * SPAPR_TCE with more than one group; else as attach_group.
 */
int ioasid_container_set_iommu(struct ioasid_container *c, uint32_t type);

/* GET_INFO flags: which fields are valid. */
#define IOASID_CONTAINER_INFO_PGSIZES (1u << 0)
#define IOASID_CONTAINER_INFO_IOVA_RANGES (1u << 1)
#define IOASID_CONTAINER_INFO_DMA_AVAIL (1u << 2)
#define IOASID_CONTAINER_INFO_DMA32_WINDOW (1u << 3)

#define IOASID_CONTAINER_MAX_IOVA_RANGES 16

struct ioasid_container_info {
	uint32_t type; /* the IOMMU model */
	uint32_t flags; /* IOASID_CONTAINER_INFO_* */
	uint64_t iova_pgsizes; /* PGSIZES: page sizes every domain supports */
	/* IOVA_RANGES: usable ranges, ascending; nr_iova_ranges is the total,
	 * the first IOASID_CONTAINER_MAX_IOVA_RANGES are filled in. */
	uint32_t nr_iova_ranges;
	struct ioasid_iova_range iova_ranges[IOASID_CONTAINER_MAX_IOVA_RANGES];
	uint32_t dma_avail; /* DMA_AVAIL: mappings that can still be made */
	uint32_t dma32_window_start; /* DMA32_WINDOW (SPAPR_TCE) */
	uint32_t dma32_window_size;
	uint32_t nr_groups;
	uint32_t nr_mappings; /* TYPE1v2: mappings; SPAPR_TCE: TCEs set */
	uint64_t mapped_bytes;
};

/*
 * ioasid_container_get_info - VFIO_IOMMU_GET_INFO (and, for SPAPR_TCE,
 * VFIO_IOMMU_SPAPR_TCE_GET_INFO).
 * Errors: -EINVAL no IOMMU model set.
 */
int ioasid_container_get_info(struct ioasid_container *c,
			      struct ioasid_container_info *info);

/* MAP_DMA flags (the device's view: READ = the device may read). */
#define IOASID_DMA_MAP_FLAG_READ (1u << 0)
#define IOASID_DMA_MAP_FLAG_WRITE (1u << 1)

struct ioasid_dma_map {
	uint32_t flags;
	uint64_t vaddr;
	uint64_t iova;
	uint64_t size;
};

/*
 * ioasid_container_map_dma - VFIO_IOMMU_MAP_DMA: map [iova, iova + size) to
 * [vaddr, vaddr + size) in every domain of the container.
 * Errors, in this order: -EINVAL no model set; -EOPNOTSUPP unknown flags;
 * -EINVAL neither READ nor WRITE, size 0, iova, vaddr or size not aligned
 * to the smallest page size; -EOVERFLOW the iova or vaddr range goes past
 * 2^64 - 1; -EINVAL vaddr + size above IOASID_PHYS_LIMIT (a range ending
 * exactly at 2^64 included); (TYPE1v2) -EEXIST overlap,
 * -ENOSPC dma_limit mappings exist, -EINVAL outside the usable ranges;
 * (SPAPR_TCE) -EINVAL outside the window, -EEXIST a TCE of the range is
 * set; -ENOMEM.
 */
int ioasid_container_map_dma(struct ioasid_container *c,
			     const struct ioasid_dma_map *map);

/* UNMAP_DMA flags. */
#define IOASID_DMA_UNMAP_FLAG_ALL (1u << 1) /* VFIO_DMA_UNMAP_FLAG_ALL */

struct ioasid_dma_unmap {
	uint32_t flags;
	uint64_t iova;
	uint64_t size;
};

/*
 * ioasid_container_unmap_dma - VFIO_IOMMU_UNMAP_DMA; *unmapped (may be
 * NULL) receives the number of bytes unmapped, 0 on failure.
 * Errors, in this order: -EINVAL no model set; -EOPNOTSUPP unknown flags
 * (SPAPR_TCE: any flag); -EINVAL FLAG_ALL with iova or size non-zero,
 * size 0, iova or size not aligned; -EOVERFLOW iova + size wraps;
 * (TYPE1v2) -EINVAL the range would split a mapping; (SPAPR_TCE) -EINVAL
 * outside the window, -ENOMEM.
 */
int ioasid_container_unmap_dma(struct ioasid_container *c,
			       const struct ioasid_dma_unmap *unmap,
			       uint64_t *unmapped);

/*
 * ioasid_container_attach_pasid - DMA from dev tagged with pasid goes
 * through the container's address space (TYPE1v2; the domain of dev's
 * IOMMU). dev's group must be attached to this container. The attachment
 * is the container's: it goes when dev's group leaves the container or the
 * container is freed, and with dev if dev leaves its group first.
 * Errors: -EINVAL no model set, SPAPR_TCE (no PASIDs on a TCE table),
 * pasid 0 or beyond dev's or its IOMMU's PASID width; -ENOENT dev's group
 * is not attached to this container; -EBUSY the PASID has a domain
 * attached already; -ENOMEM.
 */
int ioasid_container_attach_pasid(struct ioasid_container *c,
				  struct ioasid_device *dev, ioasid_t pasid);

/*
 * ioasid_container_detach_pasid - undo ioasid_container_attach_pasid().
 * Errors: -ENOENT the container has no such attachment.
 */
int ioasid_container_detach_pasid(struct ioasid_container *c,
				  struct ioasid_device *dev, ioasid_t pasid);

/* The device ID faults of ioasid_container_translate() carry. */
#define IOASID_CONTAINER_DEVID 0u

/*
 * ioasid_container_translate - one DMA access through the container's
 * address space as no particular device would make it (untagged, device ID
 * IOASID_CONTAINER_DEVID): *physp receives the vaddr iova maps to. A
 * refused access is recorded as a fault in the container's domain.
 * Errors: -EINVAL no model set, access 0 or unknown bits; -EFAULT nothing
 * mapped at iova; -EACCES mapped without the permission.
 */
int ioasid_container_translate(struct ioasid_container *c, uint64_t iova,
			       uint32_t access, uint64_t *physp);

/*
 * ioasid_container_fault_read - move up to max of the oldest faults of the
 * container's domains (the devices of its groups, and translations through
 * it) to faults[]; returns how many. *lost (may be NULL) receives the
 * faults dropped because a ring was full. 0 when no model is set (the
 * domains, and their faults, went with the last group). Never fails.
 */
int ioasid_container_fault_read(struct ioasid_container *c,
				struct ioasid_fault *faults, uint32_t max,
				uint64_t *lost);

#ifdef __cplusplus
}
#endif
#endif /* IOASID_IOMMU_CONTAINER_H */
