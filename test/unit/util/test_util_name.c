// SPDX-License-Identifier: MIT
/*
 * Unit tests of the platform naming rule (lib/util/name.c): the bytes a
 * name may hold, "." and "..", the length bound at and around its limit
 * (including a buffer with no NUL inside the bound, which must not be
 * read past), and the '/'-joined form of device parents.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/name.h"

/* The bound the IOMMU platform uses for names (IOASID_NAME_MAX). */
#define SIZE 64

/* A heap copy of len bytes 'c' with no terminating NUL: ASan sees any
 * read past it. */
static char *unterminated(size_t len, char c)
{
	char *s = malloc(len);

	assert_non_null(s);
	memset(s, c, len);
	return s;
}

/* A NUL-terminated string of len bytes 'c' in buf. */
static const char *filled(char *buf, size_t len, char c)
{
	memset(buf, c, len);
	buf[len] = '\0';
	return buf;
}

static void test_name_check_accepts(void **state)
{
	static const char *const good[] = {
		"a", "0", "pci0000:00", "0000:00:02.0", "vfio-pci", "dsa.0",
		"...", ".a", "a.", "..a", "!\"#$%&'()*+,-.:;<=>?@[\\]^_`{|}~",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(ioasid__name_check(good[i], SIZE), 0);
}

static void test_name_check_rejects_bytes(void **state)
{
	static const char *const bad[] = {
		" a", "a ", "a b", "a\tb", "a\nb", "a/b", "/", "/a", "a/",
		"\x7f", "a\x01", "\x80", "caf\xc3\xa9",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ioasid__name_check(bad[i], SIZE), -EINVAL);
}

static void test_name_check_empty_and_dot_entries(void **state)
{
	assert_int_equal(ioasid__name_check("", SIZE), -EINVAL);
	assert_int_equal(ioasid__name_check(".", SIZE), -EINVAL);
	assert_int_equal(ioasid__name_check("..", SIZE), -EINVAL);
}

static void test_name_check_max_length(void **state)
{
	char buf[SIZE + 2];
	char *raw;

	assert_int_equal(ioasid__name_check(filled(buf, SIZE - 1, 'n'), SIZE), 0);
	assert_int_equal(ioasid__name_check(filled(buf, SIZE, 'n'), SIZE),
			 -EINVAL);
	assert_int_equal(ioasid__name_check(filled(buf, SIZE + 1, 'n'), SIZE),
			 -EINVAL);
	/* The smallest bounds: nothing fits in 1 byte, one byte in 2. */
	assert_int_equal(ioasid__name_check("a", 1), -EINVAL);
	assert_int_equal(ioasid__name_check("a", 2), 0);
	assert_int_equal(ioasid__name_check("ab", 2), -EINVAL);
	assert_int_equal(ioasid__name_check("", 0), -EINVAL);
	/* No NUL within the bound: too long, and nothing read past it. */
	raw = unterminated(SIZE, 'n');
	assert_int_equal(ioasid__name_check(raw, SIZE), -EINVAL);
	free(raw);
}

static void test_name_path_check_accepts(void **state)
{
	char buf[SIZE * 2];

	assert_int_equal(ioasid__name_path_check("pci0000:00", SIZE * 2), 0);
	assert_int_equal(ioasid__name_path_check("pci0000:00/0000:00:01.0",
						 SIZE * 2), 0);
	assert_int_equal(ioasid__name_path_check("a/b/c/d", SIZE * 2), 0);
	assert_int_equal(ioasid__name_path_check("a/.../b", SIZE * 2), 0);
	/* Only the whole is bounded, not each name. */
	assert_int_equal(ioasid__name_path_check(filled(buf, SIZE + 10, 'p'),
						 SIZE * 2), 0);
}

static void test_name_path_check_rejects(void **state)
{
	static const char *const bad[] = {
		"", "/", "//", "/a", "a/", "a//b", "a/./b", "a/../b", "./a",
		"a/..", "a/ b", "a /b", "a/b\x7f", "a\\/b/", "a/\tb",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ioasid__name_path_check(bad[i], SIZE * 2),
				 -EINVAL);
}

static void test_name_path_check_max_length(void **state)
{
	char buf[SIZE * 2 + 1];
	char *raw;

	/* SIZE * 2 - 1 bytes in all, a '/' in the middle. */
	filled(buf, SIZE * 2 - 1, 'p');
	buf[SIZE] = '/';
	assert_int_equal(ioasid__name_path_check(buf, SIZE * 2), 0);
	filled(buf, SIZE * 2, 'p');
	buf[SIZE] = '/';
	assert_int_equal(ioasid__name_path_check(buf, SIZE * 2), -EINVAL);
	/* A '/' beyond the bound is never looked at: no NUL, too long. */
	raw = unterminated(SIZE * 2, 'p');
	raw[3] = '/';
	assert_int_equal(ioasid__name_path_check(raw, SIZE * 2), -EINVAL);
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_check_accepts),
		cmocka_unit_test(test_name_check_rejects_bytes),
		cmocka_unit_test(test_name_check_empty_and_dot_entries),
		cmocka_unit_test(test_name_check_max_length),
		cmocka_unit_test(test_name_path_check_accepts),
		cmocka_unit_test(test_name_path_check_rejects),
		cmocka_unit_test(test_name_path_check_max_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
