/* SPDX-License-Identifier: MIT */
/*
 * daemon/iommu_handle.h - what one handle holds of the IOMMU platform: its
 * identity as a DMA owner, the groups it claimed and its containers.
 *
 * Created at the handle's first IOMMU operation that needs it (a query
 * needs none) and released when the handle closes, in this order: every
 * container (PASIDs detached, every mapping unmapped, groups detached,
 * freed), then every claim (the groups' devices are unbound and free for
 * any other handle).
 *
 * The handle is the struct ioasid_owner of its claims and of its
 * containers' claims; its name, "ioasidd:PID", is what DEVICES shows as
 * the owner "driver". Owned by the event-loop thread; no lock.
 */
#ifndef IOASIDD_IOMMU_HANDLE_H
#define IOASIDD_IOMMU_HANDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ioasid/iommu.h>

struct session;
struct ioasidd_platform;
struct ioasidd_container;

struct iommu_handle {
	struct ioasid_owner owner; /* .name points to name */
	char name[32];
	pid_t pid;
	struct ioasidd_platform *pl;
	struct ioasid_group **claims; /* one claim and one reference each */
	uint32_t nr_claims;
	uint32_t nr_containers;
	struct ioasidd_container *containers; /* most recent first */
};

/*
 * ioasid__iommu_handle_get - s's IOMMU state, created at the first call.
 * Errors: -ENOMEM.
 */
int ioasid__iommu_handle_get(struct session *s, struct iommu_handle **hp);

/* ioasid__iommu_handle_close - release everything (see above). */
void ioasid__iommu_handle_close(struct session *s);

/* ioasid__iommu_handle_of - the handle an owner is (every owner in the
 * daemon is one). */
struct iommu_handle *ioasid__iommu_handle_of(struct ioasid_owner *owner);

/* ioasid__iommu_handle_claimed - h holds a claim on g. */
bool ioasid__iommu_handle_claimed(const struct iommu_handle *h,
				  const struct ioasid_group *g);

/*
 * ioasid__iommu_handle_claim - GROUP_CLAIM of g with IOASID_CLAIM_* flags.
 * Errors: -EBUSY claimed already (by h or another owner) or not viable;
 * -ENOMEM.
 */
int ioasid__iommu_handle_claim(struct iommu_handle *h, struct ioasid_group *g,
			       uint32_t flags);

/*
 * ioasid__iommu_handle_release - GROUP_RELEASE of g.
 * Errors: -ENOENT g is not owned; -EPERM owned by another; -EBUSY g is
 * attached to one of h's containers.
 */
int ioasid__iommu_handle_release(struct iommu_handle *h,
				 struct ioasid_group *g);

/*
 * ioasid__iommu_group_not_ours - the answer to releasing g for a handle
 * that holds no claim on it: -ENOENT unowned, -EPERM another's.
 */
int ioasid__iommu_group_not_ours(struct ioasid_group *g);

/* ioasid__iommu_handle_container - h's container id, or NULL. */
struct ioasidd_container *
ioasid__iommu_handle_container(const struct iommu_handle *h, uint32_t id);

/*
 * ioasid__iommu_handle_create - a new container of type for h.
 * Errors: -EDQUOT max_containers reached; those of ioasid__dmac_alloc().
 */
int ioasid__iommu_handle_create(struct iommu_handle *h, uint32_t type,
				struct ioasidd_container **ctp);

/*
 * ioasid__iommu_handle_destroy - DESTROY of container id.
 * Errors: -ENOENT not h's; -EBUSY a group is attached.
 */
int ioasid__iommu_handle_destroy(struct iommu_handle *h, uint32_t id);

#endif /* IOASIDD_IOMMU_HANDLE_H */
