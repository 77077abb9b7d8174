// SPDX-License-Identifier: MIT
/*
 * What every ioasidctl subcommand uses: reporting failures and usage
 * errors, opening the client, and parsing numbers.
 *
 * Numbers are decimal or 0x hexadecimal and nothing else: strtoull alone
 * would take signs, blanks and octal, which a user typing an ID never
 * means.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "ioasidctl.h"

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

static int digit_value(char ch, unsigned int base)
{
	unsigned int d;

	if (ch >= '0' && ch <= '9')
		d = (unsigned int)(ch - '0');
	else if (ch >= 'a' && ch <= 'f')
		d = (unsigned int)(ch - 'a' + 10);
	else if (ch >= 'A' && ch <= 'F')
		d = (unsigned int)(ch - 'A' + 10);
	else
		return -1;
	return d < base ? (int)d : -1;
}

int ioasidctl_parse_u64(const char *s, uint64_t *v)
{
	unsigned int base = 10;
	uint64_t x = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = digit_value(*s, base);
		if (d < 0)
			return -EINVAL;
		if (x > (UINT64_MAX - (uint64_t)d) / base) {
			/* Finish checking the syntax: "99999999999999999999x"
			 * is not a number at all. */
			while (*++s)
				if (digit_value(*s, base) < 0)
					return -EINVAL;
			return -ERANGE;
		}
		x = x * base + (uint64_t)d;
	}
	*v = x;
	return 0;
}

int ioasidctl_parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;
	int r = ioasidctl_parse_u64(s, &x);

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
	return ioasidctl_parse_u64(s, v);
}
