// SPDX-License-Identifier: MIT
/* ioasidctl list: every live ID of the namespace (LIST) as a table. */
#include <errno.h>
#include <stdlib.h>

#include "ioasidctl.h"
#include "output.h"

#define LIST_COLS 6

static void row_fill(struct ioasidctl_field *row, const void *entry)
{
	const struct ioasid_client_id_entry *e = entry;
	const struct ioasidctl_field r[LIST_COLS] = {
		IOASIDCTL_F_U64("id", e->id),
		IOASIDCTL_F_STR("state", ioasid_state_name(e->state)),
		IOASIDCTL_F_U64("refs", e->refs),
		IOASIDCTL_F_ID("spid", e->spid),
		IOASIDCTL_F_U64("set", e->set_id),
		IOASIDCTL_F_U64("owner_pid", e->owner_pid),
	};

	for (int i = 0; i < LIST_COLS; i++)
		row[i] = r[i];
}

static int fetch(struct ioasid_client *c, void **entries, size_t *n)
{
	struct ioasid_client_id_entry *e;
	int r = ioasid_client_list(c, &e, n);

	if (r >= 0)
		*entries = e; /* the caller frees it with ioasid_client_array_free */
	return r;
}

int ioasidctl_list(const struct ioasidctl_opts *o, int argc, char **argv)
{
	static const struct ioasidctl_listing listing = {
		.cmd = "list",
		.cols = LIST_COLS,
		.entry_size = sizeof(struct ioasid_client_id_entry),
		.fetch = fetch,
		.row_fill = row_fill,
	};

	(void)argv;
	return ioasidctl_listing_run(o, argc, &listing);
}
