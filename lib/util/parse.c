// SPDX-License-Identifier: MIT
/*
 * Unsigned number parsing (see parse.h).
 *
 * strtoull() alone would take signs, blanks and octal, which nobody typing
 * an ID or an address means, and would report through errno. An overflow
 * is told apart from a malformed string: the rest of the string is still
 * checked, so "99999999999999999999x" is not a number at all rather than
 * a number too large.
 */
#include <errno.h>
#include <stdbool.h>

#include "util/parse.h"

/* The value of digit ch in base, or -1 if ch is no such digit. */
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

/* Whether s, possibly empty, is nothing but digits of base. */
static bool digits_only(const char *s, unsigned int base)
{
	for (; *s; s++)
		if (digit_value(*s, base) < 0)
			return false;
	return true;
}

int ioasid__parse_u64(const char *s, uint64_t *v)
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
		if (x > (UINT64_MAX - (uint64_t)d) / base)
			return digits_only(s + 1, base) ? -ERANGE : -EINVAL;
		x = x * base + (uint64_t)d;
	}
	*v = x;
	return 0;
}
