/* SPDX-License-Identifier: MIT */
/*
 * daemon/platform.h - the IOMMU platform ioasidd hosts, and the
 * daemon-wide bookkeeping of the IOMMU operations.
 *
 * The platform is built once at start-up from the configuration's iommu,
 * group and device lines, or from the embedded default description when
 * there are none (IOASIDD_DEFAULT_PLATFORM, in the config syntax). Groups
 * get IDs 0, 1, ... and devices 1, 2, ... in declaration order; the daemon
 * keeps one reference on every declared group, so an empty group stays
 * listed.
 *
 * Beside the library platform it keeps what the handles' objects share:
 * the object-ID counter and which container each group is attached to
 * (shown by GROUPS). Per-handle state lives in iommu_handle.h.
 *
 * Threading: owned by the event-loop thread, like the rest of the daemon;
 * the library's own locks are never contended.
 */
#ifndef IOASIDD_PLATFORM_H
#define IOASIDD_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include <ioasid/iommu.h>

#include "config.h"
#include "hmap.h"

struct ioasidd;

/* The embedded default platform, in the config file's syntax. */
extern const char ioasid__default_platform[];

struct ioasidd_platform {
	struct ioasid_platform *p;
	struct ioasid_group **groups; /* the declared groups, a ref each */
	uint32_t nr_groups;
	uint32_t next_object_id; /* the last object ID handed out */
	struct hmap attached; /* group ID -> ID of the container it is in */
	uint32_t max_containers; /* per handle */
	uint32_t dma_entry_limit; /* per TYPE1v2 container */
};

/*
 * ioasid__platform_build - build the platform pd describes (or the
 * embedded default when pd has no iommu). err (errlen bytes) names the
 * line that failed. Errors: -EINVAL an inconsistent description (the
 * library refused it); -ENOMEM; nothing is left allocated.
 */
int ioasid__platform_build(const struct ioasidd_platform_desc *pd,
			   struct ioasidd_platform **plp, char *err,
			   size_t errlen);

/*
 * ioasid__platform_free - free the platform. Every handle must have
 * released its claims and containers. Accepts NULL.
 */
void ioasid__platform_free(struct ioasidd_platform *pl);

/* ioasid__platform_open - build d's platform from d->cfg; logs errors. */
int ioasid__platform_open(struct ioasidd *d);

/* ioasid__platform_object_id - a fresh object ID (never 0). */
uint32_t ioasid__platform_object_id(struct ioasidd_platform *pl);

/* The container a group is attached to (0: none), and its upkeep. */
uint32_t ioasid__platform_group_container(const struct ioasidd_platform *pl,
					  unsigned int group_id);
/* Errors: -ENOMEM (ioasid__hmap_reserve() on pl->attached avoids it). */
int ioasid__platform_group_attached(struct ioasidd_platform *pl,
				    unsigned int group_id,
				    uint32_t container_id);
void ioasid__platform_group_detached(struct ioasidd_platform *pl,
				     unsigned int group_id);

#endif /* IOASIDD_PLATFORM_H */
