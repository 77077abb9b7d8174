/* SPDX-License-Identifier: MIT */
/*
 * lib/client/conn.h - the socket under a client: connect, send one message
 * (with at most one descriptor), receive one message (keeping at most one
 * descriptor). No protocol knowledge.
 *
 * The peer going away, whichever way the kernel says it (EPIPE, ECONNRESET,
 * ENOTCONN, end of file), is always reported as -EPIPE so that the caller
 * has one condition to test for reconnecting.
 */
#ifndef IOASID_CLIENT_CONN_H
#define IOASID_CLIENT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * ioasid__conn_connect - a close-on-exec SOCK_SEQPACKET socket connected to
 * path. Errors: -EINVAL path too long; -ECONNREFUSED nobody listens (no
 * socket file included); -EACCES; other -errno of socket(2)/connect(2).
 */
int ioasid__conn_connect(const char *path, int *fd);

/*
 * ioasid__conn_send - send buf as one message, with send_fd as SCM_RIGHTS
 * unless it is negative. Never raises SIGPIPE.
 * Errors: -EPIPE the peer is gone (nothing was delivered); other -errno.
 */
int ioasid__conn_send(int fd, const void *buf, size_t len, int send_fd);

/*
 * ioasid__conn_recv - receive one message into buf (cap bytes); waits
 * unless nonblock. *rfd receives the first descriptor that came with it
 * (close-on-exec), or -1; any further descriptors are closed. With rfd
 * NULL the caller wants no descriptor: the message is read with recv(),
 * cheaper than recvmsg(), and the kernel closes any that came with it.
 * Returns the message length, or -EAGAIN (nonblock, nothing to read),
 * -EPIPE (the peer is gone), -EMSGSIZE (the message was longer than cap;
 * its descriptors are closed), other -errno.
 */
ssize_t ioasid__conn_recv(int fd, void *buf, size_t cap, int *rfd,
			  bool nonblock);

#endif /* IOASID_CLIENT_CONN_H */
