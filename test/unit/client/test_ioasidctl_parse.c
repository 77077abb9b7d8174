// SPDX-License-Identifier: MIT
/*
 * ioasidctl's pure parts: the shell's line parser, number parsing and the
 * output module (plain and JSON shapes, JSON escaping).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ioasidctl.h"
#include "output.h"
#include "shell_parse.h"

static struct ioasidctl_shell_cmd cmd;
static char err[256];

static int parse(const char *line)
{
	err[0] = '\0';
	return ioasidctl_shell_parse(line, &cmd, err, sizeof(err));
}

static void bad(const char *line, const char *msg)
{
	assert_int_equal(parse(line), -EINVAL);
	assert_string_equal(err, msg);
}

static void test_shell_parse_blank_and_comments(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 1);
	assert_int_equal(parse("   \t "), 1);
	assert_int_equal(parse("# alloc"), 1);
	assert_int_equal(parse("  #alloc 1 2"), 1);
	assert_int_equal(parse("info # what am I"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_INFO);
	assert_int_equal(parse("info\r"), 0); /* a CRLF line */
}

static void test_shell_parse_commands(void **state)
{
	(void)state;
	assert_int_equal(parse("alloc"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_ALLOC);
	assert_int_equal(cmd.a, 0);
	assert_int_equal(cmd.b, 0);
	assert_int_equal(parse("  alloc\t0x10   0X20 "), 0);
	assert_int_equal(cmd.a, 16);
	assert_int_equal(cmd.b, 32);
	assert_string_equal(cmd.text, "alloc 0x10 0X20");
	assert_int_equal(parse("free 4294967295"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_FREE);
	assert_int_equal(cmd.a, UINT32_MAX);
	assert_int_equal(parse("get 7"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_GET);
	assert_int_equal(parse("put 7"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_PUT);
	assert_int_equal(parse("spid attach 3 9"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_SPID_ATTACH);
	assert_int_equal(cmd.a, 3);
	assert_int_equal(cmd.b, 9);
	assert_int_equal(parse("spid detach 3"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_SPID_DETACH);
	assert_int_equal(cmd.a, 3);
	assert_int_equal(parse("spid find 9"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_SPID_FIND);
	assert_false(cmd.flag);
	assert_int_equal(parse("spid find 9 get"), 0);
	assert_true(cmd.flag);
	assert_int_equal(parse("export 5 /tmp/x"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_EXPORT);
	assert_string_equal(cmd.file, "/tmp/x");
	assert_int_equal(parse("import /tmp/x"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_IMPORT);
	assert_int_equal(parse("quota 0 100"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_QUOTA);
	assert_int_equal(cmd.b, 100);
	assert_int_equal(parse("reclaim"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_RECLAIM);
	assert_int_equal(parse("help"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_HELP);
	assert_int_equal(parse("quit"), 0);
	assert_int_equal(cmd.op, IOASIDCTL_SH_QUIT);
}

static void test_shell_parse_subscribe_events(void **state)
{
	(void)state;
	assert_int_equal(parse("subscribe"), 0);
	assert_int_equal(cmd.a, IOASID_CLIENT_SUB_ALL);
	assert_int_equal(parse("subscribe alloc,UNBIND"), 0);
	assert_int_equal(cmd.a, IOASID_CLIENT_SUB_ALLOC | IOASID_CLIENT_SUB_UNBIND);
	assert_int_equal(parse("subscribe none"), 0);
	assert_int_equal(cmd.a, 0);
	bad("subscribe alloc,", "subscribe: unknown event '' (alloc, free, bind, "
				"unbind, all, none)");
	bad("subscribe allocs", "subscribe: unknown event 'allocs' (alloc, free, "
				"bind, unbind, all, none)");
}

static void test_shell_parse_errors_name_the_problem(void **state)
{
	(void)state;
	bad("alloc 5 3", "alloc: min 5 > max 3");
	bad("alloc 5", "alloc: usage: alloc [MIN MAX]");
	bad("alloc 1 2 3", "alloc: usage: alloc [MIN MAX]");
	bad("alloc 0x 5", "alloc: MIN '0x' is not a number");
	bad("alloc 1 0x100000000", "alloc: MAX 0x100000000 is out of range");
	bad("free -1", "free: ID '-1' is not a number");
	bad("free +1", "free: ID '+1' is not a number");
	bad("free 1e3", "free: ID '1e3' is not a number");
	bad("free 99999999999999999999999", "free: ID 99999999999999999999999 "
					    "is out of range");
	bad("free 99999999999999999999999x", "free: ID "
					     "'99999999999999999999999x' is "
					     "not a number");
	bad("free", "free: usage: free ID");
	bad("spid", "spid: expects attach, detach or find");
	bad("spid bind 1 2", "spid: expects attach, detach or find");
	bad("spid attach 1", "spid attach: usage: spid attach ID SPID");
	bad("spid attach 1 x", "spid attach: SPID 'x' is not a number");
	bad("spid find 1 got", "spid find: expected 'get', not 'got'");
	bad("quota 1", "quota: usage: quota PID N");
	bad("quota x 1", "quota: PID 'x' is not a number");
	bad("info now", "info: usage: info");
	bad("ALLOC", "unknown command 'ALLOC' (try help)");
	bad("1 2 3 4 5 6 7 8 9", "too many words (at most 8)");
}

static void test_shell_parse_long_input(void **state)
{
	char *line = malloc(IOASIDCTL_LINE_MAX + 2);
	char file[200];

	(void)state;
	memset(line, ' ', IOASIDCTL_LINE_MAX + 1);
	memcpy(line, "info", 4);
	line[IOASIDCTL_LINE_MAX] = '\0';
	assert_int_equal(parse(line), 0); /* exactly the maximum */
	line[IOASIDCTL_LINE_MAX] = ' ';
	line[IOASIDCTL_LINE_MAX + 1] = '\0';
	bad(line, "line too long (at most 4096 bytes)");
	free(line);
	memset(file, 'f', sizeof(file));
	memcpy(file, "import ", 7);
	file[sizeof(file) - 1] = '\0';
	bad(file, "import: FILE is longer than 107 bytes");
}

static void test_ioasidctl_parse_numbers(void **state)
{
	uint64_t v;
	uint32_t w;

	(void)state;
	/* The 64-bit syntax itself is ioasid__parse_u64()'s (test_util_parse). */
	assert_int_equal(ioasidctl_parse_u32("4294967295", &w), 0);
	assert_int_equal(w, UINT32_MAX);
	assert_int_equal(ioasidctl_parse_u32("0x100000000", &w), -ERANGE);
	assert_int_equal(ioasidctl_parse_u32("4294967296", &w), -ERANGE);
	assert_int_equal(ioasidctl_parse_u32("18446744073709551616", &w), -ERANGE);
	assert_int_equal(ioasidctl_parse_u32("42x", &w), -EINVAL);
	assert_int_equal(w, UINT32_MAX); /* untouched by a failure */
	assert_int_equal(ioasidctl_parse_limit("18446744073709551616", &v), -ERANGE);
	assert_int_equal(ioasidctl_parse_limit("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(ioasidctl_parse_limit("max", &v), 0);
	assert_int_equal(v, IOASID_CLIENT_LIMIT_MAX);
	assert_int_equal(ioasidctl_parse_limit("MAX", &v), -EINVAL);
}

/* Run a printer into a string. */
#define CAPTURE(buf, call)                                                  \
	do {                                                                \
		FILE *f_ = fmemopen(buf, sizeof(buf), "w");                 \
		assert_non_null(f_);                                        \
		call;                                                       \
		fclose(f_);                                                 \
	} while (0)

static void test_ioasidctl_output_shapes(void **state)
{
	static const uint32_t ids[] = { 3, 9 };
	struct ioasidctl_field fields[] = {
		IOASIDCTL_F_U64("id", 5),
		IOASIDCTL_F_LIMIT("max", IOASID_CLIENT_LIMIT_MAX),
		IOASIDCTL_F_ID("spid", IOASID_INVALID),
		IOASIDCTL_F_STR("cgroup", "/a \"b\"\\\n\x01"),
		IOASIDCTL_F_BOOL("admin", 1),
		{ .key = "ids", .type = IOASIDCTL_IDS, .ids = ids, .n = 2 },
	};
	char buf[1024];

	(void)state;
	fields[1].named = fields[2].named = true;
	CAPTURE(buf, ioasidctl_print_answer(f_, false, fields, 2));
	assert_string_equal(buf, "ok 5 max=max\n");
	CAPTURE(buf, ioasidctl_print_answer(f_, true, fields, 6));
	assert_string_equal(buf, "{\"ok\":true,\"id\":5,\"max\":\"max\",\"spid\":null,"
				 "\"cgroup\":\"/a \\\"b\\\"\\\\\\n\\u0001\","
				 "\"admin\":true,\"ids\":[3,9]}\n");
	CAPTURE(buf, ioasidctl_print_error(f_, false, -ENOENT, "free 7: x"));
	assert_string_equal(buf, "error ENOENT: free 7: x\n");
	CAPTURE(buf, ioasidctl_print_error(f_, true, -EDQUOT, "a\"b"));
	assert_string_equal(buf, "{\"ok\":false,\"errno\":\"EDQUOT\","
				 "\"message\":\"a\\\"b\"}\n");
	CAPTURE(buf, ioasidctl_print_event(f_, false, "ALLOC", fields, 3));
	assert_string_equal(buf, "event ALLOC id=5 max=max spid=-\n");
	CAPTURE(buf, ioasidctl_print_record(f_, false, fields, 2));
	assert_string_equal(buf, "id   5\nmax  max\n");
	CAPTURE(buf, ioasidctl_print_table(f_, false, fields, 1, 3));
	assert_string_equal(buf, "ID  MAX  SPID\n5   max  -\n");
	CAPTURE(buf, ioasidctl_print_table(f_, true, fields, 2, 1));
	assert_string_equal(buf, "[{\"id\":5},{\"max\":\"max\"}]\n");
	CAPTURE(buf, ioasidctl_print_table(f_, true, fields, 0, 3));
	assert_string_equal(buf, "[]\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_parse_blank_and_comments),
		cmocka_unit_test(test_shell_parse_commands),
		cmocka_unit_test(test_shell_parse_subscribe_events),
		cmocka_unit_test(test_shell_parse_errors_name_the_problem),
		cmocka_unit_test(test_shell_parse_long_input),
		cmocka_unit_test(test_ioasidctl_parse_numbers),
		cmocka_unit_test(test_ioasidctl_output_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
