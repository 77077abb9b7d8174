/* SPDX-License-Identifier: MIT */
/*
 * daemon_echo.h - the peer of the daemon round trips: a SOCK_SEQPACKET
 * echo served by another process.
 *
 * floor.h's echo is served by a thread of ioasid-bench. A daemon round trip
 * wakes another process, so its peer must too: here the far end of the
 * socket pair belongs to a child process (fork()) that answers every
 * message it receives with one message of rep_len bytes, doing nothing
 * else: blocking recv() and send(), no epoll, no credentials, no decoding.
 * Both ends thus pay the same scheduler wake-ups and the same socket
 * copies as a client and ioasidd, and nothing more.
 *
 * The child is killed with SIGKILL if ioasid-bench dies (PR_SET_PDEATHSIG)
 * and exits when daemon_echo_stop() shuts the socket down. Start it before
 * opening client handles, so that it inherits none of their descriptors.
 */
#ifndef IOASID_BENCH_DAEMON_ECHO_H
#define IOASID_BENCH_DAEMON_ECHO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct daemon_echo {
	int fd; /* our end; -1 when stopped */
	pid_t pid; /* the echo process; 0 when stopped */
	size_t req_len; /* bytes we send */
	size_t rep_len; /* bytes the echo process sends back */
	char *buf; /* our buffer, max(req_len, rep_len) + 1 bytes */
};

/* A series over an echo: trips round trips per operation. */
struct daemon_echo_op {
	struct daemon_echo *echo;
	unsigned int trips;
};

/* daemon_echo_start - socket pair and echo process. 0 or -errno. */
int daemon_echo_start(struct daemon_echo *e, size_t req_len, size_t rep_len);

/*
 * daemon_echo_stop - shut our end down, reap the process, free. Returns 0,
 * or -EIO if the echo process had not exited cleanly. Accepts a zeroed e.
 */
int daemon_echo_stop(struct daemon_echo *e);

/*
 * daemon_echo_batch - iters operations of op->trips round trips each: send
 * req_len bytes, receive rep_len. Arg: struct daemon_echo_op. 0 or -errno
 * (-EPIPE if the echo process is gone or answered with another length).
 */
int daemon_echo_batch(void *op, uint64_t iters);

#endif /* IOASID_BENCH_DAEMON_ECHO_H */
