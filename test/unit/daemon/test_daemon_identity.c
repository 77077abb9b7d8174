// SPDX-License-Identifier: MIT
/*
 * Unit tests of process identity (daemon/identity.c): /proc/PID/stat
 * parsing with hostile command names, tokens, and liveness, where a pid
 * with another start time is not the same process.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "identity.h"

/* Fields 4 to 21, then the start time follows. */
#define TAIL " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "

static int parse(const char *text, uint64_t *start, char *st)
{
	return ioasid__identity_parse_stat(text, strlen(text), start, st);
}

static void test_identity_parse_stat(void **state)
{
	uint64_t start = 0;
	char st = 0;

	/* 19 fields between the state and starttime. */
	assert_int_equal(parse("42 (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 "
			       "16 17 18 123456 99 100\n", &start, &st), 0);
	assert_int_equal(start, 123456);
	assert_int_equal(st, 'S');
	/* A command name with spaces and parentheses. */
	assert_int_equal(parse("7 (a) b) (c d) R" TAIL "987 1 2\n", &start,
			       &st), 0);
	assert_int_equal(start, 987);
	assert_int_equal(st, 'R');
	/* Starttime as the last field. */
	assert_int_equal(parse("7 (x) Z" TAIL "31", &start, &st), 0);
	assert_int_equal(start, 31);
}

static void test_identity_parse_stat_malformed(void **state)
{
	uint64_t start = 5;

	assert_int_equal(parse("", &start, NULL), -EINVAL);
	assert_int_equal(parse("42 cat S 1 2 3", &start, NULL), -EINVAL);
	assert_int_equal(parse("42 (cat)", &start, NULL), -EINVAL);
	assert_int_equal(parse("42 (cat) S 1 2 3", &start, NULL), -EINVAL);
	assert_int_equal(parse("7 (x) S" TAIL "-4 1", &start, NULL), -EINVAL);
	assert_int_equal(parse("7 (x) S" TAIL "12x 1", &start, NULL), -EINVAL);
	assert_int_equal(parse("7 (x) S" TAIL "99999999999999999999999 1",
			       &start, NULL), -EINVAL);
	assert_int_equal(start, 5); /* untouched on error */
}

static void test_identity_token(void **state)
{
	struct ioasidd_identity a = { 4194303, 123456789 }, b;

	ioasid__identity_from_token(ioasid__identity_token(&a), &b);
	assert_int_equal(b.pid, a.pid);
	assert_int_equal(b.start_time, a.start_time);
	assert_int_equal(ioasid__identity_token_pid(ioasid__identity_token(&a)),
			 a.pid);
	/* Same pid, another start: another token. */
	b.start_time++;
	assert_int_not_equal(ioasid__identity_token(&a),
			     ioasid__identity_token(&b));
}

static void test_identity_live_process(void **state)
{
	struct ioasidd_identity me, again;

	assert_int_equal(ioasid__identity_read(getpid(), &me), 0);
	assert_int_equal(me.pid, getpid());
	assert_true(me.start_time > 0);
	assert_int_equal(ioasid__identity_read(getpid(), &again), 0);
	assert_int_equal(again.start_time, me.start_time);
	assert_true(ioasid__identity_alive(&me));
	/* The same pid with another start time is another process. */
	me.start_time++;
	assert_false(ioasid__identity_alive(&me));
	assert_int_equal(ioasid__identity_read(0, &me), -EINVAL);
	assert_int_equal(ioasid__identity_read(-1, &me), -EINVAL);
}

static void test_identity_dead_process(void **state)
{
	struct ioasidd_identity child;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	/* A zombie is gone already; a reaped pid is unknown. */
	while (ioasid__identity_read(pid, &child) == 0)
		usleep(1000);
	assert_int_equal(ioasid__identity_read(pid, &child), -ESRCH);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(ioasid__identity_read(pid, &child), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_parse_stat),
		cmocka_unit_test(test_identity_parse_stat_malformed),
		cmocka_unit_test(test_identity_token),
		cmocka_unit_test(test_identity_live_process),
		cmocka_unit_test(test_identity_dead_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
