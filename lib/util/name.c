// SPDX-License-Identifier: MIT
/*
 * Platform names (see name.h). A name is what can stand as one entry of a
 * sysfs-style directory and be typed on a configuration line: no blank,
 * no control character, no '/', and not one of the entries "." and "..".
 */
#include <errno.h>
#include <string.h>

#include "util/name.h"

/* Whether the len bytes at s form one name component. */
static int component_check(const char *s, size_t len)
{
	if (len == 0 || (len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/')
			return -EINVAL;
	return 0;
}

int ioasid__name_check(const char *s, size_t size)
{
	size_t len = strnlen(s, size);

	return len < size ? component_check(s, len) : -EINVAL;
}

int ioasid__name_path_check(const char *s, size_t size)
{
	const char *end = s + strnlen(s, size);
	const char *slash;

	if ((size_t)(end - s) >= size)
		return -EINVAL;
	for (;;) {
		slash = memchr(s, '/', (size_t)(end - s));
		if (component_check(s, (size_t)((slash ? slash : end) - s)))
			return -EINVAL;
		if (!slash)
			return 0;
		s = slash + 1;
	}
}
