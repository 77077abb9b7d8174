// SPDX-License-Identifier: MIT
/*
 * Group path validation (include/ioasid/cgroup.h, "Paths").
 *
 * A path is checked as a byte string of known length so that the
 * /proc/PID/cgroup parser can validate a slice of its input in place. The
 * rules are the cgroup v2 naming rules seen from user space: names contain
 * anything but "/", NUL and newline (the kernel refuses "\n" in cgroup
 * names so that /proc/PID/cgroup stays parseable), and "." and ".." are
 * directory entries, not names.
 */
#include <string.h>

#include "cgroup/internal.h"

static int component_check(const char *name, size_t len)
{
	if (len == 0 || len > IOASID_CGROUP_NAME_MAX)
		return -EINVAL;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '\0' || name[i] == '\n')
			return -EINVAL;
	return 0;
}

int ioasid__cgroup_path_check(const char *path, size_t len)
{
	size_t start = 1;

	if (len == 0 || len >= IOASID_CGROUP_PATH_MAX || path[0] != '/')
		return -EINVAL;
	if (len == 1)
		return 0;
	for (size_t i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		if (component_check(path + start, i - start))
			return -EINVAL;
		start = i + 1;
	}
	return 0;
}

int ioasid_cgroup_path_valid(const char *path)
{
	if (!path)
		return -EINVAL;
	return ioasid__cgroup_path_check(path, strnlen(path, IOASID_CGROUP_PATH_MAX));
}
