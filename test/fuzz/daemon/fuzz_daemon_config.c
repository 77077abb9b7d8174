// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for ioasidd's config parser (daemon/config.c). A
 * failed parse must leave the configuration exactly as it was; a
 * successful one must leave values within their documented ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/core.h>

#include "config.h"

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
	} else if (cfg.capacity < 2 || cfg.capacity > IOASID_CAPACITY_MAX ||
		   !cfg.quota || !cfg.socket_path || !cfg.nr_limits) {
		abort();
	}
	ioasid__config_release(&cfg);
	return 0;
}
