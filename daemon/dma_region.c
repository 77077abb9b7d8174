// SPDX-License-Identifier: MIT
/*
 * The memfd regions behind a container's mappings (see dma_region.h).
 *
 * Placement: for a region of at least a huge page size the container
 * supports, an anonymous PROT_NONE reservation one alignment larger is
 * made first, the memfd is mapped over it with MAP_FIXED at the address
 * congruent to the IOVA, and the slack on both sides is returned. The page
 * table then meets IOVAs and addresses that reach huge-page boundaries
 * together and uses 2 MiB or 1 GiB leaves for the middle of the range.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <ioasid/iommu.h>
#include <ioasid/proto.h>

#include "dma_region.h"
#include "util/alloc.h"

/* huge_align - the largest supported huge page size length reaches. */
static uint64_t huge_align(uint64_t length, uint64_t pgsizes)
{
	if ((pgsizes & IOASID_PAGE_SIZE_1G) && length >= IOASID_PAGE_SIZE_1G)
		return IOASID_PAGE_SIZE_1G;
	if ((pgsizes & IOASID_PAGE_SIZE_2M) && length >= IOASID_PAGE_SIZE_2M)
		return IOASID_PAGE_SIZE_2M;
	return 0;
}

/* mmap_aligned - map fd at an address congruent to iova modulo align. */
static int mmap_aligned(int fd, uint64_t offset, size_t length, int mprot,
			uint64_t iova, uint64_t align, void **addrp)
{
	size_t span = length + align;
	char *base, *at, *end;
	void *p;
	int ret;

	base = mmap(NULL, span, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	at = base + ((iova - (uint64_t)(uintptr_t)base) & (align - 1));
	p = mmap(at, length, mprot, MAP_SHARED | MAP_FIXED, fd, (off_t)offset);
	if (p == MAP_FAILED) {
		ret = -errno;
		munmap(base, span);
		return ret;
	}
	end = base + span;
	if (at > base)
		munmap(base, (size_t)(at - base));
	if (end > at + length)
		munmap(at + length, (size_t)(end - (at + length)));
	*addrp = at;
	return 0;
}

int ioasid__region_mmap(int fd, uint64_t offset, uint64_t length,
			uint32_t prot, uint64_t iova, uint64_t pgsizes,
			void **addrp)
{
	int mprot = PROT_READ | (prot & IOASID_DMA_WRITE ? PROT_WRITE : 0);
	uint64_t align = huge_align(length, pgsizes);
	void *p;

	if (length > SIZE_MAX - align)
		return -ENOMEM;
	if (align)
		return mmap_aligned(fd, offset, (size_t)length, mprot, iova,
				    align, addrp);
	p = mmap(NULL, (size_t)length, mprot, MAP_SHARED, fd, (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	*addrp = p;
	return 0;
}

int ioasid__regions_reserve(struct dma_regions *rs, uint32_t n)
{
	struct dma_region *grown;
	uint32_t cap;

	if (rs->nr + n <= rs->cap)
		return 0;
	if (n > UINT32_MAX / 2 - rs->nr)
		return -ENOMEM;
	cap = rs->cap ? rs->cap : 8;
	while (cap < rs->nr + n)
		cap *= 2;
	grown = ioasid__realloc(rs->v, cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	rs->v = grown;
	rs->cap = cap;
	return 0;
}

/* lower_bound - the index of the first region ending at or after iova. */
static uint32_t lower_bound(const struct dma_regions *rs, uint64_t iova)
{
	uint32_t lo = 0, hi = rs->nr;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct dma_region *r = &rs->v[mid];

		if (r->iova + (r->length - 1) < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void ioasid__regions_insert(struct dma_regions *rs, const struct dma_region *r)
{
	uint32_t i = lower_bound(rs, r->iova);

	memmove(&rs->v[i + 1], &rs->v[i], (rs->nr - i) * sizeof(rs->v[0]));
	rs->v[i] = *r;
	rs->nr++;
}

const struct dma_region *ioasid__regions_find(const struct dma_regions *rs,
					      uint64_t iova)
{
	uint32_t i = lower_bound(rs, iova);

	if (i < rs->nr && rs->v[i].iova <= iova)
		return &rs->v[i];
	return NULL;
}

static void region_remove(struct dma_regions *rs, uint32_t i)
{
	memmove(&rs->v[i], &rs->v[i + 1], (rs->nr - i - 1) * sizeof(rs->v[0]));
	rs->nr--;
}

/* region_drop_front - forget the first n bytes of r (already unmapped). */
static void region_drop_front(struct dma_region *r, uint64_t n)
{
	r->iova += n;
	r->offset += n;
	r->addr = (char *)r->addr + n;
	r->length -= n;
}

/*
 * region_cut - remove [start, last] (inside r) from region i; returns
 * whether region i is still there.
 */
static int region_cut(struct dma_regions *rs, uint32_t i, uint64_t start,
		      uint64_t last)
{
	struct dma_region *r = &rs->v[i];
	uint64_t r_last = r->iova + (r->length - 1);
	struct dma_region right;

	munmap((char *)r->addr + (start - r->iova), (size_t)(last - start + 1));
	if (start == r->iova && last == r_last) {
		region_remove(rs, i);
		return 0;
	}
	if (start == r->iova) {
		region_drop_front(r, last + 1 - r->iova);
		return 1;
	}
	right = *r;
	r->length = start - r->iova;
	if (last == r_last)
		return 1;
	region_drop_front(&right, last + 1 - right.iova);
	/* Room for this split was reserved before the library call. */
	memmove(&rs->v[i + 2], &rs->v[i + 1],
		(rs->nr - i - 1) * sizeof(rs->v[0]));
	rs->v[i + 1] = right;
	rs->nr++;
	return 1;
}

uint64_t ioasid__regions_cut(struct dma_regions *rs, uint64_t iova,
			     uint64_t length)
{
	uint64_t last = iova + (length - 1), removed = 0;
	uint32_t i = lower_bound(rs, iova);

	while (i < rs->nr && rs->v[i].iova <= last) {
		struct dma_region *r = &rs->v[i];
		uint64_t start = r->iova > iova ? r->iova : iova;
		uint64_t r_last = r->iova + (r->length - 1);
		uint64_t end = r_last < last ? r_last : last;

		removed += end - start + 1;
		i += (uint32_t)region_cut(rs, i, start, end);
	}
	return removed;
}

void ioasid__regions_clear(struct dma_regions *rs)
{
	for (uint32_t i = 0; i < rs->nr; i++)
		munmap(rs->v[i].addr, (size_t)rs->v[i].length);
	rs->nr = 0;
}

void ioasid__regions_release(struct dma_regions *rs)
{
	ioasid__regions_clear(rs);
	ioasid__free(rs->v);
	memset(rs, 0, sizeof(*rs));
}
