/* SPDX-License-Identifier: MIT */
/*
 * cli/ioasidctl.h - what ioasidctl's files share.
 *
 * ioasidctl is a program, not a library: its internal functions carry the
 * prefix ioasidctl_. Each subcommand is one file with one entry point of
 * type ioasidctl_cmd_fn; main.c parses the global options and picks one.
 * Exit statuses (DESIGN.md §6): IOASIDCTL_OK, IOASIDCTL_FAILED (an
 * operation failed; the errno name is printed), IOASIDCTL_USAGE.
 */
#ifndef IOASIDCTL_H
#define IOASIDCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <ioasid/client.h>

enum {
	IOASIDCTL_OK = 0,
	IOASIDCTL_FAILED = 1,
	IOASIDCTL_USAGE = 2,
};

struct ioasidctl_opts {
	const char *socket; /* NULL: the library's default path */
	bool json;
};

/* A subcommand: argv[0] is its name. Returns an exit status. */
typedef int (*ioasidctl_cmd_fn)(const struct ioasidctl_opts *o, int argc,
				char **argv);

int ioasidctl_status(const struct ioasidctl_opts *o, int argc, char **argv);
int ioasidctl_list(const struct ioasidctl_opts *o, int argc, char **argv);
int ioasidctl_sets(const struct ioasidctl_opts *o, int argc, char **argv);
int ioasidctl_limit(const struct ioasidctl_opts *o, int argc, char **argv);
int ioasidctl_shell(const struct ioasidctl_opts *o, int argc, char **argv);
int ioasidctl_groups(const struct ioasidctl_opts *o, int argc, char **argv);
int ioasidctl_devices(const struct ioasidctl_opts *o, int argc, char **argv);
int ioasidctl_host_groups(const struct ioasidctl_opts *o, int argc,
			  char **argv);

/*
 * ioasidctl_fail - print "ioasidctl: WHAT: ENAME: message" to stderr and
 * return IOASIDCTL_FAILED.
 */
int ioasidctl_fail(const char *what, int err);

/*
 * ioasidctl_usage_error - print "ioasidctl: " and the formatted message,
 * then a hint to --help, to stderr; return IOASIDCTL_USAGE.
 */
int ioasidctl_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* ioasidctl_open - open a client on o->socket, or report the failure of
 * WHAT (ioasidctl_fail) and return its status. */
int ioasidctl_open(const struct ioasidctl_opts *o, const char *what,
		   struct ioasid_client **c);

/*
 * ioasidctl_parse_u32 - a number as ioasid__parse_u64() (util/parse.h)
 * takes it: decimal or 0x hexadecimal, nothing else (no sign, no blanks,
 * no suffix). Errors: -EINVAL not a number; -ERANGE does not fit in 32
 * bits. 64-bit arguments use ioasid__parse_u64() itself.
 */
int ioasidctl_parse_u32(const char *s, uint32_t *v);

/* ioasidctl_parse_limit - a number (ioasid__parse_u64()) or "max"
 * (IOASID_CLIENT_LIMIT_MAX). */
int ioasidctl_parse_limit(const char *s, uint64_t *v);

struct ioasidctl_field;

/*
 * A listing subcommand: one table row per entry of the array the client
 * library returns (list, sets, groups, devices).
 */
struct ioasidctl_listing {
	const char *cmd; /* the subcommand, for messages */
	size_t cols; /* fields per row */
	size_t entry_size;
	/* Fetch the array (freed with ioasid_client_array_free). */
	int (*fetch)(struct ioasid_client *c, void **entries, size_t *n);
	/* Fill one row of cols fields; entry may be all zeroes. */
	void (*row_fill)(struct ioasidctl_field *row, const void *entry);
};

/*
 * ioasidctl_listing_run - the whole subcommand: check that it has no
 * argument, open a handle, fetch, print the table (plain or JSON; an empty
 * one still has its header) and return the exit status.
 */
int ioasidctl_listing_run(const struct ioasidctl_opts *o, int argc,
			  const struct ioasidctl_listing *l);

#endif /* IOASIDCTL_H */
