/* SPDX-License-Identifier: MIT */
/*
 * ioasid/iommu/domain.h - IOMMU instances, domains, I/O page tables, the
 * IOTLB and the fault log.
 *
 * An IOMMU instance (struct ioasid_iommu) describes one emulated IOMMU by
 * its capabilities: PASID width, supported page sizes, input address width
 * (which fixes the page-table depth), aperture, reserved IOVA ranges and
 * feature flags. It owns one IOTLB shared by all its domains.
 *
 * A domain (struct ioasid_domain) is one I/O address space on one IOMMU:
 *
 *   PAGING    a real multi-level page table in the x86-64 / VT-d
 *             second-level shape: 9 bits of IOVA per level, tables of 512
 *             64-bit entries (4 KiB), 4 KiB leaves and, where alignment and
 *             the IOMMU's page sizes allow, 2 MiB and 1 GiB leaves; read and
 *             write permission bits in every entry. A 39-, 48- or 57-bit
 *             input address width gives 3, 4 or 5 levels.
 *   IDENTITY  translates every IOVA inside the aperture and outside the
 *             reserved ranges to the same "physical" address.
 *   BLOCKED   refuses every DMA.
 *
 * "Physical" addresses are opaque 64-bit host addresses with 4 KiB
 * granularity (in ioasidd they are addresses of memfd regions mapped in the
 * daemon). They must fit in 52 bits, the output-address field of an entry.
 *
 * Areas (IOAS rules, as iommufd's IOMMU_IOAS_MAP / IOMMU_IOAS_UNMAP): each
 * successful ioasid_domain_map() call creates one area. An unmap must cover
 * whole areas; it may cover several areas and the holes between them.
 *
 * DMA: ioasid_iommu_translate() is the path an emulated device takes. It
 * looks the page up in the IOTLB and on a miss walks the page table and
 * fills the IOTLB. A refused DMA is recorded as a fault in the domain's
 * bounded fault ring, which the domain's owner drains with
 * ioasid_domain_fault_read().
 *
 * Errors: every function returns 0 (or a count) or a negative errno from
 * DESIGN.md §4 and never sets errno. A call that fails changes nothing: no
 * entry, table, area, IOTLB entry or counter is left behind.
 *
 * Containers' domains: a domain a VFIO-style container allocated
 * (ioasid/iommu/container.h) is the container's alone, as VFIO type1 never
 * hands its domains out; a caller may still reach one through
 * ioasid_device_domain(). ioasid_domain_map(), ioasid_domain_unmap() and
 * ioasid_domain_fault_read() refuse it with -EPERM (DESIGN.md §4: an object
 * owned by someone else) before any other check, and ioasid_domain_free()
 * refuses it too, so its page table always holds exactly the container's
 * MAP_DMA mappings and its faults reach ioasid_container_fault_read(). The
 * calls that only look (ioasid_iommu_translate(),
 * ioasid_domain_iova_to_phys(), ioasid_domain_iova_ranges(),
 * ioasid_domain_query(), ioasid_domain_pgtable_bytes(), the type and IOMMU
 * getters) and IOTLB invalidation, which is always safe, accept it.
 *
 * Thread safety: every function may be called from any thread. Map, unmap
 * and the other calls that change a domain are serialised by the domain's
 * lock. ioasid_iommu_translate() takes no lock on an IOTLB hit or miss
 * (page-table walks run under an RCU read-side critical section of
 * liburcu-bp; tables are reclaimed after a grace period), so it may run
 * concurrently with map, unmap and invalidation of the same domain: a
 * translation concurrent with an unmap returns either the old mapping or a
 * fault, and once ioasid_domain_unmap() has returned no translation of the
 * unmapped range succeeds, through the IOTLB or otherwise. The caller
 * guarantees the domain is not freed while a translate through it is in
 * progress: the platform layer finds domains under rcu_read_lock(), and
 * ioasid_domain_free() waits for a grace period before reclaiming memory.
 * Because map, unmap and free may wait for a grace period, they must not
 * be called inside an RCU read-side critical section.
 */
#ifndef IOASID_IOMMU_DOMAIN_H
#define IOASID_IOMMU_DOMAIN_H

#include <stdint.h>

#include <ioasid/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ioasid_iommu;
struct ioasid_domain;

#define IOASID_PAGE_SHIFT 12
#define IOASID_PAGE_SIZE_4K (1ull << 12)
#define IOASID_PAGE_SIZE_2M (1ull << 21)
#define IOASID_PAGE_SIZE_1G (1ull << 30)

/* The widest PASID space an IOMMU may have (PCIe: 20 bits). */
#define IOASID_IOMMU_PASID_BITS_MAX 20
/* Largest "physical" address + 1 an entry can hold (52-bit output). */
#define IOASID_PHYS_LIMIT (1ull << 52)

/* An inclusive IOVA range [start, last]. */
struct ioasid_iova_range {
	uint64_t start;
	uint64_t last;
};

/* ------------------------------------------------------------------------
 * IOMMU instances and capabilities
 */

/* Capability flags. */
#define IOASID_IOMMU_CAP_PRI (1u << 0) /* page requests (I/O page faults) */
#define IOASID_IOMMU_CAP_NESTING (1u << 1) /* nested (two-stage) translation */

/*
 * struct ioasid_iommu_caps - what an IOMMU instance supports.
 *
 * @name: optional label (copied; NULL or "" for none), e.g. "dmar0".
 * @pasid_bits: width of the PASID space, 0..20. 0 means no PASID support:
 *	only PASID 0 (untagged DMA) translates.
 * @addr_width: input address width: 39, 48 or 57 (3, 4 or 5 levels).
 * @pgsize_bitmap: supported leaf sizes, an OR of IOASID_PAGE_SIZE_*. Must
 *	contain IOASID_PAGE_SIZE_4K and nothing but the three sizes.
 * @aperture: IOVAs a domain may map, inclusive, 4 KiB granular, inside
 *	[0, 2^addr_width - 1]. aperture.last == 0 means the whole width.
 * @nr_reserved, @reserved: IOVA ranges no domain may map (an MSI window,
 *	for instance); start <= last, each a whole number of 4 KiB pages. The
 *	array is copied.
 * @flags: IOASID_IOMMU_CAP_*.
 * @iotlb_entries: IOTLB capacity, a power of two in [4, 2^20]; 0 gives
 *	IOASID_IOTLB_ENTRIES_DEFAULT.
 */
struct ioasid_iommu_caps {
	const char *name;
	uint32_t pasid_bits;
	uint32_t addr_width;
	uint64_t pgsize_bitmap;
	struct ioasid_iova_range aperture;
	uint32_t nr_reserved;
	const struct ioasid_iova_range *reserved;
	uint32_t flags;
	uint32_t iotlb_entries;
};

#define IOASID_IOTLB_ENTRIES_DEFAULT 4096u

/* The x86 interrupt (MSI) window, reserved by default. */
#define IOASID_MSI_WINDOW_START 0xfee00000ull
#define IOASID_MSI_WINDOW_LAST 0xfeefffffull

/*
 * ioasid_iommu_caps_init - fill *caps with the defaults: 20 PASID bits,
 * 48-bit input addresses (4 levels), 4K|2M|1G pages, the whole aperture,
 * the MSI window reserved, PRI and nesting supported, default IOTLB size.
 * The reserved array points to static storage. Never fails.
 */
void ioasid_iommu_caps_init(struct ioasid_iommu_caps *caps);

/*
 * ioasid_iommu_alloc - create an IOMMU instance with the given
 * capabilities (copied). Returns 0 and *iommup, owned by the caller.
 * Errors: -EINVAL bad pasid_bits, addr_width, pgsize_bitmap, aperture,
 * reserved range or iotlb_entries; -EOPNOTSUPP unknown flags; -ENOMEM.
 */
int ioasid_iommu_alloc(const struct ioasid_iommu_caps *caps,
		       struct ioasid_iommu **iommup);

/*
 * ioasid_iommu_free - destroy an IOMMU instance. Accepts NULL; never fails.
 * Every domain of the instance must have been freed before. Page tables
 * still waiting for reclaim are released after a grace period (so this
 * must not be called inside an RCU read-side critical section) and the
 * instance's page-table cache is returned to the system.
 */
void ioasid_iommu_free(struct ioasid_iommu *iommu);

/*
 * ioasid_iommu_caps - the instance's capabilities, with aperture.last filled
 * in and reserved ranges sorted. The pointer (and the reserved array it
 * points to) stays valid until the instance is freed. Never fails.
 */
const struct ioasid_iommu_caps *ioasid_iommu_caps(const struct ioasid_iommu *iommu);

/* ------------------------------------------------------------------------
 * Domains
 */

enum ioasid_domain_type {
	IOASID_DOMAIN_PAGING = 0,
	IOASID_DOMAIN_IDENTITY = 1,
	IOASID_DOMAIN_BLOCKED = 2,
};

/* Entries of the bounded per-domain fault ring. */
#define IOASID_DOMAIN_FAULT_RING 256u

/*
 * ioasid_domain_alloc - create an empty domain of the given type on iommu.
 * flags must be 0 (none defined yet). Returns 0 and *domp, owned by the
 * caller. The domain holds no reference that keeps the IOMMU alive: free
 * every domain before its IOMMU.
 * Errors: -EOPNOTSUPP unknown type or flags; -ENOMEM.
 */
int ioasid_domain_alloc(struct ioasid_iommu *iommu, enum ioasid_domain_type type,
			uint32_t flags, struct ioasid_domain **domp);

/*
 * ioasid_domain_free - destroy a domain: its mappings, page tables, IOTLB
 * entries and unread faults go with it. Fails (and changes nothing) while
 * the platform layer has the domain attached to a device or PASID. It
 * waits for an RCU grace period before reclaiming memory, so translations
 * that found the domain under rcu_read_lock() before it was detached
 * complete safely. Accepts NULL (returns 0).
 * Errors, in this order: -EBUSY the domain is attached (a container's
 * domain included); -EPERM the domain is a container's (the container
 * frees it when its last group leaves or it is freed).
 */
int ioasid_domain_free(struct ioasid_domain *dom);

/* ioasid_domain_type - the domain's type. Never fails. */
enum ioasid_domain_type ioasid_domain_type(const struct ioasid_domain *dom);

/* ioasid_domain_iommu - the IOMMU the domain belongs to. Never fails. */
struct ioasid_iommu *ioasid_domain_iommu(const struct ioasid_domain *dom);

/* Permission bits of a mapping (prot) and of a DMA access (access). */
#define IOASID_PROT_READ (1u << 0)
#define IOASID_PROT_WRITE (1u << 1)

/*
 * ioasid_domain_map - map [iova, iova + length) to [phys, phys + length)
 * with the permissions in prot, as one area. Each step uses the largest
 * leaf the IOMMU supports that fits the alignment of iova and phys and the
 * remaining length. flags must be 0 (none defined yet).
 *
 * Errors, checked in this order:
 *   -EPERM       the domain is a container's (see the top of this file);
 *   -EOPNOTSUPP  unknown bits in flags or prot;
 *   -EINVAL      neither IOASID_PROT_READ nor IOASID_PROT_WRITE; the domain
 *                is not a PAGING domain (iommu_map() on an identity or
 *                blocked domain); length 0;
 *   -EOVERFLOW   iova + length or phys + length wraps (checked before
 *                alignment, so a wrapping range is reported as such);
 *   -EINVAL      iova, phys or length not 4 KiB aligned; phys + length
 *                above IOASID_PHYS_LIMIT; range not inside the aperture or
 *                intersecting a reserved range;
 *   -EEXIST      some page of the range is already mapped;
 *   -ENOMEM      a page table could not be allocated.
 * On failure the page table, areas and IOTLB are exactly as before.
 */
int ioasid_domain_map(struct ioasid_domain *dom, uint64_t iova, uint64_t phys,
		      uint64_t length, uint32_t prot, uint32_t flags);

/*
 * Unmap flags.
 *
 * IOASID_UNMAP_SPLIT: ignore area boundaries and unmap exactly
 * [iova, iova + length), as the kernel's iommu_unmap() does: areas that
 * cross the range are cut (their remaining parts become areas of their
 * own) and huge leaves that cross it are split into next-level tables that
 * keep the rest. iova and length must then be 4 KiB aligned.
 */
#define IOASID_UNMAP_SPLIT (1u << 0)

/*
 * ioasid_domain_unmap - remove every area inside [iova, iova + length)
 * (IOAS rules). The range may cover several areas and holes; the number of
 * bytes unmapped is stored in *unmapped (may be NULL). iova 0 with length
 * UINT64_MAX unmaps everything. IOTLB entries for the range are invalidated
 * before this returns.
 *
 * Errors, checked in this order:
 *   -EPERM       the domain is a container's (see the top of this file);
 *   -EOPNOTSUPP  unknown flags;
 *   -EINVAL      length 0; the domain is not a PAGING domain;
 *   -EOVERFLOW   iova + length wraps;
 *   -EINVAL      (IOASID_UNMAP_SPLIT only) iova or length unaligned;
 *   -ENOENT      nothing mapped in the range, or (without
 *                IOASID_UNMAP_SPLIT) an area crosses either end of it;
 *   -ENOMEM      (IOASID_UNMAP_SPLIT only) a split table could not be
 *                allocated.
 * On failure nothing is unmapped and *unmapped is 0.
 */
int ioasid_domain_unmap(struct ioasid_domain *dom, uint64_t iova,
			uint64_t length, uint32_t flags, uint64_t *unmapped);

/*
 * ioasid_domain_iova_to_phys - walk the page table (not the IOTLB) for
 * iova. PAGING: the physical address iova maps to (offset included).
 * IDENTITY: iova itself if it is inside the aperture and outside the
 * reserved ranges. BLOCKED: nothing.
 * Errors: -ENOENT nothing mapped at iova.
 */
int ioasid_domain_iova_to_phys(struct ioasid_domain *dom, uint64_t iova,
			       uint64_t *phys);

/*
 * ioasid_domain_iova_ranges - the usable IOVA ranges: the aperture minus
 * the reserved ranges, ascending (as iommufd's IOMMU_IOAS_IOVA_RANGES). On
 * entry *nr is the capacity of ranges (which may be NULL when *nr is 0);
 * on return it is the number of usable ranges.
 * Errors: -EMSGSIZE the array is too small (*nr says how many are needed;
 * nothing was written).
 */
int ioasid_domain_iova_ranges(struct ioasid_domain *dom,
			      struct ioasid_iova_range *ranges, uint32_t *nr);

struct ioasid_domain_info {
	uint32_t type; /* enum ioasid_domain_type */
	uint32_t levels; /* page-table levels (0 unless PAGING) */
	uint64_t pgsize_bitmap; /* leaf sizes this domain may use */
	uint64_t mapped_bytes; /* bytes of IOVA currently mapped */
	uint64_t nr_areas; /* live areas (map calls not yet unmapped) */
	uint64_t nr_tables; /* page tables, the root included */
	uint64_t table_bytes; /* nr_tables * 4096: the tables in use */
	uint32_t attachments; /* attachments the platform layer holds */
	uint32_t faults_pending; /* faults waiting in the ring */
};

/* ioasid_domain_query - fill *info (a consistent snapshot). Never fails. */
void ioasid_domain_query(struct ioasid_domain *dom, struct ioasid_domain_info *info);

/*
 * ioasid_domain_pgtable_bytes - bytes held in page tables (root included).
 * Area boundaries live in software bits of the entries, so this is all the
 * memory the domain's translations take besides the fixed domain struct.
 * Tables an unmap released are not counted: after an RCU grace period
 * (one per batch of 512) they go back to the IOMMU's table cache, which
 * any domain of the IOMMU reuses and which returns its memory to the
 * system only when the IOMMU is freed. Never fails.
 */
uint64_t ioasid_domain_pgtable_bytes(struct ioasid_domain *dom);

/* ------------------------------------------------------------------------
 * DMA translation and faults
 */

#define IOASID_ACCESS_READ IOASID_PROT_READ
#define IOASID_ACCESS_WRITE IOASID_PROT_WRITE

/*
 * ioasid_iommu_translate - translate one DMA access by device devid (an
 * opaque number chosen by the caller, recorded in faults) tagged with pasid
 * (0 for untagged DMA) through dom. access is IOASID_ACCESS_READ and/or
 * IOASID_ACCESS_WRITE. On success *phys is the physical address of iova;
 * it is valid for the rest of the 4 KiB page holding iova.
 *
 * The IOTLB is looked up first; a miss walks the page table and fills the
 * IOTLB. A refused access is recorded as a fault in the domain's ring.
 *
 * Errors:
 *   -EINVAL  dom belongs to another IOMMU, pasid beyond the IOMMU's PASID
 *            width, access 0 or with unknown bits (no fault recorded);
 *   -EFAULT  nothing mapped at iova, iova outside the aperture or reserved,
 *            or a blocked domain (fault recorded);
 *   -EACCES  mapped without the permission access needs (fault recorded).
 */
int ioasid_iommu_translate(struct ioasid_iommu *iommu, struct ioasid_domain *dom,
			   uint32_t devid, uint32_t pasid, uint64_t iova,
			   uint32_t access, uint64_t *phys);

enum ioasid_fault_reason {
	IOASID_FAULT_UNMAPPED = 1, /* no translation at the address */
	IOASID_FAULT_PERMISSION = 2, /* mapped, but not for this access */
	IOASID_FAULT_BLOCKED = 3, /* the domain refuses all DMA */
	IOASID_FAULT_RESERVED = 4, /* outside the aperture or reserved */
	IOASID_FAULT_NO_DOMAIN = 5, /* recorded by the platform layer */
};

/* One refused DMA. */
struct ioasid_fault {
	uint32_t devid;
	uint32_t pasid;
	uint64_t addr; /* the IOVA as the device issued it */
	uint32_t access; /* IOASID_ACCESS_* */
	uint32_t reason; /* enum ioasid_fault_reason */
};

/*
 * ioasid_domain_fault_read - move up to max of the oldest pending faults of
 * the domain to faults[] (oldest first) and return how many were moved.
 * The ring holds IOASID_DOMAIN_FAULT_RING faults; faults arriving while it
 * is full are dropped and counted. If lost is not NULL, *lost receives the
 * number of faults dropped since the previous read that asked for it, and
 * that count restarts from 0. Returns 0 when nothing is pending.
 * Errors: -EPERM the domain is a container's (ioasid_container_fault_read()
 * reads its faults); nothing is moved and *lost is not written.
 */
int ioasid_domain_fault_read(struct ioasid_domain *dom, struct ioasid_fault *faults,
			     uint32_t max, uint64_t *lost);

/* ------------------------------------------------------------------------
 * IOTLB
 *
 * The IOTLB caches 4 KiB translations keyed by (domain, PASID, page), with
 * their permissions; faults are never cached. Map and unmap keep it
 * coherent by themselves; explicit invalidation is for users that model a
 * guest's invalidation commands (virtio-iommu INVALIDATE, VT-d QI).
 */

enum ioasid_iotlb_granule {
	IOASID_IOTLB_INV_GLOBAL = 0, /* every entry of the IOMMU */
	IOASID_IOTLB_INV_DOMAIN = 1, /* every entry of one domain (address space) */
	IOASID_IOTLB_INV_PASID = 2, /* one PASID, in one domain or (domain NULL) in all */
	IOASID_IOTLB_INV_ADDR = 3, /* a range of one domain, one PASID or all */
};

/* For IOASID_IOTLB_INV_ADDR: invalidate the range for every PASID. */
#define IOASID_IOTLB_INV_F_ALL_PASIDS (1u << 0)

/*
 * struct ioasid_iotlb_inv - one invalidation request.
 * @granule: enum ioasid_iotlb_granule.
 * @flags: IOASID_IOTLB_INV_F_*.
 * @domain: the address space (DOMAIN, ADDR; optional for PASID; ignored
 *	for GLOBAL). Must belong to the IOMMU invalidated.
 * @pasid: PASID (PASID, ADDR without F_ALL_PASIDS).
 * @iova, @length: the range (ADDR); any byte range, widened to pages.
 */
struct ioasid_iotlb_inv {
	uint32_t granule;
	uint32_t flags;
	struct ioasid_domain *domain;
	uint32_t pasid;
	uint32_t __reserved;
	uint64_t iova;
	uint64_t length;
};

/*
 * ioasid_iommu_iotlb_invalidate - drop the cached translations inv selects
 * (possibly more: invalidating too much is always correct).
 * Errors: -EOPNOTSUPP unknown granule or flags, non-zero __reserved;
 * -EINVAL domain missing where required or of another IOMMU, PASID beyond
 * the PASID width, ADDR with length 0; -EOVERFLOW iova + length wraps.
 */
int ioasid_iommu_iotlb_invalidate(struct ioasid_iommu *iommu,
				  const struct ioasid_iotlb_inv *inv);

struct ioasid_iotlb_stats {
	uint64_t hits; /* translations answered by the IOTLB */
	uint64_t misses; /* translations that walked the page table */
	uint64_t fills; /* entries installed after a walk */
	uint64_t invalidations; /* invalidation requests, explicit or not */
	uint32_t entries; /* capacity */
	uint32_t ways; /* associativity */
};

/*
 * ioasid_iommu_iotlb_stats - read the counters (each exact; concurrent
 * translations may be counted or not). Never fails.
 */
void ioasid_iommu_iotlb_stats(struct ioasid_iommu *iommu, struct ioasid_iotlb_stats *stats);

#ifdef __cplusplus
}
#endif
#endif /* IOASID_IOMMU_DOMAIN_H */
