/* SPDX-License-Identifier: MIT */
/*
 * ioasid/error.h - the error contract.
 *
 * Every ioasid function returns 0 (or a count) on success and a negative
 * errno on failure; none of them sets errno. The errnos used and the
 * situations they stand for are DESIGN.md §4; this table gives each one its
 * name ("ENOENT") and a message.
 */
#ifndef IOASID_ERROR_H
#define IOASID_ERROR_H

#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(errno, message). The order is the order ioasidctl documents them in. */
#define IOASID_ERRNO_MAP(X)                                                   \
	X(EINVAL, "invalid argument")                                         \
	X(E2BIG, "request carries unknown non-zero bytes")                    \
	X(ENOTTY, "unknown operation")                                        \
	X(EOPNOTSUPP, "unknown flag or non-zero reserved field")              \
	X(ENOENT, "no such object")                                           \
	X(EPERM, "owned by another set or handle")                            \
	X(EACCES, "permission denied")                                        \
	X(EBUSY, "object busy or still in use")                               \
	X(ENOSPC, "no free ID or capacity left")                              \
	X(EDQUOT, "quota or resource limit reached")                          \
	X(EEXIST, "already exists or overlaps")                               \
	X(EOVERFLOW, "address range wraps")                                   \
	X(ENOMEM, "out of memory")                                            \
	X(EIO, "I/O error")                                                   \
	X(EFAULT, "bad address")                                              \
	X(EBADF, "bad file descriptor")                                       \
	X(EPIPE, "connection closed")                                         \
	X(ECONNREFUSED, "connection refused")                                 \
	X(ENODEV, "no such device")                                           \
	X(ESRCH, "no such process")                                           \
	X(EAGAIN, "try again")                                                \
	X(ETIMEDOUT, "timed out")                                             \
	X(EPROTO, "protocol error")                                           \
	X(EMSGSIZE, "message too long")                                       \
	X(ENXIO, "no such device or address")

/*
 * ioasid_strerror - message for a negative (or positive) errno.
 * Never returns NULL; unknown values give "unknown error".
 */
const char *ioasid_strerror(int err);

/*
 * ioasid_errname - symbolic name ("ENOENT") for a negative (or positive)
 * errno. Never returns NULL; unknown values give "EUNKNOWN".
 */
const char *ioasid_errname(int err);

/*
 * ioasid_errno_from_name - inverse of ioasid_errname: returns the negative
 * errno for a name such as "ENOENT", or -EINVAL if the name is unknown.
 */
int ioasid_errno_from_name(const char *name);

#ifdef __cplusplus
}
#endif
#endif /* IOASID_ERROR_H */
