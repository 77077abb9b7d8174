// SPDX-License-Identifier: MIT
/*
 * A handle's IOMMU state (see iommu_handle.h): claims and containers.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "dma_container.h"
#include "ioasidd.h"
#include "iommu_handle.h"
#include "log.h"
#include "platform.h"
#include "session.h"
#include "util/alloc.h"

struct iommu_handle *ioasid__iommu_handle_of(struct ioasid_owner *owner)
{
	return (struct iommu_handle *)((char *)owner -
				       offsetof(struct iommu_handle, owner));
}

int ioasid__iommu_handle_get(struct session *s, struct iommu_handle **hp)
{
	struct iommu_handle *h = s->iommu;

	if (!h) {
		h = ioasid__calloc(1, sizeof(*h));
		if (!h)
			return -ENOMEM;
		h->pid = s->owner.pid;
		h->pl = s->d->platform;
		snprintf(h->name, sizeof(h->name), "ioasidd:%ld", (long)h->pid);
		h->owner.name = h->name;
		s->iommu = h;
	}
	*hp = h;
	return 0;
}

/* ---- claims ---- */

static int claim_index(const struct iommu_handle *h,
		       const struct ioasid_group *g)
{
	for (uint32_t i = 0; i < h->nr_claims; i++)
		if (h->claims[i] == g)
			return (int)i;
	return -1;
}

bool ioasid__iommu_handle_claimed(const struct iommu_handle *h,
				  const struct ioasid_group *g)
{
	return claim_index(h, g) >= 0;
}

int ioasid__iommu_handle_claim(struct iommu_handle *h, struct ioasid_group *g,
			       uint32_t flags)
{
	struct ioasid_group **grown;
	int ret;

	/* The library counts repeated claims of one owner; VFIO opens a
	 * group once. */
	if (claim_index(h, g) >= 0)
		return -EBUSY;
	grown = ioasid__realloc(h->claims, (h->nr_claims + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	h->claims = grown;
	ret = ioasid_group_claim(g, &h->owner, flags);
	if (ret)
		return ret;
	ioasid_group_get(g);
	h->claims[h->nr_claims++] = g; /* the reference taken above */
	return 0;
}

static bool group_in_use(const struct iommu_handle *h,
			 const struct ioasid_group *g)
{
	for (struct ioasidd_container *ct = h->containers; ct; ct = ct->next)
		if (ioasid__dmac_has_group(ct, g))
			return true;
	return false;
}

int ioasid__iommu_group_not_ours(struct ioasid_group *g)
{
	struct ioasid_group_info info;

	ioasid_group_query(g, &info);
	return info.owner ? -EPERM : -ENOENT;
}

int ioasid__iommu_handle_release(struct iommu_handle *h,
				 struct ioasid_group *g)
{
	int i = claim_index(h, g);
	int ret;

	if (i < 0)
		return ioasid__iommu_group_not_ours(g);
	if (group_in_use(h, g))
		return -EBUSY;
	ret = ioasid_group_release(g, &h->owner);
	if (ret)
		return ret;
	h->claims[i] = h->claims[--h->nr_claims];
	ioasid_group_put(g);
	return 0;
}

/* ---- containers ---- */

struct ioasidd_container *
ioasid__iommu_handle_container(const struct iommu_handle *h, uint32_t id)
{
	for (struct ioasidd_container *ct = h->containers; ct; ct = ct->next)
		if (ct->id == id)
			return ct;
	return NULL;
}

int ioasid__iommu_handle_create(struct iommu_handle *h, uint32_t type,
				struct ioasidd_container **ctp)
{
	struct ioasidd_container *ct;
	int ret;

	if (h->nr_containers >= h->pl->max_containers)
		return -EDQUOT;
	ret = ioasid__dmac_alloc(h->pl, &h->owner, type, &ct);
	if (ret)
		return ret;
	ct->id = ioasid__platform_object_id(h->pl);
	ct->next = h->containers;
	h->containers = ct;
	h->nr_containers++;
	*ctp = ct;
	return 0;
}

static void container_unlink(struct iommu_handle *h,
			     struct ioasidd_container *ct)
{
	struct ioasidd_container **pp = &h->containers;

	while (*pp != ct)
		pp = &(*pp)->next;
	*pp = ct->next;
	h->nr_containers--;
}

int ioasid__iommu_handle_destroy(struct iommu_handle *h, uint32_t id)
{
	struct ioasidd_container *ct = ioasid__iommu_handle_container(h, id);

	if (!ct)
		return -ENOENT;
	if (ct->nr_groups)
		return -EBUSY;
	container_unlink(h, ct);
	ioasid__dmac_free(ct);
	return 0;
}

/* ---- close ---- */

void ioasid__iommu_handle_close(struct session *s)
{
	struct iommu_handle *h = s->iommu;

	if (!h)
		return;
	s->iommu = NULL;
	while (h->containers) {
		struct ioasidd_container *ct = h->containers;

		h->containers = ct->next;
		ioasid__dmac_free(ct);
	}
	while (h->nr_claims) {
		struct ioasid_group *g = h->claims[--h->nr_claims];

		if (ioasid_group_release(g, &h->owner))
			log_err("pid %ld: group %u: claim not released",
				(long)h->pid, ioasid_group_id(g));
		ioasid_group_put(g);
	}
	log_debug("pid %ld: IOMMU claims and containers released",
		  (long)h->pid);
	ioasid__free(h->claims);
	ioasid__free(h);
}
