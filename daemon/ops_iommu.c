// SPDX-License-Identifier: MIT
/*
 * IOMMU platform operations (0x300 range; docs/protocol.md, "IOMMU
 * operations"): listings of the hosted platform, group claims, containers,
 * DMA mappings backed by client memfds, translation and faults.
 *
 * Handlers here decode, look objects up in the caller's own state (an
 * object of another handle is -ENOENT) and check claims; the work is done
 * by iommu_handle.c (claims, container lifetimes) and dma_container.c
 * (everything inside a container). A handle's IOMMU state is created by
 * the first request that needs it, never by a request that is refused
 * before the state is needed, and released with the handle.
 */
#include <errno.h>
#include <string.h>

#include "dma_container.h"
#include "ioasidd.h"
#include "iommu_handle.h"
#include "log.h"
#include "ops.h"
#include "platform.h"
#include "session.h"

#define IOMMU_DMA_RW (IOASID_DMA_READ | IOASID_DMA_WRITE)

static struct ioasid_platform *platform_of(const struct op_ctx *ctx)
{
	return ctx->d->platform->p;
}

/* ---- GROUPS and DEVICES ---- */

static int group_collect(struct ioasid_group *g, void *arg)
{
	return ops_id_walk_add(arg, ioasid_group_id(g));
}

static int device_collect(struct ioasid_device *dev, void *arg)
{
	return ops_id_walk_add(arg, ioasid_device_id(dev));
}

static uint32_t owner_pid(struct ioasid_owner *owner)
{
	return owner ? (uint32_t)ioasid__iommu_handle_of(owner)->pid : 0;
}

static void group_entry_fill(struct op_ctx *ctx, struct ioasid_group *g,
			     struct ioasid_group_entry *e)
{
	static struct ioasid_owner nobody = { .name = "ioasidd:nobody" };
	struct iommu_handle *h = ctx->s->iommu;
	struct ioasid_group_info info;

	ioasid_group_query(g, &info);
	*e = (struct ioasid_group_entry){
		.id = info.id,
		.type = (uint32_t)info.type,
		.nr_devices = info.nr_devices,
		.owner_pid = owner_pid(info.owner),
		.container_id = ioasid__platform_group_container(ctx->d->platform,
								 info.id),
	};
	/* A caller with no IOMMU state owns nothing: any fresh owner
	 * stands for it. */
	if (ioasid_group_viable(g, h ? &h->owner : &nobody))
		e->flags |= IOASID_GROUP_F_VIABLE;
	ops_copy_path(e->name, sizeof(e->name), info.name);
}

static int op_groups(struct op_ctx *ctx)
{
	static uint32_t ids[IOASID_MSG_MAX / sizeof(struct ioasid_group_entry) + 1];
	struct ioasid_group_entry *out = (void *)OPS_PAGE_ENTRIES(ctx);
	struct ops_id_walk w = ops_id_walk_init(ctx, sizeof(*out), ids);
	uint32_t n = 0;

	ioasid_platform_for_each_group(platform_of(ctx), group_collect, &w);
	for (uint32_t i = 0; i < ops_id_walk_page(&w); i++) {
		struct ioasid_group *g;

		if (ioasid_group_lookup(platform_of(ctx), ids[i], &g))
			continue; /* cannot happen: single-threaded */
		group_entry_fill(ctx, g, &out[n++]);
		ioasid_group_put(g);
	}
	return ops_page_finish(ctx, sizeof(*out), n, ops_id_walk_next(&w));
}

static void device_entry_fill(struct op_ctx *ctx, struct ioasid_device *dev,
			      struct ioasid_device_entry *e)
{
	struct ioasid_device_info info;

	ioasid_device_query(dev, &info);
	*e = (struct ioasid_device_entry){
		.id = info.id,
		.group_id = info.group_id < 0 ? IOASID_ID_NONE
					      : (uint32_t)info.group_id,
		.driver_kind = (uint32_t)info.driver_kind,
		.ssid_bits = info.ssid_bits,
		.iommu = info.iommu_index,
		.owner_pid = owner_pid(info.owner),
	};
	ops_copy_path(e->name, sizeof(e->name), info.name);
	ops_copy_path(e->parent, sizeof(e->parent), info.parent);
	ops_copy_path(e->driver, sizeof(e->driver), info.driver);
}

static int op_devices(struct op_ctx *ctx)
{
	static uint32_t ids[IOASID_MSG_MAX / sizeof(struct ioasid_device_entry) + 1];
	struct ioasid_device_entry *out = (void *)OPS_PAGE_ENTRIES(ctx);
	struct ops_id_walk w = ops_id_walk_init(ctx, sizeof(*out), ids);
	uint32_t n = 0;

	ioasid_platform_for_each_device(platform_of(ctx), device_collect, &w);
	for (uint32_t i = 0; i < ops_id_walk_page(&w); i++) {
		struct ioasid_device *dev;

		if (ioasid_device_lookup(platform_of(ctx), ids[i], &dev))
			continue; /* cannot happen: single-threaded */
		device_entry_fill(ctx, dev, &out[n++]);
	}
	return ops_page_finish(ctx, sizeof(*out), n, ops_id_walk_next(&w));
}

/* ---- GROUP_CLAIM and GROUP_RELEASE ---- */

_Static_assert(IOASID_GROUP_CLAIM_DETACH_DRIVERS == IOASID_CLAIM_DETACH_DRIVERS,
	       "claim flags");

static int op_group_claim(struct op_ctx *ctx)
{
	const struct ioasid_req_group *req = ctx->req;
	struct iommu_handle *h;
	struct ioasid_group *g;
	int ret;

	ret = ioasid_group_lookup(platform_of(ctx), req->group_id, &g);
	if (ret)
		return ret;
	ret = ioasid__iommu_handle_get(ctx->s, &h);
	if (!ret)
		ret = ioasid__iommu_handle_claim(h, g, req->flags);
	ioasid_group_put(g);
	return ret ? ret : ops_reply_empty(ctx);
}

static int op_group_release(struct op_ctx *ctx)
{
	const struct ioasid_req_group *req = ctx->req;
	struct iommu_handle *h = ctx->s->iommu;
	struct ioasid_group *g;
	int ret;

	ret = ioasid_group_lookup(platform_of(ctx), req->group_id, &g);
	if (ret)
		return ret;
	ret = h ? ioasid__iommu_handle_release(h, g)
		: ioasid__iommu_group_not_ours(g);
	ioasid_group_put(g);
	return ret ? ret : ops_reply_empty(ctx);
}

/* ---- containers ---- */

/* container_of_caller - the caller's container id: -ENOENT otherwise. */
static int container_of_caller(const struct op_ctx *ctx, uint32_t id,
			       struct ioasidd_container **ctp)
{
	struct iommu_handle *h = ctx->s->iommu;

	*ctp = h ? ioasid__iommu_handle_container(h, id) : NULL;
	return *ctp ? 0 : -ENOENT;
}

static int op_container_create(struct op_ctx *ctx)
{
	const struct ioasid_req_container_create *req = ctx->req;
	struct ioasidd_container *ct;
	struct iommu_handle *h;
	int ret;

	ret = ioasid__iommu_handle_get(ctx->s, &h);
	if (!ret)
		ret = ioasid__iommu_handle_create(h, req->type, &ct);
	return ret ? ret : ops_reply_id(ctx, ct->id);
}

/* container_group - the caller's container and the group a request names. */
static int container_group(const struct op_ctx *ctx, uint32_t container_id,
			   uint32_t group_id, struct ioasidd_container **ctp,
			   struct ioasid_group **gp)
{
	int ret = container_of_caller(ctx, container_id, ctp);

	return ret ? ret : ioasid_group_lookup(platform_of(ctx), group_id, gp);
}

static int op_container_attach_group(struct op_ctx *ctx)
{
	const struct ioasid_req_container_group *req = ctx->req;
	struct ioasidd_container *ct;
	struct ioasid_group *g;
	int ret;

	ret = container_group(ctx, req->container_id, req->group_id, &ct, &g);
	if (ret)
		return ret;
	if (!ioasid__iommu_handle_claimed(ctx->s->iommu, g))
		ret = -EPERM;
	else
		ret = ioasid__dmac_attach_group(ct, g);
	ioasid_group_put(g);
	return ret ? ret : ops_reply_empty(ctx);
}

static int op_container_detach_group(struct op_ctx *ctx)
{
	const struct ioasid_req_container_group *req = ctx->req;
	struct ioasidd_container *ct;
	struct ioasid_group *g;
	int ret;

	ret = container_group(ctx, req->container_id, req->group_id, &ct, &g);
	if (ret)
		return ret;
	ret = ioasid__dmac_detach_group(ct, g);
	ioasid_group_put(g);
	return ret ? ret : ops_reply_empty(ctx);
}

static int op_container_info(struct op_ctx *ctx)
{
	const struct ioasid_req_object *req = ctx->req;
	struct ioasid_rep_container_info rep;
	struct ioasidd_container *ct;
	int ret;

	ret = container_of_caller(ctx, req->id, &ct);
	if (ret)
		return ret;
	ioasid__dmac_info(ct, &rep);
	return ops_reply(ctx, &rep, sizeof(rep));
}

static int op_destroy(struct op_ctx *ctx)
{
	const struct ioasid_req_object *req = ctx->req;
	struct iommu_handle *h = ctx->s->iommu;
	int ret;

	ret = h ? ioasid__iommu_handle_destroy(h, req->id) : -ENOENT;
	return ret ? ret : ops_reply_empty(ctx);
}

/* ---- devices of the caller ---- */

/*
 * device_of_caller - the device id, in a group the caller claimed:
 * -ENOENT no such device, -EPERM in no group or not the caller's.
 */
static int device_of_caller(const struct op_ctx *ctx, uint32_t id,
			    struct ioasid_device **devp)
{
	struct iommu_handle *h = ctx->s->iommu;
	struct ioasid_group *g;
	bool claimed;
	int ret;

	ret = ioasid_device_lookup(platform_of(ctx), id, devp);
	if (ret)
		return ret;
	if (ioasid_device_group(*devp, &g))
		return -EPERM;
	claimed = h && ioasid__iommu_handle_claimed(h, g);
	ioasid_group_put(g);
	return claimed ? 0 : -EPERM;
}

static int container_pasid(struct op_ctx *ctx, bool attach)
{
	const struct ioasid_req_container_pasid *req = ctx->req;
	struct ioasidd_container *ct;
	struct ioasid_device *dev;
	int ret;

	ret = container_of_caller(ctx, req->container_id, &ct);
	if (!ret)
		ret = device_of_caller(ctx, req->device_id, &dev);
	if (ret)
		return ret;
	if (attach)
		ret = ioasid__dmac_attach_pasid(ct, dev, req->pasid);
	else
		ret = ioasid__dmac_detach_pasid(ct, dev, req->pasid);
	return ret ? ret : ops_reply_empty(ctx);
}

static int op_container_attach_pasid(struct op_ctx *ctx)
{
	return container_pasid(ctx, true);
}

static int op_container_detach_pasid(struct op_ctx *ctx)
{
	return container_pasid(ctx, false);
}

/* ---- MAP_DMA and UNMAP_DMA ---- */

static int op_map_dma(struct op_ctx *ctx)
{
	const struct ioasid_req_map_dma *req = ctx->req;
	struct ioasidd_container *ct;
	int ret;

	ret = container_of_caller(ctx, req->container_id, &ct);
	if (!ret)
		ret = ioasid__dmac_map(ct, req, ctx->fd_in);
	/* The descriptor is closed by the dispatcher: the daemon keeps
	 * only its mapping of the memory. */
	return ret ? ret : ops_reply_empty(ctx);
}

static int op_unmap_dma(struct op_ctx *ctx)
{
	const struct ioasid_req_unmap_dma *req = ctx->req;
	struct ioasid_rep_unmap_dma rep = { .size = sizeof(rep) };
	struct ioasidd_container *ct;
	int ret;

	ret = container_of_caller(ctx, req->container_id, &ct);
	if (!ret)
		ret = ioasid__dmac_unmap(ct, req, &rep.unmapped);
	return ret ? ret : ops_reply(ctx, &rep, sizeof(rep));
}

/* ---- TRANSLATE and FAULT_READ ---- */

/* translate_device - a DMA from a device of the caller, with a PASID. */
static int translate_device(struct op_ctx *ctx,
			    const struct ioasid_req_translate *req,
			    struct ioasid_rep_translate *rep)
{
	struct ioasidd_container *ct;
	struct ioasid_device *dev;
	uint64_t phys;
	int ret;

	ret = device_of_caller(ctx, req->id, &dev);
	if (ret)
		return ret;
	if (!req->access || (req->access & ~IOMMU_DMA_RW))
		return -EINVAL;
	ret = ioasid_device_translate(dev, req->pasid, req->iova, req->access,
				      &phys);
	if (ret)
		return ret;
	/* The daemon address phys names one region of one container. */
	for (ct = ctx->s->iommu->containers; ct; ct = ct->next)
		if (!ioasid__dmac_describe(ct, req->iova, phys, rep))
			return 0;
	log_err("pid %ld: device %u translated outside every region",
		(long)ctx->s->owner.pid, req->id);
	return -EIO;
}

static int op_translate(struct op_ctx *ctx)
{
	const struct ioasid_req_translate *req = ctx->req;
	struct ioasid_rep_translate rep;
	struct ioasidd_container *ct;
	int ret;

	if (req->flags & IOASID_TRANSLATE_DEVICE) {
		ret = translate_device(ctx, req, &rep);
	} else {
		ret = container_of_caller(ctx, req->id, &ct);
		if (!ret && req->pasid)
			ret = -EINVAL;
		if (!ret)
			ret = ioasid__dmac_translate(ct, req->iova, req->access,
						     &rep);
	}
	return ret ? ret : ops_reply(ctx, &rep, sizeof(rep));
}

static int op_fault_read(struct op_ctx *ctx)
{
	const struct ioasid_req_fault_read *req = ctx->req;
	struct ioasid_fault_entry *out =
		(void *)((char *)ctx->rep + sizeof(struct ioasid_rep_faults));
	struct ioasid_rep_faults rep = { 0 };
	struct ioasidd_container *ct;
	uint32_t room;
	int ret;

	ret = container_of_caller(ctx, req->container_id, &ct);
	if (ret)
		return ret;
	room = (uint32_t)((ctx->rep_max - sizeof(rep)) / sizeof(*out));
	if (req->max_entries && req->max_entries < room)
		room = req->max_entries;
	rep.count = ioasid__dmac_fault_read(ct, out, room, &rep.lost);
	rep.size = (uint32_t)(sizeof(rep) + rep.count * sizeof(*out));
	memcpy(ctx->rep, &rep, sizeof(rep));
	ctx->rep_size = rep.size;
	return 0;
}

/* ---- the table ---- */

#define RSVD(type) { offsetof(type, __rsvd) }
#define FIXED(type) sizeof(type), sizeof(type)

static const struct ioasidd_op ops[] = {
	{ IOASID_OP_GROUPS, "GROUPS",
	  OPS_OFFSETOFEND(struct ioasid_req_page, max_entries),
	  sizeof(struct ioasid_req_page), 0, RSVD(struct ioasid_req_page),
	  false, false, op_groups },
	{ IOASID_OP_DEVICES, "DEVICES",
	  OPS_OFFSETOFEND(struct ioasid_req_page, max_entries),
	  sizeof(struct ioasid_req_page), 0, RSVD(struct ioasid_req_page),
	  false, false, op_devices },
	{ IOASID_OP_GROUP_CLAIM, "GROUP_CLAIM", FIXED(struct ioasid_req_group),
	  IOASID_GROUP_CLAIM_DETACH_DRIVERS, RSVD(struct ioasid_req_group),
	  false, false, op_group_claim },
	{ IOASID_OP_GROUP_RELEASE, "GROUP_RELEASE",
	  FIXED(struct ioasid_req_group), 0, RSVD(struct ioasid_req_group),
	  false, false, op_group_release },
	{ IOASID_OP_CONTAINER_CREATE, "CONTAINER_CREATE",
	  FIXED(struct ioasid_req_container_create), 0,
	  RSVD(struct ioasid_req_container_create), false, false,
	  op_container_create },
	{ IOASID_OP_CONTAINER_ATTACH_GROUP, "CONTAINER_ATTACH_GROUP",
	  FIXED(struct ioasid_req_container_group), 0, { 0 }, false, false,
	  op_container_attach_group },
	{ IOASID_OP_CONTAINER_DETACH_GROUP, "CONTAINER_DETACH_GROUP",
	  FIXED(struct ioasid_req_container_group), 0, { 0 }, false, false,
	  op_container_detach_group },
	{ IOASID_OP_CONTAINER_INFO, "CONTAINER_INFO",
	  FIXED(struct ioasid_req_object), 0, RSVD(struct ioasid_req_object),
	  false, false, op_container_info },
	{ IOASID_OP_CONTAINER_ATTACH_PASID, "CONTAINER_ATTACH_PASID",
	  FIXED(struct ioasid_req_container_pasid), 0,
	  RSVD(struct ioasid_req_container_pasid), false, false,
	  op_container_attach_pasid },
	{ IOASID_OP_CONTAINER_DETACH_PASID, "CONTAINER_DETACH_PASID",
	  FIXED(struct ioasid_req_container_pasid), 0,
	  RSVD(struct ioasid_req_container_pasid), false, false,
	  op_container_detach_pasid },
	{ IOASID_OP_MAP_DMA, "MAP_DMA", FIXED(struct ioasid_req_map_dma),
	  IOMMU_DMA_RW, RSVD(struct ioasid_req_map_dma), false, true,
	  op_map_dma },
	{ IOASID_OP_UNMAP_DMA, "UNMAP_DMA", FIXED(struct ioasid_req_unmap_dma),
	  IOASID_UNMAP_DMA_ALL, RSVD(struct ioasid_req_unmap_dma), false,
	  false, op_unmap_dma },
	{ IOASID_OP_TRANSLATE, "TRANSLATE", FIXED(struct ioasid_req_translate),
	  IOASID_TRANSLATE_DEVICE, RSVD(struct ioasid_req_translate), false,
	  false, op_translate },
	{ IOASID_OP_FAULT_READ, "FAULT_READ",
	  FIXED(struct ioasid_req_fault_read), 0, { 0 }, false, false,
	  op_fault_read },
	{ IOASID_OP_DESTROY, "DESTROY", FIXED(struct ioasid_req_object), 0,
	  RSVD(struct ioasid_req_object), false, false, op_destroy },
};

const struct ioasidd_op_family ioasid__ops_iommu = {
	"iommu", ops, OPS_COUNT(ops)
};
