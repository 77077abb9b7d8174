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
#include "platform.h"

/* platform_ok - what the platform builder relies on: references point
 * to earlier lines, names are terminated, widths are in range. */
static int platform_ok(const struct ioasidd_platform_desc *pd)
{
	for (uint32_t i = 0; i < pd->nr_iommus; i++) {
		const struct ioasidd_iommu_desc *io = &pd->iommus[i];

		if (!memchr(io->name, 0, sizeof(io->name)) || !io->name[0] ||
		    io->pasid_bits > 20 || io->nr_reserved > IOASIDD_RESERVED_MAX ||
		    (io->addr_width != 39 && io->addr_width != 48 &&
		     io->addr_width != 57) ||
		    !(io->pgsizes & IOASID_PAGE_SIZE_4K))
			return 0;
	}
	for (uint32_t i = 0; i < pd->nr_devices; i++) {
		const struct ioasidd_device_desc *d = &pd->devices[i];

		if (d->iommu >= pd->nr_iommus || d->group >= (int32_t)pd->nr_groups ||
		    d->group < -1 || d->ssid_bits > 20 || !d->name[0])
			return 0;
	}
	return pd->nr_devices ? pd->nr_iommus > 0 : 1;
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

	if (size < 1 || size > 4096)
		return;
	len = (size_t)snprintf(text, sizeof(text), "%s%s", base,
			       prefix[data[0] % 4]);
	memcpy(text + len, data + 1, size - 1);
	len += size - 1;
	ioasid__config_defaults(&cfg);
	if (ioasid__config_parse(&cfg, text, len, NULL, 0)) {
		if (cfg.platform.nr_iommus || cfg.platform.nr_groups)
			abort();
	} else if (!platform_ok(&cfg.platform) || cfg.platform.nr_iommus < 1) {
		abort();
	} else {
		/* What the parser accepts, the library builds. */
		struct ioasidd_platform *pl;
		int ret = ioasid__platform_build(&cfg.platform, &pl, NULL, 0);

		if (ret && ret != -ENOMEM)
			abort();
		if (!ret)
			ioasid__platform_free(pl);
	}
	ioasid__config_release(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioasidd_config cfg;
	char err[128];
	int ret;

	ioasid__config_defaults(&cfg);
	if (ioasid__config_parse(&cfg, "socket = /s\nlimit /a = 3\n", 25, NULL, 0))
		abort();
	ret = ioasid__config_parse(&cfg, (const char *)data, size, err,
				   sizeof(err));
	if (ret) {
		if (strcmp(cfg.socket_path, "/s") || cfg.nr_limits != 1 ||
		    cfg.limits[0].max != 3 || cfg.quota != 1024 ||
		    strncmp(err, "line ", 5))
			abort();
		if (cfg.platform.nr_iommus || cfg.platform.nr_devices)
			abort();
	} else if (cfg.capacity < 2 || cfg.capacity > IOASID_CAPACITY_MAX ||
		   !cfg.quota || !cfg.socket_path || !cfg.nr_limits ||
		   !platform_ok(&cfg.platform)) {
		abort();
	}
	ioasid__config_release(&cfg);
	fuzz_platform_lines(data, size);
	return 0;
}
