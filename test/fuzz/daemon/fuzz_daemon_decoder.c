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

static uint8_t msg[IOASID_MSG_MAX];

static void check_accepted(const struct ioasidd_op *op, size_t len)
{
	struct ioasid_msg_hdr hdr;
	uint32_t size, flags;

	memcpy(&hdr, msg, sizeof(hdr));
	memcpy(&size, msg + sizeof(hdr), sizeof(size));
	memcpy(&flags, msg + sizeof(hdr) + 4, sizeof(flags));
	if (hdr.op != op->op || hdr.size != len || !hdr.seq ||
	    size != len - sizeof(hdr) || size < op->min_size ||
	    (flags & ~op->flags_mask))
		abort();
	/* The known struct reads as zero past what was sent. */
	for (size_t i = size; i < op->size; i++)
		if (msg[sizeof(hdr) + i])
			abort();
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
