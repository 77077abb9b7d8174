// SPDX-License-Identifier: MIT
/* Running ioasidctl from the integration tests (see ctl.h). */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"

const char *const ctl_bin = IOASIDCTL_BIN;

void proc_start(struct proc *p, const char *const *args)
{
	const char *argv[16] = { ctl_bin };
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

int proc_wait(struct proc *p)
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
void proc_drain(struct proc *p, char *out, char *err)
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
int run(const char *const *args, const char *input, char *out, char *err)
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

/* Glob with '*' as the only special character. */
bool match(const char *pat, const char *s)
{
	if (*pat == '\0')
		return *s == '\0';
	if (*pat == '*')
		return match(pat + 1, s) || (*s && match(pat, s + 1));
	return *pat == *s && match(pat + 1, s + 1);
}

bool is_event(const char *line)
{
	return strncmp(line, "event ", 6) == 0 ||
	       strncmp(line, "{\"event\":", 9) == 0;
}

void script_load(const char *dir, const char *name, char *input, char *expected)
{
	char path[512], line[1024];
	size_t ni = 0, ne = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
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

void shell_start(struct shell *sh, const char *sock)
{
	memset(sh, 0, sizeof(*sh));
	proc_start(&sh->p, (const char *[]){ "-s", sock, "shell", NULL });
}

/* The next output line (without its newline), waiting for it. */
const char *shell_line(struct shell *sh)
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
const char *shell_ask(struct shell *sh, const char *fmt, ...)
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

int shell_end(struct shell *sh)
{
	return proc_wait(&sh->p);
}
