// SPDX-License-Identifier: MIT
/* ioasidctl list: every live ID of the namespace (LIST) as a table. */
#include <errno.h>
#include <stdlib.h>

#include "ioasidctl.h"
#include "output.h"

#define LIST_COLS 6

static const char *state_name(enum ioasid_state s)
{
	switch (s) {
	case IOASID_STATE_IDLE:
		return "IDLE";
	case IOASID_STATE_ACTIVE:
		return "ACTIVE";
	case IOASID_STATE_FREE_PENDING:
		return "FREE_PENDING";
	}
	return "UNKNOWN";
}

static void row_fill(struct ioasidctl_field *row,
		     const struct ioasid_client_id_entry *e)
{
	const struct ioasidctl_field r[LIST_COLS] = {
		IOASIDCTL_F_U64("id", e->id),
		IOASIDCTL_F_STR("state", state_name(e->state)),
		IOASIDCTL_F_U64("refs", e->refs),
		IOASIDCTL_F_ID("spid", e->spid),
		IOASIDCTL_F_U64("set", e->set_id),
		IOASIDCTL_F_U64("owner_pid", e->owner_pid),
	};

	for (int i = 0; i < LIST_COLS; i++)
		row[i] = r[i];
}

int ioasidctl_list(const struct ioasidctl_opts *o, int argc, char **argv)
{
	struct ioasid_client_id_entry *e;
	struct ioasidctl_field *cells;
	struct ioasid_client *c;
	size_t n;
	int r;

	(void)argv;
	if (argc != 1)
		return ioasidctl_usage_error("list: takes no argument");
	r = ioasidctl_open(o, "list", &c);
	if (r)
		return r;
	r = ioasid_client_list(c, &e, &n);
	ioasid_client_close(c);
	if (r < 0)
		return ioasidctl_fail("list", r);
	cells = calloc(n * LIST_COLS + LIST_COLS, sizeof(*cells));
	if (!cells) {
		ioasid_client_array_free(e);
		return ioasidctl_fail("list", -ENOMEM);
	}
	for (size_t i = 0; i < n; i++)
		row_fill(cells + i * LIST_COLS, &e[i]);
	if (n == 0)
		row_fill(cells, &(struct ioasid_client_id_entry){ 0 });
	ioasidctl_print_table(stdout, o->json, cells, n, LIST_COLS);
	free(cells);
	ioasid_client_array_free(e);
	return IOASIDCTL_OK;
}
