// SPDX-License-Identifier: MIT
/* The journal's public behaviour: round trips, policies, compaction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "journal_fixture.h"
#include "journal_format.h"

static void test_journal_new_is_empty(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;

	assert_int_equal(fix_open(f, &j), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.size, JOURNAL_FILE_HEADER_SIZE);
	assert_int_equal(st.records, 0);
	assert_int_equal(fix_file_size(f), JOURNAL_FILE_HEADER_SIZE);
	ioasid_journal_close(j);
	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(f->nlog, 0);
	ioasid_journal_close(j);
}

static void test_journal_round_trip(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;

	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 200);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.records, 200);
	assert_int_equal(st.appends, 200);
	assert_int_equal(st.size, fix_file_size(f));
	ioasid_journal_close(j);

	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, 200);
	assert_int_equal(f->nlog, 0);
	/* Appends after a reopen follow the replayed records. */
	fix_append_series(j, 200, 10);
	fix_close_and_check(f, j, 210);
}

/* Records larger than the reader's and the snapshot's 64 KiB buffers. */
static int big_snapshot(struct ioasid_journal_snapshot *snap, void *arg)
{
	const uint8_t *big = arg;

	assert_int_equal(ioasid_journal_snapshot_append(snap, 1, big, 100), 0);
	assert_int_equal(ioasid_journal_snapshot_append(snap, 2, big,
							IOASID_JOURNAL_PAYLOAD_MAX), 0);
	assert_int_equal(ioasid_journal_snapshot_append(snap, 3, NULL, 0), 0);
	return 0;
}

static void test_journal_large_records(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	uint8_t *big = malloc(IOASID_JOURNAL_PAYLOAD_MAX);

	assert_non_null(big);
	for (size_t i = 0; i < IOASID_JOURNAL_PAYLOAD_MAX; i++)
		big[i] = (uint8_t)(i * 13 + (i >> 11));
	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(ioasid_journal_append(j, 7, big, IOASID_JOURNAL_PAYLOAD_MAX), 0);
	assert_int_equal(ioasid_journal_append(j, 8, big, 3), 0);
	ioasid_journal_close(j);
	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(f->nrec, 2);
	assert_int_equal(f->rec[0].len, IOASID_JOURNAL_PAYLOAD_MAX);
	assert_memory_equal(f->rec[0].payload, big, IOASID_JOURNAL_PAYLOAD_MAX);
	assert_int_equal(f->rec[1].type, 8);
	assert_memory_equal(f->rec[1].payload, big, 3);

	assert_int_equal(ioasid_journal_compact(j, big_snapshot, big), 0);
	ioasid_journal_close(j);
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(f->nrec, 3);
	assert_int_equal(f->rec[0].type, 1);
	assert_int_equal(f->rec[1].len, IOASID_JOURNAL_PAYLOAD_MAX);
	assert_memory_equal(f->rec[1].payload, big, IOASID_JOURNAL_PAYLOAD_MAX);
	assert_int_equal(f->rec[2].len, 0);
	ioasid_journal_close(j);
	free(big);
}

static void test_journal_append_rejects_bad_arguments(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	uint8_t b = 0;

	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(ioasid_journal_append(j, 1, NULL, 1), -EINVAL);
	assert_int_equal(ioasid_journal_append(j, 1, &b,
					       IOASID_JOURNAL_PAYLOAD_MAX + 1), -EINVAL);
	assert_int_equal(ioasid_journal_append(NULL, 1, &b, 1), -EINVAL);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.records, 0);
	assert_int_equal(fix_file_size(f), JOURNAL_FILE_HEADER_SIZE);
	ioasid_journal_close(j);
}

static void test_journal_open_rejects_bad_config(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j = NULL;
	struct ioasid_journal_config cfg = f->cfg;

	cfg.dir = NULL;
	assert_int_equal(ioasid_journal_open(&cfg, NULL, NULL, &j), -EINVAL);
	cfg = f->cfg;
	cfg.sync = (enum ioasid_journal_sync_policy)7;
	assert_int_equal(ioasid_journal_open(&cfg, NULL, NULL, &j), -EOPNOTSUPP);
	cfg = f->cfg;
	cfg.batch_ms = 0x80000000u;
	assert_int_equal(ioasid_journal_open(&cfg, NULL, NULL, &j), -EINVAL);
	cfg = f->cfg;
	cfg.dir = "/nonexistent/ioasid-journal-test";
	assert_int_equal(ioasid_journal_open(&cfg, NULL, NULL, &j), -ENOENT);
	assert_null(j);
	assert_int_equal(access(f->path, F_OK), -1); /* nothing was created */
}

static void test_journal_second_open_is_busy(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j, *j2 = NULL;

	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(fix_open(f, &j2), -EBUSY);
	assert_null(j2);
	ioasid_journal_close(j);
	assert_int_equal(fix_open(f, &j2), 0);
	ioasid_journal_close(j2);
}

static void test_journal_replay_error_fails_open(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	uint64_t size;

	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 5);
	ioasid_journal_close(j);
	size = fix_file_size(f);
	f->replay_fail_at = 3;
	j = NULL;
	assert_int_equal(fix_open(f, &j), -EPROTO);
	assert_null(j);
	assert_int_equal(fix_file_size(f), size);
	/* The directory lock was released. */
	f->replay_fail_at = 0;
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, 5);
	ioasid_journal_close(j);
}

static void test_journal_bad_file_header_is_refused(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j = NULL;
	uint8_t hdr[JOURNAL_FILE_HEADER_SIZE + 4];

	/* Not our magic. */
	memset(hdr, 'x', sizeof(hdr));
	fix_file_write(f, hdr, sizeof(hdr));
	assert_int_equal(fix_open(f, &j), -EINVAL);
	assert_int_equal(fix_file_size(f), sizeof(hdr)); /* untouched */
	/* Too short to hold a header. */
	fix_file_write(f, (const uint8_t *)"IOASIDJL", 8);
	assert_int_equal(fix_open(f, &j), -EINVAL);
	/* Right magic, wrong header CRC. */
	ioasid__journal_file_header_encode(hdr);
	hdr[13] ^= 1;
	fix_file_write(f, hdr, JOURNAL_FILE_HEADER_SIZE);
	assert_int_equal(fix_open(f, &j), -EINVAL);
	/* A version from the future, with a good CRC. */
	ioasid__journal_file_header_encode(hdr);
	hdr[8] = 2;
	{
		uint32_t crc = ioasid__crc32c(0, hdr, 12);

		for (int i = 0; i < 4; i++)
			hdr[12 + i] = (uint8_t)(crc >> (8 * i));
	}
	fix_file_write(f, hdr, JOURNAL_FILE_HEADER_SIZE);
	assert_int_equal(fix_open(f, &j), -EOPNOTSUPP);
	assert_null(j);
}

static void test_journal_empty_file_is_new(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;

	fix_file_write(f, NULL, 0);
	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(fix_file_size(f), JOURNAL_FILE_HEADER_SIZE);
	fix_append_series(j, 0, 3);
	fix_close_and_check(f, j, 3);
}

static void test_journal_sync_policy_always(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;

	f->cfg.sync = IOASID_JOURNAL_SYNC_ALWAYS;
	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 4);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 4);
	assert_int_equal(ioasid_journal_timeout(j), -1);
	/* Nothing is pending, so an explicit sync does not sync again. */
	assert_int_equal(ioasid_journal_sync(j), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 4);
	ioasid_journal_close(j);
}

static void test_journal_sync_policy_never(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;

	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 4);
	assert_int_equal(ioasid_journal_timeout(j), -1);
	assert_int_equal(ioasid_journal_tick(j), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 0);
	/* An explicit sync is honoured under every policy. */
	assert_int_equal(ioasid_journal_sync(j), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 1);
	ioasid_journal_close(j);
}

static void test_journal_sync_policy_batch(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	int timeout;

	/* An interval no test run reaches: only explicit syncs happen. */
	f->cfg.sync = IOASID_JOURNAL_SYNC_BATCH;
	f->cfg.batch_ms = 3600u * 1000u;
	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(ioasid_journal_timeout(j), -1);
	fix_append_series(j, 0, 5);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 0);
	/* The appends are written, not merely buffered. */
	assert_int_equal(fix_file_size(f), st.size);
	timeout = ioasid_journal_timeout(j);
	assert_true(timeout > 0 && timeout <= 3600 * 1000);
	assert_int_equal(ioasid_journal_tick(j), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 0);
	assert_int_equal(ioasid_journal_sync(j), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 1);
	assert_int_equal(ioasid_journal_timeout(j), -1);
	/* close syncs what is pending. */
	fix_append_series(j, 5, 1);
	fix_close_and_check(f, j, 6);
}

/*
 * Once batch_ms have certainly passed since the first unsynced append, the
 * sync is due: a tick performs it, and so does the next append.
 */
static void test_journal_sync_policy_batch_due(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	const struct timespec wait = { 0, 3 * 1000 * 1000 };

	f->cfg.sync = IOASID_JOURNAL_SYNC_BATCH;
	f->cfg.batch_ms = 1;
	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 1);
	nanosleep(&wait, NULL);
	assert_int_equal(ioasid_journal_timeout(j), 0);
	assert_int_equal(ioasid_journal_tick(j), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 1);
	assert_int_equal(ioasid_journal_timeout(j), -1);
	fix_append_series(j, 1, 1);
	nanosleep(&wait, NULL);
	fix_append_series(j, 2, 1);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.syncs, 2);
	ioasid_journal_close(j);
}

static int snapshot_series(struct ioasid_journal_snapshot *snap, void *arg)
{
	unsigned int n = *(unsigned int *)arg;

	for (unsigned int i = 0; i < n; i++) {
		uint8_t buf[64];
		uint32_t len = fix_payload_len(i);

		fix_payload(i, buf, len);
		assert_int_equal(ioasid_journal_snapshot_append(snap, (uint16_t)(i + 100),
								buf, len), 0);
	}
	return 0;
}

static void test_journal_compaction_replaces_log(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	unsigned int n = 3;

	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 100);
	assert_int_equal(ioasid_journal_compact(j, snapshot_series, &n), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.compactions, 1);
	assert_int_equal(st.size, fix_file_size(f));
	assert_int_equal(st.base_size, st.size);
	/* Appends go on in the new file. */
	fix_append_series(j, 3, 2);
	fix_close_and_check(f, j, 5);
}

/*
 * Cancel takes back the last append's record, once, and only until the
 * next append or compaction; what is left replays as if it never was.
 */
static void test_journal_cancel_takes_back_last_append(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	unsigned int n = 2;
	uint64_t size;

	f->cfg.sync = IOASID_JOURNAL_SYNC_ALWAYS;
	assert_int_equal(fix_open(f, &j), 0);
	assert_int_equal(ioasid_journal_cancel(NULL), -EINVAL);
	assert_int_equal(ioasid_journal_cancel(j), -ENOENT);
	fix_append_series(j, 0, 3);
	size = fix_file_size(f);
	fix_append_series(j, 3, 1);
	assert_int_equal(ioasid_journal_sync(j), 0);
	assert_int_equal(ioasid_journal_cancel(j), 0);
	ioasid_journal_query(j, &st);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.size, size);
	assert_int_equal(fix_file_size(f), size);
	assert_int_equal(st.syncs, 5); /* ALWAYS syncs the cut too */
	/* Only the last record can be taken back. */
	assert_int_equal(ioasid_journal_cancel(j), -ENOENT);
	fix_append_series(j, 3, 1);
	assert_int_equal(ioasid_journal_compact(j, snapshot_series, &n), 0);
	assert_int_equal(ioasid_journal_cancel(j), -ENOENT);
	fix_append_series(j, 2, 2);
	fix_close_and_check(f, j, 4);
}

static int snapshot_fails(struct ioasid_journal_snapshot *snap, void *arg)
{
	assert_int_equal(ioasid_journal_snapshot_append(snap, 1, "ab", 2), 0);
	return -EPROTO;
}

static int snapshot_ignores_error(struct ioasid_journal_snapshot *snap, void *arg)
{
	uint8_t b = 0;

	assert_int_equal(ioasid_journal_snapshot_append(snap, 1, "ab", 2), 0);
	assert_int_equal(ioasid_journal_snapshot_append(snap, 1, &b,
				IOASID_JOURNAL_PAYLOAD_MAX + 1), -EINVAL);
	/* Later appends keep failing: the snapshot would miss a record. */
	assert_int_equal(ioasid_journal_snapshot_append(snap, 1, "ab", 2), -EINVAL);
	return 0;
}

static void test_journal_failed_compaction_keeps_log(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	char tmp[400];

	snprintf(tmp, sizeof(tmp), "%s/%s", f->dir, IOASID_JOURNAL_TMP_FILE);
	assert_int_equal(fix_open(f, &j), 0);
	fix_append_series(j, 0, 10);
	assert_int_equal(ioasid_journal_compact(j, snapshot_fails, NULL), -EPROTO);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(ioasid_journal_compact(j, snapshot_ignores_error, NULL), -EINVAL);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(ioasid_journal_compact(j, NULL, NULL), -EINVAL);
	fix_append_series(j, 10, 2);
	fix_close_and_check(f, j, 12);
}

static void test_journal_compaction_due_threshold(void **state)
{
	struct fix *f = *state;
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	unsigned int n = 10, i = 0;

	f->cfg.compact_min = 1000;
	f->cfg.compact_ratio = 3;
	assert_int_equal(fix_open(f, &j), 0);
	assert_false(ioasid_journal_compact_due(j));
	/* Below compact_min it is never due, whatever the ratio says. */
	while (ioasid_journal_query(j, &st), st.size + 60 <= 1000) {
		assert_false(ioasid_journal_compact_due(j));
		fix_append_series(j, i++, 1);
	}
	while (ioasid_journal_query(j, &st), st.size <= 1000)
		fix_append_series(j, i++, 1);
	assert_true(ioasid_journal_compact_due(j));
	assert_int_equal(ioasid_journal_compact(j, snapshot_series, &n), 0);
	assert_false(ioasid_journal_compact_due(j));
	/* Now due again only past both compact_min and 3x the snapshot. */
	ioasid_journal_query(j, &st);
	{
		uint64_t base = st.base_size;
		uint64_t limit = base * 3 > 1000 ? base * 3 : 1000;

		while (ioasid_journal_query(j, &st), st.size <= limit) {
			assert_false(ioasid_journal_compact_due(j));
			fix_append_series(j, i++, 1);
		}
	}
	assert_true(ioasid_journal_compact_due(j));
	ioasid_journal_close(j);
}

static void test_journal_sync_names(void **state)
{
	enum ioasid_journal_sync_policy p;

	assert_string_equal(ioasid_journal_sync_name(IOASID_JOURNAL_SYNC_BATCH), "batch");
	assert_string_equal(ioasid_journal_sync_name(IOASID_JOURNAL_SYNC_ALWAYS), "always");
	assert_string_equal(ioasid_journal_sync_name(IOASID_JOURNAL_SYNC_NEVER), "never");
	assert_string_equal(ioasid_journal_sync_name((enum ioasid_journal_sync_policy)9),
			    "unknown");
	assert_int_equal(ioasid_journal_sync_parse("always", &p), 0);
	assert_int_equal(p, IOASID_JOURNAL_SYNC_ALWAYS);
	assert_int_equal(ioasid_journal_sync_parse("never", &p), 0);
	assert_int_equal(p, IOASID_JOURNAL_SYNC_NEVER);
	assert_int_equal(ioasid_journal_sync_parse("batch", &p), 0);
	assert_int_equal(p, IOASID_JOURNAL_SYNC_BATCH);
	assert_int_equal(ioasid_journal_sync_parse("Always", &p), -EINVAL);
	assert_int_equal(ioasid_journal_sync_parse(NULL, &p), -EINVAL);
}

static void test_journal_close_accepts_null(void **state)
{
	ioasid_journal_close(NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_journal_new_is_empty),
		T(test_journal_round_trip),
		T(test_journal_large_records),
		T(test_journal_append_rejects_bad_arguments),
		T(test_journal_open_rejects_bad_config),
		T(test_journal_second_open_is_busy),
		T(test_journal_replay_error_fails_open),
		T(test_journal_bad_file_header_is_refused),
		T(test_journal_empty_file_is_new),
		T(test_journal_sync_policy_always),
		T(test_journal_sync_policy_never),
		T(test_journal_sync_policy_batch),
		T(test_journal_sync_policy_batch_due),
		T(test_journal_compaction_replaces_log),
		T(test_journal_cancel_takes_back_last_append),
		T(test_journal_failed_compaction_keeps_log),
		T(test_journal_compaction_due_threshold),
		T(test_journal_sync_names),
		cmocka_unit_test(test_journal_close_accepts_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
