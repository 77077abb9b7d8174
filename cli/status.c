// SPDX-License-Identifier: MIT
/* ioasidctl status: the daemon's status (STATUS) as a record. */
#include "ioasidctl.h"
#include "output.h"

int ioasidctl_status(const struct ioasidctl_opts *o, int argc, char **argv)
{
	struct ioasid_client_status st;
	struct ioasid_client *c;
	int r;

	(void)argv;
	if (argc != 1)
		return ioasidctl_usage_error("status: takes no argument");
	r = ioasidctl_open(o, "status", &c);
	if (r)
		return r;
	r = ioasid_client_status(c, &st);
	ioasid_client_close(c);
	if (r < 0)
		return ioasidctl_fail("status", r);

	const struct ioasidctl_field f[] = {
		IOASIDCTL_F_U64("version", st.version),
		IOASIDCTL_F_U64("capacity", st.capacity),
		IOASIDCTL_F_U64("available", st.available),
		IOASIDCTL_F_U64("sets", st.nr_sets),
		IOASIDCTL_F_U64("ids", st.nr_ids),
		IOASIDCTL_F_U64("handles", st.nr_handles),
		IOASIDCTL_F_U64("daemon_pid", st.daemon_pid),
		IOASIDCTL_F_U64("uptime_ms", st.uptime_ms),
		IOASIDCTL_F_U64("journal_bytes", st.journal_bytes),
	};
	ioasidctl_print_record(stdout, o->json, f, sizeof(f) / sizeof(f[0]));
	return IOASIDCTL_OK;
}
