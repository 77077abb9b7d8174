/* SPDX-License-Identifier: MIT */
/*
 * json.c - the rows as the JSON array of DESIGN.md §7:
 *
 *   [{"name": "...", "unit": "...", "value": 1.5, "peer": "..." | null,
 *     "peer_value": 7.5 | null, "ratio": 0.2 | null}, ...]
 *
 * Exactly those six keys, in that order. JSON has no NaN: a figure that
 * could not be measured is written as null. Goals are not part of the
 * format; they are shown in the table only.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "rows.h"

static void write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void write_number(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.9g", v);
}

static void write_row(FILE *f, const struct bench_row *row)
{
	fputs("{\"name\": ", f);
	write_string(f, row->name);
	fputs(", \"unit\": ", f);
	write_string(f, row->unit);
	fputs(", \"value\": ", f);
	write_number(f, row->value);
	fputs(", \"peer\": ", f);
	if (row->peer)
		write_string(f, row->peer);
	else
		fputs("null", f);
	fputs(", \"peer_value\": ", f);
	write_number(f, row->peer ? row->peer_value : NAN);
	fputs(", \"ratio\": ", f);
	write_number(f, row_ratio(row));
	fputc('}', f);
}

int rows_write_json(const struct bench_rows *rows, FILE *f)
{
	fputs("[\n", f);
	for (size_t i = 0; i < rows->nr; i++) {
		fputs("  ", f);
		write_row(f, &rows->row[i]);
		fputs(i + 1 < rows->nr ? ",\n" : "\n", f);
	}
	fputs("]\n", f);
	return ferror(f) ? -EIO : 0;
}
