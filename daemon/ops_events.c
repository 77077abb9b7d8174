// SPDX-License-Identifier: MIT
/* SUBSCRIBE: the caller's set's events as IOASID_EVT_NOTIFY (events.h). */
#include <errno.h>

#include "events.h"
#include "ops.h"
#include "session.h"

static int op_subscribe(struct op_ctx *ctx)
{
	const struct ioasid_req_subscribe *req = ctx->req;
	int ret = ioasid__events_subscribe(ctx->s, req->flags);

	return ret ? ret : ops_reply_empty(ctx);
}

static const struct ioasidd_op ops[] = {
	{ IOASID_OP_SUBSCRIBE, "SUBSCRIBE", sizeof(struct ioasid_req_subscribe),
	  sizeof(struct ioasid_req_subscribe), IOASID_SUB_ALL, { 0 }, false,
	  false, op_subscribe },
};

const struct ioasidd_op_family ioasid__ops_events = {
	"events", ops, OPS_COUNT(ops)
};
