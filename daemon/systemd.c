// SPDX-License-Identifier: MIT
/* systemd integration through libsystemd (see systemd.h). */
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "systemd.h"

int ioasid__systemd_listen_fd(int *fdp)
{
	/* unset_environment: children must not see our LISTEN_* variables. */
	int n = sd_listen_fds(1);

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	if (n > 1) {
		log_err("systemd passed %d sockets; expected one", n);
		return -EINVAL;
	}
	if (sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_SEQPACKET, 1, NULL, 0) <= 0) {
		log_err("the socket systemd passed is not a listening "
			"SOCK_SEQPACKET unix socket");
		return -EINVAL;
	}
	*fdp = SD_LISTEN_FDS_START;
	return 0;
}

void ioasid__systemd_notify(const char *state)
{
	int ret = sd_notify(0, state);

	if (ret < 0)
		log_warn("sd_notify(%s): %d", state, ret);
}
