// SPDX-License-Identifier: MIT
/* The text forms: limits ("max" or decimal) and path validity. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cgroup_fixture.h"

static void test_cgroup_limit_parse_accepts(void **state)
{
	uint64_t v = 1;

	assert_int_equal(ioasid_cgroup_limit_parse("max", &v), 0);
	assert_true(v == IOASID_CGROUP_MAX);
	assert_int_equal(ioasid_cgroup_limit_parse("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(ioasid_cgroup_limit_parse("1048576", &v), 0);
	assert_true(v == 1048576);
	assert_int_equal(ioasid_cgroup_limit_parse("18446744073709551614", &v), 0);
	assert_true(v == UINT64_MAX - 1);
	/* UINT64_MAX written out is "max" as well. */
	assert_int_equal(ioasid_cgroup_limit_parse("18446744073709551615", &v), 0);
	assert_true(v == IOASID_CGROUP_MAX);
}

static void test_cgroup_limit_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "MAX", "max ", " max", "maxx", "-1", "+1", "1 ", " 1", "1\n",
		"01", "00", "0x10", "1e3", "18446744073709551616",
		"99999999999999999999", "1.5", "12a",
	};
	uint64_t v = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ioasid_cgroup_limit_parse(bad[i], &v), -EINVAL);
	assert_int_equal(ioasid_cgroup_limit_parse(NULL, &v), -EINVAL);
	assert_int_equal(ioasid_cgroup_limit_parse("1", NULL), -EINVAL);
	assert_true(v == 7);
}

static void test_cgroup_limit_format(void **state)
{
	char buf[IOASID_CGROUP_LIMIT_STRLEN];
	char small[3] = "zz";
	uint64_t back;

	assert_int_equal(ioasid_cgroup_limit_format(IOASID_CGROUP_MAX, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "max");
	assert_int_equal(ioasid_cgroup_limit_format(0, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0");
	assert_int_equal(ioasid_cgroup_limit_format(UINT64_MAX - 1, buf, sizeof(buf)), 20);
	assert_string_equal(buf, "18446744073709551614");
	assert_int_equal(ioasid_cgroup_limit_parse(buf, &back), 0);
	assert_true(back == UINT64_MAX - 1);
	/* Too small a buffer is refused and left alone. */
	assert_int_equal(ioasid_cgroup_limit_format(100, small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "zz");
	assert_int_equal(ioasid_cgroup_limit_format(10, small, sizeof(small)), 2);
	assert_string_equal(small, "10");
	assert_int_equal(ioasid_cgroup_limit_format(1, NULL, 8), -EINVAL);
}

static void test_cgroup_path_valid(void **state)
{
	static const char *const good[] = {
		"/", "/a", "/machine.slice/vm-1.scope", "/a/b/c", "/...", "/.a",
		"/a..", "/a b", "/a:b",
	};
	static const char *const bad[] = {
		"", "a", "a/b", "//", "/a/", "/a//b", "/.", "/..", "/./a",
		"/a/..", "/a\nb", "/\n",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(ioasid_cgroup_path_valid(good[i]), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ioasid_cgroup_path_valid(bad[i]), -EINVAL);
	assert_int_equal(ioasid_cgroup_path_valid(NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_limit_parse_accepts),
		cmocka_unit_test(test_cgroup_limit_parse_rejects),
		cmocka_unit_test(test_cgroup_limit_format),
		cmocka_unit_test(test_cgroup_path_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
