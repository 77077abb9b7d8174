// SPDX-License-Identifier: MIT
/*
 * Unit tests of ioasid__read_all() (lib/util/readall.c) on memfd files
 * (pread and read, at and past the end) and on SOCK_SEQPACKET socket
 * pairs, where every read() returns one message: a read of several
 * messages is a read of several short reads.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/readall.h"

#define FILE_BYTES 10000
/* A length the helper never reports, to see *lenp untouched. */
#define UNTOUCHED ((size_t)-7)

static char content[FILE_BYTES];

/* A memfd holding content[0, len), its position back at 0. */
static int file_with(size_t len)
{
	int fd = memfd_create("test_util_readall", MFD_CLOEXEC);

	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof(content); i++)
		content[i] = (char)('a' + i % 23);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static off_t position(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

/*
 * Read size bytes of fd from offset: expect success, want bytes, and
 * content[from, from + want) in them.
 */
static void reads(int fd, size_t size, off_t offset, size_t from, size_t want)
{
	static char buf[FILE_BYTES + 1];
	size_t len = UNTOUCHED;

	assert_true(size <= sizeof(buf));
	assert_int_equal(ioasid__read_all(fd, buf, size, offset, &len), 0);
	assert_int_equal(len, want);
	assert_memory_equal(buf, content + from, want);
}

static void test_read_all_whole_file(void **state)
{
	int fd = file_with(FILE_BYTES);

	/* One byte more than the file: the short count says it ended. */
	reads(fd, FILE_BYTES + 1, 0, 0, FILE_BYTES);
	assert_int_equal(position(fd), 0); /* pread leaves it alone */
	close(fd);
}

static void test_read_all_stops_at_size(void **state)
{
	int fd = file_with(FILE_BYTES);

	reads(fd, 100, 0, 0, 100);
	close(fd);
	/* Exactly the file's size: full, and nothing says whether it ended. */
	fd = file_with(100);
	reads(fd, 100, 0, 0, 100);
	close(fd);
}

static void test_read_all_empty_file_and_zero_size(void **state)
{
	int fd = file_with(0);

	reads(fd, 8, 0, 0, 0);
	reads(fd, 8, IOASID__READ_AT_POS, 0, 0);
	close(fd);
	fd = file_with(FILE_BYTES);
	reads(fd, 0, IOASID__READ_AT_POS, 0, 0);
	assert_int_equal(position(fd), 0);
	close(fd);
}

static void test_read_all_from_offset(void **state)
{
	int fd = file_with(FILE_BYTES);

	reads(fd, FILE_BYTES, 9000, 9000, FILE_BYTES - 9000);
	/* At and past the end: nothing, no error. */
	reads(fd, 1, FILE_BYTES, 0, 0);
	reads(fd, 1, FILE_BYTES + 1, 0, 0);
	assert_int_equal(position(fd), 0);
	close(fd);
}

static void test_read_all_at_pos_advances(void **state)
{
	int fd = file_with(FILE_BYTES);

	assert_int_equal(lseek(fd, 100, SEEK_SET), 100);
	reads(fd, 50, IOASID__READ_AT_POS, 100, 50);
	assert_int_equal(position(fd), 150);
	reads(fd, FILE_BYTES, IOASID__READ_AT_POS, 150, FILE_BYTES - 150);
	assert_int_equal(position(fd), FILE_BYTES);
	close(fd);
}

static void test_read_all_short_reads(void **state)
{
	static const char *const msgs[] = { "first ", "second ", "third" };
	char buf[64];
	size_t len = UNTOUCHED;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(write(sv[1], msgs[i], strlen(msgs[i])),
				 (ssize_t)strlen(msgs[i]));
	close(sv[1]); /* the end of the file after the third message */
	assert_int_equal(ioasid__read_all(sv[0], buf, sizeof(buf),
					  IOASID__READ_AT_POS, &len), 0);
	assert_int_equal(len, strlen("first second third"));
	assert_memory_equal(buf, "first second third", len);
	close(sv[0]);
}

static void test_read_all_errors(void **state)
{
	char buf[8];
	size_t len = UNTOUCHED;
	int sv[2];

	errno = EMFILE;
	assert_int_equal(ioasid__read_all(-1, buf, sizeof(buf), 0, &len),
			 -EBADF);
	assert_int_equal(ioasid__read_all(-1, buf, sizeof(buf),
					  IOASID__READ_AT_POS, &len), -EBADF);
	/* pread() on what cannot seek. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	assert_int_equal(ioasid__read_all(sv[0], buf, sizeof(buf), 0, &len),
			 -ESPIPE);
	assert_true(len == UNTOUCHED);
	assert_int_equal(errno, EMFILE); /* the helper reports by its return */
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_all_whole_file),
		cmocka_unit_test(test_read_all_stops_at_size),
		cmocka_unit_test(test_read_all_empty_file_and_zero_size),
		cmocka_unit_test(test_read_all_from_offset),
		cmocka_unit_test(test_read_all_at_pos_advances),
		cmocka_unit_test(test_read_all_short_reads),
		cmocka_unit_test(test_read_all_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
