/* SPDX-License-Identifier: MIT */
/*
 * A one-buffer message that may carry one descriptor as
 * SCM_RIGHTS: requests of libioasid-client, replies of ioasidd, and the
 * shells and tests that play either side. Header-only, so that the
 * daemon, both libraries, ioasidctl and the tests share it without a link
 * dependency.
 */
#ifndef IOASID_UTIL_FDMSG_H
#define IOASID_UTIL_FDMSG_H

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

struct ioasid__fdmsg {
	struct iovec iov;
	struct msghdr msg;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
};

/*
 * Point m's message at buf[0, len) and, when fd >= 0, attach fd. Returns
 * the message to pass to sendmsg(); it points into m, so m must stay where
 * it is until then.
 */
static inline struct msghdr *ioasid__fdmsg_init(struct ioasid__fdmsg *m,
						const void *buf, size_t len,
						int fd)
{
	struct cmsghdr *cm;

	memset(m, 0, sizeof(*m));
	m->iov.iov_base = (void *)buf;
	m->iov.iov_len = len;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	if (fd < 0)
		return &m->msg;
	m->msg.msg_control = m->ctl.buf;
	m->msg.msg_controllen = sizeof(m->ctl.buf);
	cm = CMSG_FIRSTHDR(&m->msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return &m->msg;
}

/*
 * Send buf[0, len) on sock, with fd attached when fd >= 0. Without a
 * descriptor it is send(): the kernel then copies no msghdr and iovec
 * from user memory, which is most of what a small message's sendmsg()
 * costs beyond send() (one request or reply per round trip). Returns
 * what send()/sendmsg() return; errno as they leave it.
 */
static inline ssize_t ioasid__fdmsg_send(int sock, const void *buf,
					 size_t len, int fd, int flags)
{
	struct ioasid__fdmsg m;

	if (fd < 0)
		return send(sock, buf, len, flags);
	return sendmsg(sock, ioasid__fdmsg_init(&m, buf, len, fd), flags);
}

#endif /* IOASID_UTIL_FDMSG_H */
