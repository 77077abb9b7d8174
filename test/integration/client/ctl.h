/* SPDX-License-Identifier: MIT */
/*
 * Running ioasidctl from the integration tests: a child process with its
 * three standard descriptors on pipes, one-shot runs, '*' globbing of
 * expected lines, script files ("> LINE" is input, "##" a note, anything
 * else an expected line) and interactive shells that keep event lines
 * aside. Shared by test/integration/client and client-iommu.
 */
#ifndef IOASID_TEST_CTL_H
#define IOASID_TEST_CTL_H

#include <stdbool.h>
#include <sys/types.h>

#define OUT_MAX 65536
#define IO_TIMEOUT_MS 10000

/* The ioasidctl binary under test. */
extern const char *const ctl_bin;

struct proc {
	pid_t pid;
	int in, out, err; /* our ends; -1 when closed */
};

void proc_start(struct proc *p, const char *const *args);
int proc_wait(struct proc *p);
void proc_drain(struct proc *p, char *out, char *err);
int run(const char *const *args, const char *input, char *out, char *err);

bool match(const char *pat, const char *s);
bool is_event(const char *line);
void script_load(const char *dir, const char *name, char *input,
		 char *expected);

struct shell {
	struct proc p;
	char buf[8192];
	size_t len;
	char events[4096]; /* event lines seen, joined */
};

void shell_start(struct shell *sh, const char *sock);
const char *shell_line(struct shell *sh);
const char *shell_ask(struct shell *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int shell_end(struct shell *sh);

#endif
