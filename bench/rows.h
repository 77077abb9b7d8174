/* SPDX-License-Identifier: MIT */
/*
 * rows.h - the rows a harness run reports, kept in order for the table and
 * the JSON file. Private to the harness; modules use bench_report().
 */
#ifndef IOASID_BENCH_ROWS_H
#define IOASID_BENCH_ROWS_H

#include <stdio.h>

#include "bench.h"

/* A growing array of rows whose strings the array owns. */
struct bench_rows {
	struct bench_row *row;
	size_t nr;
	size_t alloc;
};

/* rows_add - append a copy of row. Returns 0 or -ENOMEM. */
int rows_add(struct bench_rows *rows, const struct bench_row *row);

/* rows_free - free every row's strings and the array itself. */
void rows_free(struct bench_rows *rows);

/* row_ratio - value / peer_value, NaN without a peer. */
double row_ratio(const struct bench_row *row);

/* row_verdict - -1 the row has no goal, 1 every goal met, 0 one missed. */
int row_verdict(const struct bench_row *row);

/* rows_print_table - the table of all rows, then a one-line summary. */
void rows_print_table(const struct bench_rows *rows, FILE *out);

/* rows_write_json - the DESIGN.md §7 array into f. Returns 0 or -EIO. */
int rows_write_json(const struct bench_rows *rows, FILE *f);

#endif /* IOASID_BENCH_ROWS_H */
