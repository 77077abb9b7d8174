// SPDX-License-Identifier: MIT
/*
 * RECLAIM and the reconciliation of the client's record with it.
 *
 * After a reconnect the daemon's answer is the truth: the ledger becomes
 * exactly the list RECLAIM returned. Before that, the two are compared and
 * every difference is reported as an event, in ascending ID order:
 *   LOST     recorded here, not owned any more;
 *   ADOPTED  owned, with no record here;
 *   SPID     owned and recorded, with different SPIDs.
 * A request that was in flight when the connection dropped is settled
 * first (ioasid/client.h): the difference it explains is its outcome, not
 * a mismatch, and is not reported.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_priv.h"
#include "util/alloc.h"

static int entry_cmp(const void *a, const void *b)
{
	ioasid_t x = ((const struct ioasid_client_id_entry *)a)->id;
	ioasid_t y = ((const struct ioasid_client_id_entry *)b)->id;

	return x < y ? -1 : x > y;
}

static const struct ioasid_client_id_entry *
owned_find(const struct ioasid_client_id_entry *owned, size_t count, ioasid_t id)
{
	struct ioasid_client_id_entry key = { .id = id };

	if (count == 0)
		return NULL; /* owned is NULL then: bsearch() must not see it */
	return bsearch(&key, owned, count, sizeof(*owned), entry_cmp);
}

/* ALLOC: exactly one ID new to the ledger within [min, max] is its result. */
static void settle_alloc(struct ioasid_client *c, struct ioasid__call *call,
			 const struct ioasid_client_id_entry *owned, size_t count)
{
	bool whole = call->min == 0 && call->max == 0;
	size_t found = 0;

	for (size_t i = 0; i < count; i++) {
		ioasid_t id = owned[i].id;

		if (ioasid__ledger_find(&c->ledger, id, NULL))
			continue;
		if (!whole && (id < call->min || id > call->max))
			continue;
		call->settled_id = id;
		found++;
	}
	if (found == 1)
		call->settled = IOASID__SETTLE_DONE;
	else
		call->settled = found ? IOASID__SETTLE_FAIL : IOASID__SETTLE_RESEND;
}

/* FREE, ATTACH_SPID, DETACH_SPID: did the ID reach the requested state? */
static void settle_id(struct ioasid_client *c, struct ioasid__call *call,
		      const struct ioasid_client_id_entry *owned, size_t count)
{
	const struct ioasid_client_id_entry *e = owned_find(owned, count, call->id);
	ioasid_t before, want = call->op == IOASID_OP_ATTACH_SPID ? call->spid
								  : IOASID_INVALID;
	bool done;

	call->settled = IOASID__SETTLE_RESEND;
	/* A request that could not change the record is left to the daemon
	 * to answer again (e.g. freeing an ID this handle never owned). */
	if (!ioasid__ledger_find(&c->ledger, call->id, &before))
		return;
	if (call->op == IOASID_OP_FREE)
		done = e == NULL;
	else
		done = e && e->spid == want && before != want;
	if (done) {
		call->settled = IOASID__SETTLE_DONE;
		call->settled_id = call->id;
	}
}

static void settle(struct ioasid_client *c, struct ioasid__call *call,
		   const struct ioasid_client_id_entry *owned, size_t count)
{
	if (!call || call->retry != IOASID__RETRY_SETTLE)
		return;
	if (call->op == IOASID_OP_ALLOC)
		settle_alloc(c, call, owned, count);
	else
		settle_id(c, call, owned, count);
}

/* Whether the difference on id is the settled call's outcome. */
static bool settled_on(const struct ioasid__call *call, ioasid_t id)
{
	return call && call->settled == IOASID__SETTLE_DONE &&
	       call->settled_id == id;
}

static void report(struct ioasid_client *c, enum ioasid_client_event_type type,
		   ioasid_t id, ioasid_t spid, ioasid_t old_spid)
{
	struct ioasid_client_event ev;

	ioasid__codec_event_init(&ev, type);
	ev.id = id;
	ev.spid = spid;
	ev.old_spid = old_spid;
	ioasid__evq_push(&c->evq, &ev);
}

static void report_differences(struct ioasid_client *c,
			       const struct ioasid__ledger_slot *mine, size_t nmine,
			       const struct ioasid_client_id_entry *owned,
			       size_t count, const struct ioasid__call *call)
{
	size_t i = 0, j = 0;

	while (i < nmine || j < count) {
		if (j == count || (i < nmine && mine[i].id < owned[j].id)) {
			if (!settled_on(call, mine[i].id))
				report(c, IOASID_CLIENT_EV_LOST, mine[i].id,
				       mine[i].spid, IOASID_INVALID);
			i++;
		} else if (i == nmine || owned[j].id < mine[i].id) {
			if (!settled_on(call, owned[j].id))
				report(c, IOASID_CLIENT_EV_ADOPTED, owned[j].id,
				       owned[j].spid, IOASID_INVALID);
			j++;
		} else {
			if (mine[i].spid != owned[j].spid &&
			    !settled_on(call, mine[i].id))
				report(c, IOASID_CLIENT_EV_SPID, mine[i].id,
				       owned[j].spid, mine[i].spid);
			i++;
			j++;
		}
	}
}

/*
 * Compare the ledger with the daemon's list of owned IDs (ascending), settle
 * call, queue LOST / ADOPTED / SPID events and make the ledger equal to the
 * list. Errors: -ENOMEM (nothing changes).
 */
static int reconcile(struct ioasid_client *c,
		     const struct ioasid_client_id_entry *owned, size_t count,
		     struct ioasid__call *call)
{
	struct ioasid__ledger fresh = { 0 };
	struct ioasid__ledger_slot *mine;
	size_t nmine;
	int r;

	r = ioasid__ledger_sorted(&c->ledger, &mine, &nmine);
	if (r < 0)
		return r;
	/* One spare add, as a caller may have reserved before its request. */
	r = ioasid__ledger_reserve(&fresh, count + 1);
	if (r < 0)
		goto free_mine;
	for (size_t i = 0; i < count; i++)
		ioasid__ledger_add(&fresh, owned[i].id, owned[i].spid);
	settle(c, call, owned, count);
	report_differences(c, mine, nmine, owned, count, call);
	ioasid__ledger_destroy(&c->ledger);
	c->ledger = fresh;
free_mine:
	ioasid__free(mine);
	return r;
}

/* Sort the daemon's list; a duplicate ID is a protocol error. */
static int owned_sort(struct ioasid_client_id_entry *owned, size_t count)
{
	if (count == 0)
		return 0; /* owned is NULL then: qsort() must not see it */
	qsort(owned, count, sizeof(*owned), entry_cmp);
	for (size_t i = 1; i < count; i++)
		if (owned[i].id == owned[i - 1].id)
			return -EPROTO;
	return 0;
}

int ioasid__client_reclaim(struct ioasid_client *c, bool reconnect,
			   struct ioasid__call *call,
			   struct ioasid_client_id_entry **entries,
			   size_t *count)
{
	struct ioasid_client_id_entry *owned;
	size_t n;
	int r;

	r = ioasid__client_pages(c, IOASID_OP_RECLAIM, reconnect,
				 (void **)&owned, &n);
	if (r < 0)
		return r;
	r = owned_sort(owned, n);
	if (r == 0)
		r = reconcile(c, owned, n, call);
	if (r < 0 || !entries) {
		ioasid__free(owned);
		return r;
	}
	*entries = owned; /* the caller's from here */
	*count = n;
	return 0;
}
