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

int ioasid_cgroup_limit_parse(const char *s, uint64_t *valp)
{
	uint64_t val = 0;

	if (!s || !valp)
		return -EINVAL;
	if (strcmp(s, "max") == 0) {
		*valp = IOASID_CGROUP_MAX;
		return 0;
	}
	if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		unsigned int digit;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		digit = (unsigned int)(*p - '0');
		if (val > (UINT64_MAX - digit) / 10)
			return -EINVAL;
		val = val * 10 + digit;
	}
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
