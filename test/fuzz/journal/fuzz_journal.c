// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the journal reader: the input becomes a journal
 * file, which is opened (replayed, its tail cut) and checked.
 *
 * A fuzzer cannot forge CRC32C checksums, so the first input byte picks
 * how the rest becomes a file:
 *   0  the bytes as they are (file header checks, mostly);
 *   1  a valid file header, then the bytes (record framing);
 *   2  a valid header and records encoded from the bytes with correct
 *      checksums, then one mutation (cut or bit flip) at a position the
 *      input chooses (recovery from every kind of damage).
 * Whatever the file, open must succeed or fail with -EINVAL/-EOPNOTSUPP
 * (a bad file header); after a successful open the file must hold exactly
 * the good records: reopening replays the same ones and drops nothing,
 * and an appended record comes back after them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "fuzz_check.h"
#include "journal.h"
#include "journal_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FILE_MAX (256u << 10)

static char dir[256];
static char path[320];

static void dir_remove(void)
{
	char tmp[340];

	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s/%s", dir, IOASID_JOURNAL_TMP_FILE);
	unlink(tmp);
	rmdir(dir);
}

static void dir_init(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "%s/ioasid-fuzz-journal-XXXXXX", base);
	fuzz_check(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", dir, IOASID_JOURNAL_FILE);
	atexit(dir_remove);
}

struct digest {
	uint64_t records;
	uint32_t crc;
};

static int digest_record(void *arg, uint16_t type, const void *payload, uint32_t len)
{
	struct digest *d = arg;

	d->records++;
	d->crc = ioasid__crc32c(d->crc, &type, sizeof(type));
	d->crc = ioasid__crc32c(d->crc, payload, len);
	return 0;
}

/* Build mode 2's file: records from the input, then one mutation. */
static size_t build_records(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t len = JOURNAL_FILE_HEADER_SIZE, pos = 0, cut;
	uint16_t mpos;
	uint8_t op;

	ioasid__journal_file_header_encode(out);
	if (n < 3)
		return len;
	op = in[n - 3];
	mpos = (uint16_t)(in[n - 2] | in[n - 1] << 8);
	n -= 3;
	while (pos + 3 <= n) {
		uint16_t type = (uint16_t)(in[pos] | in[pos + 1] << 8);
		uint32_t plen = in[pos + 2] % 64u;

		pos += 3;
		if (plen > n - pos)
			plen = (uint32_t)(n - pos);
		if (len + JOURNAL_RECORD_HEADER_SIZE + plen > FILE_MAX)
			break;
		ioasid__journal_record_header_encode(out + len, type, in + pos, plen);
		memcpy(out + len + JOURNAL_RECORD_HEADER_SIZE, in + pos, plen);
		len += JOURNAL_RECORD_HEADER_SIZE + plen;
		pos += plen;
	}
	cut = mpos % (len + 1);
	if (op % 3 == 1 && cut >= JOURNAL_FILE_HEADER_SIZE)
		len = cut;
	else if (op % 3 == 2 && cut < len)
		out[cut] ^= (uint8_t)(1u << (op % 8));
	return len;
}

static size_t build_file(const uint8_t *data, size_t size, uint8_t *out)
{
	size_t n = size - 1;

	switch (data[0] % 3) {
	case 0:
		n = n > FILE_MAX ? FILE_MAX : n;
		memcpy(out, data + 1, n);
		return n;
	case 1:
		ioasid__journal_file_header_encode(out);
		n = n > FILE_MAX - JOURNAL_FILE_HEADER_SIZE ? FILE_MAX - JOURNAL_FILE_HEADER_SIZE : n;
		memcpy(out + JOURNAL_FILE_HEADER_SIZE, data + 1, n);
		return JOURNAL_FILE_HEADER_SIZE + n;
	default:
		return build_records(data + 1, n, out);
	}
}

static void file_write(const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fuzz_check(fd >= 0, "open %s: %s", path, strerror(errno));
	fuzz_check(write(fd, buf, len) == (ssize_t)len, "write %zu bytes to %s: %s",
		   len, path, strerror(errno));
	close(fd);
}

static uint64_t file_size(void)
{
	struct stat st;

	fuzz_check(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
	return (uint64_t)st.st_size;
}

static void reopen_check(const struct ioasid_journal_config *cfg,
			 const struct digest *first)
{
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	struct digest again = { 0, 0 }, after = { 0, 0 }, want;

	int ret;

	ret = ioasid_journal_open(cfg, digest_record, &again, &j);
	fuzz_check(ret == 0, "reopen: %s", strerror(-ret));
	ioasid_journal_query(j, &st);
	fuzz_check(again.records == first->records && again.crc == first->crc,
		   "reopen replayed %llu records (crc %08x), first open %llu (%08x)",
		   (unsigned long long)again.records, again.crc,
		   (unsigned long long)first->records, first->crc);
	fuzz_check(st.dropped_bytes == 0, "reopen dropped %llu bytes",
		   (unsigned long long)st.dropped_bytes);
	ret = ioasid_journal_append(j, 7, "tail", 4);
	fuzz_check(ret == 0, "append after reopen: %s", strerror(-ret));
	ioasid_journal_close(j);
	want = again;
	digest_record(&want, 7, "tail", 4);
	ret = ioasid_journal_open(cfg, digest_record, &after, &j);
	fuzz_check(ret == 0, "open after append: %s", strerror(-ret));
	fuzz_check(after.records == want.records && after.crc == want.crc,
		   "after append replayed %llu records (crc %08x), want %llu (%08x)",
		   (unsigned long long)after.records, after.crc,
		   (unsigned long long)want.records, want.crc);
	ioasid_journal_close(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioasid_journal_config cfg = { .sync = IOASID_JOURNAL_SYNC_NEVER };
	struct ioasid_journal *j;
	struct ioasid_journal_stat st;
	struct digest first = { 0, 0 };
	static uint8_t file[FILE_MAX];
	size_t len;
	int ret;

	if (size < 1)
		return 0;
	dir_init();
	cfg.dir = dir;
	len = build_file(data, size, file);
	file_write(file, len);
	ret = ioasid_journal_open(&cfg, digest_record, &first, &j);
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		/* a bad header is never cut */
		fuzz_check(file_size() == len, "refused (%s) file of %zu bytes now %llu",
			   strerror(-ret), len, (unsigned long long)file_size());
		return 0;
	}
	fuzz_check(ret == 0, "open of a %zu-byte file (mode %u): %s", len,
		   data[0] % 3u, strerror(-ret));
	ioasid_journal_query(j, &st);
	fuzz_check(st.size == file_size() && st.records == first.records,
		   "size %llu (file %llu), records %llu (replayed %llu)",
		   (unsigned long long)st.size, (unsigned long long)file_size(),
		   (unsigned long long)st.records, (unsigned long long)first.records);
	fuzz_check(st.size + st.dropped_bytes == (len ? len : JOURNAL_FILE_HEADER_SIZE),
		   "size %llu + dropped %llu != file of %zu bytes (mode %u)",
		   (unsigned long long)st.size, (unsigned long long)st.dropped_bytes,
		   len, data[0] % 3u);
	ioasid_journal_close(j);
	reopen_check(&cfg, &first);
	return 0;
}
