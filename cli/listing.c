// SPDX-License-Identifier: MIT
/* The skeleton the listing subcommands (list, sets, groups, devices) share. */
#include <errno.h>
#include <stdlib.h>

#include "ioasidctl.h"
#include "output.h"

/* Lay out one row per entry; with no entry, one zero row for the keys. */
static struct ioasidctl_field *cells_fill(const struct ioasidctl_listing *l,
					  const char *entries, size_t n)
{
	struct ioasidctl_field *cells;
	void *zero;

	cells = calloc(n * l->cols + l->cols, sizeof(*cells));
	if (!cells)
		return NULL;
	for (size_t i = 0; i < n; i++)
		l->row_fill(cells + i * l->cols, entries + i * l->entry_size);
	if (n)
		return cells;
	zero = calloc(1, l->entry_size);
	if (!zero) {
		free(cells);
		return NULL;
	}
	l->row_fill(cells, zero);
	free(zero);
	return cells;
}

int ioasidctl_listing_run(const struct ioasidctl_opts *o, int argc,
			  const struct ioasidctl_listing *l)
{
	struct ioasidctl_field *cells;
	struct ioasid_client *c;
	void *entries;
	size_t n;
	int r;

	if (argc != 1)
		return ioasidctl_usage_error("%s: takes no argument", l->cmd);
	r = ioasidctl_open(o, l->cmd, &c);
	if (r)
		return r;
	r = l->fetch(c, &entries, &n);
	ioasid_client_close(c);
	if (r < 0)
		return ioasidctl_fail(l->cmd, r);
	cells = cells_fill(l, entries, n);
	if (!cells) {
		ioasid_client_array_free(entries);
		return ioasidctl_fail(l->cmd, -ENOMEM);
	}
	ioasidctl_print_table(stdout, o->json, cells, n, l->cols);
	free(cells);
	ioasid_client_array_free(entries);
	return IOASIDCTL_OK;
}
