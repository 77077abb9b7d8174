// SPDX-License-Identifier: MIT
/*
 * Paged queries: LIST, SETS, RECLAIM, GROUPS and DEVICES return struct
 * ioasid_rep_page and entries; the pager asks page after page (start = the
 * previous page's next) until next is 0, decoding the entries into one
 * growing array.
 *
 * A daemon whose next does not move forward would keep the pager asking
 * forever; that is a protocol error. The walk is not atomic in the daemon:
 * between two pages the namespace may change (ioasid/client.h says so).
 */
#include <errno.h>
#include <string.h>

#include "client/client_priv.h"
#include "client/codec_iommu.h"
#include "util/alloc.h"

struct pager {
	size_t wire_size; /* one entry on the wire */
	size_t entry_size; /* one decoded entry */
	void (*decode)(const unsigned char *raw, void *entry);
	unsigned char *array;
	size_t count, cap;
};

static void decode_id(const unsigned char *raw, void *entry)
{
	ioasid__codec_id_entry(raw, entry);
}

static void decode_set(const unsigned char *raw, void *entry)
{
	ioasid__codec_set_entry(raw, entry);
}

static void decode_group(const unsigned char *raw, void *entry)
{
	ioasid__codec_group_entry(raw, entry);
}

static void decode_device(const unsigned char *raw, void *entry)
{
	ioasid__codec_device_entry(raw, entry);
}

static void pager_init(struct pager *p, uint32_t op)
{
	memset(p, 0, sizeof(*p));
	if (op == IOASID_OP_SETS) {
		p->wire_size = ioasid__codec_set_entry_size();
		p->entry_size = sizeof(struct ioasid_client_set_entry);
		p->decode = decode_set;
	} else if (op == IOASID_OP_GROUPS) {
		p->wire_size = ioasid__codec_group_entry_size();
		p->entry_size = sizeof(struct ioasid_client_group_entry);
		p->decode = decode_group;
	} else if (op == IOASID_OP_DEVICES) {
		p->wire_size = ioasid__codec_device_entry_size();
		p->entry_size = sizeof(struct ioasid_client_device_entry);
		p->decode = decode_device;
	} else {
		p->wire_size = ioasid__codec_id_entry_size();
		p->entry_size = sizeof(struct ioasid_client_id_entry);
		p->decode = decode_id;
	}
}

/* Room for more entries; none is allocated until a page brings one, so an
 * empty listing stays NULL (ioasid/client.h). */
static int pager_grow(struct pager *p, size_t more)
{
	size_t cap = p->cap ? p->cap : 64;
	unsigned char *array;

	if (p->count + more <= p->cap)
		return 0;
	while (cap < p->count + more)
		cap *= 2;
	array = ioasid__realloc(p->array, cap * p->entry_size);
	if (!array)
		return -ENOMEM;
	p->array = array;
	p->cap = cap;
	return 0;
}

/* Decode one page's entries onto the array. */
static int pager_take(struct pager *p, const struct ioasid__reply *rep,
		      uint64_t *next)
{
	const unsigned char *raw;
	uint32_t n;
	int r;

	r = ioasid__codec_page(rep, p->wire_size, &n, next, &raw);
	if (r < 0)
		return r;
	r = pager_grow(p, n);
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < n; i++)
		p->decode(raw + (size_t)i * p->wire_size,
			  p->array + p->count++ * p->entry_size);
	return 0;
}

static int page_fetch(struct ioasid_client *c, uint32_t op, bool reconnect,
		      struct ioasid_req_page *req, struct pager *p,
		      uint64_t *next)
{
	struct ioasid__call call;
	bool sent;
	int r;

	ioasid__call_init(&call, op, req, sizeof(*req), IOASID__RETRY_ALWAYS);
	if (reconnect)
		r = ioasid__client_call(c, &call);
	else
		r = ioasid__client_exchange(c, &call, &sent);
	if (r < 0)
		return r;
	return pager_take(p, &call.rep, next);
}

int ioasid__client_pages(struct ioasid_client *c, uint32_t op, bool reconnect,
			 void **out, size_t *count)
{
	struct ioasid_req_page req = { 0 };
	struct pager p;
	uint64_t next;
	int r;

	pager_init(&p, op);
	do {
		r = page_fetch(c, op, reconnect, &req, &p, &next);
		if (r == 0 && next != 0 && next <= req.start)
			r = -EPROTO;
		if (r < 0)
			goto free_array;
		req.start = next;
	} while (next != 0);
	*out = p.array; /* the caller's from here */
	*count = p.count;
	return 0;

free_array:
	ioasid__free(p.array);
	return r;
}

int ioasid__client_query_pages(struct ioasid_client *c, uint32_t op,
			       void **out, size_t *count)
{
	int r;

	if (!c || !out || !count)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_pages(c, op, true, out, count);
	pthread_mutex_unlock(&c->lock);
	return r;
}
