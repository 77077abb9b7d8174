/* SPDX-License-Identifier: MIT */
/*
 * daemon/dma_container.h - a handle's VFIO-style container: the library's
 * struct ioasid_container plus what the daemon adds around it.
 *
 * Memory. MAP_DMA comes with a memfd; the daemon maps the requested part
 * of it MAP_SHARED (a region) and hands the region's address to the
 * library as the mapping's "physical" address, so the page table points
 * into the client's memory. Regions are kept sorted by IOVA and mirror
 * the library's mappings exactly: a region goes (munmap) when its IOVA
 * range is unmapped, when the last group leaves (VFIO releases the model
 * and its mappings) and when the container is destroyed. A TRANSLATE
 * answer turns the address the page table gave back into an offset in
 * the region's memfd, so no daemon address ever reaches a client.
 *
 * A region whose length allows it is placed at an address congruent to
 * its IOVA modulo 2 MiB or 1 GiB (when the container's page sizes include
 * them), so the page table can use huge leaves.
 *
 * Groups. The container is created for its handle's owner; the groups
 * attached to it (each claimed by that handle first) are recorded here,
 * each with a reference (PASID attachments are the library container's
 * own). The model (TYPE1v2 or SPAPR-TCE) is chosen at creation and set
 * when the first group is attached.
 *
 * Every function either succeeds or changes nothing. Owned by the
 * event-loop thread; no lock.
 */
#ifndef IOASIDD_DMA_CONTAINER_H
#define IOASIDD_DMA_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>

#include <ioasid/iommu.h>
#include <ioasid/proto.h>

#include "dma_region.h"

struct ioasidd_platform;

struct ioasidd_container {
	uint32_t id; /* daemon-wide object ID */
	uint32_t type; /* IOASID_CONTAINER_TYPE1V2 or _SPAPR_TCE */
	struct ioasidd_container *next; /* the handle's list */
	struct ioasidd_platform *pl;
	struct ioasid_container *c;
	struct ioasid_group **groups; /* attached, one reference each */
	uint32_t nr_groups;
	struct dma_regions regions; /* mirror the library's mappings */
};

/*
 * ioasid__dmac_alloc - an empty container of type for owner.
 * Errors: -ENODEV a type other than TYPE1V2 or SPAPR_TCE; -ENOMEM.
 */
int ioasid__dmac_alloc(struct ioasidd_platform *pl, struct ioasid_owner *owner,
		       uint32_t type, struct ioasidd_container **ctp);

/*
 * ioasid__dmac_free - detach every PASID, unmap everything, detach every
 * group (releasing the container's claims), free it and its regions.
 * Accepts NULL.
 */
void ioasid__dmac_free(struct ioasidd_container *ct);

/* ioasid__dmac_has_group - g is attached to ct. */
bool ioasid__dmac_has_group(const struct ioasidd_container *ct,
			    const struct ioasid_group *g);

/*
 * ioasid__dmac_attach_group - attach g (claimed by ct's owner) and, for
 * the first group, set the model. Errors: as CONTAINER_ATTACH_GROUP in
 * docs/protocol.md, from -EEXIST on (the caller checks the claim).
 */
int ioasid__dmac_attach_group(struct ioasidd_container *ct,
			      struct ioasid_group *g);

/*
 * ioasid__dmac_detach_group - detach g (and the PASIDs of its devices);
 * the last group's detach drops every region. Errors: -ENOENT not
 * attached.
 */
int ioasid__dmac_detach_group(struct ioasidd_container *ct,
			      struct ioasid_group *g);

/* ioasid__dmac_info - fill rep (CONTAINER_INFO). Never fails. */
void ioasid__dmac_info(struct ioasidd_container *ct,
		       struct ioasid_rep_container_info *rep);

/*
 * ioasid__dmac_attach_pasid, _detach_pasid - (dev, pasid) through ct.
 * Errors: those of ioasid_container_attach_pasid() and _detach_pasid()
 * (the caller checks the device's claim).
 */
int ioasid__dmac_attach_pasid(struct ioasidd_container *ct,
			      struct ioasid_device *dev, uint32_t pasid);
int ioasid__dmac_detach_pasid(struct ioasidd_container *ct,
			      struct ioasid_device *dev, uint32_t pasid);

/*
 * ioasid__dmac_map - MAP_DMA of req with the memfd fd (not taken).
 * Errors: as MAP_DMA in docs/protocol.md, after -ENOENT.
 */
int ioasid__dmac_map(struct ioasidd_container *ct,
		     const struct ioasid_req_map_dma *req, int fd);

/*
 * ioasid__dmac_unmap - UNMAP_DMA; *unmapped gets the bytes removed.
 * Errors: as UNMAP_DMA in docs/protocol.md, after -ENOENT.
 */
int ioasid__dmac_unmap(struct ioasidd_container *ct,
		       const struct ioasid_req_unmap_dma *req,
		       uint64_t *unmapped);

/*
 * ioasid__dmac_translate - a DMA through ct itself (device 0, no PASID).
 * Errors: -EINVAL no model, bad access; -EFAULT refused (a fault is then
 * recorded); -EACCES refused for permission (recorded); -EIO the regions
 * disagree with the page table (logged; a daemon bug).
 */
int ioasid__dmac_translate(struct ioasidd_container *ct, uint64_t iova,
			   uint32_t access, struct ioasid_rep_translate *rep);

/*
 * ioasid__dmac_describe - fill rep for a translation of iova that a page
 * table turned into phys. Errors: -ENOENT no region of ct holds iova at
 * phys (the translation went through another container).
 */
int ioasid__dmac_describe(struct ioasidd_container *ct, uint64_t iova,
			  uint64_t phys, struct ioasid_rep_translate *rep);

/*
 * ioasid__dmac_fault_read - move up to max faults of ct's address spaces
 * to out; *lost gets the faults dropped since the last read. Returns the
 * number moved.
 */
uint32_t ioasid__dmac_fault_read(struct ioasidd_container *ct,
				 struct ioasid_fault_entry *out, uint32_t max,
				 uint64_t *lost);

#endif /* IOASIDD_DMA_CONTAINER_H */
