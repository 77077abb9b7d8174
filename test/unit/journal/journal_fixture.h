/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the journal tests: a private temporary state directory,
 * a replay callback that records what it sees, and a log callback that
 * keeps the last line.
 */
#ifndef IOASID_TEST_JOURNAL_FIXTURE_H
#define IOASID_TEST_JOURNAL_FIXTURE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "journal.h"

#define FIX_MAX_RECORDS 512

struct fix_record {
	uint16_t type;
	uint32_t len;
	uint8_t *payload; /* malloc()ed copy */
};

struct fix {
	char dir[256];
	char path[300]; /* dir/IOASID_JOURNAL_FILE */
	struct ioasid_journal_config cfg;
	struct fix_record rec[FIX_MAX_RECORDS];
	size_t nrec;
	int replay_fail_at; /* replay returns -EPROTO at this record (1-based) */
	char last_log[512];
	int last_prio;
	int nlog;
};

int fix_setup(void **state);
int fix_teardown(void **state);

/* Forget replayed records and log lines. */
void fix_reset(struct fix *f);
int fix_replay(void *arg, uint16_t type, const void *payload, uint32_t len);
void fix_log(void *arg, int priority, const char *msg);
/* Open with the fixture's config, replaying into f. */
int fix_open(struct fix *f, struct ioasid_journal **jp);

/* The deterministic test record number i: type and payload. */
uint32_t fix_payload_len(unsigned int i);
void fix_payload(unsigned int i, uint8_t *buf, uint32_t len);
/* Append records [first, first + n) of the deterministic series. */
void fix_append_series(struct ioasid_journal *j, unsigned int first, unsigned int n);
/* Assert that f->rec holds exactly records [0, n) of the series. */
void fix_assert_series(const struct fix *f, unsigned int n);
/*
 * Close j, then reopen the journal and assert that it replays exactly
 * records [0, n) of the series and logs nothing; close it again.
 */
void fix_close_and_check(struct fix *f, struct ioasid_journal *j, unsigned int n);

/* File helpers. */
uint64_t fix_file_size(const struct fix *f);
void fix_file_truncate(const struct fix *f, uint64_t size);
void fix_file_read(const struct fix *f, uint8_t *buf, uint64_t size);
void fix_file_write(const struct fix *f, const uint8_t *buf, uint64_t size);

#endif
