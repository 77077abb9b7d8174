// SPDX-License-Identifier: MIT
/*
 * ioasidctl end to end: the real binary against the real daemon.
 *
 * Exit statuses (0 success, 1 an operation failed, 2 usage) with their
 * messages; the one-shot commands in plain and JSON; `shell` driven by the
 * scripts shell-plain.txt and shell-json.txt, compared line by line with the
 * expected output they contain; two shells passing an export between them;
 * a shell living through kill -9 and restart of the daemon.
 *
 * Script format: "> LINE" is sent to the shell (">" alone: an empty
 * line); "##" lines are notes; every other line is an expected output line,
 * where '*' matches any run of characters. Event lines ("event ..." or
 * {"event":...}) are written after the answer of the command that caused
 * them; the shell prints them before the answer of that command or of the
 * next one that goes to the daemon (docs/cli.md: events wait for the next
 * answer, and the daemon sends a request's events right after its reply).
 * The scripts follow every command that causes events with one that goes
 * to the daemon, so each event may come one answer earlier than written,
 * never later.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "raw.h"

#define LINES_MAX 256

/* ---- matching ---- */

struct lines {
	char *line[LINES_MAX];
	size_t answers_before[LINES_MAX]; /* for event lines */
	size_t n;
};

/* Split text (modified) into answer lines and event lines. */
static void lines_split(char *text, struct lines *answers, struct lines *events)
{
	char *save, *l;

	answers->n = events->n = 0;
	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct lines *to = is_event(l) ? events : answers;

		assert_true(to->n < LINES_MAX);
		to->answers_before[to->n] = answers->n;
		to->line[to->n++] = l;
	}
}

static void expect_lines(const struct lines *want, const struct lines *got,
			 bool events)
{
	for (size_t i = 0; i < want->n && i < got->n; i++) {
		if (!match(want->line[i], got->line[i]))
			fail_msg("line %zu: expected '%s', got '%s'", i,
				 want->line[i], got->line[i]);
		if (events && (got->answers_before[i] > want->answers_before[i] ||
			       got->answers_before[i] + 1 < want->answers_before[i]))
			fail_msg("event '%s' after answer %zu, expected %zu",
				 got->line[i], got->answers_before[i],
				 want->answers_before[i]);
	}
	if (want->n != got->n)
		fail_msg("%s: expected %zu lines, got %zu",
			 events ? "events" : "answers", want->n, got->n);
}

/* ---- fixture ---- */

struct fixture {
	struct rawd d;
	char out[OUT_MAX], err[OUT_MAX];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	rawd_start(&f->d, NULL, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rawd_cleanup(&f->d);
	free(f);
	return 0;
}

/* ---- one-shot commands ---- */

static void test_ioasidctl_exit_statuses(void **state)
{
	struct fixture *f = *state;
	const char *s = f->d.sock;

	assert_int_equal(run((const char *[]){ "-s", s, "status", NULL }, NULL,
			     f->out, f->err), 0);
	assert_true(match("version *1\ncapacity *1048576\n*daemon_pid *\n*",
			  f->out));
	assert_string_equal(f->err, "");

	assert_int_equal(run((const char *[]){ "-s", "/nonexistent/ioasid.sock",
					       "status", NULL },
			     NULL, f->out, f->err), 1);
	assert_string_equal(f->err, "ioasidctl: status: ECONNREFUSED: "
				    "connection refused\n");
	assert_string_equal(f->out, "");

	assert_int_equal(run((const char *[]){ "-s", s, "limit", "set", "/", "5",
					       NULL },
			     NULL, f->out, f->err), 1);
	assert_string_equal(f->err, "ioasidctl: limit set: EINVAL: invalid "
				    "argument\n");

	assert_int_equal(run((const char *[]){ "frob", NULL }, NULL, f->out,
			     f->err), 2);
	assert_true(match("ioasidctl: unknown command 'frob'\n*", f->err));
	assert_int_equal(run((const char *[]){ NULL }, NULL, f->out, f->err), 2);
	assert_int_equal(run((const char *[]){ "--bogus", "status", NULL }, NULL,
			     f->out, f->err), 2);
	assert_int_equal(run((const char *[]){ "-s", s, "status", "extra", NULL },
			     NULL, f->out, f->err), 2);
	assert_int_equal(run((const char *[]){ "-s", s, "limit", "set", "/a",
					       "lots", NULL },
			     NULL, f->out, f->err), 2);
	assert_true(match("ioasidctl: limit set: N 'lots' is not a number*",
			  f->err));
	assert_int_equal(run((const char *[]){ "--help", NULL }, NULL, f->out,
			     f->err), 0);
	assert_true(match("Usage: ioasidctl *", f->out));
}

static void test_ioasidctl_one_shot_output(void **state)
{
	struct fixture *f = *state;
	const char *s = f->d.sock;

	assert_int_equal(run((const char *[]){ "-s", s, "--json", "status", NULL },
			     NULL, f->out, f->err), 0);
	assert_true(match("{\"version\":1,\"capacity\":1048576,*,\"journal_bytes\":*}\n",
			  f->out));

	assert_int_equal(run((const char *[]){ "-s", s, "limit", "set",
					       "/machine/vm1", "7", NULL },
			     NULL, f->out, f->err), 0);
	assert_string_equal(f->out, "cgroup    /machine/vm1\nmax       7\n"
				    "current   0\nevents    0\ncapacity  0\n");
	assert_int_equal(run((const char *[]){ "-s", s, "--json", "limit", "set",
					       "/machine/vm1", "max", NULL },
			     NULL, f->out, f->err), 0);
	assert_string_equal(f->out, "{\"cgroup\":\"/machine/vm1\",\"max\":\"max\","
				    "\"current\":0,\"events\":0,\"capacity\":0}\n");
	assert_int_equal(run((const char *[]){ "-s", s, "limit", "show", NULL },
			     NULL, f->out, f->err), 0);
	assert_true(match("cgroup    /\nmax       max\n*capacity  *\n", f->out));

}

/* ---- scripted shell ---- */

static void script_run(struct fixture *f, const char *name, bool json)
{
	static char input[OUT_MAX], expected[OUT_MAX];
	static struct lines want_a, want_e, got_a, got_e;
	const char *args[] = { "-s", f->d.sock, json ? "--json" : "shell",
			       json ? "shell" : NULL, NULL };

	script_load(SCRIPT_DIR, name, input, expected);
	assert_int_equal(run(args, input, f->out, f->err), 0);
	assert_string_equal(f->err, "");
	lines_split(expected, &want_a, &want_e);
	lines_split(f->out, &got_a, &got_e);
	expect_lines(&want_a, &got_a, false);
	expect_lines(&want_e, &got_e, true);
}

static void test_ioasidctl_shell_script_plain(void **state)
{
	script_run(*state, "shell-plain.txt", false);
}

static void test_ioasidctl_shell_script_json(void **state)
{
	script_run(*state, "shell-json.txt", true);
}

/* ---- interactive shells ---- */

static void test_ioasidctl_shell_export_import(void **state)
{
	struct fixture *f = *state;
	char file[256], missing[256];
	struct shell a, b;

	snprintf(file, sizeof(file), "%s/export.sock", f->d.dir);
	snprintf(missing, sizeof(missing), "%s/none.sock", f->d.dir);
	shell_start(&a, f->d.sock);
	shell_start(&b, f->d.sock);
	assert_string_equal(shell_ask(&a, "alloc 40 50"), "ok 40");
	assert_string_equal(shell_ask(&a, "export 40 %s", file), "ok");
	/* Shell a is idle, waiting for input: it serves the import anyway. */
	assert_string_equal(shell_ask(&b, "import %s", file), "ok 40");
	assert_string_equal(shell_ask(&b, "free 40"),
			    "error EPERM: free 40: owned by another set or handle");
	assert_string_equal(shell_ask(&b, "get 40"), "ok");
	assert_string_equal(shell_ask(&b, "put 40"), "ok");
	assert_string_equal(shell_ask(&a, "free 40"), "ok");
	assert_int_equal(run((const char *[]){ "-s", f->d.sock, "list", NULL },
			     NULL, f->out, f->err), 0);
	assert_true(match("*\n40  FREE_PENDING  1 *", f->out));
	assert_string_equal(shell_ask(&b, "put 40"), "ok");
	assert_int_equal(run((const char *[]){ "-s", f->d.sock, "list", NULL },
			     NULL, f->out, f->err), 0);
	assert_false(match("*\n40 *", f->out));
	assert_true(match("error ECONNREFUSED: import */none.sock: connection "
			  "refused", shell_ask(&b, "import %s", missing)));
	assert_true(match("error ENOENT: export 40 */export.sock: no such object",
			  shell_ask(&a, "export 40 %s", file)));
	assert_string_equal(shell_ask(&a, "alloc"), "ok 1");
	assert_true(match("error EEXIST: export 1 */export.sock: already exists*",
			  shell_ask(&a, "export 1 %s", file)));
	assert_string_equal(shell_ask(&a, "quit"), "ok");
	assert_int_equal(shell_end(&a), 0);
	assert_int_not_equal(access(file, F_OK), 0); /* removed at exit */
	assert_int_equal(shell_end(&b), 0);
}

static void test_ioasidctl_shell_survives_daemon_restart(void **state)
{
	struct fixture *f = *state;
	struct shell a;

	shell_start(&a, f->d.sock);
	assert_string_equal(shell_ask(&a, "alloc"), "ok 1");
	assert_string_equal(shell_ask(&a, "alloc"), "ok 2");
	assert_string_equal(shell_ask(&a, "spid attach 2 5"), "ok");
	rawd_kill(&f->d);
	rawd_restart(&f->d, true);
	assert_string_equal(shell_ask(&a, "reclaim"), "ok 1 2");
	assert_string_equal(a.events, "event RECONNECTED ids=2\n");
	assert_true(match("ok version=1 * ids=2 *reclaimed=yes",
			  shell_ask(&a, "info")));
	assert_string_equal(shell_ask(&a, "spid find 5"), "ok 2");
	assert_string_equal(shell_ask(&a, "alloc"), "ok 3");
	assert_int_equal(shell_end(&a), 0);
}

static void test_ioasidctl_list_and_sets(void **state)
{
	struct fixture *f = *state;
	const char *s = f->d.sock;
	struct shell sh; /* holds two IDs while list and sets look */

	shell_start(&sh, s);
	assert_string_equal(shell_ask(&sh, "alloc"), "ok 1");
	assert_string_equal(shell_ask(&sh, "spid attach 1 9"), "ok");
	assert_string_equal(shell_ask(&sh, "alloc"), "ok 2");
	assert_int_equal(run((const char *[]){ "-s", s, "list", NULL }, NULL,
			     f->out, f->err), 0);
	assert_true(match("ID  STATE   REFS  SPID  SET  OWNER_PID\n"
			  "1   ACTIVE  1     9     *\n"
			  "2   ACTIVE  1     -     *\n", f->out));
	assert_int_equal(run((const char *[]){ "-s", s, "--json", "list", NULL },
			     NULL, f->out, f->err), 0);
	assert_true(match("[{\"id\":1,\"state\":\"ACTIVE\",\"refs\":1,\"spid\":9,"
			  "\"set\":*,\"owner_pid\":*},{\"id\":2,*\"spid\":null,*}]\n",
			  f->out));
	assert_int_equal(run((const char *[]){ "-s", s, "sets", NULL }, NULL,
			     f->out, f->err), 0);
	assert_true(match("SET  TYPE     QUOTA  IDS  OWNER_PID  CGROUP\n*"
			  "process  *  2    *\n*", f->out));
	assert_int_equal(run((const char *[]){ "-s", s, "--json", "sets", NULL },
			     NULL, f->out, f->err), 0);
	assert_true(match("[{\"set\":*,\"type\":\"process\",*\"ids\":2,*}]\n",
			  f->out));
	assert_int_equal(shell_end(&sh), 0);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ioasidctl_exit_statuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_one_shot_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_list_and_sets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_shell_script_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_shell_script_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_shell_export_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_shell_survives_daemon_restart, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
