// SPDX-License-Identifier: MIT
/*
 * Failures of fsync() and fdatasync(). The test is linked with
 * -Wl,--wrap=fsync,--wrap=fdatasync, so the journal's calls come here.
 * fsync() can be made to fail for directory descriptors (the rename it
 * should make durable has then happened, but its durability is unknown)
 * or for regular files; fdatasync() can be made to fail outright.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "journal_fixture.h"
#include "journal_format.h"

int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

static bool fail_dir_fsync;
static bool fail_file_fsync;
static bool fail_fdatasync;

int __wrap_fsync(int fd)
{
	struct stat st;

	if ((fail_dir_fsync || fail_file_fsync) && fstat(fd, &st) == 0 &&
	    (S_ISDIR(st.st_mode) ? fail_dir_fsync : fail_file_fsync)) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

int __wrap_fdatasync(int fd)
{
	if (fail_fdatasync) {
		errno = EIO;
		return -1;
	}
	return __real_fdatasync(fd);
}

static int tmp_exists(const struct fix *f)
{
	char tmp[400];

	snprintf(tmp, sizeof(tmp), "%s/%s", f->dir, IOASID_JOURNAL_TMP_FILE);
	return access(tmp, F_OK) == 0;
}

/* A failed open leaves no log behind, even one already renamed in place. */
static void test_journal_create_fails_at_dir_fsync(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j = NULL;

	fail_dir_fsync = true;
	assert_int_equal(fix_open(f, &j), -EIO);
	fail_dir_fsync = false;
	assert_null(j);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_false(tmp_exists(f));
	/* The directory lock was released and nothing is in the way. */
	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(fix_file_size(f), JOURNAL_FILE_HEADER_SIZE);
	ioasid_journal_close(j);
}

static int snapshot_one(struct ioasid_journal_snapshot *snap, void *arg)
{
	return ioasid_journal_snapshot_append(snap, 100, NULL, 0);
}

/*
 * After the rename the new log is the one in use, but a crash could bring
 * the old one back: the journal refuses further writes.
 */
static void test_journal_compaction_fails_at_dir_fsync(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;

	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 10);
	fail_dir_fsync = true;
	assert_int_equal(ioasid_journal_compact(j, snapshot_one, NULL), -EIO);
	fail_dir_fsync = false;
	ioasid_journal_query(j, &st);
	assert_true(st.broken);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.size, fix_file_size(f));
	assert_false(tmp_exists(f));
	assert_int_equal(ioasid_journal_append(j, 1, NULL, 0), -EIO);
	assert_int_equal(ioasid_journal_sync(j), -EIO);
	assert_int_equal(f->last_prio, LOG_ERR);
	ioasid_journal_close(j);
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, 1);
	ioasid_journal_close(j);
}

/*
 * A sync that an append makes (ALWAYS, or a BATCH sync falling due) and
 * that fails: the append returns the error, its record is cut off again
 * (a restarted daemon must not replay a change reported as failed), the
 * records before it stay, and the journal is broken.
 */
static void sync_fails_on_append(struct fix *f,
				 enum ioasid_journal_sync_policy policy)
{
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	const struct timespec wait = { 0, 3 * 1000 * 1000 };
	uint8_t b = 1;

	f->cfg.sync = policy;
	f->cfg.batch_ms = 1;
	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 1);
	nanosleep(&wait, NULL);
	fail_fdatasync = true;
	assert_int_equal(ioasid_journal_append(j, 1, &b, 1), -EIO);
	fail_fdatasync = false;
	ioasid_journal_query(j, &st);
	assert_true(st.broken);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.appends, 1);
	/* Only ALWAYS synced the record before; the failed sync counts not. */
	assert_int_equal(st.syncs, policy == IOASID_JOURNAL_SYNC_ALWAYS);
	assert_int_equal(st.size, fix_file_size(f));
	assert_int_equal(f->last_prio, LOG_ERR);
	assert_int_equal(ioasid_journal_append(j, 1, &b, 1), -EIO);
	assert_int_equal(ioasid_journal_tick(j), -EIO);
	ioasid_journal_close(j);
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, 1);
	ioasid_journal_close(j);
}

static void test_journal_batch_sync_fails_on_append(void **state)
{
	sync_fails_on_append(*state, IOASID_JOURNAL_SYNC_BATCH);
}

static void test_journal_always_sync_fails_on_append(void **state)
{
	sync_fails_on_append(*state, IOASID_JOURNAL_SYNC_ALWAYS);
}

/* A cancel whose sync fails: the record is gone, the journal broken. */
static void test_journal_cancel_sync_fails(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;

	f->cfg.sync = IOASID_JOURNAL_SYNC_ALWAYS;
	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 2);
	fail_fdatasync = true;
	assert_int_equal(ioasid_journal_cancel(j), -EIO);
	fail_fdatasync = false;
	ioasid_journal_query(j, &st);
	assert_true(st.broken);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.size, fix_file_size(f));
	assert_int_equal(f->last_prio, LOG_ERR);
	assert_int_equal(ioasid_journal_cancel(j), -EIO);
	ioasid_journal_close(j);
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, 1);
	ioasid_journal_close(j);
}

/*
 * A torn tail is reported only once its cut is durable: when the fsync()
 * after the ftruncate() fails, open fails and no log line claims a
 * truncation. (The cut itself has happened, as journal.h allows, so the
 * next open finds nothing left to cut.)
 */
static void test_journal_tail_cut_fails_at_fsync(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j = NULL;
	uint8_t buf[512];
	uint64_t size;

	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 3);
	ioasid_journal_close(j);
	j = NULL;
	size = fix_file_size(f);
	assert_true(size + 5 <= sizeof(buf));
	fix_file_read(f, buf, size);
	memset(buf + size, 0xa5, 5);
	fix_file_write(f, buf, size + 5);
	fix_reset(f);
	fail_file_fsync = true;
	assert_int_equal(fix_open(f, &j), -EIO);
	fail_file_fsync = false;
	assert_null(j);
	assert_int_equal(f->nlog, 0);
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, 3);
	assert_int_equal(fix_file_size(f), size);
	assert_int_equal(f->nlog, 0);
	ioasid_journal_close(j);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_journal_create_fails_at_dir_fsync),
		T(test_journal_compaction_fails_at_dir_fsync),
		T(test_journal_batch_sync_fails_on_append),
		T(test_journal_always_sync_fails_on_append),
		T(test_journal_cancel_sync_fails),
		T(test_journal_tail_cut_fails_at_fsync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
