// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for ioasidd's request decoder (daemon/dispatch.c).
 * The first input byte chooses how many descriptors "came" with the
 * message; the rest is the message. Whatever is accepted must satisfy the
 * rules the handlers rely on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/proto.h>

#include "dispatch.h"
#include "fuzz_check.h"

static uint8_t msg[IOASID_MSG_MAX];

static void check_accepted(const struct ioasidd_op *op, size_t len)
{
	struct ioasid_msg_hdr hdr;
	uint32_t size, flags;

	memcpy(&hdr, msg, sizeof(hdr));
	memcpy(&size, msg + sizeof(hdr), sizeof(size));
	memcpy(&flags, msg + sizeof(hdr) + 4, sizeof(flags));
	fuzz_check(hdr.op == op->op, "message op %u accepted as %s (%u)",
		   hdr.op, op->name, op->op);
	fuzz_check(hdr.size == len, "%s: header size %u, message %zu bytes",
		   op->name, hdr.size, len);
	fuzz_check(hdr.seq != 0, "%s: seq 0", op->name);
	fuzz_check(size == len - sizeof(hdr),
		   "%s: struct size %u, %zu bytes after the header", op->name,
		   size, len - sizeof(hdr));
	fuzz_check(size >= op->min_size, "%s: struct size %u below min %u",
		   op->name, size, op->min_size);
	fuzz_check(!(flags & ~op->flags_mask), "%s: flags %#x, allowed %#x",
		   op->name, flags, op->flags_mask);
	/* The known struct reads as zero past what was sent. */
	for (size_t i = size; i < op->size; i++)
		fuzz_check(msg[sizeof(hdr) + i] == 0,
			   "%s: byte %zu of the %u-byte struct is %#x, %u sent",
			   op->name, i, op->size, msg[sizeof(hdr) + i], size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ioasidd_op *op = NULL;
	unsigned int nfds;
	size_t len;

	if (size < 1 || ioasid__dispatch_init())
		return 0;
	nfds = data[0] % 3;
	len = size - 1 < sizeof(msg) ? size - 1 : sizeof(msg);
	memcpy(msg, data + 1, len);
	memset(msg + len, 0xa5, 512); /* stale bytes the decoder must clear */
	if (!ioasid__dispatch_decode(msg, len, nfds, &op))
		check_accepted(op, len);
	return 0;
}
