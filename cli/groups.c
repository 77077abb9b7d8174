// SPDX-License-Identifier: MIT
/*
 * ioasidctl groups: the IOMMU groups of the daemon's platform (GROUPS) as
 * a table. An unnamed group, an unowned one and one in no container show
 * "-" (JSON null); VIABLE says whether this ioasidctl's own handle could
 * claim the group now without detaching drivers (so a group another handle
 * owns, or one with a device bound to a native driver, is not).
 */
#include <errno.h>
#include <stdlib.h>

#include <ioasid/iommu/group.h>

#include "ioasidctl.h"
#include "output.h"

#define GROUPS_COLS 7

/* 0 ("none") as IOASID_INVALID, which the ID type prints "-" / null. */
static uint64_t id_or_none(uint32_t v)
{
	return v ? v : IOASID_INVALID;
}

static void row_fill(struct ioasidctl_field *row, const void *entry)
{
	const struct ioasid_client_group_entry *e = entry;
	const struct ioasidctl_field r[GROUPS_COLS] = {
		IOASIDCTL_F_U64("group", e->id),
		IOASIDCTL_F_STR("name", e->name[0] ? e->name : NULL),
		IOASIDCTL_F_STR("type", ioasid_group_type_name(e->type)),
		IOASIDCTL_F_U64("devices", e->nr_devices),
		IOASIDCTL_F_ID("owner_pid", id_or_none(e->owner_pid)),
		IOASIDCTL_F_ID("container", id_or_none(e->container_id)),
		IOASIDCTL_F_BOOL("viable", !!(e->flags & IOASID_CLIENT_GROUP_VIABLE)),
	};

	for (int i = 0; i < GROUPS_COLS; i++)
		row[i] = r[i];
}

static int fetch(struct ioasid_client *c, void **entries, size_t *n)
{
	struct ioasid_client_group_entry *e;
	int r = ioasid_client_groups(c, &e, n);

	if (r >= 0)
		*entries = e; /* the caller frees it with ioasid_client_array_free */
	return r;
}

int ioasidctl_groups(const struct ioasidctl_opts *o, int argc, char **argv)
{
	static const struct ioasidctl_listing listing = {
		.cmd = "groups",
		.cols = GROUPS_COLS,
		.entry_size = sizeof(struct ioasid_client_group_entry),
		.fetch = fetch,
		.row_fill = row_fill,
	};

	(void)argv;
	return ioasidctl_listing_run(o, argc, &listing);
}
