/* SPDX-License-Identifier: MIT */
/*
 * Containers: the common object (container.c) and the two IOMMU models
 * (container_type1.c, container_spapr.c) behind a small ops table, as
 * VFIO's container core drives its IOMMU drivers.
 *
 * Locking: container->lock serialises every call on a container and
 * protects every field below. It is taken before the platform lock (group
 * claims and attachments) and the domain locks.
 */
#ifndef IOASID_LIB_IOMMU_CONTAINER_INTERNAL_H
#define IOASID_LIB_IOMMU_CONTAINER_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioasid/iommu/container.h>

/* One PAGING domain per IOMMU the container's groups sit behind. */
struct container_domain {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *domain; /* owned */
	unsigned int nr_groups; /* groups attached to it */
};

struct container_group {
	struct ioasid_group *group; /* holds a reference, claimed */
	struct container_domain *cd; /* NULL while no model is set */
};

/* One TYPE1v2 mapping: one MAP_DMA call, one area in every domain. */
struct dma_mapping {
	uint64_t iova;
	uint64_t size;
	uint64_t vaddr;
	uint32_t prot; /* IOASID_PROT_* */
};

/* A PASID the container attached (by device ID: a device may be freed
 * behind the container's back, and IDs are never reused). */
struct container_pasid {
	uint32_t devid;
	ioasid_t pasid;
};

struct ioasid_container;

struct container_ops {
	uint32_t type;
	/* How many groups the model takes (0: any number). */
	unsigned int max_groups;
	/* Whether the container may attach PASIDs to the model's domains. */
	bool pasids;
	/* Attach cg (a group of the container) to the model; all or
	 * nothing. */
	int (*attach_group)(struct ioasid_container *c, struct container_group *cg);
	/* Detach cg from the model. Never fails. Domains, ranges and mappings
	 * a model keeps once its last group left are freed by the container
	 * when it closes the model. */
	void (*detach_group)(struct ioasid_container *c, struct container_group *cg);
	int (*check_extension)(uint32_t ext);
	void (*get_info)(struct ioasid_container *c,
			 struct ioasid_container_info *info);
	int (*map)(struct ioasid_container *c, const struct ioasid_dma_map *map);
	int (*unmap)(struct ioasid_container *c,
		     const struct ioasid_dma_unmap *unmap, uint64_t *unmapped);
};

struct ioasid_container {
	pthread_mutex_t lock; /* see the top of this file */
	struct ioasid_platform *platform;
	struct ioasid_owner self; /* the owner when none was given */
	struct ioasid_owner *owner;
	const struct container_ops *ops; /* NULL until SET_IOMMU */
	uint32_t dma_limit;

	struct container_group *groups;
	unsigned int nr_groups;

	struct container_domain **domains; /* each allocated on its own, so
					    * cg->cd stays valid */
	unsigned int nr_domains;

	/* Usable IOVA ranges of the model, ascending. */
	struct ioasid_iova_range *ranges;
	unsigned int nr_ranges;

	struct container_pasid *pasids;
	unsigned int nr_pasids;

	/* TYPE1v2 mappings, sorted by iova, disjoint. */
	struct dma_mapping *maps;
	unsigned int nr_maps;
	unsigned int cap_maps;
};

extern const struct container_ops ioasid__container_type1_ops;
extern const struct container_ops ioasid__container_spapr_ops;

/* container.c helpers for the models */
/* A PAGING domain on iommu held by c: only c attaches, maps, unmaps,
 * reads faults of or frees it (with the _held calls of domain_internal.h,
 * passing c). */
int ioasid__container_domain_alloc(struct ioasid_container *c,
				   struct ioasid_iommu *iommu,
				   struct ioasid_domain **domp);
/* Free one of c's domains once c has detached it everywhere. Never
 * fails. */
void ioasid__container_domain_free(struct ioasid_container *c,
				   struct ioasid_domain *domain);
/* Attach g to / detach g from one of c's domains, with c's owner. The
 * detach cannot fail on a group the container attached. */
int ioasid__container_group_attach(struct ioasid_container *c,
				   struct ioasid_group *g,
				   struct ioasid_domain *domain);
void ioasid__container_group_detach(struct ioasid_container *c,
				    struct ioasid_group *g);
/* The IOMMU of every device of g (-EINVAL if none or several). */
int ioasid__container_group_iommu(struct ioasid_group *g,
				  struct ioasid_iommu **iommup);
/* The usable ranges of a domain into a new array. */
int ioasid__container_domain_ranges(struct ioasid_domain *domain,
				    struct ioasid_iova_range **rangesp,
				    unsigned int *nrp);
/* container_dma.c: detach the container's PASIDs of g's devices (and
 * forget records of devices gone or in no group). */
void ioasid__container_drop_pasids(struct ioasid_container *c,
				   struct ioasid_group *g);
/* MAP_DMA flags to IOASID_PROT_* in *protp: -EOPNOTSUPP unknown flags,
 * -EINVAL neither READ nor WRITE. */
int ioasid__container_map_prot(uint32_t flags, uint32_t *protp);
/* The checks every model makes on a DMA range (pass vaddr 0 for an
 * unmap): -EINVAL size 0 or iova, size or vaddr not aligned to pgsize;
 * -EOVERFLOW iova or vaddr range wraps; -EINVAL the vaddr range reaches
 * IOASID_PHYS_LIMIT. */
int ioasid__container_range_check(uint64_t iova, uint64_t size, uint64_t vaddr,
				  uint64_t pgsize);
/* Is [iova, last] inside one of the ranges? */
bool ioasid__ranges_contain(const struct ioasid_iova_range *r, unsigned int nr,
			    uint64_t iova, uint64_t last);

#endif /* IOASID_LIB_IOMMU_CONTAINER_INTERNAL_H */
