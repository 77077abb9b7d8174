/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the journal (daemon/journal.h): the on-disk format,
 * the record reader and the snapshot writer, shared by journal.c, the
 * tests and the fuzz harness.
 */
#ifndef IOASID_DAEMON_JOURNAL_FORMAT_H
#define IOASID_DAEMON_JOURNAL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "journal.h"

#define JOURNAL_MAGIC "IOASIDJL" /* 8 bytes, no NUL on disk */
#define JOURNAL_VERSION 1u
#define JOURNAL_FILE_HEADER_SIZE 16u
#define JOURNAL_RECORD_HEADER_SIZE 12u

/* Why a record is not good; JOURNAL_GOOD if it is. */
enum journal_defect {
	JOURNAL_GOOD = 0,
	JOURNAL_SHORT_HEADER,
	JOURNAL_SHORT_PAYLOAD,
	JOURNAL_BAD_LENGTH,
	JOURNAL_BAD_RESERVED,
	JOURNAL_BAD_CRC,
};

/* journal_format.c */
const char *ioasid__journal_defect_name(enum journal_defect defect);
void ioasid__journal_file_header_encode(uint8_t out[JOURNAL_FILE_HEADER_SIZE]);
/* 0, -EINVAL (short, bad magic or CRC) or -EOPNOTSUPP (other version). */
int ioasid__journal_file_header_check(const uint8_t *buf, size_t len);
void ioasid__journal_record_header_encode(uint8_t out[JOURNAL_RECORD_HEADER_SIZE],
					  uint16_t type, const void *payload,
					  uint32_t len);
/* Check a record header alone (avail bytes at buf). */
enum journal_defect ioasid__journal_record_header_check(const uint8_t *buf,
							size_t avail,
							uint16_t *typep,
							uint32_t *lenp);
/*
 * Check the rest of a record whose header passed, with payload length
 * len, at the start of buf where avail bytes remain of the file:
 * JOURNAL_SHORT_PAYLOAD, JOURNAL_BAD_CRC or JOURNAL_GOOD.
 */
enum journal_defect ioasid__journal_record_payload_check(const uint8_t *buf,
							 size_t avail,
							 uint32_t len);

/* journal_io.c */
/* pwritev() all of iov at off, retrying short writes: 0 or -errno. */
int ioasid__journal_pwritev_all(int fd, struct iovec *iov, int iovcnt, off_t off);
/* Format a log line and hand it to fn (if any). */
void ioasid__journal_log(ioasid_journal_log_fn fn, void *arg, int priority,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* journal_reader.c */
struct journal_scan {
	uint64_t good_end; /* offset just past the last good record */
	uint64_t records; /* good records replayed */
	enum journal_defect defect; /* of the record at good_end, if any */
};
/*
 * Replay the records of fd from offset start (just past the file header)
 * to the end of the file, calling replay (may be NULL) for each good one,
 * and describe where the good part ends in *scan.
 * Errors: -ENOMEM; -errno from pread(2); the callback's non-zero value.
 */
int ioasid__journal_scan(int fd, uint64_t start, ioasid_journal_replay_fn replay,
			 void *arg, struct journal_scan *scan);

/* journal_snapshot.c */
struct journal_snapshot_result {
	int fd; /* the new log, open O_RDWR; -1 if not renamed */
	uint64_t size;
	uint64_t records;
	bool renamed; /* the new file replaced the log */
};
/*
 * Write IOASID_JOURNAL_TMP_FILE in dirfd with a file header and the records
 * fn (may be NULL: an empty journal) appends, fsync it, rename it over
 * IOASID_JOURNAL_FILE and fsync the directory. Returns 0 with res filled
 * in, or -errno. Before the rename a failure removes the temporary file
 * and res->renamed is false; a failure of the directory fsync after the
 * rename returns the error with res->renamed true and res->fd open.
 */
int ioasid__journal_snapshot_write(int dirfd, ioasid_journal_snapshot_fn fn,
				   void *arg, struct journal_snapshot_result *res);

#endif /* IOASID_DAEMON_JOURNAL_FORMAT_H */
