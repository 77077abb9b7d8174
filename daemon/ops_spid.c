// SPDX-License-Identifier: MIT
/*
 * Set-private IDs on the caller's set: ATTACH_SPID, DETACH_SPID, FIND_SPID.
 *
 * Each change is checked first, then journaled, then made: the daemon is
 * the core's only caller and single-threaded, so the checks hold, and a
 * failing journal leaves the change unmade. (Making the change first
 * would let subscribers see a BIND undone by an UNBIND.) An attach that
 * fails after its record was journaled takes the record back.
 */
#include <errno.h>

#include "ioasidd.h"
#include "ops.h"
#include "session.h"
#include "state.h"

/* attach_check - what ioasid_spid_attach() would refuse, in its order. */
static int attach_check(struct ioasidd *d, struct ioasid_set *set,
			ioasid_t id, ioasid_t spid)
{
	struct ioasid_info info;
	ioasid_t other;
	int ret;

	if (spid >= IOASID_CAPACITY_MAX) /* not a PASID */
		return -EINVAL;
	ret = ioasid_find(d->ns, set, id, NULL);
	if (ret)
		return ret;
	if (ioasid_query(d->ns, id, &info) || info.state != IOASID_STATE_ACTIVE)
		return -ENOENT;
	if (info.spid != IOASID_INVALID)
		return -EBUSY;
	if (!ioasid_spid_find(set, spid, false, &other))
		return -EEXIST;
	return 0;
}

static int op_attach_spid(struct op_ctx *ctx)
{
	const struct ioasid_req_attach_spid *req = ctx->req;
	struct ioasid_set *set = ctx->s->set;
	int ret;

	ret = attach_check(ctx->d, set, req->id, req->spid);
	if (ret)
		return ret;
	ret = ioasid__state_log_spid(ctx->d, req->id, req->spid);
	if (ret)
		return ret;
	ret = ioasid_spid_attach(set, req->id, req->spid);
	if (ret) {
		/* Only -ENOMEM gets here: the record is cut off again,
		 * which needs no room, unlike a record undoing it. */
		ioasid__state_log_cancel(ctx->d);
		return ret;
	}
	return ops_reply_empty(ctx);
}

static int op_detach_spid(struct op_ctx *ctx)
{
	const struct ioasid_req_id *req = ctx->req;
	struct ioasid_set *set = ctx->s->set;
	struct ioasid_info info;
	int ret;

	ret = ioasid_find(ctx->d->ns, set, req->id, NULL);
	if (ret)
		return ret;
	if (ioasid_query(ctx->d->ns, req->id, &info) ||
	    info.spid == IOASID_INVALID)
		return -ENOENT;
	ret = ioasid__state_log_spid(ctx->d, req->id, IOASID_INVALID);
	if (ret)
		return ret;
	ret = ioasid_spid_detach(set, req->id);
	return ret ? ret : ops_reply_empty(ctx);
}

static int op_find_spid(struct op_ctx *ctx)
{
	const struct ioasid_req_find_spid *req = ctx->req;
	struct session *s = ctx->s;
	ioasid_t id;
	int ret;

	ret = ioasid_spid_find(s->set, req->spid, false, &id);
	if (ret)
		return ret;
	if (req->flags & IOASID_FIND_SPID_GET) {
		ret = ioasid__session_ref_reserve(s);
		if (!ret)
			ret = ioasid__ids_get(ctx->d, s->set, id);
		if (ret)
			return ret;
		ioasid__session_ref_add(s, id);
	}
	return ops_reply_id(ctx, id);
}

static const struct ioasidd_op ops[] = {
	{ IOASID_OP_ATTACH_SPID, "ATTACH_SPID",
	  sizeof(struct ioasid_req_attach_spid),
	  sizeof(struct ioasid_req_attach_spid), 0, { 0 }, false, false,
	  op_attach_spid },
	{ IOASID_OP_DETACH_SPID, "DETACH_SPID",
	  OPS_OFFSETOFEND(struct ioasid_req_id, id),
	  sizeof(struct ioasid_req_id), 0,
	  { offsetof(struct ioasid_req_id, __rsvd) }, false, false,
	  op_detach_spid },
	{ IOASID_OP_FIND_SPID, "FIND_SPID",
	  OPS_OFFSETOFEND(struct ioasid_req_find_spid, spid),
	  sizeof(struct ioasid_req_find_spid), IOASID_FIND_SPID_GET,
	  { offsetof(struct ioasid_req_find_spid, __rsvd) }, false, false,
	  op_find_spid },
};

const struct ioasidd_op_family ioasid__ops_spid = {
	"spid", ops, OPS_COUNT(ops)
};
