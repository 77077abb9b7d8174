/* SPDX-License-Identifier: MIT */
/*
 * daemon/dma_region.h - the memfd memory behind a container's mappings.
 *
 * A region is the daemon's MAP_SHARED mapping of [offset, offset + length)
 * of a client's memfd, standing for [iova, iova + length) of a container.
 * struct dma_regions keeps a container's regions sorted by IOVA and
 * disjoint. Only the insertion of a region and a cut that splits one in
 * two need room, which ioasid__regions_reserve() makes beforehand, so that
 * the mirror of a library call that succeeded can never fail.
 *
 * Owned by the event-loop thread; no lock.
 */
#ifndef IOASIDD_DMA_REGION_H
#define IOASIDD_DMA_REGION_H

#include <stdint.h>

struct dma_region {
	uint64_t iova;
	uint64_t length;
	uint64_t offset; /* into the memfd */
	void *addr; /* the daemon's mapping of it */
	uint32_t prot; /* IOASID_DMA_* */
};

struct dma_regions {
	struct dma_region *v; /* sorted by iova, disjoint */
	uint32_t nr;
	uint32_t cap;
};

/*
 * ioasid__region_mmap - map [offset, offset + length) of fd MAP_SHARED,
 * readable, and writable if prot has IOASID_DMA_WRITE. When length allows
 * a huge page size of pgsizes, the address is congruent to iova modulo
 * that size. Errors: -errno of mmap() (-EACCES, -ENODEV, -ENOMEM, ...).
 */
int ioasid__region_mmap(int fd, uint64_t offset, uint64_t length,
			uint32_t prot, uint64_t iova, uint64_t pgsizes,
			void **addrp);

/* ioasid__regions_reserve - room for n more regions. Errors: -ENOMEM. */
int ioasid__regions_reserve(struct dma_regions *rs, uint32_t n);

/* ioasid__regions_insert - add r (room reserved, no overlap). */
void ioasid__regions_insert(struct dma_regions *rs, const struct dma_region *r);

/* ioasid__regions_find - the region holding iova, or NULL. */
const struct dma_region *ioasid__regions_find(const struct dma_regions *rs,
					      uint64_t iova);

/*
 * ioasid__regions_cut - remove [iova, iova + length) from every region it
 * crosses (unmapping that memory): regions inside go, regions crossing an
 * end are trimmed, a region holding the whole range is split in two
 * (which needs one reserved slot). Returns the bytes removed.
 */
uint64_t ioasid__regions_cut(struct dma_regions *rs, uint64_t iova,
			     uint64_t length);

/* ioasid__regions_clear - unmap every region; the array is kept. */
void ioasid__regions_clear(struct dma_regions *rs);

/* ioasid__regions_release - clear and free the array. */
void ioasid__regions_release(struct dma_regions *rs);

#endif /* IOASIDD_DMA_REGION_H */
