// SPDX-License-Identifier: MIT
/*
 * The client's pure parts: the codec (encoding, reply framing, bodies,
 * events, pages), the event queue and the ledger.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ioasid/proto.h>

#include "client/codec.h"
#include "client/evq.h"
#include "client/ledger.h"
#include "util/alloc.h"

static size_t msg_build(unsigned char *buf, uint32_t op, uint64_t seq,
			int32_t result, const void *body, size_t len)
{
	struct ioasid_reply_hdr h = { .size = (uint32_t)(sizeof(h) + len),
				      .op = op, .seq = seq, .result = result };

	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), body, len);
	return sizeof(h) + len;
}

static void test_codec_request_sets_sizes(void **state)
{
	struct ioasid_req_alloc a = { .size = 0, .min = 3, .max = 4 };
	unsigned char buf[IOASID__CODEC_REQ_MAX];
	struct ioasid_msg_hdr h;
	size_t len;

	(void)state;
	len = ioasid__codec_request(buf, sizeof(buf), IOASID_OP_ALLOC, 9, &a,
				    sizeof(a));
	assert_int_equal(len, sizeof(h) + sizeof(a));
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.size, len);
	assert_int_equal(h.op, IOASID_OP_ALLOC);
	assert_int_equal(h.seq, 9);
	memcpy(&a, buf + sizeof(h), sizeof(a));
	assert_int_equal(a.size, sizeof(a));
	assert_int_equal(a.min, 3);
	assert_int_equal(ioasid__codec_request(buf, sizeof(h) + 4, 1, 1, &a,
					       sizeof(a)), 0);
	assert_int_equal(ioasid__codec_request(buf, sizeof(buf), 1, 1, &a, 2), 0);
}

static void test_codec_reply_framing(void **state)
{
	unsigned char buf[128];
	struct ioasid_rep_id id = { .size = sizeof(id), .id = 5 };
	struct ioasid__reply rep;
	size_t len;

	(void)state;
	len = msg_build(buf, IOASID_OP_ALLOC, 3, 0, &id, sizeof(id));
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), 0);
	assert_int_equal(rep.op, IOASID_OP_ALLOC);
	assert_int_equal(rep.seq, 3);
	assert_int_equal(rep.body_len, sizeof(id));
	/* Shorter than a header; header size different from the length. */
	assert_int_equal(ioasid__codec_reply(buf, 10, &rep), -EPROTO);
	assert_int_equal(ioasid__codec_reply(buf, len - 1, &rep), -EPROTO);
	/* A body whose size field lies. */
	id.size = 99;
	len = msg_build(buf, IOASID_OP_ALLOC, 3, 0, &id, sizeof(id));
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), -EPROTO);
	/* A body too short to hold its size field. */
	len = msg_build(buf, IOASID_OP_ALLOC, 3, 0, "ab", 2);
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), -EPROTO);
	/* Results: 0 or an errno, nothing else. */
	len = msg_build(buf, IOASID_OP_ALLOC, 3, -ENOSPC, NULL, 0);
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), 0);
	assert_int_equal(rep.result, -ENOSPC);
	assert_null(rep.body);
	len = msg_build(buf, IOASID_OP_ALLOC, 3, 1, NULL, 0);
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), -EPROTO);
	len = msg_build(buf, IOASID_OP_ALLOC, 3, -100000, NULL, 0);
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), -EPROTO);
}

static void test_codec_body_longer_tail_and_short(void **state)
{
	unsigned char body[64] = { 0 };
	struct ioasid__reply rep = { .body = body, .body_len = 40 };
	struct ioasid_rep_id out;
	uint32_t v = 0x11223344;

	(void)state;
	memcpy(body + 4, &v, 4);
	memset(body + 8, 0xee, 32); /* a newer daemon's fields */
	assert_int_equal(ioasid__codec_body(&rep, sizeof(out), &out, sizeof(out)), 0);
	assert_int_equal(out.id, v);
	rep.body_len = 4;
	assert_int_equal(ioasid__codec_body(&rep, sizeof(out), &out, sizeof(out)),
			 -EPROTO);
	/* Between min and the struct: the rest is zeroed. */
	out.id = 7;
	assert_int_equal(ioasid__codec_body(&rep, 4, &out, sizeof(out)), 0);
	assert_int_equal(out.id, 0);
}

/* An ID reply: its ID, or -EPROTO for a short body, 0 or IOASID_INVALID,
 * with *id untouched then. */
static void test_codec_id_checked(void **state)
{
	struct ioasid_rep_id w = { .size = sizeof(w), .id = 42 };
	struct ioasid__reply rep = { .body = (const unsigned char *)&w,
				     .body_len = sizeof(w) };
	ioasid_t id = 0;

	(void)state;
	assert_int_equal(ioasid__codec_id(&rep, &id), 0);
	assert_int_equal(id, 42);
	w.id = 0;
	assert_int_equal(ioasid__codec_id(&rep, &id), -EPROTO);
	w.id = IOASID_INVALID;
	assert_int_equal(ioasid__codec_id(&rep, &id), -EPROTO);
	w.id = 43;
	rep.body_len = 4;
	assert_int_equal(ioasid__codec_id(&rep, &id), -EPROTO);
	assert_int_equal(id, 42);
}

static void test_codec_event_decoding(void **state)
{
	unsigned char buf[128];
	struct ioasid_evt_notify n = { .size = sizeof(n), .event = IOASID_EVENT_BIND,
				       .id = 4, .spid = 8, .set_id = 2 };
	struct ioasid_evt_dropped d = { .size = sizeof(d), .count = 12 };
	struct ioasid_client_event ev;
	struct ioasid__reply rep;
	size_t len;

	(void)state;
	len = msg_build(buf, IOASID_EVT_NOTIFY, 0, 0, &n, sizeof(n));
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), 0);
	assert_int_equal(ioasid__codec_event(&rep, &ev), 0);
	assert_int_equal(ev.type, IOASID_CLIENT_EV_NOTIFY);
	assert_int_equal(ev.event, IOASID_EVENT_BIND);
	assert_int_equal(ev.id, 4);
	assert_int_equal(ev.spid, 8);
	assert_int_equal(ev.set_id, 2);
	len = msg_build(buf, IOASID_EVT_DROPPED, 0, 0, &d, sizeof(d));
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), 0);
	assert_int_equal(ioasid__codec_event(&rep, &ev), 0);
	assert_int_equal(ev.type, IOASID_CLIENT_EV_DROPPED);
	assert_int_equal(ev.count, 12);
	/* Unknown events and event kinds are skipped, not errors. */
	len = msg_build(buf, 0x8fff, 0, 0, &d, sizeof(d));
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), 0);
	assert_int_equal(ioasid__codec_event(&rep, &ev), 1);
	n.event = 77;
	len = msg_build(buf, IOASID_EVT_NOTIFY, 0, 0, &n, sizeof(n));
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), 0);
	assert_int_equal(ioasid__codec_event(&rep, &ev), 1);
	/* A short notification, or a result on an event, is broken. */
	n.event = IOASID_EVENT_ALLOC;
	n.size = 12;
	len = msg_build(buf, IOASID_EVT_NOTIFY, 0, 0, &n, 12);
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), 0);
	assert_int_equal(ioasid__codec_event(&rep, &ev), -EPROTO);
	n.size = sizeof(n);
	len = msg_build(buf, IOASID_EVT_NOTIFY, 0, -EIO, &n, sizeof(n));
	assert_int_equal(ioasid__codec_reply(buf, len, &rep), 0);
	assert_int_equal(ioasid__codec_event(&rep, &ev), -EPROTO);
}

static void test_codec_page_counts_checked(void **state)
{
	unsigned char body[16 + 2 * 32] = { 0 };
	struct ioasid_rep_page p = { .size = sizeof(body), .count = 2, .next = 9 };
	struct ioasid_list_entry e = { .id = 3, .state = 2, .refs = 4, .spid = 5,
				       .set_id = 6, .owner_pid = 7 };
	struct ioasid__reply rep = { .body = body, .body_len = sizeof(body) };
	struct ioasid_client_id_entry out;
	const unsigned char *raw;
	uint64_t next;
	uint32_t n;

	(void)state;
	memcpy(body, &p, sizeof(p));
	memcpy(body + sizeof(p) + 32, &e, sizeof(e));
	assert_int_equal(ioasid__codec_page(&rep, 32, &n, &next, &raw), 0);
	assert_int_equal(n, 2);
	assert_int_equal(next, 9);
	ioasid__codec_id_entry(raw + 32, &out);
	assert_int_equal(out.id, 3);
	assert_int_equal(out.state, IOASID_STATE_FREE_PENDING);
	assert_int_equal(out.refs, 4);
	assert_int_equal(out.spid, 5);
	assert_int_equal(out.set_id, 6);
	assert_int_equal(out.owner_pid, 7);
	p.count = 3; /* more entries than the body holds */
	memcpy(body, &p, sizeof(p));
	assert_int_equal(ioasid__codec_page(&rep, 32, &n, &next, &raw), -EPROTO);
	p.count = UINT32_MAX;
	memcpy(body, &p, sizeof(p));
	assert_int_equal(ioasid__codec_page(&rep, 32, &n, &next, &raw), -EPROTO);
}

static void test_evq_keeps_order_and_counts_drops(void **state)
{
	struct ioasid_client_event ev = { .type = IOASID_CLIENT_EV_NOTIFY }, out;
	struct ioasid__evq q;
	struct pollfd p;

	(void)state;
	assert_int_equal(ioasid__evq_init(&q, 4), 0);
	p.fd = q.efd;
	p.events = POLLIN;
	assert_int_equal(poll(&p, 1, 0), 0);
	for (ioasid_t i = 1; i <= 7; i++) {
		ev.id = i;
		ioasid__evq_push(&q, &ev);
	}
	assert_int_equal(poll(&p, 1, 0), 1);
	assert_int_equal(ioasid__evq_len(&q), 5);
	for (ioasid_t i = 1; i <= 2; i++) {
		assert_true(ioasid__evq_pop(&q, &out));
		assert_int_equal(out.id, i);
	}
	ev.id = 8; /* room again: it goes after the marker */
	ioasid__evq_push(&q, &ev);
	for (ioasid_t i = 3; i <= 4; i++) {
		assert_true(ioasid__evq_pop(&q, &out));
		assert_int_equal(out.id, i);
	}
	assert_true(ioasid__evq_pop(&q, &out));
	assert_int_equal(out.type, IOASID_CLIENT_EV_DROPPED);
	assert_int_equal(out.count, 3);
	assert_true(ioasid__evq_pop(&q, &out));
	assert_int_equal(out.id, 8);
	assert_false(ioasid__evq_pop(&q, &out));
	assert_int_equal(poll(&p, 1, 0), 0);
	ioasid__evq_destroy(&q);
}

static void test_evq_merges_daemon_drops(void **state)
{
	struct ioasid_client_event d = { .type = IOASID_CLIENT_EV_DROPPED,
					 .count = 5 }, out;
	struct ioasid__evq q;

	(void)state;
	assert_int_equal(ioasid__evq_init(&q, 4), 0);
	ioasid__evq_push(&q, &d);
	ioasid__evq_push(&q, &d);
	assert_int_equal(ioasid__evq_len(&q), 1);
	assert_true(ioasid__evq_pop(&q, &out));
	assert_int_equal(out.count, 10);
	ioasid__evq_destroy(&q);
}

/* Random adds and deletes against a plain array as the reference. */
static void test_ledger_matches_reference(void **state)
{
	static ioasid_t ref[4096];
	struct ioasid__ledger l = { 0 };
	struct ioasid__ledger_slot *v;
	size_t n, live = 0;
	ioasid_t spid;

	(void)state;
	srand(7);
	for (int i = 0; i < 200000; i++) {
		ioasid_t id = 1 + (ioasid_t)(rand() % 4095);

		if (rand() % 3) {
			assert_int_equal(ioasid__ledger_reserve(&l, 1), 0);
			ioasid__ledger_add(&l, id, id + 7);
			live += !ref[id];
			ref[id] = id + 7;
		} else {
			ioasid__ledger_del(&l, id);
			live -= !!ref[id];
			ref[id] = 0;
		}
	}
	assert_int_equal(l.len, live);
	for (ioasid_t id = 1; id < 4096; id++) {
		assert_int_equal(ioasid__ledger_find(&l, id, &spid), ref[id] != 0);
		if (ref[id])
			assert_int_equal(spid, ref[id]);
	}
	assert_int_equal(ioasid__ledger_sorted(&l, &v, &n), 0);
	assert_int_equal(n, live);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1].id < v[i].id);
	ioasid__free(v);
	assert_false(ioasid__ledger_find(&l, 0, NULL));
	ioasid__ledger_destroy(&l);
	assert_false(ioasid__ledger_find(&l, 1, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_request_sets_sizes),
		cmocka_unit_test(test_codec_reply_framing),
		cmocka_unit_test(test_codec_body_longer_tail_and_short),
		cmocka_unit_test(test_codec_id_checked),
		cmocka_unit_test(test_codec_event_decoding),
		cmocka_unit_test(test_codec_page_counts_checked),
		cmocka_unit_test(test_evq_keeps_order_and_counts_drops),
		cmocka_unit_test(test_evq_merges_daemon_drops),
		cmocka_unit_test(test_ledger_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
