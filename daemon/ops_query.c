// SPDX-License-Identifier: MIT
/*
 * Queries for ioasidctl: STATUS, LIST, SETS. Any handle may ask; they
 * reveal the namespace's shape but grant no right to anything.
 */
#include <errno.h>
#include <string.h>

#include "ioasidd.h"
#include "ops.h"
#include "session.h"
#include "state.h"

struct ns_count {
	uint32_t sets, ids;
};

static int count_set(struct ioasid_set *set, void *arg)
{
	struct ns_count *c = arg;
	struct ioasid_set_info info;

	ioasid_set_query(set, &info);
	c->sets++;
	c->ids += info.nr_ids;
	return 0;
}

static int op_status(struct op_ctx *ctx)
{
	struct ioasidd *d = ctx->d;
	struct ns_count c = { 0 };
	struct ioasid_rep_status rep = {
		.size = sizeof(rep),
		.version = IOASID_PROTO_VERSION,
		.capacity = ioasid_capacity_total(d->ns),
		.available = ioasid_capacity_available(d->ns),
		.nr_handles = d->nr_sessions,
		.daemon_pid = (uint32_t)d->pid,
		.uptime_ms = ioasid__now_ms() - d->start_ms,
		.journal_bytes = ioasid__state_journal_bytes(d),
	};

	ioasid_ns_for_each_set(d->ns, count_set, &c);
	rep.nr_sets = c.sets;
	rep.nr_ids = c.ids;
	return ops_reply(ctx, &rep, sizeof(rep));
}

/*
 * set_owner - the pid owning a PROCESS set (its open handle, or a waiting
 * reclaim) and that handle's session, or 0 once the owner is gone.
 */
static pid_t set_owner(struct ioasidd *d, const struct ioasid_set_info *info,
		       struct session **sp)
{
	struct session *s;

	*sp = NULL;
	if (info->type != IOASID_SET_TYPE_PROCESS)
		return 0;
	s = ioasid__daemon_session_by_pid(d,
					  ioasid__identity_token_pid(info->token));
	if (s && s->token == info->token) {
		*sp = s;
		return s->owner.pid;
	}
	return ioasid__state_waiting_owner(d, info->token);
}

static void list_entry_fill(struct ioasidd *d, ioasid_t id,
			    struct ioasid_list_entry *e)
{
	struct ioasid_info info = { 0 };
	struct ioasid_set_info si = { 0 };
	struct ioasid_set *set;
	struct session *s;

	ioasid_query(d->ns, id, &info);
	*e = (struct ioasid_list_entry){
		.id = id, .state = info.state, .refs = info.refs,
		.spid = info.spid, .set_id = info.set_id,
	};
	if (ioasid_find_set(d->ns, id, &set))
		return;
	ioasid_set_query(set, &si);
	ioasid_set_put(set);
	e->owner_pid = (uint32_t)set_owner(d, &si, &s);
}

static int op_list(struct op_ctx *ctx)
{
	const struct ioasid_req_page *req = ctx->req;
	struct ioasid_list_entry *out = (void *)OPS_PAGE_ENTRIES(ctx);
	uint32_t room = ops_page_room(ctx, sizeof(*out), req->max_entries);
	uint32_t n = 0;
	ioasid_t id;

	id = ioasid__ids_next_live(ctx->d, req->start ? req->start : 1);
	for (; id && n < room; id = ioasid__ids_next_live(ctx->d, (uint64_t)id + 1))
		list_entry_fill(ctx->d, id, &out[n++]);
	return ops_page_finish(ctx, sizeof(*out), n, id);
}

/* The smallest set ids >= start, kept sorted; one extra shows a next page. */
struct sets_walk {
	uint64_t start;
	uint32_t room, count;
	struct ioasid_set_info *infos; /* room + 1 */
};

static int sets_collect(struct ioasid_set *set, void *arg)
{
	struct sets_walk *w = arg;
	struct ioasid_set_info info;
	uint32_t i;

	ioasid_set_query(set, &info);
	if (info.id < w->start)
		return 0;
	if (w->count == w->room + 1 && info.id > w->infos[w->room].id)
		return 0;
	i = w->count < w->room + 1 ? w->count++ : w->room;
	for (; i > 0 && w->infos[i - 1].id > info.id; i--)
		w->infos[i] = w->infos[i - 1];
	w->infos[i] = info;
	return 0;
}

static void sets_entry_fill(struct ioasidd *d, const struct ioasid_set_info *info,
			    struct ioasid_sets_entry *e)
{
	struct session *s;

	*e = (struct ioasid_sets_entry){
		.set_id = info->id, .type = info->type, .quota = info->quota,
		.nr_ids = info->nr_ids,
	};
	e->owner_pid = (uint32_t)set_owner(d, info, &s);
	if (s && s->cg)
		ops_copy_path(e->cgroup, sizeof(e->cgroup),
			      ioasid_cgroup_path(s->cg));
}

static int op_sets(struct op_ctx *ctx)
{
	static struct ioasid_set_info infos[IOASID_MSG_MAX /
					    sizeof(struct ioasid_sets_entry) + 1];
	const struct ioasid_req_page *req = ctx->req;
	struct ioasid_sets_entry *out = (void *)OPS_PAGE_ENTRIES(ctx);
	struct sets_walk w = {
		.start = req->start,
		.room = ops_page_room(ctx, sizeof(*out), req->max_entries),
		.infos = infos,
	};
	uint32_t n;

	ioasid_ns_for_each_set(ctx->d->ns, sets_collect, &w);
	n = w.count < w.room ? w.count : w.room;
	for (uint32_t i = 0; i < n; i++)
		sets_entry_fill(ctx->d, &infos[i], &out[i]);
	return ops_page_finish(ctx, sizeof(*out), n,
			       w.count > w.room ? infos[w.room].id : 0);
}

static const struct ioasidd_op ops[] = {
	{ IOASID_OP_STATUS, "STATUS", 8, sizeof(struct ioasid_req_empty), 0,
	  { 0 }, false, false, op_status },
	{ IOASID_OP_LIST, "LIST",
	  OPS_OFFSETOFEND(struct ioasid_req_page, max_entries),
	  sizeof(struct ioasid_req_page), 0,
	  { offsetof(struct ioasid_req_page, __rsvd) }, false, false, op_list },
	{ IOASID_OP_SETS, "SETS",
	  OPS_OFFSETOFEND(struct ioasid_req_page, max_entries),
	  sizeof(struct ioasid_req_page), 0,
	  { offsetof(struct ioasid_req_page, __rsvd) }, false, false, op_sets },
};

const struct ioasidd_op_family ioasid__ops_query = {
	"query", ops, OPS_COUNT(ops)
};
