// SPDX-License-Identifier: MIT
/*
 * SUBSCRIBE and the administrative operations SET_QUOTA and LIMIT_SET.
 * Each sets an absolute value, so each is idempotent and sent again after
 * a reconnect. The subscription mask is remembered so that a reconnect can
 * restore it on the new handle.
 */
#include <errno.h>

#include "client/client_priv.h"

int ioasid_client_subscribe(struct ioasid_client *c, uint32_t mask)
{
	struct ioasid_req_subscribe req = { .flags = mask };
	struct ioasid__call call;
	int r;

	if (!c)
		return -EINVAL;
	ioasid__call_init(&call, IOASID_OP_SUBSCRIBE, &req, sizeof(req),
			  IOASID__RETRY_ALWAYS);
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_call(c, &call);
	if (r == 0)
		c->sub_mask = mask;
	pthread_mutex_unlock(&c->lock);
	return r;
}

int ioasid_client_quota_set(struct ioasid_client *c, pid_t pid, uint32_t quota)
{
	struct ioasid_req_set_quota req = { .pid = (uint32_t)pid, .quota = quota };

	if (!c || pid < 0)
		return -EINVAL;
	return ioasid__client_simple(c, IOASID_OP_SET_QUOTA, &req, sizeof(req),
				     IOASID__RETRY_ALWAYS, NULL, 0, 0);
}

int ioasid_client_limit_set(struct ioasid_client *c, const char *cgroup,
			    uint64_t max)
{
	struct ioasid_req_limit req = { .max = max };
	int r;

	if (!c)
		return -EINVAL;
	r = ioasid__client_path_copy(req.path, sizeof(req.path), cgroup);
	if (r < 0)
		return r;
	return ioasid__client_simple(c, IOASID_OP_LIMIT_SET, &req, sizeof(req),
				     IOASID__RETRY_ALWAYS, NULL, 0, 0);
}
