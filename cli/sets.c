// SPDX-License-Identifier: MIT
/* ioasidctl sets: every set of the namespace (SETS) as a table. */
#include <errno.h>
#include <stdlib.h>

#include "ioasidctl.h"
#include "output.h"

#define SETS_COLS 6

static const char *type_name(enum ioasid_set_type t)
{
	switch (t) {
	case IOASID_SET_TYPE_NONE:
		return "none";
	case IOASID_SET_TYPE_PROCESS:
		return "process";
	case IOASID_SET_TYPE_GUEST:
		return "guest";
	}
	return "unknown";
}

static void row_fill(struct ioasidctl_field *row, const void *entry)
{
	const struct ioasid_client_set_entry *e = entry;
	const struct ioasidctl_field r[SETS_COLS] = {
		IOASIDCTL_F_U64("set", e->set_id),
		IOASIDCTL_F_STR("type", type_name(e->type)),
		IOASIDCTL_F_U64("quota", e->quota),
		IOASIDCTL_F_U64("ids", e->nr_ids),
		IOASIDCTL_F_U64("owner_pid", e->owner_pid),
		IOASIDCTL_F_STR("cgroup", e->cgroup),
	};

	for (int i = 0; i < SETS_COLS; i++)
		row[i] = r[i];
}

static int fetch(struct ioasid_client *c, void **entries, size_t *n)
{
	struct ioasid_client_set_entry *e;
	int r = ioasid_client_sets(c, &e, n);

	if (r >= 0)
		*entries = e; /* the caller frees it with ioasid_client_array_free */
	return r;
}

int ioasidctl_sets(const struct ioasidctl_opts *o, int argc, char **argv)
{
	static const struct ioasidctl_listing listing = {
		.cmd = "sets",
		.cols = SETS_COLS,
		.entry_size = sizeof(struct ioasid_client_set_entry),
		.fetch = fetch,
		.row_fill = row_fill,
	};

	(void)argv;
	return ioasidctl_listing_run(o, argc, &listing);
}
