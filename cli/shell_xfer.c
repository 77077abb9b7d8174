// SPDX-License-Identifier: MIT
/*
 * Handing an export descriptor from one shell to another.
 *
 * `export ID FILE` binds a UNIX SOCK_SEQPACKET socket at FILE; `import FILE`
 * in another process connects to it and receives, in one message, the ID
 * (4 bytes, for the record) and the export descriptor itself as SCM_RIGHTS.
 * The descriptor is what grants the right (DESIGN.md §1): the importing
 * process presents it to the daemon, which checks it; knowing the number
 * grants nothing. The socket file is created 0600 and the exporter also
 * checks the importer's uid (SO_PEERCRED), so only processes of the same
 * user can take a copy.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "shell.h"
#include "util/fdmsg.h"

/* How long an importer waits for the exporting shell to answer. */
#define XFER_TIMEOUT_MS 10000

static int addr_make(const char *file, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(file) >= sizeof(a->sun_path))
		return -EINVAL;
	strcpy(a->sun_path, file);
	return 0;
}

int ioasidctl_xfer_listen(const char *file, int *listener)
{
	struct sockaddr_un a;
	mode_t old;
	int s, r;

	r = addr_make(file, &a);
	if (r < 0)
		return r;
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -errno;
	old = umask(0077); /* the shell is single-threaded */
	r = bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ? -errno : 0;
	umask(old);
	if (r == 0 && listen(s, 16) < 0)
		r = -errno;
	if (r < 0) {
		close(s);
		return r == -EADDRINUSE ? -EEXIST : r;
	}
	*listener = s;
	return 0;
}

void ioasidctl_xfer_serve(int listener, int fd, ioasid_t id)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int conn;

	conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return;
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	    cred.uid == geteuid()) {
		/* A copy: the shell keeps its own. Nothing waits for an
		 * importer that does not read, and a failure is its own. */
		ioasid__fdmsg_send(conn, &id, sizeof(id), fd,
				   MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	close(conn);
}

static int recv_fd(int s, int *fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	ioasid_t id;
	struct iovec iov = { .iov_base = &id, .iov_len = sizeof(id) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);

	if (n < 0)
		return -errno;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO; /* no descriptor: the exporter refused us */
	memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 0;
}

int ioasidctl_xfer_fetch(const char *file, int *fd)
{
	struct pollfd p = { .events = POLLIN };
	struct sockaddr_un a;
	int s, r;

	r = addr_make(file, &a);
	if (r < 0)
		return r;
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		r = errno == ENOENT ? -ECONNREFUSED : -errno;
		goto close_socket;
	}
	p.fd = s;
	r = poll(&p, 1, XFER_TIMEOUT_MS);
	if (r == 0)
		r = -ETIMEDOUT;
	else if (r < 0)
		r = -errno;
	else
		r = recv_fd(s, fd);
close_socket:
	close(s);
	return r;
}
