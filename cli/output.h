/* SPDX-License-Identifier: MIT */
/*
 * cli/output.h - ioasidctl's output, plain or JSON, from one description.
 *
 * A command describes what it prints as an array of fields (key, typed
 * value); the printers turn it into the plain shape of that kind of output
 * or into JSON:
 *   record  status, limit:   plain "key  value" lines;   JSON one object
 *   table   list, sets:      plain header and columns;   JSON an array
 *   answer  shell replies:   plain "ok v1 k=v2 ...";     JSON {"ok":true,...}
 *   error   shell errors:    plain "error ENAME: msg";   JSON {"ok":false,...}
 *   event   shell events:    plain "event NAME k=v ..."; JSON {"event":...}
 * JSON strings are escaped (quotes, backslashes, control characters), so
 * any cgroup path or message gives valid JSON on one line.
 */
#ifndef IOASIDCTL_OUTPUT_H
#define IOASIDCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ioasidctl_type {
	IOASIDCTL_U64, /* a number */
	IOASIDCTL_LIMIT, /* a number; IOASID_CLIENT_LIMIT_MAX prints "max" */
	IOASIDCTL_ID, /* a u32 ID; IOASID_INVALID prints "-" / null */
	IOASIDCTL_STR, /* a string; NULL prints "-" / null */
	IOASIDCTL_BOOL, /* plain yes/no, JSON true/false */
	IOASIDCTL_IDS, /* an array of u32 (ids, n): space-separated / array */
	IOASIDCTL_HEX, /* a number: plain 0x hexadecimal, JSON a number */
	IOASIDCTL_TEXT, /* preformatted: plain s, JSON json (valid JSON) */
};

struct ioasidctl_field {
	const char *key;
	enum ioasidctl_type type;
	bool named; /* answers and events: plain prints key=value, not value */
	uint64_t u;
	const char *s;
	const uint32_t *ids;
	size_t n;
	const char *json; /* IOASIDCTL_TEXT */
};

#define IOASIDCTL_F_U64(k, v) { .key = (k), .type = IOASIDCTL_U64, .u = (v) }
#define IOASIDCTL_F_LIMIT(k, v) { .key = (k), .type = IOASIDCTL_LIMIT, .u = (v) }
#define IOASIDCTL_F_ID(k, v) { .key = (k), .type = IOASIDCTL_ID, .u = (v) }
#define IOASIDCTL_F_STR(k, v) { .key = (k), .type = IOASIDCTL_STR, .s = (v) }
#define IOASIDCTL_F_BOOL(k, v) { .key = (k), .type = IOASIDCTL_BOOL, .u = (v) }
#define IOASIDCTL_F_HEX(k, v) { .key = (k), .type = IOASIDCTL_HEX, .u = (v) }
#define IOASIDCTL_F_TEXT(k, plain, js)                                        \
	{ .key = (k), .type = IOASIDCTL_TEXT, .s = (plain), .json = (js) }

/* Record: fields as "key  value" lines, or one JSON object. */
void ioasidctl_print_record(FILE *f, bool json,
			    const struct ioasidctl_field *fields, size_t n);

/* Table: rows * ncols fields (row-major, each row with the same keys) as an
 * aligned table with an upper-case header, or a JSON array of objects. */
void ioasidctl_print_table(FILE *f, bool json,
			   const struct ioasidctl_field *cells, size_t rows,
			   size_t ncols);

/* Shell answer line for a success. */
void ioasidctl_print_answer(FILE *f, bool json,
			    const struct ioasidctl_field *fields, size_t n);

/* Shell answer line for a failure: err is a negative errno. */
void ioasidctl_print_error(FILE *f, bool json, int err, const char *msg);

/* Shell event line: name ("ALLOC", "RECONNECTED", ...) and its fields
 * (printed key=value). */
void ioasidctl_print_event(FILE *f, bool json, const char *name,
			   const struct ioasidctl_field *fields, size_t n);

/* JSON-escape s into f, quotes included. */
void ioasidctl_json_string(FILE *f, const char *s);

#endif /* IOASIDCTL_OUTPUT_H */
