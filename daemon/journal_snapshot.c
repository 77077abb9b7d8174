// SPDX-License-Identifier: MIT
/*
 * Snapshots: a new log written beside the old one and swapped in whole.
 *
 * Compaction and the creation of a new journal both go through here: the
 * records are written to IOASID_JOURNAL_TMP_FILE through a buffer, the file
 * is fsync()ed, renamed over IOASID_JOURNAL_FILE, and the directory is
 * fsync()ed so that the rename itself is durable. Until the rename the old
 * log is untouched; after it the new one is complete on disk. A crash in
 * between leaves the temporary file, which the next open removes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "journal_format.h"
#include "util/alloc.h"

#define SNAPSHOT_BUF_SIZE (64u << 10)

struct ioasid_journal_snapshot {
	int fd;
	uint8_t *buf;
	size_t used;
	uint64_t written; /* bytes already in the file */
	uint64_t records;
	/* The first failed append: the snapshot then fails even if the
	 * callback ignores the error, since it would be missing a record. */
	int err;
};

static int snapshot_flush(struct ioasid_journal_snapshot *snap)
{
	struct iovec iov = { snap->buf, snap->used };
	int ret;

	if (!snap->used)
		return 0;
	ret = ioasid__journal_pwritev_all(snap->fd, &iov, 1, (off_t)snap->written);
	if (ret)
		return ret;
	snap->written += snap->used;
	snap->used = 0;
	return 0;
}

/* A record too large for the buffer goes straight to the file. */
static int snapshot_write_direct(struct ioasid_journal_snapshot *snap,
				 const uint8_t *hdr, const void *payload,
				 uint32_t len)
{
	struct iovec iov[2] = {
		{ (void *)hdr, JOURNAL_RECORD_HEADER_SIZE },
		{ (void *)payload, len },
	};
	int ret;

	ret = ioasid__journal_pwritev_all(snap->fd, iov, 2, (off_t)snap->written);
	if (ret)
		return ret;
	snap->written += JOURNAL_RECORD_HEADER_SIZE + (uint64_t)len;
	return 0;
}

/* Add one encoded record, through the buffer or, if too large, directly. */
static int snapshot_add(struct ioasid_journal_snapshot *snap, const uint8_t *hdr,
			const void *payload, uint32_t len)
{
	size_t total = JOURNAL_RECORD_HEADER_SIZE + (size_t)len;
	int ret;

	if (snap->used + total > SNAPSHOT_BUF_SIZE) {
		ret = snapshot_flush(snap);
		if (ret)
			return ret;
	}
	if (total > SNAPSHOT_BUF_SIZE)
		return snapshot_write_direct(snap, hdr, payload, len);
	memcpy(snap->buf + snap->used, hdr, JOURNAL_RECORD_HEADER_SIZE);
	if (len)
		memcpy(snap->buf + snap->used + JOURNAL_RECORD_HEADER_SIZE,
		       payload, len);
	snap->used += total;
	return 0;
}

int ioasid_journal_snapshot_append(struct ioasid_journal_snapshot *snap,
				   uint16_t type, const void *payload,
				   uint32_t len)
{
	uint8_t hdr[JOURNAL_RECORD_HEADER_SIZE];
	int ret;

	if (!snap)
		return -EINVAL;
	if (snap->err)
		return snap->err;
	if (len > IOASID_JOURNAL_PAYLOAD_MAX || (!payload && len))
		ret = -EINVAL;
	else {
		ioasid__journal_record_header_encode(hdr, type, payload, len);
		ret = snapshot_add(snap, hdr, payload, len);
	}
	if (ret)
		snap->err = ret;
	else
		snap->records++;
	return ret;
}

static int snapshot_fill(struct ioasid_journal_snapshot *snap,
			 ioasid_journal_snapshot_fn fn, void *arg)
{
	int ret = 0;

	ioasid__journal_file_header_encode(snap->buf);
	snap->used = JOURNAL_FILE_HEADER_SIZE;
	if (fn)
		ret = fn(snap, arg);
	if (!ret)
		ret = snap->err;
	if (!ret)
		ret = snapshot_flush(snap);
	if (!ret && fsync(snap->fd) < 0)
		ret = -errno;
	return ret;
}

static int snapshot_rename(int dirfd, struct journal_snapshot_result *res)
{
	if (renameat(dirfd, IOASID_JOURNAL_TMP_FILE, dirfd, IOASID_JOURNAL_FILE) < 0)
		return -errno;
	res->renamed = true;
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;
}

int ioasid__journal_snapshot_write(int dirfd, ioasid_journal_snapshot_fn fn,
				   void *arg, struct journal_snapshot_result *res)
{
	struct ioasid_journal_snapshot snap = { .fd = -1 };
	int ret;

	res->fd = -1;
	res->renamed = false;
	snap.buf = ioasid__malloc(SNAPSHOT_BUF_SIZE);
	if (!snap.buf)
		return -ENOMEM;
	snap.fd = openat(dirfd, IOASID_JOURNAL_TMP_FILE,
			 O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (snap.fd < 0) {
		ret = -errno;
		goto free_buf;
	}
	ret = snapshot_fill(&snap, fn, arg);
	if (ret)
		goto remove_tmp;
	ret = snapshot_rename(dirfd, res);
	if (ret && !res->renamed)
		goto remove_tmp;
	res->fd = snap.fd; /* The open file goes to the caller. */
	res->size = snap.written;
	res->records = snap.records;
	ioasid__free(snap.buf);
	return ret;

remove_tmp:
	close(snap.fd);
	unlinkat(dirfd, IOASID_JOURNAL_TMP_FILE, 0);
free_buf:
	ioasid__free(snap.buf);
	return ret;
}
