// SPDX-License-Identifier: MIT
/*
 * Unit tests of ioasid__parse_u64() (lib/util/parse.c): both bases, the
 * 2^64 boundary, and every kind of string that is not a number.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/parse.h"

/* A value the parser never produces by accident, to see it untouched. */
#define UNTOUCHED 0x5a5a5a5a5a5a5a5aull

static void parses_to(const char *s, uint64_t want)
{
	uint64_t v = UNTOUCHED;

	assert_int_equal(ioasid__parse_u64(s, &v), 0);
	assert_true(v == want);
}

static void fails_with(const char *s, int err)
{
	uint64_t v = UNTOUCHED;

	assert_int_equal(ioasid__parse_u64(s, &v), err);
	assert_true(v == UNTOUCHED);
}

static void test_parse_u64_decimal(void **state)
{
	parses_to("0", 0);
	parses_to("7", 7);
	parses_to("4096", 4096);
	/* A leading zero is still decimal, never octal. */
	parses_to("010", 10);
	parses_to("0009", 9);
}

static void test_parse_u64_hex(void **state)
{
	parses_to("0x0", 0);
	parses_to("0x10", 16);
	parses_to("0XfEe00000", 0xfee00000ull);
	parses_to("0xABCDEF", 0xabcdefull);
	parses_to("0x00000000000000000000001", 1);
}

static void test_parse_u64_max_value(void **state)
{
	parses_to("18446744073709551615", UINT64_MAX);
	parses_to("0xffffffffffffffff", UINT64_MAX);
	parses_to("0x0000ffffffffffffffff", UINT64_MAX);
	parses_to("000018446744073709551615", UINT64_MAX);
}

static void test_parse_u64_overflow_at_2_64(void **state)
{
	fails_with("18446744073709551616", -ERANGE);
	fails_with("18446744073709551620", -ERANGE);
	fails_with("99999999999999999999", -ERANGE);
	fails_with("0x10000000000000000", -ERANGE);
	fails_with("0x1ffffffffffffffff", -ERANGE);
	fails_with("184467440737095516150", -ERANGE);
}

static void test_parse_u64_overflow_then_garbage(void **state)
{
	/* Too large and malformed: the syntax error wins. */
	fails_with("99999999999999999999x", -EINVAL);
	fails_with("0x1ffffffffffffffffg", -EINVAL);
	fails_with("18446744073709551616 ", -EINVAL);
}

static void test_parse_u64_empty(void **state)
{
	fails_with("", -EINVAL);
	fails_with("0x", -EINVAL);
	fails_with("0X", -EINVAL);
}

static void test_parse_u64_rejects_non_numbers(void **state)
{
	static const char *const bad[] = {
		" 1", "1 ", "\t1", "+1", "-1", "1k", "4K", "1.0", "1e3",
		"12a", "0b101", "0x-1", "0x+1", "0xg", "0x1g", "0x 1", "x10",
		"00x10", "0xx10", "max",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fails_with(bad[i], -EINVAL);
}

static void test_parse_u64_errno_untouched(void **state)
{
	uint64_t v;

	errno = EMFILE;
	assert_int_equal(ioasid__parse_u64("99999999999999999999", &v), -ERANGE);
	assert_int_equal(ioasid__parse_u64("nope", &v), -EINVAL);
	assert_int_equal(ioasid__parse_u64("1", &v), 0);
	assert_int_equal(errno, EMFILE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64_decimal),
		cmocka_unit_test(test_parse_u64_hex),
		cmocka_unit_test(test_parse_u64_max_value),
		cmocka_unit_test(test_parse_u64_overflow_at_2_64),
		cmocka_unit_test(test_parse_u64_overflow_then_garbage),
		cmocka_unit_test(test_parse_u64_empty),
		cmocka_unit_test(test_parse_u64_rejects_non_numbers),
		cmocka_unit_test(test_parse_u64_errno_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
