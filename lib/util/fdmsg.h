/* SPDX-License-Identifier: MIT */
/*
 * A one-buffer sendmsg() message that may carry one descriptor as
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

#endif /* IOASID_UTIL_FDMSG_H */
