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

#include "iommu/platform_internal.h"
#include "util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_entry(const struct ioasid_host_resv *r)
{
	size_t len = strnlen(r->type, sizeof(r->type));

	if (r->start > r->last || len == 0 || len >= sizeof(r->type))
		abort();
	for (size_t i = 0; i < len; i++)
		if (!((r->type[i] >= 'a' && r->type[i] <= 'z') ||
		      (r->type[i] >= '0' && r->type[i] <= '9') || r->type[i] == '-'))
			abort();
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
		if (nr > lines + 1 || (nr && !r) || (!nr && r))
			abort();
		for (unsigned int i = 0; i < nr; i++)
			check_entry(&r[i]);
	} else if (ret != -EINVAL && ret != -ENOMEM) {
		abort();
	}
	ioasid__free(r);
	return 0;
}
