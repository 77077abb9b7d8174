// SPDX-License-Identifier: MIT
/*
 * The text form of a limit: "max" or a plain decimal number, as in the
 * kernel's misc.max, but decimal only (the kernel also takes 0x and
 * leading-zero octal, which would let "010" mean 8). The parser is strict
 * so that what ioasidctl accepts is exactly what it prints.
 */
#include <stdio.h>
#include <string.h>

#include <ioasid/cgroup.h>

#include "util/parse.h"

int ioasid_cgroup_limit_parse(const char *s, uint64_t *valp)
{
	uint64_t val;

	if (!s || !valp)
		return -EINVAL;
	if (strcmp(s, "max") == 0) {
		*valp = IOASID_CGROUP_MAX;
		return 0;
	}
	/* A leading zero is refused here, which also keeps out "0x". */
	if (s[0] == '0' && s[1] != '\0')
		return -EINVAL;
	if (ioasid__parse_u64(s, &val))
		return -EINVAL; /* -ERANGE included: too large is not a limit */
	*valp = val;
	return 0;
}

int ioasid_cgroup_limit_format(uint64_t val, char *buf, size_t size)
{
	char text[IOASID_CGROUP_LIMIT_STRLEN];
	int len;

	if (val == IOASID_CGROUP_MAX)
		len = snprintf(text, sizeof(text), "max");
	else
		len = snprintf(text, sizeof(text), "%llu", (unsigned long long)val);
	if (!buf || (size_t)len >= size)
		return -EINVAL;
	memcpy(buf, text, (size_t)len + 1);
	return len;
}
