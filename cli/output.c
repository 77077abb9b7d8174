// SPDX-License-Identifier: MIT
/*
 * ioasidctl's printers: one field description, plain or JSON (output.h).
 */
#include <inttypes.h>
#include <string.h>

#include <ioasid/client.h>

#include "output.h"

void ioasidctl_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void value_plain(FILE *f, const struct ioasidctl_field *v)
{
	switch (v->type) {
	case IOASIDCTL_LIMIT:
		if (v->u == IOASID_CLIENT_LIMIT_MAX) {
			fputs("max", f);
			break;
		}
		/* fall through */
	case IOASIDCTL_U64:
		fprintf(f, "%" PRIu64, v->u);
		break;
	case IOASIDCTL_ID:
		if (v->u == IOASID_INVALID)
			fputc('-', f);
		else
			fprintf(f, "%" PRIu64, v->u);
		break;
	case IOASIDCTL_STR:
		fputs(v->s ? v->s : "-", f);
		break;
	case IOASIDCTL_BOOL:
		fputs(v->u ? "yes" : "no", f);
		break;
	case IOASIDCTL_IDS:
		for (size_t i = 0; i < v->n; i++)
			fprintf(f, "%s%" PRIu32, i ? " " : "", v->ids[i]);
		break;
	case IOASIDCTL_HEX:
		fprintf(f, "0x%" PRIx64, v->u);
		break;
	case IOASIDCTL_TEXT:
		fputs(v->s, f);
		break;
	}
}

static void value_json(FILE *f, const struct ioasidctl_field *v)
{
	switch (v->type) {
	case IOASIDCTL_LIMIT:
		if (v->u == IOASID_CLIENT_LIMIT_MAX) {
			fputs("\"max\"", f);
			break;
		}
		/* fall through */
	case IOASIDCTL_U64:
		fprintf(f, "%" PRIu64, v->u);
		break;
	case IOASIDCTL_ID:
		if (v->u == IOASID_INVALID)
			fputs("null", f);
		else
			fprintf(f, "%" PRIu64, v->u);
		break;
	case IOASIDCTL_STR:
		if (v->s)
			ioasidctl_json_string(f, v->s);
		else
			fputs("null", f);
		break;
	case IOASIDCTL_BOOL:
		fputs(v->u ? "true" : "false", f);
		break;
	case IOASIDCTL_IDS:
		fputc('[', f);
		for (size_t i = 0; i < v->n; i++)
			fprintf(f, "%s%" PRIu32, i ? "," : "", v->ids[i]);
		fputc(']', f);
		break;
	case IOASIDCTL_HEX:
		fprintf(f, "%" PRIu64, v->u);
		break;
	case IOASIDCTL_TEXT:
		fputs(v->json, f);
		break;
	}
}

/* The members of a JSON object, without braces; sep: a first comma. */
static void members_json(FILE *f, const struct ioasidctl_field *fields,
			 size_t n, bool sep)
{
	for (size_t i = 0; i < n; i++) {
		if (sep || i)
			fputc(',', f);
		ioasidctl_json_string(f, fields[i].key);
		fputc(':', f);
		value_json(f, &fields[i]);
	}
}

void ioasidctl_print_record(FILE *f, bool json,
			    const struct ioasidctl_field *fields, size_t n)
{
	size_t w = 0;

	if (json) {
		fputc('{', f);
		members_json(f, fields, n, false);
		fputs("}\n", f);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (strlen(fields[i].key) > w)
			w = strlen(fields[i].key);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%-*s  ", (int)w, fields[i].key);
		value_plain(f, &fields[i]);
		fputc('\n', f);
	}
}

/* Width of a plain value, printed to a scratch stream. */
static size_t value_width(const struct ioasidctl_field *v)
{
	char buf[512];
	FILE *m = fmemopen(buf, sizeof(buf), "w");
	long n;

	if (!m)
		return 0;
	value_plain(m, v);
	n = ftell(m);
	fclose(m);
	return n > 0 ? (size_t)n : 0;
}

static void table_plain(FILE *f, const struct ioasidctl_field *cells,
			size_t rows, size_t ncols)
{
	size_t w[16] = { 0 };

	for (size_t c = 0; c < ncols && c < 16; c++) {
		w[c] = strlen(cells[c].key);
		for (size_t r = 0; r < rows; r++) {
			size_t vw = value_width(&cells[r * ncols + c]);

			w[c] = vw > w[c] ? vw : w[c];
		}
	}
	for (size_t c = 0; c < ncols; c++) {
		for (const char *k = cells[c].key; *k; k++)
			fputc(*k >= 'a' && *k <= 'z' ? *k - 'a' + 'A' : *k, f);
		if (c + 1 < ncols)
			fprintf(f, "%*s", (int)(w[c < 16 ? c : 15] -
						strlen(cells[c].key) + 2), "");
	}
	fputc('\n', f);
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const struct ioasidctl_field *v = &cells[r * ncols + c];

			value_plain(f, v);
			if (c + 1 < ncols)
				fprintf(f, "%*s", (int)(w[c < 16 ? c : 15] -
							value_width(v) + 2), "");
		}
		fputc('\n', f);
	}
}

void ioasidctl_print_table(FILE *f, bool json,
			   const struct ioasidctl_field *cells, size_t rows,
			   size_t ncols)
{
	if (!json) {
		table_plain(f, cells, rows, ncols);
		return;
	}
	fputc('[', f);
	for (size_t r = 0; r < rows; r++) {
		fputs(r ? ",{" : "{", f);
		members_json(f, cells + r * ncols, ncols, false);
		fputc('}', f);
	}
	fputs("]\n", f);
}

static void fields_plain(FILE *f, const struct ioasidctl_field *fields, size_t n,
			 bool all_named)
{
	for (size_t i = 0; i < n; i++) {
		fputc(' ', f);
		if (all_named || fields[i].named)
			fprintf(f, "%s=", fields[i].key);
		value_plain(f, &fields[i]);
	}
}

void ioasidctl_print_answer(FILE *f, bool json,
			    const struct ioasidctl_field *fields, size_t n)
{
	if (json) {
		fputs("{\"ok\":true", f);
		members_json(f, fields, n, true);
		fputs("}\n", f);
	} else {
		fputs("ok", f);
		fields_plain(f, fields, n, false);
		fputc('\n', f);
	}
	fflush(f);
}

void ioasidctl_print_error(FILE *f, bool json, int err, const char *msg)
{
	if (json) {
		fputs("{\"ok\":false,\"errno\":", f);
		ioasidctl_json_string(f, ioasid_errname(err));
		fputs(",\"message\":", f);
		ioasidctl_json_string(f, msg);
		fputs("}\n", f);
	} else {
		fprintf(f, "error %s: %s\n", ioasid_errname(err), msg);
	}
	fflush(f);
}

void ioasidctl_print_event(FILE *f, bool json, const char *name,
			   const struct ioasidctl_field *fields, size_t n)
{
	if (json) {
		fputs("{\"event\":", f);
		ioasidctl_json_string(f, name);
		members_json(f, fields, n, true);
		fputs("}\n", f);
	} else {
		fprintf(f, "event %s", name);
		fields_plain(f, fields, n, true);
		fputc('\n', f);
	}
}
