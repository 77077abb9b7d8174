// SPDX-License-Identifier: MIT
/*
 * The journal reader: replays a log file record by record and finds where
 * its good part ends (daemon/journal.h, "Recovery").
 *
 * The file is read at explicit offsets (ioasid__read_all(), which goes on
 * after short reads and EINTR) into a buffer that holds at least the
 * current record: 64 KiB to start with, grown (up to the largest record
 * there can be) when a record does not fit. The reader never trusts a
 * length before its header has passed the length check, so a corrupt
 * length cannot make it allocate more than one maximum record.
 */
#include <errno.h>
#include <string.h>

#include "journal_format.h"
#include "util/alloc.h"
#include "util/readall.h"

#define READER_BUF_INITIAL (64u << 10)

struct reader {
	int fd;
	uint8_t *buf;
	size_t cap;
	size_t start, end; /* buffered bytes are buf[start..end) */
	uint64_t pos; /* file offset of buf[start] */
	bool eof;
};

/* Make room for need bytes from buf[start] on. */
static int reader_make_room(struct reader *r, size_t need)
{
	size_t have = r->end - r->start, cap;
	uint8_t *buf;

	if (r->cap - r->start >= need)
		return 0;
	memmove(r->buf, r->buf + r->start, have);
	r->start = 0;
	r->end = have;
	if (r->cap >= need)
		return 0;
	cap = r->cap;
	while (cap < need)
		cap *= 2;
	buf = ioasid__realloc(r->buf, cap);
	if (!buf)
		return -ENOMEM;
	r->buf = buf;
	r->cap = cap;
	return 0;
}

/*
 * Buffer at least need bytes from the current position, or as many as the
 * file still has, filling the rest of the buffer while at it. Returns 0 or
 * -errno.
 */
static int reader_fill(struct reader *r, size_t need)
{
	size_t room, n;
	int ret;

	if (r->end - r->start >= need || r->eof)
		return 0;
	ret = reader_make_room(r, need);
	if (ret)
		return ret;
	room = r->cap - r->end;
	ret = ioasid__read_all(r->fd, r->buf + r->end, room,
			       (off_t)(r->pos + (r->end - r->start)), &n);
	if (ret)
		return ret;
	r->end += n;
	r->eof = n < room; /* ioasid__read_all() stops short only at the end */
	return 0;
}

static void reader_consume(struct reader *r, size_t n)
{
	r->start += n;
	r->pos += n;
}

/* Read the next record: JOURNAL_GOOD with it at buf[start], or a defect. */
static int reader_next(struct reader *r, enum journal_defect *defectp,
		       uint16_t *typep, uint32_t *lenp)
{
	int ret;

	ret = reader_fill(r, JOURNAL_RECORD_HEADER_SIZE);
	if (ret)
		return ret;
	*defectp = ioasid__journal_record_header_check(r->buf + r->start,
						       r->end - r->start,
						       typep, lenp);
	if (*defectp != JOURNAL_GOOD)
		return 0;
	ret = reader_fill(r, JOURNAL_RECORD_HEADER_SIZE + (size_t)*lenp);
	if (ret)
		return ret;
	*defectp = ioasid__journal_record_payload_check(r->buf + r->start,
							r->end - r->start,
							*lenp);
	return 0;
}

static int reader_run(struct reader *r, ioasid_journal_replay_fn replay,
		      void *arg, struct journal_scan *scan)
{
	for (;;) {
		enum journal_defect defect;
		uint16_t type;
		uint32_t len;
		int ret;

		ret = reader_next(r, &defect, &type, &len);
		if (ret)
			return ret;
		if (defect == JOURNAL_SHORT_HEADER && r->start == r->end) {
			scan->defect = JOURNAL_GOOD; /* a clean end */
			return 0;
		}
		if (defect != JOURNAL_GOOD) {
			scan->defect = defect;
			return 0;
		}
		ret = replay ? replay(arg, type, r->buf + r->start +
				      JOURNAL_RECORD_HEADER_SIZE, len) : 0;
		if (ret)
			return ret;
		reader_consume(r, JOURNAL_RECORD_HEADER_SIZE + (size_t)len);
		scan->good_end = r->pos;
		scan->records++;
	}
}

int ioasid__journal_scan(int fd, uint64_t start, ioasid_journal_replay_fn replay,
			 void *arg, struct journal_scan *scan)
{
	struct reader r = { .fd = fd, .pos = start, .cap = READER_BUF_INITIAL };
	int ret;

	r.buf = ioasid__malloc(r.cap);
	if (!r.buf)
		return -ENOMEM;
	scan->good_end = start;
	scan->records = 0;
	scan->defect = JOURNAL_GOOD;
	ret = reader_run(&r, replay, arg, scan);
	ioasid__free(r.buf);
	return ret;
}
