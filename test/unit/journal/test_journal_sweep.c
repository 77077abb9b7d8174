// SPDX-License-Identifier: MIT
/*
 * Fail-the-Nth-allocation sweeps over the journal: every allocation that
 * open, replay (including the reader's buffer growth), creation and
 * compaction make is made to fail in turn; each failure must return
 * -ENOMEM, leak nothing (ASan checks) and leave the files as they were.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal_fixture.h"
#include "journal_format.h"
#include "sweep.h"

#define BIG_LEN (200u << 10) /* grows the reader's 64 KiB buffer */
#define SERIES 50

struct sweep_ctx {
	struct fix *f;
	struct ioasid_journal *j;
	uint64_t size;
	uint8_t *big;
};

static void ctx_init(struct sweep_ctx *c, struct fix *f)
{
	c->f = f;
	c->j = NULL;
	c->big = malloc(BIG_LEN);
	assert_non_null(c->big);
	for (size_t i = 0; i < BIG_LEN; i++)
		c->big[i] = (uint8_t)(i ^ (i >> 9));
}

/* The series, then one big record. */
static void write_journal(struct sweep_ctx *c)
{
	struct ioasid_journal *j;

	assert_int_equal(fix_open(c->f, &j), 0);
	fix_append_series(j, 0, SERIES);
	assert_int_equal(ioasid_journal_append(j, 999, c->big, BIG_LEN), 0);
	ioasid_journal_close(j);
	c->size = fix_file_size(c->f);
}

/* Replayed records are the series and the big record. */
static void assert_replayed_all(const struct sweep_ctx *c)
{
	struct fix f = *c->f;

	assert_int_equal(c->f->nrec, SERIES + 1);
	f.nrec = SERIES;
	fix_assert_series(&f, SERIES);
	assert_int_equal(c->f->rec[SERIES].type, 999);
	assert_int_equal(c->f->rec[SERIES].len, BIG_LEN);
	assert_memory_equal(c->f->rec[SERIES].payload, c->big, BIG_LEN);
}

static int open_step(void *arg)
{
	struct sweep_ctx *c = arg;
	struct ioasid_journal *j = NULL;
	int ret;

	fix_reset(c->f);
	ret = fix_open(c->f, &j);
	if (ret == 0)
		ioasid_journal_close(j);
	else
		assert_null(j);
	return ret;
}

static void open_check(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;

	assert_int_equal(fix_file_size(c->f), c->size);
	if (fired) {
		assert_int_equal(ret, -ENOMEM);
		return;
	}
	assert_int_equal(ret, 0);
	assert_replayed_all(c);
}

static void test_journal_sweep_open_replay(void **state)
{
	struct sweep_ctx c;

	ctx_init(&c, *state);
	write_journal(&c);
	assert_true(sweep_alloc_failures(open_step, open_check, &c) >= 3);
	free(c.big);
}

static void create_check(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	char tmp[400];

	snprintf(tmp, sizeof(tmp), "%s/%s", c->f->dir, IOASID_JOURNAL_TMP_FILE);
	assert_int_equal(access(tmp, F_OK), -1);
	if (fired) {
		assert_int_equal(ret, -ENOMEM);
		assert_int_equal(access(c->f->path, F_OK), -1);
		return;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(fix_file_size(c->f), JOURNAL_FILE_HEADER_SIZE);
	unlink(c->f->path); /* The next round creates it again. */
}

static void test_journal_sweep_create(void **state)
{
	struct sweep_ctx c;

	ctx_init(&c, *state);
	assert_true(sweep_alloc_failures(open_step, create_check, &c) >= 2);
	free(c.big);
}

static int snapshot_big(struct ioasid_journal_snapshot *snap, void *arg)
{
	struct sweep_ctx *c = arg;

	return ioasid_journal_snapshot_append(snap, 999, c->big, BIG_LEN);
}

static int compact_step(void *arg)
{
	struct sweep_ctx *c = arg;

	return ioasid_journal_compact(c->j, snapshot_big, c);
}

static void compact_check(int ret, int fired, void *arg)
{
	struct sweep_ctx *c = arg;
	struct ioasid_journal_stat st;

	ioasid_journal_query(c->j, &st);
	if (fired) {
		assert_int_equal(ret, -ENOMEM);
		assert_int_equal(st.compactions, 0);
		assert_int_equal(fix_file_size(c->f), c->size);
		return;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(st.compactions, 1);
	assert_int_equal(st.records, 1);
}

static void test_journal_sweep_compact(void **state)
{
	struct sweep_ctx c;

	ctx_init(&c, *state);
	write_journal(&c);
	assert_int_equal(fix_open(c.f, &c.j), 0);
	assert_true(sweep_alloc_failures(compact_step, compact_check, &c) >= 1);
	ioasid_journal_close(c.j);
	fix_reset(c.f);
	assert_int_equal(fix_open(c.f, &c.j), 0);
	assert_int_equal(c.f->nrec, 1);
	assert_memory_equal(c.f->rec[0].payload, c.big, BIG_LEN);
	ioasid_journal_close(c.j);
	free(c.big);
}

static int append_step(void *arg)
{
	struct sweep_ctx *c = arg;

	return ioasid_journal_append(c->j, 5, "five", 4);
}

static void append_check(int ret, int fired, void *arg)
{
	assert_false(fired);
	assert_int_equal(ret, 0);
}

/* Appends never allocate, so memory pressure cannot fail one. */
static void test_journal_sweep_append_allocates_nothing(void **state)
{
	struct sweep_ctx c;

	ctx_init(&c, *state);
	assert_int_equal(fix_open(c.f, &c.j), 0);
	assert_int_equal(sweep_alloc_failures(append_step, append_check, &c), 0);
	ioasid_journal_close(c.j);
	free(c.big);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_journal_sweep_open_replay),
		T(test_journal_sweep_create),
		T(test_journal_sweep_compact),
		T(test_journal_sweep_append_allocates_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
