/* SPDX-License-Identifier: MIT */
/*
 * rows.c - the reported rows: storage, goals and the table.
 *
 * The ratio is never stored: it is value / peer_value of the row itself, so
 * the table, the JSON and any goal on the ratio agree by construction.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"

static char *copy_string(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void row_release(struct bench_row *row)
{
	free((char *)row->name);
	free((char *)row->unit);
	free((char *)row->peer);
}

static int rows_reserve(struct bench_rows *rows)
{
	size_t alloc = rows->alloc ? rows->alloc * 2 : 32;
	struct bench_row *row;

	if (rows->nr < rows->alloc)
		return 0;
	row = realloc(rows->row, alloc * sizeof(*row));
	if (!row)
		return -ENOMEM;
	rows->row = row;
	rows->alloc = alloc;
	return 0;
}

int rows_add(struct bench_rows *rows, const struct bench_row *row)
{
	struct bench_row copy = *row;

	if (rows_reserve(rows))
		return -ENOMEM;
	copy.name = copy_string(row->name);
	copy.unit = copy_string(row->unit);
	copy.peer = copy_string(row->peer);
	if (!copy.name || !copy.unit || (row->peer && !copy.peer))
		goto free_copy;
	rows->row[rows->nr++] = copy;
	return 0;

free_copy:
	row_release(&copy);
	return -ENOMEM;
}

void rows_free(struct bench_rows *rows)
{
	for (size_t i = 0; i < rows->nr; i++)
		row_release(&rows->row[i]);
	free(rows->row);
	rows->row = NULL;
	rows->nr = rows->alloc = 0;
}

double row_ratio(const struct bench_row *row)
{
	if (!row->peer)
		return NAN;
	return row->value / row->peer_value;
}

/* A NaN compares false both ways, so a figure that was not measured misses. */
static bool goal_met(const struct bench_row *row, const struct bench_goal *g)
{
	double ratio = row_ratio(row);

	switch (g->kind) {
	case BENCH_GOAL_VALUE_MAX:
		return row->value <= g->limit;
	case BENCH_GOAL_VALUE_MIN:
		return row->value >= g->limit;
	case BENCH_GOAL_RATIO_MAX:
		return ratio <= g->limit;
	case BENCH_GOAL_RATIO_MIN:
		return ratio >= g->limit;
	case BENCH_GOAL_NONE:
		break;
	}
	return true;
}

int row_verdict(const struct bench_row *row)
{
	int verdict = -1;

	for (int i = 0; i < BENCH_GOALS_MAX; i++) {
		if (row->goals[i].kind == BENCH_GOAL_NONE)
			continue;
		if (!goal_met(row, &row->goals[i]))
			return 0;
		verdict = 1;
	}
	return verdict;
}

/* Numbers in three or four significant digits, with k, M, G from 10^5. */
static void format_number(char *buf, size_t size, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(buf, size, "-");
	else if (a >= 1e9)
		snprintf(buf, size, "%.4gG", v / 1e9);
	else if (a >= 1e6)
		snprintf(buf, size, "%.4gM", v / 1e6);
	else if (a >= 1e5)
		snprintf(buf, size, "%.4gk", v / 1e3);
	else if (a >= 100)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.3g", v);
}

static void format_goals(char *buf, size_t size, const struct bench_row *row)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < BENCH_GOALS_MAX && len < size; i++) {
		const struct bench_goal *g = &row->goals[i];
		const char *what = "ratio", *op = "<=";
		char limit[32];

		if (g->kind == BENCH_GOAL_NONE)
			continue;
		if (g->kind == BENCH_GOAL_VALUE_MAX || g->kind == BENCH_GOAL_VALUE_MIN)
			what = "value";
		if (g->kind == BENCH_GOAL_VALUE_MIN || g->kind == BENCH_GOAL_RATIO_MIN)
			op = ">=";
		format_number(limit, sizeof(limit), g->limit);
		len += (size_t)snprintf(buf + len, size - len, "%s%s %s %s",
					len ? ", " : "", what, op, limit);
	}
}

/* The cells of one row, in column order. */
#define COLUMNS 8
#define CELL 96

static const char *const column_title[COLUMNS] = {
	"figure", "value", "unit", "peer", "peer value", "ratio", "goal",
	"result",
};

static void row_cells(const struct bench_row *row, char cell[COLUMNS][CELL])
{
	static const char *const verdict_text[] = { "", "MISS", "PASS" };

	snprintf(cell[0], CELL, "%s", row->name);
	format_number(cell[1], CELL, row->value);
	snprintf(cell[2], CELL, "%s", row->unit);
	snprintf(cell[3], CELL, "%s", row->peer ? row->peer : "-");
	format_number(cell[4], CELL, row->peer ? row->peer_value : NAN);
	format_number(cell[5], CELL, row_ratio(row));
	format_goals(cell[6], CELL, row);
	snprintf(cell[7], CELL, "%s", verdict_text[row_verdict(row) + 1]);
}

static void print_line(FILE *out, char cell[COLUMNS][CELL],
		       const int width[COLUMNS])
{
	/* Names and units are left-aligned, numbers right-aligned. */
	static const bool left[COLUMNS] = { true, false, true, true,
					    false, false, true, true };

	int last = COLUMNS - 1;

	/* Empty trailing cells, and the padding of a last text cell, are left out. */
	while (last > 0 && cell[last][0] == '\0')
		last--;
	for (int c = 0; c <= last; c++) {
		int w = c == last && left[c] ? 0 : width[c];

		fprintf(out, "%s%*s", c ? "  " : "", left[c] ? -w : w, cell[c]);
	}
	fputc('\n', out);
}

static void measure_widths(const struct bench_rows *rows, int width[COLUMNS])
{
	char cell[COLUMNS][CELL];

	for (int c = 0; c < COLUMNS; c++)
		width[c] = (int)strlen(column_title[c]);
	for (size_t i = 0; i < rows->nr; i++) {
		row_cells(&rows->row[i], cell);
		for (int c = 0; c < COLUMNS; c++)
			if ((int)strlen(cell[c]) > width[c])
				width[c] = (int)strlen(cell[c]);
	}
}

static void print_summary(const struct bench_rows *rows, FILE *out)
{
	size_t pass = 0, miss = 0;

	for (size_t i = 0; i < rows->nr; i++) {
		int verdict = row_verdict(&rows->row[i]);

		pass += verdict == 1;
		miss += verdict == 0;
	}
	fprintf(out, "%zu row(s); goals: %zu PASS, %zu MISS\n", rows->nr, pass,
		miss);
}

void rows_print_table(const struct bench_rows *rows, FILE *out)
{
	char cell[COLUMNS][CELL];
	int width[COLUMNS];

	measure_widths(rows, width);
	for (int c = 0; c < COLUMNS; c++)
		snprintf(cell[c], CELL, "%s", column_title[c]);
	print_line(out, cell, width);
	for (size_t i = 0; i < rows->nr; i++) {
		row_cells(&rows->row[i], cell);
		print_line(out, cell, width);
	}
	print_summary(rows, out);
}
