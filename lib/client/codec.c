// SPDX-License-Identifier: MIT
/*
 * Encoding and decoding of the ioasidd wire protocol, caller's side.
 *
 * Pure functions over byte buffers (see codec.h). The decoders are the
 * boundary where bytes from the socket become values: everything past here
 * may trust lengths. They are fuzzed by test/fuzz/client.
 */
#include <errno.h>
#include <string.h>

#include <ioasid/proto.h>

#include "client/codec.h"

_Static_assert(sizeof(struct ioasid_msg_hdr) == 16, "request header layout");
_Static_assert(sizeof(struct ioasid_reply_hdr) == 24, "reply header layout");
_Static_assert(sizeof(struct ioasid_list_entry) == 32, "list entry layout");
_Static_assert(IOASID_CLIENT_SUB_ALL == IOASID_SUB_ALL, "subscription bits");
_Static_assert(IOASID_CLIENT_FIND_GET == IOASID_FIND_SPID_GET, "find flags");
_Static_assert(IOASID_CLIENT_PATH_MAX == IOASID_PATH_MAX, "path size");
_Static_assert(IOASID_CLIENT_INFO_ADMIN == IOASID_INFO_ADMIN &&
		       IOASID_CLIENT_INFO_RECLAIMED == IOASID_INFO_RECLAIMED,
	       "info flags");

/* Largest errno a reply may carry; anything below -4095 is not an errno. */
#define ERRNO_MAX 4095

size_t ioasid__codec_request(void *buf, size_t cap, uint32_t op, uint64_t seq,
			     const void *body, size_t body_len)
{
	struct ioasid_msg_hdr hdr;
	size_t len = sizeof(hdr) + body_len;
	uint32_t size = (uint32_t)body_len;

	if (body_len < sizeof(size) || len > cap || len > IOASID_MSG_MAX)
		return 0;
	hdr.size = (uint32_t)len;
	hdr.op = op;
	hdr.seq = seq;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy((char *)buf + sizeof(hdr), body, body_len);
	memcpy((char *)buf + sizeof(hdr), &size, sizeof(size));
	return len;
}

static int body_check(const unsigned char *body, size_t len)
{
	uint32_t size;

	if (len == 0)
		return 0;
	if (len < sizeof(size))
		return -EPROTO;
	memcpy(&size, body, sizeof(size));
	return size == len ? 0 : -EPROTO;
}

int ioasid__codec_reply(const void *msg, size_t len, struct ioasid__reply *rep)
{
	struct ioasid_reply_hdr hdr;

	if (len < sizeof(hdr) || len > IOASID_MSG_MAX)
		return -EPROTO;
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.size != len || hdr.result > 0 || hdr.result < -ERRNO_MAX)
		return -EPROTO;
	rep->op = hdr.op;
	rep->seq = hdr.seq;
	rep->result = hdr.result;
	rep->body_len = len - sizeof(hdr);
	rep->body = rep->body_len ? (const unsigned char *)msg + sizeof(hdr) : NULL;
	return body_check(rep->body, rep->body_len);
}

int ioasid__codec_id(const struct ioasid__reply *rep, ioasid_t *id)
{
	struct ioasid_rep_id w;

	if (ioasid__codec_body(rep, sizeof(w), &w, sizeof(w)) ||
	    w.id == 0 || w.id == IOASID_INVALID)
		return -EPROTO;
	*id = w.id;
	return 0;
}

void ioasid__codec_string(char *dst, size_t dlen, const char *src,
			  size_t wlen)
{
	size_t n = strnlen(src, wlen < dlen ? wlen : dlen - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

int ioasid__codec_body(const struct ioasid__reply *rep, size_t min, void *out,
		       size_t out_size)
{
	size_t n = rep->body_len < out_size ? rep->body_len : out_size;

	if (rep->body_len < min)
		return -EPROTO;
	memset(out, 0, out_size);
	if (n)
		memcpy(out, rep->body, n);
	return 0;
}

void ioasid__codec_event_init(struct ioasid_client_event *ev,
			      enum ioasid_client_event_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->id = ev->spid = ev->old_spid = IOASID_INVALID;
}

static int event_notify(const struct ioasid__reply *rep,
			struct ioasid_client_event *ev)
{
	struct ioasid_evt_notify n;

	if (ioasid__codec_body(rep, sizeof(n), &n, sizeof(n)))
		return -EPROTO;
	if (n.event < IOASID_EVENT_ALLOC || n.event > IOASID_EVENT_UNBIND)
		return 1;
	ev->event = (enum ioasid_event)n.event;
	ev->id = n.id;
	ev->spid = n.spid;
	ev->set_id = n.set_id;
	return 0;
}

static int event_dropped(const struct ioasid__reply *rep,
			 struct ioasid_client_event *ev)
{
	struct ioasid_evt_dropped d;

	if (ioasid__codec_body(rep, sizeof(d), &d, sizeof(d)))
		return -EPROTO;
	ev->type = IOASID_CLIENT_EV_DROPPED;
	ev->count = d.count;
	return 0;
}

int ioasid__codec_event(const struct ioasid__reply *rep,
			struct ioasid_client_event *ev)
{
	if (rep->seq != 0 || rep->result != 0)
		return -EPROTO;
	ioasid__codec_event_init(ev, IOASID_CLIENT_EV_NOTIFY);
	switch (rep->op) {
	case IOASID_EVT_NOTIFY:
		return event_notify(rep, ev);
	case IOASID_EVT_DROPPED:
		return event_dropped(rep, ev);
	default:
		return 1;
	}
}

int ioasid__codec_page(const struct ioasid__reply *rep, size_t entry_size,
		       uint32_t *count, uint64_t *next,
		       const unsigned char **entries)
{
	struct ioasid_rep_page page;

	if (ioasid__codec_body(rep, sizeof(page), &page, sizeof(page)))
		return -EPROTO;
	if ((rep->body_len - sizeof(page)) / entry_size < page.count)
		return -EPROTO;
	*count = page.count;
	*next = page.next;
	*entries = rep->body + sizeof(page);
	return 0;
}

size_t ioasid__codec_id_entry_size(void)
{
	return sizeof(struct ioasid_list_entry);
}

size_t ioasid__codec_set_entry_size(void)
{
	return sizeof(struct ioasid_sets_entry);
}

void ioasid__codec_id_entry(const unsigned char *raw,
			    struct ioasid_client_id_entry *e)
{
	struct ioasid_list_entry w;

	memcpy(&w, raw, sizeof(w));
	memset(e, 0, sizeof(*e));
	e->id = w.id;
	e->state = (enum ioasid_state)w.state;
	e->refs = w.refs;
	e->spid = w.spid;
	e->set_id = w.set_id;
	e->owner_pid = w.owner_pid;
}

void ioasid__codec_set_entry(const unsigned char *raw,
			     struct ioasid_client_set_entry *e)
{
	struct ioasid_sets_entry w;

	memcpy(&w, raw, sizeof(w));
	memset(e, 0, sizeof(*e));
	e->set_id = w.set_id;
	e->type = (enum ioasid_set_type)w.type;
	e->quota = w.quota;
	e->nr_ids = w.nr_ids;
	e->owner_pid = w.owner_pid;
	ioasid__codec_string(e->cgroup, sizeof(e->cgroup), w.cgroup,
			     sizeof(w.cgroup));
}
