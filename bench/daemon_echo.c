/* SPDX-License-Identifier: MIT */
/*
 * daemon_echo.c - a SOCK_SEQPACKET echo in a child process (daemon_echo.h).
 *
 * The parent owns fd and buf; the child owns the other end and the reply
 * buffer it was given at fork() (its copy of the parent's memory). Stopping
 * shuts the parent's end down: the child's recv() then returns 0 and it
 * exits 0; any failure in the child exits 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_echo.h"

static size_t buf_len(const struct daemon_echo *e)
{
	return (e->req_len > e->rep_len ? e->req_len : e->rep_len) + 1;
}

/* The echo process: one reply of rep_len bytes per message. */
static __attribute__((noreturn)) void echo_serve(struct daemon_echo *e,
						 int fd, pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	for (;;) {
		ssize_t got = recv(fd, e->buf, buf_len(e), 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got == 0)
			_exit(0);
		if (got < 0)
			_exit(1);
		if (send(fd, e->buf, e->rep_len, MSG_NOSIGNAL) < 0)
			_exit(1);
	}
}

int daemon_echo_start(struct daemon_echo *e, size_t req_len, size_t rep_len)
{
	pid_t parent = getpid();
	int fds[2], err;

	*e = (struct daemon_echo){ .fd = -1, .req_len = req_len,
				   .rep_len = rep_len };
	e->buf = calloc(1, buf_len(e));
	if (!e->buf)
		return -ENOMEM;
	memset(e->buf, 0x42, buf_len(e));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		goto free_buf;
	e->pid = fork();
	if (e->pid == 0) {
		close(fds[0]);
		echo_serve(e, fds[1], parent);
	}
	if (e->pid < 0)
		goto close_sockets;
	close(fds[1]);
	e->fd = fds[0];
	return 0;

close_sockets:
	err = -errno;
	close(fds[0]);
	close(fds[1]);
	e->pid = 0;
	free(e->buf);
	e->buf = NULL;
	return err;
free_buf:
	err = -errno;
	free(e->buf);
	e->buf = NULL;
	return err;
}

int daemon_echo_stop(struct daemon_echo *e)
{
	int status = 0, err = 0;

	if (e->fd >= 0) {
		shutdown(e->fd, SHUT_RDWR);
		close(e->fd);
	}
	if (e->pid > 0) {
		while (waitpid(e->pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			err = -EIO;
	}
	free(e->buf);
	*e = (struct daemon_echo){ .fd = -1 };
	return err;
}

static int echo_round_trip(struct daemon_echo *e)
{
	ssize_t got;

	if (send(e->fd, e->buf, e->req_len, MSG_NOSIGNAL) < 0)
		return -errno;
	do
		got = recv(e->fd, e->buf, buf_len(e), 0);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	return (size_t)got == e->rep_len ? 0 : -EPIPE;
}

int daemon_echo_batch(void *op, uint64_t iters)
{
	const struct daemon_echo_op *o = op;

	for (uint64_t i = 0; i < iters; i++)
		for (unsigned int t = 0; t < o->trips; t++) {
			int err = echo_round_trip(o->echo);

			if (err)
				return err;
		}
	return 0;
}
