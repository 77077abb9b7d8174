// SPDX-License-Identifier: MIT
/*
 * Passing the right to one PASID: EXPORT and IMPORT (see export.h).
 */
#include <errno.h>

#include "export.h"
#include "ioasidd.h"
#include "ops.h"
#include "session.h"

static int op_export(struct op_ctx *ctx)
{
	const struct ioasid_req_id *req = ctx->req;
	struct ioasid_info info;
	int ret, fd;

	ret = ioasid_find(ctx->d->ns, ctx->s->set, req->id, NULL);
	if (ret)
		return ret;
	if (ioasid_query(ctx->d->ns, req->id, &info) ||
	    info.state != IOASID_STATE_ACTIVE)
		return -ENOENT;
	ret = ioasid__export_new(ctx->d, ctx->s, req->id, &fd);
	if (ret)
		return ret;
	ctx->fd_out = fd; /* sent as a copy; the export keeps its own */
	return ops_reply_id(ctx, req->id);
}

static int op_import(struct op_ctx *ctx)
{
	struct ioasidd_export *e;
	struct session *s = ctx->s;
	int ret;

	ret = ioasid__export_lookup(ctx->d, ctx->fd_in, &e);
	if (ret)
		return ret;
	ret = ioasid__session_ref_reserve(s);
	if (ret)
		return ret;
	ret = ioasid__ids_get(ctx->d, NULL, e->id);
	if (ret)
		return ret;
	ioasid__session_ref_add(s, e->id);
	return ops_reply_id(ctx, e->id);
}

static const struct ioasidd_op ops[] = {
	{ IOASID_OP_EXPORT, "EXPORT", OPS_OFFSETOFEND(struct ioasid_req_id, id),
	  sizeof(struct ioasid_req_id), 0,
	  { offsetof(struct ioasid_req_id, __rsvd) }, false, false, op_export },
	{ IOASID_OP_IMPORT, "IMPORT", 8, sizeof(struct ioasid_req_empty), 0,
	  { 0 }, false, true, op_import },
};

const struct ioasidd_op_family ioasid__ops_export = {
	"export", ops, OPS_COUNT(ops)
};
