/* SPDX-License-Identifier: MIT */
/*
 * proc.c - this process's memory, and fresh copies of this process.
 *
 * RSS growth is only honest in a process whose heap has not been used
 * before: memory that an earlier benchmark freed would be reused without
 * growing the RSS. bench_child_run() therefore re-executes the benchmark
 * binary (fork alone would inherit the used heap) with --child, and reads
 * the one number the child prints.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define CHILD_ARGS_MAX 16

uint64_t bench_rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void build_argv(struct bench_ctx *ctx, const char *const *argv,
			 char *full[CHILD_ARGS_MAX + 4])
{
	size_t n = 0;

	full[n++] = (char *)ctx->self;
	full[n++] = (char *)"--child";
	full[n++] = (char *)ctx->module;
	for (size_t i = 0; argv[i] && i < CHILD_ARGS_MAX; i++)
		full[n++] = (char *)argv[i];
	full[n] = NULL;
}

static void exec_child(int out_fd, char **full)
{
	if (dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(127);
	execv(full[0], full);
	_exit(127);
}

/* Read the child's whole output (a number and a newline) into buf. */
static size_t read_output(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ssize_t got = read(fd, buf + len, size - 1 - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	buf[len] = '\0';
	return len;
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int parse_output(const char *buf, double *out)
{
	char *end;
	double v = strtod(buf, &end);

	if (end == buf || isnan(v))
		return -1;
	*out = v;
	return 0;
}

int bench_child_run(struct bench_ctx *ctx, const char *const *argv,
		    double *out)
{
	char *full[CHILD_ARGS_MAX + 4];
	char buf[256] = "";
	int fds[2], status, err;
	pid_t pid;

	build_argv(ctx, argv, full);
	fflush(NULL);
	if (pipe(fds)) {
		err = errno;
		goto fail;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		exec_child(fds[1], full);
	}
	if (pid < 0)
		goto close_pipe;
	close(fds[1]);
	read_output(fds[0], buf, sizeof(buf));
	close(fds[0]);
	status = wait_child(pid);
	if (status != 0 || parse_output(buf, out))
		goto fail_child;
	return 0;

close_pipe:
	err = errno;
	close(fds[0]);
	close(fds[1]);
fail:
	bench_fail(ctx, "%s --child %s: %s", ctx->self, ctx->module,
		   strerror(err));
	return -1;
fail_child:
	bench_fail(ctx, "%s --child %s %s: exit status %d, output \"%s\"",
		   ctx->self, ctx->module, argv[0] ? argv[0] : "", status,
		   buf);
	return -1;
}

double bench_child_sample(struct bench_ctx *ctx, struct bench_series *s)
{
	double value;

	if (bench_child_run(ctx, s->arg, &value))
		return NAN;
	return value;
}
