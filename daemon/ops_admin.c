// SPDX-License-Identifier: MIT
/*
 * Quotas and resource-controller limits: SET_QUOTA and LIMIT_SET (admin:
 * root or the daemon's uid) and LIMIT_GET (any handle).
 *
 * A change is made, then journaled; if the journal refuses it the change
 * is undone (restoring an old value cannot fail), so a failed request
 * changes nothing.
 */
#include <errno.h>
#include <string.h>

#include "ioasidd.h"
#include "ops.h"
#include "session.h"
#include "state.h"

static int quota_set_default(struct op_ctx *ctx, uint32_t quota)
{
	struct ioasidd *d = ctx->d;
	int ret;

	if (quota >= ioasid_capacity_total(d->ns))
		return -EINVAL;
	ret = ioasid__state_log_quota(d, NULL, quota);
	if (ret)
		return ret;
	d->default_quota = quota;
	return ops_reply_empty(ctx);
}

static int op_set_quota(struct op_ctx *ctx)
{
	const struct ioasid_req_set_quota *req = ctx->req;
	struct ioasid_set_info info;
	struct session *s;
	int ret;

	if (!req->quota)
		return -EINVAL;
	if (!req->pid)
		return quota_set_default(ctx, req->quota);
	s = ioasid__daemon_session_by_pid(ctx->d, (pid_t)req->pid);
	if (!s || !s->set)
		return -ENOENT;
	ioasid_set_query(s->set, &info);
	ret = ioasid_set_adjust_quota(s->set, req->quota);
	if (ret)
		return ret;
	ret = ioasid__state_log_quota(ctx->d, &s->owner, req->quota);
	if (ret) {
		/* Cannot fail: the old quota held these IDs a moment ago. */
		(void)ioasid_set_adjust_quota(s->set, info.quota);
		return ret;
	}
	return ops_reply_empty(ctx);
}

/* limit_path - the request's path: terminated, valid. */
static int limit_path(const struct ioasid_req_limit *req)
{
	int ret = ops_string_ok(req->path, sizeof(req->path));

	return ret ? ret : ioasid_cgroup_path_valid(req->path);
}

static int op_limit_set(struct op_ctx *ctx)
{
	const struct ioasid_req_limit *req = ctx->req;
	struct ioasid_cgroup_info old;
	struct ioasid_cgroup *cg;
	int ret;

	ret = limit_path(req);
	if (ret)
		return ret;
	if (!strcmp(req->path, "/"))
		return -EINVAL; /* the root has a capacity, not a max */
	ret = ioasid_cgroup_lookup(ctx->d->cgroups, req->path,
				   IOASID_CGROUP_CREATE, &cg);
	if (ret)
		return ret;
	ioasid_cgroup_query(cg, &old);
	ret = ioasid_cgroup_max_set(cg, req->max);
	if (!ret) {
		ret = ioasid__state_log_limit(ctx->d, req->path, req->max);
		if (ret)
			(void)ioasid_cgroup_max_set(cg, old.max);
	}
	ioasid_cgroup_put(cg);
	return ret ? ret : ops_reply_empty(ctx);
}

/*
 * LIMIT_GET: a valid path that no group carries yet reads as a fresh
 * group would (max "max", nothing charged): groups exist in the tree only
 * while something is charged to them or a limit is set.
 */
static int op_limit_get(struct op_ctx *ctx)
{
	const struct ioasid_req_limit *req = ctx->req;
	struct ioasid_rep_limit rep = {
		.size = sizeof(rep),
		.max = IOASID_LIMIT_MAX,
	};
	struct ioasid_cgroup_info info;
	struct ioasid_cgroup *cg;
	int ret;

	ret = limit_path(req);
	if (ret)
		return ret;
	ret = ioasid_cgroup_lookup(ctx->d->cgroups, req->path, 0, &cg);
	if (ret == -ENOENT)
		return ops_reply(ctx, &rep, sizeof(rep));
	if (ret)
		return ret;
	ioasid_cgroup_query(cg, &info);
	ioasid_cgroup_put(cg);
	rep.max = info.max;
	rep.current = info.current;
	rep.events = info.events;
	rep.capacity = info.capacity;
	return ops_reply(ctx, &rep, sizeof(rep));
}

static const struct ioasidd_op ops[] = {
	{ IOASID_OP_SET_QUOTA, "SET_QUOTA", sizeof(struct ioasid_req_set_quota),
	  sizeof(struct ioasid_req_set_quota), 0, { 0 }, true, false,
	  op_set_quota },
	{ IOASID_OP_LIMIT_SET, "LIMIT_SET", sizeof(struct ioasid_req_limit),
	  sizeof(struct ioasid_req_limit), 0, { 0 }, true, false,
	  op_limit_set },
	{ IOASID_OP_LIMIT_GET, "LIMIT_GET", sizeof(struct ioasid_req_limit),
	  sizeof(struct ioasid_req_limit), 0, { 0 }, false, false,
	  op_limit_get },
};

const struct ioasidd_op_family ioasid__ops_admin = {
	"admin", ops, OPS_COUNT(ops)
};
