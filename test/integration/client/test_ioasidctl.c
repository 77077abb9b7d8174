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

#include "raw.h"

#define OUT_MAX 65536
#define LINES_MAX 256
#define IO_TIMEOUT_MS 10000

/* ---- running ioasidctl ---- */

struct proc {
	pid_t pid;
	int in, out, err; /* our ends; -1 when closed */
};

static void proc_start(struct proc *p, const char *const *args)
{
	const char *argv[16] = { IOASIDCTL_BIN };
	int pin[2], pout[2], perr[2];
	int n = 1;

	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	assert_int_equal(pipe2(pin, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pout, O_CLOEXEC), 0);
	assert_int_equal(pipe2(perr, O_CLOEXEC), 0);
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	p->in = pin[1];
	p->out = pout[0];
	p->err = perr[0];
}

static int proc_wait(struct proc *p)
{
	int status;

	if (p->in >= 0)
		close(p->in);
	assert_int_equal(waitpid(p->pid, &status, 0), p->pid);
	close(p->out);
	close(p->err);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Read stdout and stderr to their ends (bounded by IO_TIMEOUT_MS each). */
static void proc_drain(struct proc *p, char *out, char *err)
{
	size_t no = 0, ne = 0;
	struct pollfd fds[2] = { { .fd = p->out, .events = POLLIN },
				 { .fd = p->err, .events = POLLIN } };

	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		assert_true(poll(fds, 2, IO_TIMEOUT_MS) > 0);
		for (int i = 0; i < 2; i++) {
			char *buf = i ? err : out;
			size_t *len = i ? &ne : &no;
			ssize_t r;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			r = read(fds[i].fd, buf + *len, OUT_MAX - 1 - *len);
			if (r <= 0)
				fds[i].fd = -1;
			else
				*len += (size_t)r;
		}
	}
	out[no] = err[ne] = '\0';
}

/* Run ioasidctl with args and input; returns its exit status. */
static int run(const char *const *args, const char *input, char *out, char *err)
{
	struct proc p;

	proc_start(&p, args);
	if (input)
		assert_int_equal(write(p.in, input, strlen(input)),
				 (ssize_t)strlen(input));
	close(p.in);
	p.in = -1;
	proc_drain(&p, out, err);
	return proc_wait(&p);
}

/* ---- matching ---- */

/* Glob with '*' as the only special character. */
static bool match(const char *pat, const char *s)
{
	if (*pat == '\0')
		return *s == '\0';
	if (*pat == '*')
		return match(pat + 1, s) || (*s && match(pat, s + 1));
	return *pat == *s && match(pat + 1, s + 1);
}

static bool is_event(const char *line)
{
	return strncmp(line, "event ", 6) == 0 ||
	       strncmp(line, "{\"event\":", 9) == 0;
}

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

static void script_load(const char *name, char *input, char *expected)
{
	char path[512], line[1024];
	size_t ni = 0, ne = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", SCRIPT_DIR, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, "##", 2) == 0)
			continue;
		if (line[0] == '>') {
			const char *cmd = line[1] == ' ' ? line + 2 : line + 1;

			ni += (size_t)snprintf(input + ni, OUT_MAX - ni, "%s", cmd);
		} else if (line[0] != '\n') {
			ne += (size_t)snprintf(expected + ne, OUT_MAX - ne, "%s",
					       line);
		}
	}
	fclose(fp);
}

static void script_run(struct fixture *f, const char *name, bool json)
{
	static char input[OUT_MAX], expected[OUT_MAX];
	static struct lines want_a, want_e, got_a, got_e;
	const char *args[] = { "-s", f->d.sock, json ? "--json" : "shell",
			       json ? "shell" : NULL, NULL };

	script_load(name, input, expected);
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

struct shell {
	struct proc p;
	char buf[8192];
	size_t len;
	char events[4096]; /* event lines seen, joined */
};

static void shell_start(struct shell *sh, const char *sock)
{
	memset(sh, 0, sizeof(*sh));
	proc_start(&sh->p, (const char *[]){ "-s", sock, "shell", NULL });
}

/* The next output line (without its newline), waiting for it. */
static const char *shell_line(struct shell *sh)
{
	static char line[1024];
	struct pollfd p = { .fd = sh->p.out, .events = POLLIN };
	char *nl;
	ssize_t r;

	while (!(nl = memchr(sh->buf, '\n', sh->len))) {
		assert_int_equal(poll(&p, 1, IO_TIMEOUT_MS), 1);
		r = read(sh->p.out, sh->buf + sh->len, sizeof(sh->buf) - sh->len);
		assert_true(r > 0);
		sh->len += (size_t)r;
	}
	*nl = '\0';
	assert_true((size_t)(nl - sh->buf) < sizeof(line));
	memcpy(line, sh->buf, (size_t)(nl - sh->buf) + 1);
	sh->len -= (size_t)(nl + 1 - sh->buf);
	memmove(sh->buf, nl + 1, sh->len);
	return line;
}

/* Send a command; return its answer line, keeping event lines aside. */
static const char *shell_ask(struct shell *sh, const char *fmt, ...)
{
	char cmd[512];
	const char *line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	cmd[n++] = '\n';
	assert_int_equal(write(sh->p.in, cmd, (size_t)n), n);
	while (is_event(line = shell_line(sh))) {
		strncat(sh->events, line, sizeof(sh->events) - strlen(sh->events) - 2);
		strcat(sh->events, "\n");
	}
	return line;
}

static int shell_end(struct shell *sh)
{
	return proc_wait(&sh->p);
}

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
