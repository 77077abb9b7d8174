// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for libioasid-client's decoders of the IOMMU
 * operations' replies (lib/client/codec_iommu.c): GROUPS and DEVICES
 * pages, CONTAINER_INFO, TRANSLATE and FAULT_READ. The input is one
 * message as it would come off the socket; a byte of it picks the fault
 * buffer's size. Nothing may read or write out of bounds (ASan), strings
 * must come out terminated, and what is accepted must be consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/proto.h>

#include "client/codec_iommu.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Entry i of n: its strings end inside their arrays. */
static void device_check(const struct ioasid_client_device_entry *d,
			 uint32_t i, uint32_t n)
{
	fuzz_check(strlen(d->name) < sizeof(d->name),
		   "device entry %u of %u: name not terminated in %zu bytes",
		   i, n, sizeof(d->name));
	fuzz_check(strlen(d->parent) < sizeof(d->parent),
		   "device entry %u of %u: parent not terminated in %zu bytes",
		   i, n, sizeof(d->parent));
	fuzz_check(strlen(d->driver) < sizeof(d->driver),
		   "device entry %u of %u: driver not terminated in %zu bytes",
		   i, n, sizeof(d->driver));
}

static void pages_check(const struct ioasid__reply *rep)
{
	size_t gsz = ioasid__codec_group_entry_size();
	size_t dsz = ioasid__codec_device_entry_size();
	struct ioasid_client_group_entry g;
	struct ioasid_client_device_entry d;
	const unsigned char *raw;
	uint64_t next;
	uint32_t n;

	if (ioasid__codec_page(rep, gsz, &n, &next, &raw) == 0)
		for (uint32_t i = 0; i < n; i++) {
			ioasid__codec_group_entry(raw + (size_t)i * gsz, &g);
			fuzz_check(strlen(g.name) < sizeof(g.name),
				   "group entry %u of %u: name not terminated in %zu bytes",
				   i, n, sizeof(g.name));
		}
	if (ioasid__codec_page(rep, dsz, &n, &next, &raw) == 0)
		for (uint32_t i = 0; i < n; i++) {
			ioasid__codec_device_entry(raw + (size_t)i * dsz, &d);
			device_check(&d, i, n);
		}
}

static void faults_check(const struct ioasid__reply *rep, uint32_t max)
{
	/* Exactly max entries, so ASan sees a write past them. */
	struct ioasid_client_fault *fl = malloc(max * sizeof(*fl));
	uint32_t count = 0;
	uint64_t lost;

	if (!fl)
		return;
	if (ioasid__codec_faults(rep, fl, max, &count, &lost) == 0)
		fuzz_check(count <= max, "%u faults decoded into room for %u",
			   count, max);
	free(fl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioasid_client_container_info info;
	struct ioasid_client_translation t;
	struct ioasid__reply rep;
	unsigned char *msg;
	uint32_t max;

	if (size < 1)
		return 0;
	max = 1 + data[0] % 8;
	msg = malloc(size - 1 ? size - 1 : 1);
	if (!msg)
		return 0;
	memcpy(msg, data + 1, size - 1);
	if (ioasid__codec_reply(msg, size - 1, &rep) == 0) {
		pages_check(&rep);
		ioasid__codec_container_info(&rep, &info);
		ioasid__codec_translation(&rep, &t);
		faults_check(&rep, max);
	}
	free(msg);
	return 0;
}
