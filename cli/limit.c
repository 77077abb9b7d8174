// SPDX-License-Identifier: MIT
/*
 * ioasidctl limit show [CGROUP] | limit set CGROUP N|max: the resource
 * controller's view of one group (LIMIT_GET), and setting its max
 * (LIMIT_SET, admin only), after which the group is shown as it is now.
 */
#include <string.h>

#include "ioasidctl.h"
#include "output.h"

static int limit_print(const struct ioasidctl_opts *o, struct ioasid_client *c,
		       const char *what, const char *cgroup)
{
	struct ioasid_client_limit lim;
	int r = ioasid_client_limit_get(c, cgroup, &lim);

	if (r < 0)
		return ioasidctl_fail(what, r);

	const struct ioasidctl_field f[] = {
		IOASIDCTL_F_STR("cgroup", cgroup),
		IOASIDCTL_F_LIMIT("max", lim.max),
		IOASIDCTL_F_U64("current", lim.current),
		IOASIDCTL_F_U64("events", lim.events),
		IOASIDCTL_F_U64("capacity", lim.capacity),
	};
	ioasidctl_print_record(stdout, o->json, f, sizeof(f) / sizeof(f[0]));
	return IOASIDCTL_OK;
}

static int limit_show(const struct ioasidctl_opts *o, int argc, char **argv)
{
	const char *cgroup = argc > 2 ? argv[2] : "/";
	struct ioasid_client *c;
	int r;

	if (argc > 3)
		return ioasidctl_usage_error("limit show: expects [CGROUP]");
	r = ioasidctl_open(o, "limit show", &c);
	if (r)
		return r;
	r = limit_print(o, c, "limit show", cgroup);
	ioasid_client_close(c);
	return r;
}

static int limit_set(const struct ioasidctl_opts *o, int argc, char **argv)
{
	struct ioasid_client *c;
	uint64_t max;
	int r;

	if (argc != 4)
		return ioasidctl_usage_error("limit set: expects CGROUP N|max");
	if (ioasidctl_parse_limit(argv[3], &max) < 0)
		return ioasidctl_usage_error("limit set: N '%s' is not a number "
					     "(decimal or 0x hex) or max", argv[3]);
	r = ioasidctl_open(o, "limit set", &c);
	if (r)
		return r;
	r = ioasid_client_limit_set(c, argv[2], max);
	if (r < 0)
		r = ioasidctl_fail("limit set", r);
	else
		r = limit_print(o, c, "limit set", argv[2]);
	ioasid_client_close(c);
	return r;
}

int ioasidctl_limit(const struct ioasidctl_opts *o, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return limit_show(o, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "set") == 0)
		return limit_set(o, argc, argv);
	return ioasidctl_usage_error("limit: expects 'show [CGROUP]' or "
				     "'set CGROUP N|max'");
}
