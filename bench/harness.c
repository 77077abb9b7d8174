/* SPDX-License-Identifier: MIT */
/*
 * harness.c - what modules call on the run's context: filtering, reporting
 * rows, reporting failures.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rows.h"

bool bench_want(const struct bench_ctx *ctx, const char *name)
{
	if (!ctx->filter)
		return true;
	return strstr(ctx->module, ctx->filter) || strstr(name, ctx->filter);
}

bool bench_want_any(const struct bench_ctx *ctx, const char *const *names,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bench_want(ctx, names[i]))
			return true;
	return false;
}

void bench_fail(struct bench_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ioasid-bench: %s: ", ctx->module);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ctx->failures++;
}

/* Progress on stderr while the table waits for the end of the run. */
static void print_progress(const struct bench_row *row)
{
	fprintf(stderr, "  %-36s %12.4g %s", row->name, row->value, row->unit);
	if (row->peer)
		fprintf(stderr, "  (%s %.4g, ratio %.3g)", row->peer,
			row->peer_value, row_ratio(row));
	fputc('\n', stderr);
}

void bench_report(struct bench_ctx *ctx, const struct bench_row *row)
{
	if (rows_add(ctx->rows, row)) {
		bench_fail(ctx, "out of memory for row %s", row->name);
		return;
	}
	print_progress(row);
}
