// SPDX-License-Identifier: MIT
/*
 * A handle's container (see dma_container.h): the library container, the
 * memfd regions mirroring its mappings, its groups and PASIDs.
 *
 * Order of every change: everything that can fail (room in arrays, the
 * daemon's mmap) is done first, then the library call, then the mirror,
 * which cannot fail.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "dma_container.h"
#include "log.h"
#include "platform.h"
#include "util/alloc.h"

/* The model's wire value is VFIO's, as the library's constants. */
_Static_assert(IOASID_CONTAINER_TYPE1V2 == IOASID_VFIO_TYPE1v2_IOMMU &&
		       IOASID_CONTAINER_SPAPR_TCE == IOASID_VFIO_SPAPR_TCE_IOMMU,
	       "container types");
_Static_assert(IOASID_DMA_READ == IOASID_DMA_MAP_FLAG_READ &&
		       IOASID_DMA_WRITE == IOASID_DMA_MAP_FLAG_WRITE &&
		       IOASID_DMA_READ == IOASID_ACCESS_READ &&
		       IOASID_DMA_WRITE == IOASID_ACCESS_WRITE,
	       "DMA permission bits");

#define DMA_RW (IOASID_DMA_READ | IOASID_DMA_WRITE)

int ioasid__dmac_alloc(struct ioasidd_platform *pl, struct ioasid_owner *owner,
		       uint32_t type, struct ioasidd_container **ctp)
{
	struct ioasidd_container *ct;
	int ret;

	if (type != IOASID_CONTAINER_TYPE1V2 &&
	    type != IOASID_CONTAINER_SPAPR_TCE)
		return -ENODEV;
	ct = ioasid__calloc(1, sizeof(*ct));
	if (!ct)
		return -ENOMEM;
	ret = ioasid_container_alloc(pl->p, owner, &ct->c);
	if (!ret && type == IOASID_CONTAINER_TYPE1V2)
		ret = ioasid_container_set_dma_limit(ct->c, pl->dma_entry_limit);
	if (ret) {
		ioasid_container_free(ct->c);
		ioasid__free(ct);
		return ret;
	}
	ct->type = type;
	ct->pl = pl;
	*ctp = ct;
	return 0;
}

void ioasid__dmac_free(struct ioasidd_container *ct)
{
	struct ioasid_dma_unmap all = { .flags = IOASID_DMA_UNMAP_FLAG_ALL };

	if (!ct)
		return;
	/* Unmap everything, then detach the groups (which detaches their
	 * PASIDs and frees the model's domains); then the memory behind it
	 * can go. */
	if (ct->regions.nr && ct->type == IOASID_CONTAINER_TYPE1V2)
		ioasid_container_unmap_dma(ct->c, &all, NULL);
	while (ct->nr_groups) {
		struct ioasid_group *g = ct->groups[--ct->nr_groups];

		ioasid_container_detach_group(ct->c, g);
		ioasid__platform_group_detached(ct->pl, ioasid_group_id(g));
		ioasid_group_put(g);
	}
	ioasid_container_free(ct->c);
	ioasid__regions_release(&ct->regions);
	ioasid__free(ct->groups);
	ioasid__free(ct);
}

/* ---- groups ---- */

static int group_index(const struct ioasidd_container *ct,
		       const struct ioasid_group *g)
{
	for (uint32_t i = 0; i < ct->nr_groups; i++)
		if (ct->groups[i] == g)
			return (int)i;
	return -1;
}

bool ioasid__dmac_has_group(const struct ioasidd_container *ct,
			    const struct ioasid_group *g)
{
	return group_index(ct, g) >= 0;
}

static int groups_reserve(struct ioasidd_container *ct)
{
	struct ioasid_group **grown;

	grown = ioasid__realloc(ct->groups,
				(ct->nr_groups + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ct->groups = grown;
	return ioasid__hmap_reserve(&ct->pl->attached, 1);
}

/* attach_lib - the library's SET_CONTAINER, then SET_IOMMU for a first. */
static int attach_lib(struct ioasidd_container *ct, struct ioasid_group *g)
{
	int ret = ioasid_container_attach_group(ct->c, g);

	if (ret || ct->nr_groups)
		return ret;
	ret = ioasid_container_set_iommu(ct->c, ct->type);
	if (ret)
		ioasid_container_detach_group(ct->c, g);
	return ret;
}

int ioasid__dmac_attach_group(struct ioasidd_container *ct,
			      struct ioasid_group *g)
{
	unsigned int gid = ioasid_group_id(g);
	int ret;

	if (group_index(ct, g) >= 0)
		return -EEXIST;
	if (ioasid__platform_group_container(ct->pl, gid))
		return -EBUSY;
	ret = groups_reserve(ct);
	if (!ret)
		ret = attach_lib(ct, g);
	if (ret)
		return ret;
	ioasid_group_get(g);
	ct->groups[ct->nr_groups++] = g; /* the reference taken above */
	(void)ioasid__platform_group_attached(ct->pl, gid, ct->id); /* room */
	return 0;
}

int ioasid__dmac_detach_group(struct ioasidd_container *ct,
			      struct ioasid_group *g)
{
	int i = group_index(ct, g);
	int ret;

	if (i < 0)
		return -ENOENT;
	/* The library detaches the PASIDs of g's devices first. */
	ret = ioasid_container_detach_group(ct->c, g);
	if (ret)
		return ret;
	ct->groups[i] = ct->groups[--ct->nr_groups];
	ioasid__platform_group_detached(ct->pl, ioasid_group_id(g));
	ioasid_group_put(g);
	/* The last group took the model and its mappings with it. */
	if (!ct->nr_groups)
		ioasid__regions_clear(&ct->regions);
	return 0;
}

/* ---- PASIDs ---- */

int ioasid__dmac_attach_pasid(struct ioasidd_container *ct,
			      struct ioasid_device *dev, uint32_t pasid)
{
	return ioasid_container_attach_pasid(ct->c, dev, pasid);
}

int ioasid__dmac_detach_pasid(struct ioasidd_container *ct,
			      struct ioasid_device *dev, uint32_t pasid)
{
	return ioasid_container_detach_pasid(ct->c, dev, pasid);
}

/* ---- information ---- */

void ioasid__dmac_info(struct ioasidd_container *ct,
		       struct ioasid_rep_container_info *rep)
{
	struct ioasid_container_info info;
	uint32_t n;

	*rep = (struct ioasid_rep_container_info){
		.size = sizeof(*rep),
		.type = ct->type,
		.nr_groups = ct->nr_groups,
	};
	if (ioasid_container_get_info(ct->c, &info))
		return; /* no model: nothing else is valid */
	/* The library's INFO bits are the wire's. */
	rep->flags = info.flags & (IOASID_CONTAINER_F_PGSIZES |
				   IOASID_CONTAINER_F_IOVA_RANGES |
				   IOASID_CONTAINER_F_DMA_AVAIL |
				   IOASID_CONTAINER_F_DMA32_WINDOW);
	rep->pgsizes = info.iova_pgsizes;
	rep->mapped_bytes = info.mapped_bytes;
	rep->nr_mappings = info.nr_mappings;
	rep->dma_avail = info.dma_avail;
	rep->dma32_window_start = info.dma32_window_start;
	rep->dma32_window_size = info.dma32_window_size;
	rep->nr_iova_ranges = info.nr_iova_ranges;
	n = info.nr_iova_ranges < IOASID_CONTAINER_RANGES_MAX
		    ? info.nr_iova_ranges
		    : IOASID_CONTAINER_RANGES_MAX;
	if (n > IOASID_CONTAINER_MAX_IOVA_RANGES)
		n = IOASID_CONTAINER_MAX_IOVA_RANGES;
	for (uint32_t i = 0; i < n; i++)
		rep->iova_ranges[i] = (struct ioasid_range_entry){
			info.iova_ranges[i].start, info.iova_ranges[i].last
		};
}

_Static_assert(IOASID_CONTAINER_F_PGSIZES == IOASID_CONTAINER_INFO_PGSIZES &&
		       IOASID_CONTAINER_F_IOVA_RANGES ==
			       IOASID_CONTAINER_INFO_IOVA_RANGES &&
		       IOASID_CONTAINER_F_DMA_AVAIL ==
			       IOASID_CONTAINER_INFO_DMA_AVAIL &&
		       IOASID_CONTAINER_F_DMA32_WINDOW ==
			       IOASID_CONTAINER_INFO_DMA32_WINDOW,
	       "container info flags");

/* ---- MAP_DMA ---- */

/* map_check - the request alone, against the model's smallest page. */
static int map_check(const struct ioasid_req_map_dma *req, uint64_t pgsize)
{
	if (!(req->flags & DMA_RW) || !req->length)
		return -EINVAL;
	if (req->iova + (req->length - 1) < req->iova ||
	    req->offset + (req->length - 1) < req->offset)
		return -EOVERFLOW;
	if ((req->iova | req->length | req->offset) & (pgsize - 1))
		return -EINVAL;
	return 0;
}

/* memfd_check - fd is a regular file covering [offset, offset + length). */
static int memfd_check(int fd, const struct ioasid_req_map_dma *req)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return -EBADF;
	if (st.st_size < 0 || (uint64_t)st.st_size < req->offset + req->length)
		return -EINVAL;
	return 0;
}

int ioasid__dmac_map(struct ioasidd_container *ct,
		     const struct ioasid_req_map_dma *req, int fd)
{
	struct ioasid_container_info info;
	struct dma_region r = { .iova = req->iova, .length = req->length,
				.offset = req->offset, .prot = req->flags };
	struct ioasid_dma_map map;
	int ret;

	if (ioasid_container_get_info(ct->c, &info))
		return -EINVAL; /* no model yet */
	ret = map_check(req, info.iova_pgsizes & -info.iova_pgsizes);
	if (!ret)
		ret = memfd_check(fd, req);
	if (!ret)
		ret = ioasid__regions_reserve(&ct->regions, 1);
	if (!ret)
		ret = ioasid__region_mmap(fd, req->offset, req->length,
					  req->flags, req->iova,
					  info.iova_pgsizes, &r.addr);
	if (ret)
		return ret;
	map = (struct ioasid_dma_map){
		.flags = req->flags,
		.vaddr = (uint64_t)(uintptr_t)r.addr,
		.iova = req->iova,
		.size = req->length,
	};
	ret = ioasid_container_map_dma(ct->c, &map);
	if (ret) {
		struct dma_regions one = { .v = &r, .nr = 1 };

		ioasid__regions_clear(&one); /* munmap */
		return ret;
	}
	ioasid__regions_insert(&ct->regions, &r);
	return 0;
}

/* ---- UNMAP_DMA ---- */

int ioasid__dmac_unmap(struct ioasidd_container *ct,
		       const struct ioasid_req_unmap_dma *req,
		       uint64_t *unmapped)
{
	struct ioasid_dma_unmap un = { .iova = req->iova, .size = req->length };
	uint64_t cut;
	int ret;

	*unmapped = 0;
	if (req->flags & IOASID_UNMAP_DMA_ALL)
		un.flags = IOASID_DMA_UNMAP_FLAG_ALL;
	/* A cut through the middle of a region splits it in two. */
	ret = ioasid__regions_reserve(&ct->regions, 1);
	if (ret)
		return ret;
	ret = ioasid_container_unmap_dma(ct->c, &un, unmapped);
	if (ret)
		return ret;
	if (un.flags) {
		ioasid__regions_clear(&ct->regions);
		return 0;
	}
	cut = req->length ? ioasid__regions_cut(&ct->regions, req->iova,
						req->length)
			  : 0;
	if (cut != *unmapped)
		log_err("container %u: unmapped %llu bytes, regions %llu",
			ct->id, (unsigned long long)*unmapped,
			(unsigned long long)cut);
	return 0;
}

/* ---- TRANSLATE and faults ---- */

int ioasid__dmac_describe(struct ioasidd_container *ct, uint64_t iova,
			  uint64_t phys, struct ioasid_rep_translate *rep)
{
	const struct dma_region *r = ioasid__regions_find(&ct->regions, iova);
	uint64_t delta;

	if (!r || phys != (uint64_t)(uintptr_t)r->addr + (iova - r->iova))
		return -ENOENT;
	delta = iova - r->iova;
	*rep = (struct ioasid_rep_translate){
		.size = sizeof(*rep),
		.prot = r->prot,
		.offset = r->offset + delta,
		.map_iova = r->iova,
		.map_length = r->length,
		.container_id = ct->id,
	};
	return 0;
}

int ioasid__dmac_translate(struct ioasidd_container *ct, uint64_t iova,
			   uint32_t access, struct ioasid_rep_translate *rep)
{
	uint64_t phys;
	int ret;

	ret = ioasid_container_translate(ct->c, iova, access, &phys);
	if (ret)
		return ret;
	ret = ioasid__dmac_describe(ct, iova, phys, rep);
	if (ret) {
		log_err("container %u: iova 0x%llx translated outside its "
			"regions", ct->id, (unsigned long long)iova);
		return -EIO;
	}
	return 0;
}

uint32_t ioasid__dmac_fault_read(struct ioasidd_container *ct,
				 struct ioasid_fault_entry *out, uint32_t max,
				 uint64_t *lost)
{
	struct ioasid_fault f[64];
	uint32_t count = 0;
	int n;

	*lost = 0;
	/* In chunks: the wire entry is laid out differently. */
	do {
		uint32_t want = max - count < 64 ? max - count : 64;
		uint64_t l = 0;

		n = want ? ioasid_container_fault_read(ct->c, f, want, &l) : 0;
		*lost += l;
		for (int i = 0; i < n; i++)
			out[count++] = (struct ioasid_fault_entry){
				.device_id = f[i].devid,
				.pasid = f[i].pasid,
				.addr = f[i].addr,
				.access = f[i].access,
				.reason = f[i].reason,
			};
	} while (n == 64);
	return count;
}
