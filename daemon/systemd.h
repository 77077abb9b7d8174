/* SPDX-License-Identifier: MIT */
/*
 * daemon/systemd.h - socket activation and readiness notification.
 */
#ifndef IOASIDD_SYSTEMD_H
#define IOASIDD_SYSTEMD_H

/*
 * ioasid__systemd_listen_fd - the one socket systemd passed (LISTEN_FDS),
 * which must be a listening AF_UNIX SOCK_SEQPACKET socket.
 * Errors: -ENOENT none passed; -EINVAL more than one, or the wrong kind;
 * -errno from sd_listen_fds().
 */
int ioasid__systemd_listen_fd(int *fdp);

/* ioasid__systemd_notify - sd_notify(state) if NOTIFY_SOCKET is set. */
void ioasid__systemd_notify(const char *state);

#endif /* IOASIDD_SYSTEMD_H */
