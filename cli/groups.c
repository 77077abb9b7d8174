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

static void row_fill(struct ioasidctl_field *row,
		     const struct ioasid_client_group_entry *e)
{
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

int ioasidctl_groups(const struct ioasidctl_opts *o, int argc, char **argv)
{
	static const struct ioasid_client_group_entry none;
	struct ioasid_client_group_entry *e;
	struct ioasidctl_field *cells;
	struct ioasid_client *c;
	size_t n;
	int r;

	(void)argv;
	if (argc != 1)
		return ioasidctl_usage_error("groups: takes no argument");
	r = ioasidctl_open(o, "groups", &c);
	if (r)
		return r;
	r = ioasid_client_groups(c, &e, &n);
	ioasid_client_close(c);
	if (r < 0)
		return ioasidctl_fail("groups", r);
	cells = calloc(n * GROUPS_COLS + GROUPS_COLS, sizeof(*cells));
	if (!cells) {
		ioasid_client_array_free(e);
		return ioasidctl_fail("groups", -ENOMEM);
	}
	for (size_t i = 0; i < n; i++)
		row_fill(cells + i * GROUPS_COLS, &e[i]);
	if (n == 0) /* the header still needs the keys */
		row_fill(cells, &none);
	ioasidctl_print_table(stdout, o->json, cells, n, GROUPS_COLS);
	free(cells);
	ioasid_client_array_free(e);
	return IOASIDCTL_OK;
}
