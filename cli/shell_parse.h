/* SPDX-License-Identifier: MIT */
/*
 * cli/shell_parse.h - the line parser of `ioasidctl shell`.
 *
 * One line is one command: words separated by blanks (spaces, tabs), no
 * quoting; a word starting with '#' starts a comment that runs to the end
 * of the line. A line with no words is not a command. Numbers are decimal
 * or 0x hexadecimal (ioasid__parse_u64, ioasidctl_parse_u32). The parser
 * only parses: it checks syntax and ranges, and the relations it can see
 * (alloc's min <= max, read's length), and leaves everything else
 * (alignment, overlap, permissions) to the daemon.
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
	/* IOMMU: groups, containers, DMA (ioasid/client.h). */
	IOASIDCTL_SH_GROUP_CLAIM, /* a = group, flag = detach drivers */
	IOASIDCTL_SH_GROUP_RELEASE, /* a = group */
	IOASIDCTL_SH_CONTAINER_NEW, /* a = IOASID_CLIENT_CONTAINER_* */
	IOASIDCTL_SH_CONTAINER_ATTACH, /* a = container, b = group */
	IOASIDCTL_SH_CONTAINER_DETACH, /* a = container, b = group */
	IOASIDCTL_SH_CONTAINER_ATTACH_PASID, /* a = container, b = device,
					      * c = pasid */
	IOASIDCTL_SH_CONTAINER_DETACH_PASID, /* a, b, c as attach */
	IOASIDCTL_SH_CONTAINER_INFO, /* a = container */
	IOASIDCTL_SH_CONTAINER_DESTROY, /* a = container */
	IOASIDCTL_SH_MAP, /* a = container, iova, size, access, fill */
	IOASIDCTL_SH_UNMAP, /* a = container, iova, size; flag = all */
	IOASIDCTL_SH_TRANSLATE, /* a = container, iova, access */
	IOASIDCTL_SH_TRANSLATE_DEV, /* a = device, c = pasid, iova, access */
	IOASIDCTL_SH_FAULTS, /* a = container */
	IOASIDCTL_SH_READ, /* a = container, iova, size (1..DMA_BYTES_MAX) */
	IOASIDCTL_SH_WRITE, /* a = container, iova, bytes[nbytes] */
};

/* Most bytes one read or write command moves. */
#define IOASIDCTL_DMA_BYTES_MAX 1024

struct ioasidctl_shell_cmd {
	enum ioasidctl_shell_op op;
	uint32_t a, b, c;
	uint64_t iova, size;
	uint32_t access; /* IOASID_CLIENT_DMA_READ and/or _WRITE */
	int fill; /* a byte, or IOASID_CLIENT_FILL_NONE */
	unsigned char bytes[IOASIDCTL_DMA_BYTES_MAX];
	size_t nbytes;
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

/*
 * ioasidctl_shell_help - the one-line summary that `help` answers with:
 * the usage of every command, in the parser's table order, joined by
 * "; ". Written into buf (size bytes; cut to fit and NUL-terminated when
 * size > 0; buf may be NULL when size is 0). Returns the summary's whole
 * length, NUL excluded, as snprintf() does.
 */
size_t ioasidctl_shell_help(char *buf, size_t size);

#endif /* IOASIDCTL_SHELL_PARSE_H */
