// SPDX-License-Identifier: MIT
/*
 * Unit tests of ioasidd's request decoder and op table (daemon/dispatch.c):
 * each rule of DESIGN.md §5 / proto.h on its own and in its order of
 * checks, without a socket.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <ioasid/proto.h>

#include "dispatch.h"

static uint8_t msg[IOASID_MSG_MAX];

/* build - a request with body of blen bytes; returns the message length. */
static size_t build(uint32_t op, const void *body, size_t blen)
{
	struct ioasid_msg_hdr hdr = { (uint32_t)(sizeof(hdr) + blen), op, 1 };

	memset(msg, 0xa5, sizeof(msg)); /* the decoder must zero what it uses */
	memcpy(msg, &hdr, sizeof(hdr));
	if (blen)
		memcpy(msg + sizeof(hdr), body, blen);
	return sizeof(hdr) + blen;
}

static int decode(size_t len, unsigned int nfds)
{
	const struct ioasidd_op *op = NULL;
	int ret = ioasid__dispatch_decode(msg, len, nfds, &op);

	if (!ret)
		assert_non_null(op);
	return ret;
}

static int setup(void **state)
{
	return ioasid__dispatch_init();
}

static void test_dispatch_table_complete(void **state)
{
	const uint32_t ops[] = {
		IOASID_OP_GET_INFO, IOASID_OP_ALLOC, IOASID_OP_FREE,
		IOASID_OP_GET, IOASID_OP_PUT, IOASID_OP_ATTACH_SPID,
		IOASID_OP_DETACH_SPID, IOASID_OP_FIND_SPID, IOASID_OP_EXPORT,
		IOASID_OP_IMPORT, IOASID_OP_SUBSCRIBE, IOASID_OP_RECLAIM,
		IOASID_OP_SET_QUOTA, IOASID_OP_LIMIT_SET, IOASID_OP_STATUS,
		IOASID_OP_LIST, IOASID_OP_SETS, IOASID_OP_LIMIT_GET,
		IOASID_OP_GROUPS, IOASID_OP_DEVICES, IOASID_OP_GROUP_CLAIM,
		IOASID_OP_GROUP_RELEASE, IOASID_OP_CONTAINER_CREATE,
		IOASID_OP_CONTAINER_ATTACH_GROUP,
		IOASID_OP_CONTAINER_DETACH_GROUP, IOASID_OP_CONTAINER_INFO,
		IOASID_OP_CONTAINER_ATTACH_PASID,
		IOASID_OP_CONTAINER_DETACH_PASID, IOASID_OP_MAP_DMA,
		IOASID_OP_UNMAP_DMA, IOASID_OP_TRANSLATE, IOASID_OP_FAULT_READ,
		IOASID_OP_DESTROY,
	};
	unsigned int registered = 0;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const struct ioasidd_op *op = ioasid__dispatch_lookup(ops[i]);

		assert_non_null(op);
		assert_int_equal(op->op, ops[i]);
		assert_true(op->min_size >= 8 && op->min_size <= op->size);
		/* Admin rights exactly where proto.h says. */
		assert_int_equal(op->admin, ops[i] == IOASID_OP_SET_QUOTA ||
						    ops[i] == IOASID_OP_LIMIT_SET);
		/* Descriptors come with IMPORT and MAP_DMA only. */
		assert_int_equal(op->takes_fd, ops[i] == IOASID_OP_IMPORT ||
						       ops[i] == IOASID_OP_MAP_DMA);
	}
	for (uint32_t op = 0; op < IOASIDD_OP_LIMIT; op++)
		registered += ioasid__dispatch_lookup(op) != NULL;
	assert_int_equal(registered, sizeof(ops) / sizeof(ops[0]));
	assert_null(ioasid__dispatch_lookup(0x302));
	assert_null(ioasid__dispatch_lookup(0x350)); /* reserved for IOAS */
	assert_null(ioasid__dispatch_lookup(IOASIDD_OP_LIMIT));
	assert_null(ioasid__dispatch_lookup(UINT32_MAX));
	/* Idempotent. */
	assert_int_equal(ioasid__dispatch_init(), 0);
}

static void test_dispatch_header_rules(void **state)
{
	struct ioasid_req_empty req = { sizeof(req), 0 };
	size_t len = build(IOASID_OP_GET_INFO, &req, sizeof(req));

	assert_int_equal(decode(len, 0), 0);
	assert_int_equal(decode(15, 0), -EINVAL); /* shorter than a header */
	assert_int_equal(decode(0, 0), -EINVAL);
	/* hdr.size must be the message length. */
	assert_int_equal(decode(len + 1, 0), -EINVAL);
	((struct ioasid_msg_hdr *)msg)->size = (uint32_t)len - 1;
	assert_int_equal(decode(len, 0), -EINVAL);
	/* seq 0 belongs to events. */
	len = build(IOASID_OP_GET_INFO, &req, sizeof(req));
	((struct ioasid_msg_hdr *)msg)->seq = 0;
	assert_int_equal(decode(len, 0), -EINVAL);
	/* Over the maximum. */
	((struct ioasid_msg_hdr *)msg)->seq = 1;
	((struct ioasid_msg_hdr *)msg)->size = IOASID_MSG_MAX + 1;
	assert_int_equal(decode(IOASID_MSG_MAX + 1, 0), -EINVAL);
}

static void test_dispatch_struct_size(void **state)
{
	struct ioasid_req_alloc alloc = { sizeof(alloc), 0, 3, 4 };
	struct ioasid_req_id id = { 12, 0, 5, 0 };

	/* The struct's size must equal what follows the header. */
	alloc.size = 12;
	assert_int_equal(decode(build(IOASID_OP_ALLOC, &alloc, 16), 0), -EINVAL);
	alloc.size = 20;
	assert_int_equal(decode(build(IOASID_OP_ALLOC, &alloc, 16), 0), -EINVAL);
	/* Below the minimum. */
	assert_int_equal(decode(build(IOASID_OP_ALLOC, &alloc, 12), 0), -EINVAL);
	assert_int_equal(decode(build(IOASID_OP_ALLOC, &alloc, 2), 0), -EINVAL);
	/* At the minimum: the missing tail reads as zero. */
	assert_int_equal(decode(build(IOASID_OP_FREE, &id, 12), 0), 0);
	assert_int_equal(((struct ioasid_req_id *)(msg + 16))->__rsvd, 0);
}

static void test_dispatch_tail(void **state)
{
	uint8_t body[64] = { 64, 0, 0, 0 };

	/* Longer than known with zeros: accepted. */
	assert_int_equal(decode(build(IOASID_OP_GET_INFO, body, 64), 0), 0);
	/* A non-zero byte anywhere past the known struct. */
	for (size_t at = 8; at < 64; at += 7) {
		body[at] = 0x40;
		assert_int_equal(decode(build(IOASID_OP_GET_INFO, body, 64), 0),
				 -E2BIG);
		body[at] = 0;
	}
}

static void test_dispatch_flags_and_reserved(void **state)
{
	struct ioasid_req_find_spid find = { sizeof(find), IOASID_FIND_SPID_GET,
					     1, 0 };
	struct ioasid_req_subscribe sub = { sizeof(sub), IOASID_SUB_ALL };
	struct ioasid_req_page page = { sizeof(page), 0, 0, 0, 0 };

	assert_int_equal(decode(build(IOASID_OP_FIND_SPID, &find, sizeof(find)), 0), 0);
	find.flags = 2;
	assert_int_equal(decode(build(IOASID_OP_FIND_SPID, &find, sizeof(find)), 0),
			 -EOPNOTSUPP);
	find.flags = 0;
	find.__rsvd = 1;
	assert_int_equal(decode(build(IOASID_OP_FIND_SPID, &find, sizeof(find)), 0),
			 -EOPNOTSUPP);
	assert_int_equal(decode(build(IOASID_OP_SUBSCRIBE, &sub, sizeof(sub)), 0), 0);
	sub.flags = IOASID_SUB_ALL + 1;
	assert_int_equal(decode(build(IOASID_OP_SUBSCRIBE, &sub, sizeof(sub)), 0),
			 -EOPNOTSUPP);
	page.__rsvd = 0x80000000u;
	assert_int_equal(decode(build(IOASID_OP_SETS, &page, sizeof(page)), 0),
			 -EOPNOTSUPP);
}

static void test_dispatch_descriptors(void **state)
{
	struct ioasid_req_empty req = { sizeof(req), 0 };

	assert_int_equal(decode(build(IOASID_OP_IMPORT, &req, sizeof(req)), 1), 0);
	assert_int_equal(decode(build(IOASID_OP_IMPORT, &req, sizeof(req)), 0),
			 -EBADF);
	assert_int_equal(decode(build(IOASID_OP_IMPORT, &req, sizeof(req)), 2),
			 -EINVAL);
	assert_int_equal(decode(build(IOASID_OP_STATUS, &req, sizeof(req)), 1),
			 -EINVAL);
}

static void test_dispatch_check_order(void **state)
{
	uint8_t body[40] = { 40, 0, 0, 0, 0xff, 0, 0, 0 };

	body[39] = 1;
	/* ENOTTY before any size rule... */
	assert_int_equal(decode(build(0x1ff, body, 2), 0), -ENOTTY);
	/* ...EINVAL for size before E2BIG... */
	assert_int_equal(decode(build(IOASID_OP_FREE, body, 8), 0), -EINVAL);
	/* ...E2BIG before EOPNOTSUPP... */
	assert_int_equal(decode(build(IOASID_OP_FREE, body, 40), 0), -E2BIG);
	/* ...EOPNOTSUPP before descriptors. */
	body[39] = 0;
	assert_int_equal(decode(build(IOASID_OP_FREE, body, 40), 3), -EOPNOTSUPP);
	body[4] = 0;
	assert_int_equal(decode(build(IOASID_OP_FREE, body, 40), 3), -EINVAL);
}

static void test_dispatch_error_reply(void **state)
{
	struct ioasid_reply_hdr rep;
	uint8_t buf[64];
	size_t len = build(IOASID_OP_ALLOC, NULL, 0);

	((struct ioasid_msg_hdr *)msg)->seq = 77;
	assert_int_equal(ioasid__dispatch_error(msg, len, -ENOTTY, buf),
			 sizeof(rep));
	memcpy(&rep, buf, sizeof(rep));
	assert_int_equal(rep.size, sizeof(rep));
	assert_int_equal(rep.op, IOASID_OP_ALLOC);
	assert_int_equal(rep.seq, 77);
	assert_int_equal(rep.result, -ENOTTY);
	assert_int_equal(rep.__rsvd, 0);
	/* Too short to echo anything. */
	ioasid__dispatch_error(msg, 7, -EINVAL, buf);
	memcpy(&rep, buf, sizeof(rep));
	assert_int_equal(rep.op, 0);
	assert_int_equal(rep.seq, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch_table_complete),
		cmocka_unit_test(test_dispatch_header_rules),
		cmocka_unit_test(test_dispatch_struct_size),
		cmocka_unit_test(test_dispatch_tail),
		cmocka_unit_test(test_dispatch_flags_and_reserved),
		cmocka_unit_test(test_dispatch_descriptors),
		cmocka_unit_test(test_dispatch_check_order),
		cmocka_unit_test(test_dispatch_error_reply),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
