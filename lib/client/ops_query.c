// SPDX-License-Identifier: MIT
/*
 * Queries: GET_INFO, STATUS, LIMIT_GET, LIST, SETS and RECLAIM. All of them
 * are idempotent and sent again after a reconnect. Wire structs are
 * translated into the public ones of ioasid/client.h here, so that the
 * wire layout never leaks to callers.
 */
#include <errno.h>
#include <string.h>

#include "client/client_priv.h"

static void info_copy(struct ioasid_client_info *info,
		      const struct ioasid_rep_get_info *w)
{
	memset(info, 0, sizeof(*info));
	info->version = w->version;
	info->capacity = w->capacity;
	info->available = w->available;
	info->quota = w->quota;
	info->nr_ids = w->nr_ids;
	info->flags = w->flags;
	info->set_id = w->set_id;
	info->cg_max = w->cg_max;
	info->cg_current = w->cg_current;
	info->cg_events = w->cg_events;
	ioasid__codec_string(info->cgroup, sizeof(info->cgroup), w->cgroup,
			     sizeof(w->cgroup));
}

int ioasid_client_info(struct ioasid_client *c, struct ioasid_client_info *info)
{
	struct ioasid_req_empty req = { 0 };
	struct ioasid_rep_get_info w;
	int r;

	if (!c || !info)
		return -EINVAL;
	r = ioasid__client_simple(c, IOASID_OP_GET_INFO, &req, sizeof(req),
				  IOASID__RETRY_ALWAYS, &w, sizeof(w), sizeof(w));
	if (r == 0)
		info_copy(info, &w);
	return r;
}

int ioasid_client_status(struct ioasid_client *c,
			 struct ioasid_client_status *status)
{
	struct ioasid_req_empty req = { 0 };
	struct ioasid_rep_status w;
	int r;

	if (!c || !status)
		return -EINVAL;
	r = ioasid__client_simple(c, IOASID_OP_STATUS, &req, sizeof(req),
				  IOASID__RETRY_ALWAYS, &w, sizeof(w), sizeof(w));
	if (r < 0)
		return r;
	memset(status, 0, sizeof(*status));
	status->version = w.version;
	status->capacity = w.capacity;
	status->available = w.available;
	status->nr_sets = w.nr_sets;
	status->nr_ids = w.nr_ids;
	status->nr_handles = w.nr_handles;
	status->daemon_pid = w.daemon_pid;
	status->uptime_ms = w.uptime_ms;
	status->journal_bytes = w.journal_bytes;
	return 0;
}

/* Copy a cgroup path into a request; it must fit with its NUL. */
int ioasid__client_path_copy(char *dst, size_t size, const char *cgroup)
{
	size_t len;

	if (!cgroup)
		return -EINVAL;
	len = strnlen(cgroup, size);
	if (len == size)
		return -EINVAL;
	memset(dst, 0, size);
	memcpy(dst, cgroup, len);
	return 0;
}

int ioasid_client_limit_get(struct ioasid_client *c, const char *cgroup,
			    struct ioasid_client_limit *limit)
{
	struct ioasid_req_limit req = { 0 };
	struct ioasid_rep_limit w;
	int r;

	if (!c || !limit)
		return -EINVAL;
	r = ioasid__client_path_copy(req.path, sizeof(req.path), cgroup);
	if (r < 0)
		return r;
	r = ioasid__client_simple(c, IOASID_OP_LIMIT_GET, &req, sizeof(req),
				  IOASID__RETRY_ALWAYS, &w, sizeof(w), sizeof(w));
	if (r < 0)
		return r;
	limit->max = w.max;
	limit->current = w.current;
	limit->events = w.events;
	limit->capacity = w.capacity;
	return 0;
}

int ioasid_client_list(struct ioasid_client *c,
		       struct ioasid_client_id_entry **entries, size_t *count)
{
	return ioasid__client_query_pages(c, IOASID_OP_LIST, (void **)entries,
					  count);
}

int ioasid_client_sets(struct ioasid_client *c,
		       struct ioasid_client_set_entry **entries, size_t *count)
{
	return ioasid__client_query_pages(c, IOASID_OP_SETS, (void **)entries,
					  count);
}

/*
 * RECLAIM on request. A reconnect while it runs already reconciles; the
 * answer that comes back is reconciled once more, which finds nothing new.
 */
int ioasid_client_reclaim(struct ioasid_client *c,
			  struct ioasid_client_id_entry **entries,
			  size_t *count)
{
	int r;

	if (!c || !entries || !count)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_reclaim(c, true, NULL, entries, count);
	pthread_mutex_unlock(&c->lock);
	return r;
}
