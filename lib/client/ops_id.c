// SPDX-License-Identifier: MIT
/*
 * Operations on the handle's IDs: ALLOC, FREE, GET, PUT and the SPID ops.
 *
 * ALLOC, FREE, ATTACH_SPID and DETACH_SPID change what the handle owns, so
 * they keep the client's record (the ledger) in step: room in the ledger is
 * reserved before an ALLOC is sent, so that an ID the daemon allocated is
 * always recorded. They are settled by RECLAIM if the connection drops
 * while they are in flight; GET, PUT and FIND_SPID with GET are not
 * (ioasid/client.h, "Reconnect and reclaim").
 */
#include <errno.h>

#include "client/client_priv.h"

/* The ID of a successful call: settled by RECLAIM, or from the reply. */
static int call_id(const struct ioasid__call *call, ioasid_t *id)
{
	if (call->settled == IOASID__SETTLE_DONE) {
		*id = call->settled_id;
		return 0;
	}
	return ioasid__codec_id(&call->rep, id);
}

int ioasid_client_alloc(struct ioasid_client *c, ioasid_t min, ioasid_t max,
			ioasid_t *id)
{
	struct ioasid_req_alloc req = { .min = min, .max = max };
	struct ioasid__call call;
	ioasid_t got;
	int r;

	if (!c || !id)
		return -EINVAL;
	ioasid__call_init(&call, IOASID_OP_ALLOC, &req, sizeof(req),
			  IOASID__RETRY_SETTLE);
	call.min = min;
	call.max = max;
	pthread_mutex_lock(&c->lock);
	r = ioasid__ledger_reserve(&c->ledger, 1);
	if (r == 0)
		r = ioasid__client_call(c, &call);
	if (r == 0)
		r = call_id(&call, &got);
	if (r == 0) {
		ioasid__ledger_add(&c->ledger, got, IOASID_INVALID);
		*id = got;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}

/* FREE, ATTACH_SPID, DETACH_SPID: run, then record the outcome. */
static int id_change(struct ioasid_client *c, uint32_t op, const void *req,
		     size_t len, ioasid_t id, ioasid_t spid)
{
	struct ioasid__call call;
	int r;

	if (!c)
		return -EINVAL;
	ioasid__call_init(&call, op, req, len, IOASID__RETRY_SETTLE);
	call.id = id;
	call.spid = spid;
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_call(c, &call);
	if (r == 0 && op == IOASID_OP_FREE)
		ioasid__ledger_del(&c->ledger, id);
	else if (r == 0 && ioasid__ledger_find(&c->ledger, id, NULL))
		ioasid__ledger_add(&c->ledger, id, spid); /* updates the SPID */
	pthread_mutex_unlock(&c->lock);
	return r;
}

int ioasid_client_free(struct ioasid_client *c, ioasid_t id)
{
	struct ioasid_req_id req = { .id = id };

	return id_change(c, IOASID_OP_FREE, &req, sizeof(req), id, IOASID_INVALID);
}

int ioasid_client_spid_attach(struct ioasid_client *c, ioasid_t id,
			      ioasid_t spid)
{
	struct ioasid_req_attach_spid req = { .id = id, .spid = spid };

	return id_change(c, IOASID_OP_ATTACH_SPID, &req, sizeof(req), id, spid);
}

int ioasid_client_spid_detach(struct ioasid_client *c, ioasid_t id)
{
	struct ioasid_req_id req = { .id = id };

	return id_change(c, IOASID_OP_DETACH_SPID, &req, sizeof(req), id,
			 IOASID_INVALID);
}

static int id_ref(struct ioasid_client *c, uint32_t op, ioasid_t id)
{
	struct ioasid_req_id req = { .id = id };

	if (!c)
		return -EINVAL;
	return ioasid__client_simple(c, op, &req, sizeof(req),
				     IOASID__RETRY_NEVER, NULL, 0, 0);
}

int ioasid_client_get(struct ioasid_client *c, ioasid_t id)
{
	return id_ref(c, IOASID_OP_GET, id);
}

int ioasid_client_put(struct ioasid_client *c, ioasid_t id)
{
	return id_ref(c, IOASID_OP_PUT, id);
}

int ioasid_client_spid_find(struct ioasid_client *c, ioasid_t spid,
			    unsigned int flags, ioasid_t *id)
{
	struct ioasid_req_find_spid req = { .flags = flags, .spid = spid };
	struct ioasid__call call;
	int r;

	if (!c || !id)
		return -EINVAL;
	ioasid__call_init(&call, IOASID_OP_FIND_SPID, &req, sizeof(req),
			  (flags & IOASID_FIND_SPID_GET) ? IOASID__RETRY_NEVER
							 : IOASID__RETRY_ALWAYS);
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_call(c, &call);
	if (r == 0)
		r = ioasid__codec_id(&call.rep, id);
	pthread_mutex_unlock(&c->lock);
	return r;
}
