/* SPDX-License-Identifier: MIT */
/*
 * lib/client/codec.h - encoding of requests and decoding of replies and
 * events (ioasid/proto.h), with no I/O and no state.
 *
 * Every decoder takes untrusted bytes: it checks each length before it reads
 * and copies fields out with memcpy (no alignment is assumed), and returns
 * -EPROTO for anything the protocol does not allow. A reply or event body
 * longer than the struct this library knows is accepted and its tail
 * ignored (proto.h's extensibility rule); a shorter one is -EPROTO.
 */
#ifndef IOASID_CLIENT_CODEC_H
#define IOASID_CLIENT_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include <ioasid/client.h>

/* Largest request this library sends: the header and the largest struct. */
#define IOASID__CODEC_REQ_MAX 512u

/* A reply or event as received; body points into the message. */
struct ioasid__reply {
	uint32_t op;
	uint64_t seq;
	int32_t result;
	const unsigned char *body; /* NULL when body_len is 0 */
	size_t body_len;
};

/*
 * ioasid__codec_request - write the header and body of one request to buf
 * (cap bytes), setting the body's leading size field to body_len.
 * body_len must be at least 4. Returns the message length, or 0 if it does
 * not fit.
 */
size_t ioasid__codec_request(void *buf, size_t cap, uint32_t op, uint64_t seq,
			     const void *body, size_t body_len);

/*
 * ioasid__codec_reply - check the framing of a received message (length at
 * least a reply header and at most IOASID_MSG_MAX, header size equal to the
 * length, a result of 0 or a negative errno, a body, if any, whose size
 * field equals its length) and describe it in *rep.
 * Errors: -EPROTO.
 */
int ioasid__codec_reply(const void *msg, size_t len, struct ioasid__reply *rep);

/*
 * ioasid__codec_body - copy a reply body of at least min bytes into out
 * (out_size bytes): a longer body's tail is ignored, a body shorter than
 * out_size (but at least min) leaves the rest of out zeroed.
 * Errors: -EPROTO body shorter than min.
 */
int ioasid__codec_body(const struct ioasid__reply *rep, size_t min, void *out,
		       size_t out_size);

/*
 * ioasid__codec_id - the IOASID of a struct ioasid_rep_id reply (ALLOC,
 * FIND_SPID, IMPORT) into *id. Errors: -EPROTO short body, or an ID of 0
 * or IOASID_INVALID, which the daemon never hands out.
 */
int ioasid__codec_id(const struct ioasid__reply *rep, ioasid_t *id);

/*
 * ioasid__codec_string - a wire string field of wlen bytes (which may be
 * unterminated: nothing past wlen is read) into dst (dlen > 0 bytes), cut
 * to fit and NUL-terminated.
 */
void ioasid__codec_string(char *dst, size_t dlen, const char *src,
			  size_t wlen);

/*
 * ioasid__codec_event_init - *ev as an event of type with nothing else
 * said: its IDs IOASID_INVALID, every other field 0. Every event the
 * library queues starts here.
 */
void ioasid__codec_event_init(struct ioasid_client_event *ev,
			      enum ioasid_client_event_type type);

/*
 * ioasid__codec_event - decode an asynchronous message (seq 0) into *ev.
 * Returns 0 for an event of this protocol version, 1 for one this library
 * does not know (to be ignored), or -EPROTO.
 */
int ioasid__codec_event(const struct ioasid__reply *rep,
			struct ioasid_client_event *ev);

/*
 * ioasid__codec_page - check a paged reply (struct ioasid_rep_page and
 * count entries of entry_size bytes) and return its count, next and the
 * first entry. Errors: -EPROTO.
 */
int ioasid__codec_page(const struct ioasid__reply *rep, size_t entry_size,
		       uint32_t *count, uint64_t *next,
		       const unsigned char **entries);

/* Size of one wire entry of LIST / RECLAIM and of SETS. */
size_t ioasid__codec_id_entry_size(void);
size_t ioasid__codec_set_entry_size(void);

/* Decode one wire entry (entry size bytes at raw) into the public struct. */
void ioasid__codec_id_entry(const unsigned char *raw,
			    struct ioasid_client_id_entry *e);
void ioasid__codec_set_entry(const unsigned char *raw,
			     struct ioasid_client_set_entry *e);

#endif /* IOASID_CLIENT_CODEC_H */
