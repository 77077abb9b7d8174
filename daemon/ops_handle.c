// SPDX-License-Identifier: MIT
/*
 * Handle operations on the caller's own set: GET_INFO, ALLOC, FREE, GET,
 * PUT, RECLAIM.
 *
 * Reference rules. A handle may take references (GET) on the IDs of its
 * own set, and on IDs of other sets only when it already holds one, which
 * it can only have obtained through IMPORT. References are counted per
 * handle; PUT drops only those, and closing the handle drops the rest.
 */
#include <errno.h>

#include "ioasidd.h"
#include "ops.h"
#include "session.h"

static int op_get_info(struct op_ctx *ctx)
{
	struct session *s = ctx->s;
	struct ioasidd *d = ctx->d;
	struct ioasid_rep_get_info rep = {
		.size = sizeof(rep),
		.version = IOASID_PROTO_VERSION,
		.capacity = ioasid_capacity_total(d->ns),
		.available = ioasid_capacity_available(d->ns),
	};
	struct ioasid_cgroup *cg = ioasid__session_cgroup(s);
	struct ioasid_cgroup_info cgi;
	struct ioasid_set_info si;

	ioasid_set_query(s->set, &si);
	ioasid_cgroup_query(cg, &cgi);
	rep.quota = si.quota;
	rep.nr_ids = si.nr_ids;
	rep.set_id = si.id;
	rep.flags = (ioasid__daemon_is_admin(d, s->uid) ? IOASID_INFO_ADMIN : 0) |
		    (s->reclaimed ? IOASID_INFO_RECLAIMED : 0);
	rep.cg_max = cgi.max;
	rep.cg_current = cgi.current;
	rep.cg_events = cgi.events;
	ops_copy_path(rep.cgroup, sizeof(rep.cgroup), ioasid_cgroup_path(cg));
	return ops_reply(ctx, &rep, sizeof(rep));
}

static int op_alloc(struct op_ctx *ctx)
{
	const struct ioasid_req_alloc *req = ctx->req;
	ioasid_t min = req->min, max = req->max, id;
	int ret;

	if (!min && !max) {
		min = 1;
		max = ioasid_capacity_total(ctx->d->ns) - 1;
	}
	ret = ioasid__ids_alloc(ctx->s, min, max, &id);
	return ret ? ret : ops_reply_id(ctx, id);
}

static int op_free(struct op_ctx *ctx)
{
	const struct ioasid_req_id *req = ctx->req;
	int ret = ioasid__ids_free(ctx->d, ctx->s->set, req->id, true);

	return ret ? ret : ops_reply_empty(ctx);
}

static int op_get(struct op_ctx *ctx)
{
	const struct ioasid_req_id *req = ctx->req;
	struct session *s = ctx->s;
	int ret;

	ret = ioasid__session_ref_reserve(s);
	if (ret)
		return ret;
	/* An imported ID may be referenced again; others must be ours. */
	ret = ioasid__ids_get(ctx->d,
			      ioasid__session_refs(s, req->id) ? NULL : s->set,
			      req->id);
	if (ret)
		return ret;
	ioasid__session_ref_add(s, req->id);
	return ops_reply_empty(ctx);
}

static int op_put(struct op_ctx *ctx)
{
	const struct ioasid_req_id *req = ctx->req;
	struct session *s = ctx->s;
	int ret;

	if (!ioasid__session_refs(s, req->id)) {
		/* -ENOENT not live, -EPERM another set's, else no reference. */
		ret = ioasid_find(ctx->d->ns, s->set, req->id, NULL);
		return ret ? ret : -EINVAL;
	}
	ioasid__ids_put(ctx->d, req->id);
	ioasid__session_ref_drop(s, req->id);
	return ops_reply_empty(ctx);
}

static int reclaim_collect(ioasid_t id, void *arg)
{
	return ops_id_walk_add(arg, id);
}

/*
 * RECLAIM: the IDs the handle owns, as LIST entries, paged like LIST. The
 * request may be a bare struct ioasid_req_empty (first page) or a struct
 * ioasid_req_page (a compatible extension: same first two fields).
 */
static int op_reclaim(struct op_ctx *ctx)
{
	/* Scratch for the walk (the loop is single-threaded). */
	static ioasid_t ids[IOASID_MSG_MAX / sizeof(struct ioasid_list_entry) + 1];
	struct ioasid_list_entry *out = (void *)OPS_PAGE_ENTRIES(ctx);
	struct ops_id_walk w = ops_id_walk_init(ctx, sizeof(*out), ids);
	uint32_t i;

	ioasid_set_for_each(ctx->s->set, reclaim_collect, &w);
	for (i = 0; i < ops_id_walk_page(&w); i++) {
		struct ioasid_info info = { 0 };

		ioasid_query(ctx->d->ns, ids[i], &info);
		out[i] = (struct ioasid_list_entry){
			.id = ids[i], .state = info.state, .refs = info.refs,
			.spid = info.spid, .set_id = info.set_id,
			.owner_pid = (uint32_t)ctx->s->owner.pid,
		};
	}
	return ops_page_finish(ctx, sizeof(*out), i, ops_id_walk_next(&w));
}

static const struct ioasidd_op ops[] = {
	{ IOASID_OP_GET_INFO, "GET_INFO", 8, sizeof(struct ioasid_req_empty),
	  0, { 0 }, false, false, op_get_info },
	{ IOASID_OP_ALLOC, "ALLOC", sizeof(struct ioasid_req_alloc),
	  sizeof(struct ioasid_req_alloc), 0, { 0 }, false, false, op_alloc },
	{ IOASID_OP_FREE, "FREE", OPS_OFFSETOFEND(struct ioasid_req_id, id),
	  sizeof(struct ioasid_req_id), 0,
	  { offsetof(struct ioasid_req_id, __rsvd) }, false, false, op_free },
	{ IOASID_OP_GET, "GET", OPS_OFFSETOFEND(struct ioasid_req_id, id),
	  sizeof(struct ioasid_req_id), 0,
	  { offsetof(struct ioasid_req_id, __rsvd) }, false, false, op_get },
	{ IOASID_OP_PUT, "PUT", OPS_OFFSETOFEND(struct ioasid_req_id, id),
	  sizeof(struct ioasid_req_id), 0,
	  { offsetof(struct ioasid_req_id, __rsvd) }, false, false, op_put },
	{ IOASID_OP_RECLAIM, "RECLAIM", 8, sizeof(struct ioasid_req_page), 0,
	  { offsetof(struct ioasid_req_page, __rsvd) }, false, false,
	  op_reclaim },
};

const struct ioasidd_op_family ioasid__ops_handle = {
	"handle", ops, OPS_COUNT(ops)
};
