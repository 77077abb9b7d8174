// SPDX-License-Identifier: MIT
/*
 * The client's socket: SOCK_SEQPACKET over AF_UNIX, one message per
 * request or reply, descriptors as SCM_RIGHTS (see conn.h).
 *
 * Descriptors received are close-on-exec (MSG_CMSG_CLOEXEC). A message can
 * carry several descriptors; the protocol never sends more than one, so the
 * extra ones are closed rather than leaked.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client/conn.h"
#include "util/fdmsg.h"

/* Room for a few descriptors so that a misbehaving peer cannot leak any. */
#define CONN_MAX_FDS 8

static int errno_peer_gone(int err)
{
	return err == EPIPE || err == ECONNRESET || err == ENOTCONN;
}

int ioasid__conn_connect(const char *path, int *fd)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int s, err;

	if (len == 0 || len >= sizeof(addr.sun_path))
		return -EINVAL;
	memcpy(addr.sun_path, path, len + 1);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	while (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = errno;
		if (err == EINTR)
			continue;
		close(s);
		/* No socket file and a stale one mean the same: no daemon. */
		return err == ENOENT ? -ECONNREFUSED : -err;
	}
	*fd = s;
	return 0;
}

int ioasid__conn_send(int fd, const void *buf, size_t len, int send_fd)
{
	while (ioasid__fdmsg_send(fd, buf, len, send_fd, MSG_NOSIGNAL) < 0) {
		if (errno == EINTR)
			continue;
		return errno_peer_gone(errno) ? -EPIPE : -errno;
	}
	return 0;
}

/* Keep the first descriptor of the message in *rfd and close the others. */
static void fds_take(struct msghdr *msg, int *rfd)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		size_t n, i;
		int fd;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (*rfd < 0)
				*rfd = fd;
			else
				close(fd);
		}
	}
}

/* What a failed receive (not EINTR) returns. */
static ssize_t recv_error(int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK)
		return -EAGAIN;
	return errno_peer_gone(err) ? -EPIPE : -err;
}

/*
 * A message read without a control buffer: MSG_TRUNC makes recv() return
 * its whole length, so that a longer message is still told apart.
 */
static ssize_t conn_recv_plain(int fd, void *buf, size_t cap, int flags)
{
	ssize_t n;

	while ((n = recv(fd, buf, cap, flags | MSG_TRUNC)) < 0)
		if (errno != EINTR)
			return recv_error(errno);
	if (n == 0)
		return -EPIPE; /* end of file: the daemon closed the handle */
	return (size_t)n > cap ? -EMSGSIZE : n;
}

/*
 * A message read with room for descriptors: the first is kept in *rfd, the
 * others are closed (fds_take), and all of them when the read fails.
 */
static ssize_t conn_recv_fds(int fd, void *buf, size_t cap, int *rfd,
			     int flags)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(CONN_MAX_FDS * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	ssize_t n;

	*rfd = -1;
	while ((n = recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR)
			return recv_error(errno);
	fds_take(&msg, rfd);
	if (n > 0 && !(msg.msg_flags & MSG_TRUNC))
		return n;
	if (*rfd >= 0)
		close(*rfd);
	*rfd = -1;
	/* n == 0 is end of file: the daemon closed the handle. */
	return n == 0 ? -EPIPE : -EMSGSIZE;
}

ssize_t ioasid__conn_recv(int fd, void *buf, size_t cap, int *rfd,
			  bool nonblock)
{
	int flags = nonblock ? MSG_DONTWAIT : 0;

	if (!rfd)
		return conn_recv_plain(fd, buf, cap, flags);
	return conn_recv_fds(fd, buf, cap, rfd, flags);
}
