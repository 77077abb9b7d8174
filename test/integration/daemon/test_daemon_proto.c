// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: the operations of one handle and the decoder's
 * answers to malformed requests, against the real daemon over a real
 * socket. One daemon serves the whole file; every test opens its own
 * handle and closes it, which releases what the test left behind.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/core.h>

#include "raw.h"

static struct rawd daemon_;

static int group_setup(void **state)
{
	rawd_start(&daemon_, "capacity = 4096\nquota = 64\n", false);
	return 0;
}

static int group_teardown(void **state)
{
	int status = rawd_stop(&daemon_);

	rawd_cleanup(&daemon_);
	return status == 0 ? 0 : -1;
}

static int handle_open(void **state)
{
	int *fd = malloc(sizeof(*fd));

	*fd = raw_connect(daemon_.sock);
	*state = fd;
	return 0;
}

static int handle_close(void **state)
{
	close(*(int *)*state);
	free(*state);
	return 0;
}

#define FD(state) (*(int *)*(state))

static void test_proto_get_info(void **state)
{
	struct ioasid_rep_get_info info;

	memset(&info, 0xff, sizeof(info));
	assert_int_equal(raw_info(FD(state), &info), 0);
	assert_int_equal(info.size, sizeof(info));
	assert_int_equal(info.version, IOASID_PROTO_VERSION);
	assert_int_equal(info.capacity, 4096);
	assert_int_equal(info.quota, 64);
	assert_int_equal(info.nr_ids, 0);
	assert_true(info.available < 4096);
	assert_true(info.flags & IOASID_INFO_ADMIN); /* tests run as root */
	assert_false(info.flags & IOASID_INFO_RECLAIMED);
	assert_true(info.set_id != 0);
	assert_int_equal(info.__rsvd, 0);
	assert_non_null(memchr(info.cgroup, '\0', sizeof(info.cgroup)));
	assert_int_equal(info.cgroup[0], '/');
}

static void test_proto_alloc_free(void **state)
{
	struct ioasid_rep_get_info info;
	uint32_t a, b;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &a), 0);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &b), 0);
	assert_true(a >= 1 && a < 4096 && b >= 1 && b < 4096 && a != b);
	assert_int_equal(raw_info(FD(state), &info), 0);
	assert_int_equal(info.nr_ids, 2);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, a), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, b), 0);
	assert_int_equal(raw_info(FD(state), &info), 0);
	assert_int_equal(info.nr_ids, 0);
}

static void test_proto_alloc_range(void **state)
{
	uint32_t id, other;

	assert_int_equal(raw_alloc(FD(state), 100, 100, &id), 0);
	assert_int_equal(id, 100);
	assert_int_equal(raw_alloc(FD(state), 100, 100, &other), -ENOSPC);
	assert_int_equal(raw_alloc(FD(state), 101, 100, &other), -EINVAL);
	assert_int_equal(raw_alloc(FD(state), 0, 5, &other), -EINVAL);
	assert_int_equal(raw_alloc(FD(state), 1, 4096, &other), -EINVAL);
	assert_int_equal(raw_alloc(FD(state), 4095, 4095, &other), 0);
	assert_int_equal(other, 4095);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, 100), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, 4095), 0);
}

static void test_proto_double_free(void **state)
{
	uint32_t id;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &id), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, id), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, id), -ENOENT);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, 0), -ENOENT);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, 999999), -ENOENT);
}

static void test_proto_use_after_free(void **state)
{
	uint32_t id, found;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &id), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, id), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_GET, id), -ENOENT);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_PUT, id), -ENOENT);
	assert_int_equal(raw_spid_attach(FD(state), id, 7), -ENOENT);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_DETACH_SPID, id), -ENOENT);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_EXPORT, id), -ENOENT);
	assert_int_equal(raw_spid_find(FD(state), 7, 0, &found), -ENOENT);
}

static void test_proto_get_put(void **state)
{
	struct ioasid_list_entry e;
	uint32_t id;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &id), 0);
	/* Only the owner's reference: nothing for PUT to drop. */
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_PUT, id), -EINVAL);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_GET, id), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_GET, id), 0);
	assert_true(raw_list_entry(FD(state), id, &e));
	assert_int_equal(e.refs, 3);
	assert_int_equal(e.state, IOASID_STATE_ACTIVE);
	assert_int_equal(e.owner_pid, getpid());
	/* Freed with references held: parked, and no new reference. */
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, id), 0);
	assert_true(raw_list_entry(FD(state), id, &e));
	assert_int_equal(e.state, IOASID_STATE_FREE_PENDING);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_GET, id), -EBUSY);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, id), -ENOENT);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_PUT, id), 0);
	assert_true(raw_list_entry(FD(state), id, &e));
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_PUT, id), 0);
	/* The last put returned it to the pool. */
	assert_false(raw_list_entry(FD(state), id, &e));
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_PUT, id), -ENOENT);
}

static void test_proto_spid(void **state)
{
	struct ioasid_list_entry e;
	uint32_t a, b, found;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &a), 0);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &b), 0);
	assert_int_equal(raw_spid_attach(FD(state), a, 42), 0);
	assert_int_equal(raw_spid_attach(FD(state), b, 42), -EEXIST);
	assert_int_equal(raw_spid_attach(FD(state), a, 43), -EBUSY);
	assert_int_equal(raw_spid_attach(FD(state), b, IOASID_INVALID), -EINVAL);
	assert_int_equal(raw_spid_attach(FD(state), b, IOASID_CAPACITY_MAX),
			 -EINVAL);
	assert_int_equal(raw_spid_find(FD(state), 42, 0, &found), 0);
	assert_int_equal(found, a);
	assert_int_equal(raw_spid_find(FD(state), 41, 0, &found), -ENOENT);
	assert_int_equal(raw_spid_find(FD(state), 42, 0x2, &found), -EOPNOTSUPP);
	assert_true(raw_list_entry(FD(state), a, &e));
	assert_int_equal(e.spid, 42);
	/* FIND with GET takes a reference the handle must put. */
	assert_int_equal(raw_spid_find(FD(state), 42, IOASID_FIND_SPID_GET,
				       &found), 0);
	assert_true(raw_list_entry(FD(state), a, &e));
	assert_int_equal(e.refs, 2);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_PUT, a), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_DETACH_SPID, a), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_DETACH_SPID, a), -ENOENT);
	assert_int_equal(raw_spid_find(FD(state), 42, 0, &found), -ENOENT);
	assert_int_equal(raw_spid_attach(FD(state), b, 42), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, a), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, b), 0);
	/* The SPID went with its ID. */
	assert_int_equal(raw_spid_find(FD(state), 42, 0, &found), -ENOENT);
}

static void test_proto_quota(void **state)
{
	struct ioasid_req_set_quota req = { sizeof(req), 0, (uint32_t)getpid(), 2 };
	uint32_t ids[3];

	assert_int_equal(raw_call(FD(state), IOASID_OP_SET_QUOTA, &req,
				  sizeof(req), NULL, 0, NULL), 0);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &ids[0]), 0);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &ids[1]), 0);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &ids[2]), -EDQUOT);
	/* Below the live IDs is refused and changes nothing. */
	req.quota = 1;
	assert_int_equal(raw_call(FD(state), IOASID_OP_SET_QUOTA, &req,
				  sizeof(req), NULL, 0, NULL), -EINVAL);
	req.quota = 0;
	assert_int_equal(raw_call(FD(state), IOASID_OP_SET_QUOTA, &req,
				  sizeof(req), NULL, 0, NULL), -EINVAL);
	req.pid = 1; /* no handle */
	req.quota = 8;
	assert_int_equal(raw_call(FD(state), IOASID_OP_SET_QUOTA, &req,
				  sizeof(req), NULL, 0, NULL), -ENOENT);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &ids[2]), -EDQUOT);
}

/* ---- malformed requests ---- */

static struct ioasid_reply_hdr send_raw(int fd, uint32_t op, const void *body,
					size_t blen)
{
	uint8_t msg[512];
	struct ioasid_msg_hdr hdr = { (uint32_t)(sizeof(hdr) + blen), op,
				      raw_seq() };
	struct ioasid_reply_hdr rep;

	memcpy(msg, &hdr, sizeof(hdr));
	if (blen)
		memcpy(msg + sizeof(hdr), body, blen);
	rep = raw_call_msg(fd, msg, sizeof(hdr) + blen);
	assert_int_equal(rep.seq, hdr.seq);
	assert_int_equal(rep.op, op);
	return rep;
}

static void test_proto_short_message(void **state)
{
	uint8_t msg[8] = { 8, 0, 0, 0, 0, 1, 0, 0 };
	struct ioasid_reply_hdr rep = raw_call_msg(FD(state), msg, sizeof(msg));

	/* No header to echo: op 0, seq 0. */
	assert_int_equal(rep.result, -EINVAL);
	assert_int_equal(rep.op, 0);
	assert_int_equal(rep.seq, 0);
	assert_int_equal(rep.size, sizeof(rep));
}

static void test_proto_size_mismatch(void **state)
{
	struct ioasid_req_alloc alloc = { sizeof(alloc), 0, 0, 0 };
	uint8_t msg[64];
	struct ioasid_msg_hdr hdr = { 99, IOASID_OP_ALLOC, raw_seq() };

	/* hdr.size is not the message length. */
	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + sizeof(hdr), &alloc, sizeof(alloc));
	assert_int_equal(raw_call_msg(FD(state), msg, sizeof(hdr) + sizeof(alloc))
				 .result, -EINVAL);
	/* The struct's size is not the bytes that follow the header. */
	alloc.size = 12;
	assert_int_equal(send_raw(FD(state), IOASID_OP_ALLOC, &alloc,
				  sizeof(alloc)).result, -EINVAL);
	/* Smaller than the op's minimum. */
	assert_int_equal(send_raw(FD(state), IOASID_OP_ALLOC, &alloc, 12).result,
			 -EINVAL);
	assert_int_equal(send_raw(FD(state), IOASID_OP_GET_INFO, &alloc, 2).result,
			 -EINVAL);
	assert_int_equal(send_raw(FD(state), IOASID_OP_GET_INFO, NULL, 0).result,
			 -EINVAL);
}

static void test_proto_oversized_tail(void **state)
{
	struct {
		struct ioasid_req_id req;
		uint8_t tail[24];
	} big = { { sizeof(big), 0, 0, 0 }, { 0 } };
	uint32_t id;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &id), 0);
	big.req.id = id;
	big.tail[23] = 1;
	assert_int_equal(send_raw(FD(state), IOASID_OP_FREE, &big, sizeof(big))
				 .result, -E2BIG);
	/* Nothing happened: the ID is still ours. */
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_GET, id), 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_PUT, id), 0);
	big.tail[23] = 0;
	assert_int_equal(send_raw(FD(state), IOASID_OP_FREE, &big, sizeof(big))
				 .result, 0);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, id), -ENOENT);
}

static void test_proto_shorter_request(void **state)
{
	/* Older clients may omit trailing fields past the minimum. */
	struct ioasid_req_id req = { 12, 0, 0, 0 };
	uint32_t id;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &id), 0);
	req.id = id;
	assert_int_equal(send_raw(FD(state), IOASID_OP_FREE, &req, 12).result, 0);
	assert_int_equal(send_raw(FD(state), IOASID_OP_FREE, &req, 12).result,
			 -ENOENT);
}

static void test_proto_unknown_op(void **state)
{
	struct ioasid_req_empty req = { sizeof(req), 0 };
	const uint32_t ops[] = { 0, 0xff, 0x10c, 0x1ff, 0x284, 0x302, 0x3ff,
				 0x8001, 0xffffffffu };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		assert_int_equal(send_raw(FD(state), ops[i], &req, sizeof(req))
					 .result, -ENOTTY);
}

static void test_proto_unknown_flags(void **state)
{
	struct ioasid_req_alloc alloc = { sizeof(alloc), 1, 0, 0 };
	struct ioasid_req_id id = { sizeof(id), 0, 1, 7 };
	struct ioasid_req_subscribe sub = { sizeof(sub), 0x10 };
	struct ioasid_req_page page = { sizeof(page), 0, 0, 0, 1 };

	assert_int_equal(send_raw(FD(state), IOASID_OP_ALLOC, &alloc,
				  sizeof(alloc)).result, -EOPNOTSUPP);
	alloc.flags = 0x80000000u;
	assert_int_equal(send_raw(FD(state), IOASID_OP_ALLOC, &alloc,
				  sizeof(alloc)).result, -EOPNOTSUPP);
	/* Reserved fields, checked before the ID is even looked at. */
	assert_int_equal(send_raw(FD(state), IOASID_OP_FREE, &id, sizeof(id))
				 .result, -EOPNOTSUPP);
	assert_int_equal(send_raw(FD(state), IOASID_OP_SUBSCRIBE, &sub,
				  sizeof(sub)).result, -EOPNOTSUPP);
	assert_int_equal(send_raw(FD(state), IOASID_OP_LIST, &page, sizeof(page))
				 .result, -EOPNOTSUPP);
}

static void test_proto_check_order(void **state)
{
	/* Unknown op beats a bad size; a bad size beats a non-zero tail... */
	uint8_t body[40] = { 40, 0, 0, 0, 0xff, 0, 0, 0 };

	body[39] = 1;
	assert_int_equal(send_raw(FD(state), 0x1ff, body, 2).result, -ENOTTY);
	assert_int_equal(send_raw(FD(state), IOASID_OP_FREE, body, 8).result,
			 -EINVAL);
	/* ...which beats unknown flags. */
	assert_int_equal(send_raw(FD(state), IOASID_OP_FREE, body, 40).result,
			 -E2BIG);
	body[39] = 0;
	assert_int_equal(send_raw(FD(state), IOASID_OP_FREE, body, 40).result,
			 -EOPNOTSUPP);
}

static void test_proto_seq_zero(void **state)
{
	struct {
		struct ioasid_msg_hdr hdr;
		struct ioasid_req_empty req;
	} msg = { { sizeof(msg), IOASID_OP_GET_INFO, 0 }, { 8, 0 } };
	struct ioasid_reply_hdr rep;

	rep = raw_call_msg(FD(state), &msg, sizeof(msg));
	assert_int_equal(rep.result, -EINVAL);
	assert_int_equal(rep.op, IOASID_OP_GET_INFO);
}

static void test_proto_garbage(void **state)
{
	uint8_t msg[300];
	struct ioasid_rep_get_info info;

	srand(1234);
	for (int round = 0; round < 200; round++) {
		size_t len = (size_t)(rand() % (int)sizeof(msg));
		struct ioasid_reply_hdr rep;

		for (size_t i = 0; i < len; i++)
			msg[i] = (uint8_t)rand();
		if (len >= 16 && !msg[8])
			msg[8] = 1; /* keep seq non-zero to match replies */
		if (len == 0)
			continue; /* an empty message reads as end of file */
		rep = raw_call_msg(FD(state), msg, len);
		assert_true(rep.result < 0);
	}
	/* The handle still works and owns nothing. */
	assert_int_equal(raw_info(FD(state), &info), 0);
	assert_int_equal(info.nr_ids, 0);
}

static void test_proto_descriptors(void **state)
{
	struct {
		struct ioasid_msg_hdr hdr;
		struct ioasid_req_empty req;
	} msg = { { sizeof(msg), IOASID_OP_GET_INFO, raw_seq() }, { 8, 0 } };
	struct ioasid_req_empty req = { sizeof(req), 0 };
	int memfd = memfd_create("t", MFD_CLOEXEC), got = -1;
	uint8_t buf[256];
	size_t n;

	/* A descriptor where none is expected. */
	raw_send(FD(state), &msg, sizeof(msg), memfd);
	n = raw_recv(FD(state), buf, sizeof(buf), &got);
	assert_int_equal(n, sizeof(struct ioasid_reply_hdr));
	assert_int_equal(((struct ioasid_reply_hdr *)buf)->result, -EINVAL);
	assert_int_equal(got, -1);
	/* IMPORT without one, and with one that names nothing. */
	assert_int_equal(raw_call(FD(state), IOASID_OP_IMPORT, &req, sizeof(req),
				  NULL, 0, NULL), -EBADF);
	assert_int_equal(raw_call_fd(FD(state), IOASID_OP_IMPORT, &req,
				     sizeof(req), memfd, NULL, 0, &got), -ENOENT);
	close(memfd);
}

static void test_proto_status_list_sets(void **state)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_req_page page = { sizeof(page), 0, 0, 2, 0 };
	struct ioasid_rep_status st;
	struct ioasid_rep_get_info info;
	struct ioasid_rep_page hdr;
	struct ioasid_list_entry *e = (void *)(buf + sizeof(hdr));
	struct ioasid_sets_entry *se = (void *)(buf + sizeof(hdr));
	uint32_t ids[5];
	bool mine = false;

	for (int i = 0; i < 5; i++)
		assert_int_equal(raw_alloc(FD(state), 2000, 3000, &ids[i]), 0);
	assert_int_equal(raw_status(FD(state), &st), 0);
	assert_int_equal(st.size, sizeof(st));
	assert_int_equal(st.version, IOASID_PROTO_VERSION);
	assert_int_equal(st.capacity, 4096);
	assert_int_equal(st.nr_ids, 5);
	assert_true(st.nr_sets >= 1);
	assert_true(st.nr_handles >= 1);
	assert_int_equal(st.daemon_pid, daemon_.pid);
	assert_int_equal(st.journal_bytes, 0);
	/* Pages of two: 2000-2001, 2002-2003, 2004. */
	page.start = 2000;
	for (int p = 0; p < 3; p++) {
		assert_int_equal(raw_call(FD(state), IOASID_OP_LIST, &page,
					  sizeof(page), buf, sizeof(buf), NULL), 0);
		memcpy(&hdr, buf, sizeof(hdr));
		assert_int_equal(hdr.count, p < 2 ? 2 : 1);
		assert_int_equal(hdr.size, sizeof(hdr) + hdr.count * sizeof(*e));
		for (uint32_t i = 0; i < hdr.count; i++) {
			assert_int_equal(e[i].id, ids[p * 2 + i]);
			assert_int_equal(e[i].owner_pid, getpid());
		}
		assert_int_equal(hdr.next, p < 2 ? ids[p * 2 + 2] : 0);
		page.start = hdr.next;
	}
	assert_int_equal(raw_info(FD(state), &info), 0);
	page.start = 0;
	page.max_entries = 0;
	assert_int_equal(raw_call(FD(state), IOASID_OP_SETS, &page, sizeof(page),
				  buf, sizeof(buf), NULL), 0);
	memcpy(&hdr, buf, sizeof(hdr));
	assert_int_equal(hdr.next, 0);
	for (uint32_t i = 0; i < hdr.count; i++) {
		if (se[i].set_id != info.set_id)
			continue;
		mine = true;
		assert_int_equal(se[i].nr_ids, 5);
		assert_int_equal(se[i].quota, 64);
		assert_int_equal(se[i].type, IOASID_SET_TYPE_PROCESS);
		assert_int_equal(se[i].owner_pid, getpid());
	}
	assert_true(mine);
}

static void test_proto_reclaim_lists_own(void **state)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_req_empty req = { sizeof(req), 0 };
	struct ioasid_rep_page hdr;
	struct ioasid_list_entry *e = (void *)(buf + sizeof(hdr));
	uint32_t a, b;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &a), 0);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &b), 0);
	assert_int_equal(raw_call(FD(state), IOASID_OP_RECLAIM, &req, sizeof(req),
				  buf, sizeof(buf), NULL), 0);
	memcpy(&hdr, buf, sizeof(hdr));
	assert_int_equal(hdr.count, 2);
	assert_int_equal(hdr.next, 0);
	assert_int_equal(e[0].id, a < b ? a : b);
	assert_int_equal(e[1].id, a < b ? b : a);
	assert_int_equal(e[0].state, IOASID_STATE_ACTIVE);
}

/* reclaim_page - one RECLAIM page of at most one entry from start. */
static struct ioasid_rep_page reclaim_page(int fd, uint64_t start,
					   uint32_t *id)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_req_page req = { .size = sizeof(req), .start = start,
				       .max_entries = 1 };
	struct ioasid_list_entry e;
	struct ioasid_rep_page hdr;

	assert_int_equal(raw_call(fd, IOASID_OP_RECLAIM, &req, sizeof(req), buf,
				  sizeof(buf), NULL), 0);
	memcpy(&hdr, buf, sizeof(hdr));
	memcpy(&e, buf + sizeof(hdr), sizeof(e));
	*id = hdr.count ? e.id : 0;
	return hdr;
}

/* RECLAIM pages like LIST: next is the following page's first ID. */
static void test_proto_reclaim_next_is_next_id(void **state)
{
	struct ioasid_rep_page hdr;
	uint32_t a, b, c, id;

	assert_int_equal(raw_alloc(FD(state), 0, 0, &a), 0);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &b), 0);
	assert_int_equal(raw_alloc(FD(state), 0, 0, &c), 0);
	assert_true(a < b && b < c);
	assert_int_equal(raw_id_op(FD(state), IOASID_OP_FREE, b), 0);
	hdr = reclaim_page(FD(state), 0, &id);
	assert_int_equal(hdr.count, 1);
	assert_int_equal(id, a);
	assert_int_equal(hdr.next, c);
	hdr = reclaim_page(FD(state), hdr.next, &id);
	assert_int_equal(hdr.count, 1);
	assert_int_equal(id, c);
	assert_int_equal(hdr.next, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, handle_open, handle_close)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_proto_get_info),
		T(test_proto_alloc_free),
		T(test_proto_alloc_range),
		T(test_proto_double_free),
		T(test_proto_use_after_free),
		T(test_proto_get_put),
		T(test_proto_spid),
		T(test_proto_quota),
		T(test_proto_short_message),
		T(test_proto_size_mismatch),
		T(test_proto_oversized_tail),
		T(test_proto_shorter_request),
		T(test_proto_unknown_op),
		T(test_proto_unknown_flags),
		T(test_proto_check_order),
		T(test_proto_seq_zero),
		T(test_proto_garbage),
		T(test_proto_descriptors),
		T(test_proto_status_list_sets),
		T(test_proto_reclaim_lists_own),
		T(test_proto_reclaim_next_is_next_id),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
