// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: ioasid__host_parse_resv() on arbitrary bytes, as a
 * hostile or corrupted /sys/kernel/iommu_groups/N/reserved_regions would
 * present them. Whatever it accepts must be well formed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/iommu/sysfs.h>

#include "fuzz_check.h"
#include "iommu/platform_internal.h"
#include "util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_entry(const struct ioasid_host_resv *r, unsigned int n)
{
	size_t len = strnlen(r->type, sizeof(r->type));

	fuzz_check(r->start <= r->last, "entry %u: start %#llx > last %#llx", n,
		   (unsigned long long)r->start, (unsigned long long)r->last);
	fuzz_check(len != 0, "entry %u: empty type", n);
	fuzz_check(len < sizeof(r->type),
		   "entry %u: type not terminated in %zu bytes", n,
		   sizeof(r->type));
	for (size_t i = 0; i < len; i++)
		fuzz_check((r->type[i] >= 'a' && r->type[i] <= 'z') ||
			   (r->type[i] >= '0' && r->type[i] <= '9') ||
			   r->type[i] == '-',
			   "entry %u: type \"%s\" has byte %#x at %zu", n,
			   r->type, (unsigned char)r->type[i], i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioasid_host_resv *r = NULL;
	unsigned int nr = 0, lines = 0;
	int ret;

	ret = ioasid__host_parse_resv((const char *)data, size, &r, &nr);
	if (ret == 0) {
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		fuzz_check(nr <= lines + 1,
			   "%u entries from %zu bytes with %u newlines", nr,
			   size, lines);
		fuzz_check(nr == 0 || r != NULL, "%u entries but no array", nr);
		fuzz_check(nr != 0 || r == NULL, "no entry but an array");
		for (unsigned int i = 0; i < nr; i++)
			check_entry(&r[i], i);
	} else {
		fuzz_check(ret == -EINVAL || ret == -ENOMEM, "parse: %s",
			   strerror(-ret));
	}
	ioasid__free(r);
	return 0;
}
