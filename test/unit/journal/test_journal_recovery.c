// SPDX-License-Identifier: MIT
/*
 * Recovery: torn and corrupt tails, leftovers of an interrupted compaction,
 * and failed appends that must leave no partial record behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <syslog.h>
#include <unistd.h>

#include "journal_fixture.h"
#include "journal_format.h"

#define SERIES 6

/* Write the series and return the file's bytes; *ends[i] = end of record i. */
static uint8_t *series_file(struct fix *f, uint64_t *ends, uint64_t *size)
{
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	uint8_t *buf;

	assert_int_equal(fix_open(f, &j), 0);
	for (unsigned int i = 0; i < SERIES; i++) {
		fix_append_series(j, i, 1);
		ioasid_journal_query(j, &st);
		ends[i] = st.size;
	}
	ioasid_journal_close(j);
	*size = fix_file_size(f);
	assert_int_equal(*size, ends[SERIES - 1]);
	buf = malloc(*size);
	assert_non_null(buf);
	fix_file_read(f, buf, *size);
	return buf;
}

static void assert_log_mentions(const struct fix *f, uint64_t offset,
				uint64_t dropped)
{
	char want[96];

	assert_int_equal(f->nlog, 1);
	assert_int_equal(f->last_prio, LOG_WARNING);
	snprintf(want, sizeof(want), "at offset %llu;", (unsigned long long)offset);
	assert_non_null(strstr(f->last_log, want));
	snprintf(want, sizeof(want), "%llu bytes dropped", (unsigned long long)dropped);
	assert_non_null(strstr(f->last_log, want));
}

static void test_journal_torn_tail_every_offset(void **state)
{
	struct fix *f = *state;
	uint64_t ends[SERIES], size, good = 0;
	uint8_t *orig = series_file(f, ends, &size);

	good = ends[SERIES - 2];
	assert_true(size - good > JOURNAL_RECORD_HEADER_SIZE + 8);
	for (uint64_t len = good; len < size; len++) {
		struct ioasid_journal *j;
		struct ioasid_journal_stat st;

		fix_reset(f);
		fix_file_write(f, orig, len);
		assert_int_equal(fix_open(f, &j), 0);
		fix_assert_series(f, SERIES - 1);
		assert_int_equal(fix_file_size(f), good);
		ioasid_journal_query(j, &st);
		assert_int_equal(st.size, good);
		assert_int_equal(st.dropped_bytes, len - good);
		if (len == good)
			assert_int_equal(f->nlog, 0);
		else
			assert_log_mentions(f, good, len - good);
		/* The journal goes on after the cut. */
		fix_append_series(j, SERIES - 1, 1);
		fix_close_and_check(f, j, SERIES);
	}
	free(orig);
}

static void test_journal_corrupt_byte_in_middle(void **state)
{
	struct fix *f = *state;
	uint64_t ends[SERIES], size;
	uint8_t *orig = series_file(f, ends, &size);
	const unsigned int victim = 2; /* records 0 and 1 stay good */
	uint64_t start = ends[victim - 1];

	for (uint64_t pos = start; pos < ends[victim]; pos++) {
		for (int bit = 0; bit < 8; bit += 7) {
			struct ioasid_journal *j;

			fix_reset(f);
			orig[pos] ^= (uint8_t)(1u << bit);
			fix_file_write(f, orig, size);
			orig[pos] ^= (uint8_t)(1u << bit);
			assert_int_equal(fix_open(f, &j), 0);
			fix_assert_series(f, victim);
			assert_int_equal(fix_file_size(f), start);
			assert_log_mentions(f, start, size - start);
			ioasid_journal_close(j);
		}
	}
	free(orig);
}

static void test_journal_zero_filled_tail(void **state)
{
	struct fix *f = *state;
	uint64_t ends[SERIES], size;
	uint8_t *orig = series_file(f, ends, &size);
	uint8_t *grown = calloc(1, size + 4096);
	struct ioasid_journal *j;

	/* What a power cut can leave: the size grew, the data did not land. */
	assert_non_null(grown);
	memcpy(grown, orig, size);
	fix_reset(f);
	fix_file_write(f, grown, size + 4096);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, SERIES);
	assert_int_equal(fix_file_size(f), size);
	assert_log_mentions(f, size, 4096);
	assert_non_null(strstr(f->last_log, "bad record checksum"));
	ioasid_journal_close(j);
	free(grown);
	free(orig);
}

static void test_journal_bad_length_and_reserved(void **state)
{
	struct fix *f = *state;
	uint64_t ends[SERIES], size;
	uint8_t *orig = series_file(f, ends, &size);
	uint64_t last = ends[SERIES - 2];
	struct ioasid_journal *j;

	/* A length above the maximum is refused before anything is read. */
	orig[last + 3] = 0x7f;
	fix_reset(f);
	fix_file_write(f, orig, size);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, SERIES - 1);
	assert_non_null(strstr(f->last_log, "bad record length"));
	ioasid_journal_close(j);
	memset(orig + last, 0, 4);
	orig[last + 6] = 1; /* reserved */
	fix_reset(f);
	fix_file_write(f, orig, size);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, SERIES - 1);
	assert_non_null(strstr(f->last_log, "non-zero reserved field"));
	ioasid_journal_close(j);
	free(orig);
}

static void write_tmp(const struct fix *f, const void *buf, size_t len)
{
	char tmp[400];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/%s", f->dir, IOASID_JOURNAL_TMP_FILE);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static int tmp_exists(const struct fix *f)
{
	char tmp[400];

	snprintf(tmp, sizeof(tmp), "%s/%s", f->dir, IOASID_JOURNAL_TMP_FILE);
	return access(tmp, F_OK) == 0;
}

static void test_journal_leftover_tmp_is_removed(void **state)
{
	struct fix *f = *state;
	uint64_t ends[SERIES], size;
	uint8_t *orig = series_file(f, ends, &size);
	struct ioasid_journal *j;

	/* A compaction that died before its rename: even a complete and
	 * valid snapshot in the temporary file must not be used. */
	write_tmp(f, orig, ends[0]);
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	assert_false(tmp_exists(f));
	fix_assert_series(f, SERIES);
	assert_int_equal(f->nlog, 1);
	assert_int_equal(f->last_prio, LOG_NOTICE);
	assert_non_null(strstr(f->last_log, IOASID_JOURNAL_TMP_FILE));
	ioasid_journal_close(j);
	/* A torn temporary file, with no log at all yet. */
	unlink(f->path);
	write_tmp(f, "IOASI", 5);
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	assert_false(tmp_exists(f));
	assert_int_equal(f->nrec, 0);
	assert_int_equal(fix_file_size(f), JOURNAL_FILE_HEADER_SIZE);
	ioasid_journal_close(j);
	free(orig);
}

static void test_journal_failed_append_leaves_no_partial_record(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	struct rlimit old, lim;
	uint8_t payload[40];
	void (*old_handler)(int);

	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 3);
	ioasid_journal_query(j, &st);
	/* A file size limit that lets half of the next record through: the
	 * write is short, then fails with EFBIG (SIGXFSZ ignored). */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = st.size + 20;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(payload, 0xab, sizeof(payload));
	assert_int_equal(ioasid_journal_append(j, 9, payload, sizeof(payload)), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);

	assert_int_equal(fix_file_size(f), st.size);
	ioasid_journal_query(j, &st);
	assert_false(st.broken);
	assert_int_equal(st.records, 3);
	fix_append_series(j, 3, 2);
	fix_close_and_check(f, j, 5);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_journal_torn_tail_every_offset),
		T(test_journal_corrupt_byte_in_middle),
		T(test_journal_zero_filled_tail),
		T(test_journal_bad_length_and_reserved),
		T(test_journal_leftover_tmp_is_removed),
		T(test_journal_failed_append_leaves_no_partial_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
