/* SPDX-License-Identifier: MIT */
/*
 * cli/shell_parse.h - the line parser of `ioasidctl shell`.
 *
 * One line is one command: words separated by blanks (spaces, tabs), no
 * quoting; a word starting with '#' starts a comment that runs to the end
 * of the line. A line with no words is not a command. Numbers are decimal
 * or 0x hexadecimal (ioasidctl_parse_u32). The parser only parses: it
 * checks syntax and ranges, and the one relation it can see (alloc's
 * min <= max), and leaves everything else to the daemon.
 *
 * Pure: no I/O, no allocation, so it is fuzzed (test/fuzz/client).
 */
#ifndef IOASIDCTL_SHELL_PARSE_H
#define IOASIDCTL_SHELL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest line, newline excluded. */
#define IOASIDCTL_LINE_MAX 4096
/* Longest FILE argument (a UNIX socket path), NUL included. */
#define IOASIDCTL_FILE_MAX 108

enum ioasidctl_shell_op {
	IOASIDCTL_SH_ALLOC, /* a = min, b = max (0 0: whole range) */
	IOASIDCTL_SH_FREE, /* a = id */
	IOASIDCTL_SH_GET, /* a = id */
	IOASIDCTL_SH_PUT, /* a = id */
	IOASIDCTL_SH_SPID_ATTACH, /* a = id, b = spid */
	IOASIDCTL_SH_SPID_DETACH, /* a = id */
	IOASIDCTL_SH_SPID_FIND, /* a = spid, flag = get */
	IOASIDCTL_SH_INFO,
	IOASIDCTL_SH_EXPORT, /* a = id, file */
	IOASIDCTL_SH_IMPORT, /* file */
	IOASIDCTL_SH_SUBSCRIBE, /* a = IOASID_CLIENT_SUB_* mask */
	IOASIDCTL_SH_QUOTA, /* a = pid, b = quota */
	IOASIDCTL_SH_RECLAIM,
	IOASIDCTL_SH_HELP,
	IOASIDCTL_SH_QUIT,
};

struct ioasidctl_shell_cmd {
	enum ioasidctl_shell_op op;
	uint32_t a, b;
	bool flag;
	char file[IOASIDCTL_FILE_MAX];
	/* The command as it will be named in messages ("free 7"). */
	char text[128];
};

/*
 * ioasidctl_shell_parse - parse one line (NUL-terminated, no newline).
 * Returns 0 and *cmd for a command, 1 for a blank or comment line, or
 * -EINVAL with a message in err (errlen bytes) that names what is wrong
 * ("alloc: min 5 > max 3", "free: ID 'x' is not a number").
 */
int ioasidctl_shell_parse(const char *line, struct ioasidctl_shell_cmd *cmd,
			  char *err, size_t errlen);

/* The one-line summary of the commands that `help` answers with. */
extern const char ioasidctl_shell_help[];

#endif /* IOASIDCTL_SHELL_PARSE_H */
