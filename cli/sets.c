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

static void row_fill(struct ioasidctl_field *row,
		     const struct ioasid_client_set_entry *e)
{
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

int ioasidctl_sets(const struct ioasidctl_opts *o, int argc, char **argv)
{
	static const struct ioasid_client_set_entry none = { .cgroup = "" };
	struct ioasid_client_set_entry *e;
	struct ioasidctl_field *cells;
	struct ioasid_client *c;
	size_t n;
	int r;

	(void)argv;
	if (argc != 1)
		return ioasidctl_usage_error("sets: takes no argument");
	r = ioasidctl_open(o, "sets", &c);
	if (r)
		return r;
	r = ioasid_client_sets(c, &e, &n);
	ioasid_client_close(c);
	if (r < 0)
		return ioasidctl_fail("sets", r);
	cells = calloc(n * SETS_COLS + SETS_COLS, sizeof(*cells));
	if (!cells) {
		ioasid_client_array_free(e);
		return ioasidctl_fail("sets", -ENOMEM);
	}
	for (size_t i = 0; i < n; i++)
		row_fill(cells + i * SETS_COLS, &e[i]);
	if (n == 0) /* the header still needs the keys */
		row_fill(cells, &none);
	ioasidctl_print_table(stdout, o->json, cells, n, SETS_COLS);
	free(cells);
	ioasid_client_array_free(e);
	return IOASIDCTL_OK;
}
