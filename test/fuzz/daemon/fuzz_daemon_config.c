// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for ioasidd's config parser (daemon/config.c and
 * config_platform.c). A failed parse must leave the configuration exactly
 * as it was; a successful one must leave values within their documented
 * ranges and platform lines referring only to lines before them. Each
 * input is also fed as the options of a platform line, and what the
 * parser accepts must build (daemon/platform.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/core.h>

#include "config.h"
#include "fuzz_check.h"
#include "platform.h"

/* iommu_check - what the platform builder relies on of iommu line i. */
static void iommu_check(const struct ioasidd_iommu_desc *io, uint32_t i)
{
	fuzz_check(memchr(io->name, 0, sizeof(io->name)) != NULL,
		   "iommu %u: name not terminated in %zu bytes", i,
		   sizeof(io->name));
	fuzz_check(io->name[0] != '\0', "iommu %u: empty name", i);
	fuzz_check(io->pasid_bits <= 20, "iommu %u: pasid_bits %u", i,
		   io->pasid_bits);
	fuzz_check(io->nr_reserved <= IOASIDD_RESERVED_MAX,
		   "iommu %u: %u reserved ranges, at most %u", i,
		   io->nr_reserved, IOASIDD_RESERVED_MAX);
	fuzz_check(io->addr_width == 39 || io->addr_width == 48 ||
		   io->addr_width == 57, "iommu %u: addr_width %u", i,
		   io->addr_width);
	fuzz_check((io->pgsizes & IOASID_PAGE_SIZE_4K) != 0,
		   "iommu %u: page sizes %#llx lack 4K", i,
		   (unsigned long long)io->pgsizes);
}

/* device_check - device line i refers to earlier lines, and has a name. */
static void device_check(const struct ioasidd_platform_desc *pd, uint32_t i)
{
	const struct ioasidd_device_desc *d = &pd->devices[i];

	fuzz_check(d->iommu < pd->nr_iommus, "device %u: iommu %u of %u", i,
		   d->iommu, pd->nr_iommus);
	fuzz_check(d->group < (int32_t)pd->nr_groups && d->group >= -1,
		   "device %u: group %d of %u", i, d->group, pd->nr_groups);
	fuzz_check(d->ssid_bits <= 20, "device %u: ssid_bits %u", i,
		   d->ssid_bits);
	fuzz_check(d->name[0] != '\0', "device %u: empty name", i);
}

/* platform_check - what the platform builder relies on: references point
 * to earlier lines, names are terminated, widths are in range. */
static void platform_check(const struct ioasidd_platform_desc *pd)
{
	for (uint32_t i = 0; i < pd->nr_iommus; i++)
		iommu_check(&pd->iommus[i], i);
	for (uint32_t i = 0; i < pd->nr_devices; i++)
		device_check(pd, i);
	fuzz_check(!pd->nr_devices || pd->nr_iommus > 0,
		   "%u devices but no iommu", pd->nr_devices);
}

/* What the parser accepts as a platform line, the library builds. */
static void platform_build_check(const struct ioasidd_platform_desc *pd)
{
	struct ioasidd_platform *pl;
	int ret;

	platform_check(pd);
	fuzz_check(pd->nr_iommus >= 1, "accepted platform lines left no iommu");
	ret = ioasid__platform_build(pd, &pl, NULL, 0);
	fuzz_check(ret == 0 || ret == -ENOMEM,
		   "build of accepted lines (%u iommus, %u groups, %u devices): %s",
		   pd->nr_iommus, pd->nr_groups, pd->nr_devices,
		   strerror(-ret));
	if (!ret)
		ioasid__platform_free(pl);
}

/*
 * fuzz_platform_lines - the input as the options of a platform line (its
 * first byte picks the kind) after an iommu and a group it may name.
 */
static void fuzz_platform_lines(const uint8_t *data, size_t size)
{
	static const char *const prefix[] = { "iommu x = ", "group x = ",
					      "device x = ", "device x = group=g " };
	static char text[8192];
	const char *base = "iommu a =\ngroup g =\n";
	struct ioasidd_config cfg;
	size_t len;
	int ret;

	if (size < 1 || size > 4096)
		return;
	len = (size_t)snprintf(text, sizeof(text), "%s%s", base,
			       prefix[data[0] % 4]);
	memcpy(text + len, data + 1, size - 1);
	len += size - 1;
	ioasid__config_defaults(&cfg);
	ret = ioasid__config_parse(&cfg, text, len, NULL, 0);
	if (ret)
		fuzz_check(!cfg.platform.nr_iommus && !cfg.platform.nr_groups,
			   "refused platform lines (%s) left %u iommus, %u groups",
			   strerror(-ret), cfg.platform.nr_iommus,
			   cfg.platform.nr_groups);
	else
		platform_build_check(&cfg.platform);
	ioasid__config_release(&cfg);
}

/* A refused config left the base settings exactly as they were. */
static void refused_check(const struct ioasidd_config *cfg, const char *err,
			  size_t errlen)
{
	fuzz_check(strcmp(cfg->socket_path, "/s") == 0,
		   "refused config changed the socket to \"%s\"",
		   cfg->socket_path);
	fuzz_check(cfg->nr_limits == 1, "refused config left %zu limits",
		   cfg->nr_limits);
	fuzz_check(cfg->limits[0].max == 3,
		   "refused config changed limit %s to %llu",
		   cfg->limits[0].path, (unsigned long long)cfg->limits[0].max);
	fuzz_check(cfg->quota == 1024, "refused config changed the quota to %u",
		   cfg->quota);
	fuzz_check(strncmp(err, "line ", 5) == 0,
		   "refused config's message \"%.*s\" names no line",
		   (int)errlen, err);
	fuzz_check(!cfg->platform.nr_iommus && !cfg->platform.nr_devices,
		   "refused config left %u iommus, %u devices",
		   cfg->platform.nr_iommus, cfg->platform.nr_devices);
}

/* An accepted config has its values within their documented ranges. */
static void accepted_check(const struct ioasidd_config *cfg)
{
	fuzz_check(cfg->capacity >= 2 && cfg->capacity <= IOASID_CAPACITY_MAX,
		   "capacity %u", cfg->capacity);
	fuzz_check(cfg->quota != 0, "quota 0");
	fuzz_check(cfg->socket_path != NULL, "no socket path");
	fuzz_check(cfg->nr_limits != 0, "no limits");
	platform_check(&cfg->platform);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioasidd_config cfg;
	char err[128];
	int ret;

	ioasid__config_defaults(&cfg);
	ret = ioasid__config_parse(&cfg, "socket = /s\nlimit /a = 3\n", 25,
				   NULL, 0);
	fuzz_check(ret == 0, "base config: %s", strerror(-ret));
	ret = ioasid__config_parse(&cfg, (const char *)data, size, err,
				   sizeof(err));
	if (ret)
		refused_check(&cfg, err, sizeof(err));
	else
		accepted_check(&cfg);
	ioasid__config_release(&cfg);
	fuzz_platform_lines(data, size);
	return 0;
}
