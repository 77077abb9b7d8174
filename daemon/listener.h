/* SPDX-License-Identifier: MIT */
/*
 * daemon/listener.h - the SOCK_SEQPACKET listening socket: bound by the
 * daemon (refusing to steal the socket of a daemon that is still running,
 * replacing a stale one) or inherited from systemd, then accepting
 * connections as handles.
 */
#ifndef IOASIDD_LISTENER_H
#define IOASIDD_LISTENER_H

struct ioasidd;

/*
 * ioasid__listener_bind - create, bind (mode 0666) and listen on path.
 * Errors: -ENAMETOOLONG; -EADDRINUSE a daemon answers on path already;
 * -errno from socket/bind/listen.
 */
int ioasid__listener_bind(struct ioasidd *d, const char *path);

/*
 * ioasid__listener_adopt - use an inherited listening socket, which must
 * be an AF_UNIX SOCK_SEQPACKET socket in the listening state.
 * Errors: -EINVAL anything else; -errno from fcntl/setsockopt/epoll_ctl.
 * On failure fd stays the caller's (it is not closed).
 */
int ioasid__listener_adopt(struct ioasidd *d, int fd);

/* ioasid__listener_close - stop listening; unlink the file if ours. */
void ioasid__listener_close(struct ioasidd *d);

#endif /* IOASIDD_LISTENER_H */
