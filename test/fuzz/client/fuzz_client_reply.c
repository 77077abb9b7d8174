// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for libioasid-client's decoder of what the daemon
 * sends (lib/client/codec.c): reply framing, bodies of every size the
 * library reads, events, and pages of both entry kinds. The input is one
 * message as it would come off the socket. Nothing may read out of bounds
 * (ASan), and whatever is accepted must be self-consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/proto.h>

#include "client/codec.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void page_check(const struct ioasid__reply *rep)
{
	struct ioasid_client_id_entry ie;
	struct ioasid_client_set_entry se;
	const unsigned char *raw;
	uint64_t next;
	uint32_t n;

	if (ioasid__codec_page(rep, ioasid__codec_id_entry_size(), &n, &next,
			       &raw) == 0)
		for (uint32_t i = 0; i < n; i++)
			ioasid__codec_id_entry(raw + (size_t)i *
						       ioasid__codec_id_entry_size(),
					       &ie);
	if (ioasid__codec_page(rep, ioasid__codec_set_entry_size(), &n, &next,
			       &raw) == 0)
		for (uint32_t i = 0; i < n; i++) {
			ioasid__codec_set_entry(raw + (size_t)i *
							ioasid__codec_set_entry_size(),
						&se);
			fuzz_check(strlen(se.cgroup) < sizeof(se.cgroup),
				   "set entry %u of %u: cgroup not terminated in %zu bytes",
				   i, n, sizeof(se.cgroup));
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, exactly size bytes, so ASan sees any overread. */
	unsigned char *msg = malloc(size ? size : 1);
	struct ioasid_rep_get_info info;
	struct ioasid_client_event ev;
	struct ioasid__reply rep;

	if (!msg)
		return 0;
	memcpy(msg, data, size);
	if (ioasid__codec_reply(msg, size, &rep) == 0) {
		fuzz_check(rep.body_len <= size,
			   "body of %zu bytes in a message of %zu",
			   rep.body_len, size);
		fuzz_check(rep.body_len == 0 || rep.body != NULL,
			   "body of %zu bytes has no pointer", rep.body_len);
		if (rep.seq == 0)
			ioasid__codec_event(&rep, &ev);
		ioasid__codec_body(&rep, 8, &info, sizeof(info));
		ioasid__codec_body(&rep, sizeof(info), &info, sizeof(info));
		page_check(&rep);
	}
	free(msg);
	return 0;
}
