// SPDX-License-Identifier: MIT
/*
 * The listening socket (see listener.h).
 *
 * A path that exists already is probed with connect(): if a daemon
 * answers, we refuse to start; if nobody does, the file is a leftover of a
 * crash and is replaced. At exit the file is unlinked only if it is still
 * the one we bound (same device and inode), so a daemon started after us
 * on the same path keeps its socket.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ioasidd.h"
#include "listener.h"
#include "log.h"
#include "session.h"

/* Connections accepted per wake-up, so handles keep their turn. */
#define LISTENER_ACCEPT_BATCH 32

static void listener_on_event(struct loop_source *src, uint32_t events)
{
	struct ioasidd *d = (struct ioasidd *)((char *)src -
					       offsetof(struct ioasidd, listener));

	for (int i = 0; i < LISTENER_ACCEPT_BATCH; i++) {
		int fd = accept4(src->fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		if (d->nr_sessions >= d->cfg.max_clients) {
			log_warn("max_clients (%u) reached: connection closed",
				 d->cfg.max_clients);
			close(fd);
			continue;
		}
		ioasid__session_accept(d, fd);
	}
}

static int address_of(const char *path, struct sockaddr_un *sa)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* stale_remove - unlink path if no daemon answers there. */
static int stale_remove(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) ? -errno : 0;
	close(fd);
	if (!ret)
		return -EADDRINUSE;
	if (ret != -ECONNREFUSED && ret != -ENOENT)
		return -EADDRINUSE; /* not a dead socket: leave it alone */
	log_info("removing stale socket %s", sa->sun_path);
	if (unlink(sa->sun_path) && errno != ENOENT)
		return -errno;
	return 0;
}

/*
 * listener_start - watch fd as d's listener. On failure d->listener is left
 * without a descriptor: fd stays the caller's to close (the daemon's
 * teardown would otherwise close it a second time).
 */
static int listener_start(struct ioasidd *d, int fd)
{
	int one = 1, ret;

	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		return -errno;
	d->listener = (struct loop_source){ .fd = fd, .fn = listener_on_event };
	ret = ioasid__loop_add(&d->loop, &d->listener, EPOLLIN);
	if (ret)
		d->listener.fd = -1;
	return ret;
}

static int bind_path(int fd, const struct sockaddr_un *sa)
{
	int ret = bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) ? -errno : 0;

	if (ret == -EADDRINUSE) {
		ret = stale_remove(sa);
		if (!ret && bind(fd, (const struct sockaddr *)sa, sizeof(*sa)))
			ret = -errno;
	}
	return ret;
}

int ioasid__listener_bind(struct ioasidd *d, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, ret;

	ret = address_of(path, &sa);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = bind_path(fd, &sa);
	if (ret)
		goto close_fd;
	if (stat(path, &st) || chmod(path, 0666) || listen(fd, SOMAXCONN)) {
		ret = -errno;
		goto unlink_path;
	}
	d->listener_dev = st.st_dev;
	d->listener_ino = st.st_ino;
	ret = listener_start(d, fd);
	if (ret)
		goto unlink_path;
	d->listener_created = true;
	return 0;
unlink_path:
	unlink(path);
close_fd:
	close(fd);
	return ret;
}

int ioasid__listener_adopt(struct ioasidd *d, int fd)
{
	int type = 0, domain = 0, listening = 0, flags;
	socklen_t len = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len))
		return -EINVAL;
	if (type != SOCK_SEQPACKET || domain != AF_UNIX || !listening)
		return -EINVAL;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC))
		return -errno;
	return listener_start(d, fd);
}

void ioasid__listener_close(struct ioasidd *d)
{
	struct stat st;

	if (d->listener.fd < 0)
		return;
	ioasid__loop_del(&d->loop, &d->listener);
	close(d->listener.fd);
	d->listener.fd = -1;
	if (d->listener_created && d->cfg.socket_path &&
	    !stat(d->cfg.socket_path, &st) && st.st_dev == d->listener_dev &&
	    st.st_ino == d->listener_ino)
		unlink(d->cfg.socket_path);
	d->listener_created = false;
}
