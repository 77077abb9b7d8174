// SPDX-License-Identifier: MIT
/*
 * What every ioasidctl subcommand uses: reporting failures and usage
 * errors, opening the client, and parsing numbers.
 *
 * Numbers are decimal or 0x hexadecimal and nothing else; the syntax is
 * ioasid__parse_u64()'s (util/parse.h), shared with ioasidd's configuration.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "ioasidctl.h"
#include "util/parse.h"

int ioasidctl_fail(const char *what, int err)
{
	fprintf(stderr, "ioasidctl: %s: %s: %s\n", what, ioasid_errname(err),
		ioasid_strerror(err));
	return IOASIDCTL_FAILED;
}

int ioasidctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ioasidctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'ioasidctl --help'.\n", stderr);
	return IOASIDCTL_USAGE;
}

int ioasidctl_open(const struct ioasidctl_opts *o, const char *what,
		   struct ioasid_client **c)
{
	int r = ioasid_client_open(o->socket, c);

	return r < 0 ? ioasidctl_fail(what, r) : IOASIDCTL_OK;
}

int ioasidctl_parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;
	int r = ioasid__parse_u64(s, &x);

	if (r < 0)
		return r;
	if (x > UINT32_MAX)
		return -ERANGE;
	*v = (uint32_t)x;
	return 0;
}

int ioasidctl_parse_limit(const char *s, uint64_t *v)
{
	if (strcmp(s, "max") == 0) {
		*v = IOASID_CLIENT_LIMIT_MAX;
		return 0;
	}
	return ioasid__parse_u64(s, v);
}
