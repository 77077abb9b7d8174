// SPDX-License-Identifier: MIT
/* The raw protocol client and daemon control of the tests (see raw.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "raw.h"
#include "util/fdmsg.h"

#define RAW_TIMEOUT_MS 5000
#define RAW_READY_MS 20000
#define RAW_STASH 256

const char *rawd_bin(void)
{
	const char *env = getenv("IOASIDD");

	return env && *env ? env : IOASIDD_BIN;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void log_dump(const struct rawd *d);

static void notify_open(struct rawd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(d->notify_path, sizeof(d->notify_path), "%s/notify", d->dir);
	strcpy(sa.sun_path, d->notify_path);
	d->notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(d->notify >= 0);
	assert_int_equal(bind(d->notify, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

/* notify_wait - wait for a notification containing what; false on EOF/exit. */
static bool notify_wait(struct rawd *d, const char *what, int timeout_ms)
{
	char buf[512];

	for (int waited = 0; waited < timeout_ms; waited += 10) {
		struct pollfd p = { .fd = d->notify, .events = POLLIN };
		int status;

		if (poll(&p, 1, 10) == 1) {
			ssize_t n = recv(d->notify, buf, sizeof(buf) - 1, 0);

			if (n > 0) {
				buf[n] = '\0';
				if (strstr(buf, what))
					return true;
			}
			continue;
		}
		if (d->pid > 0 && waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			log_dump(d);
			fail_msg("ioasidd exited (status %d) before %s", status,
				 what);
		}
	}
	return false;
}

void rawd_init(struct rawd *d, const char *config)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->dir, "/tmp/ioasidd-test.XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	snprintf(d->sock, sizeof(d->sock), "%s/ioasid.sock", d->dir);
	snprintf(d->conf, sizeof(d->conf), "%s/ioasidd.conf", d->dir);
	snprintf(d->state, sizeof(d->state), "%s/state", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/ioasidd.log", d->dir);
	assert_int_equal(mkdir(d->state, 0700), 0);
	write_file(d->conf, config ? config : "");
	notify_open(d);
}

void rawd_spawn(struct rawd *d, const char *const *extra)
{
	const char *argv[32] = { rawd_bin() };
	int n = 1;

	for (; extra && *extra && n < 31; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	d->pid = fork();
	assert_true(d->pid >= 0);
	if (d->pid == 0) {
		int fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		/* Never outlive the test, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!d->no_notify)
			setenv("NOTIFY_SOCKET", d->notify_path, 1);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
}

static void log_dump(const struct rawd *d)
{
	char buf[4096];
	FILE *f = fopen(d->log, "r");
	size_t n;

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	print_message("ioasidd log:\n%s\n", buf);
}

void rawd_wait_ready(struct rawd *d)
{
	if (notify_wait(d, "READY=1", RAW_READY_MS))
		return;
	log_dump(d);
	fail_msg("ioasidd did not become ready");
}

void rawd_restart(struct rawd *d, bool with_state)
{
	const char *args[] = { "--foreground", "--socket", d->sock, "--config",
			       d->conf, with_state ? "--state-dir" : NULL,
			       d->state, NULL };

	rawd_spawn(d, args);
	rawd_wait_ready(d);
}

void rawd_start(struct rawd *d, const char *config, bool with_state)
{
	rawd_init(d, config);
	rawd_restart(d, with_state);
}

int rawd_stop(struct rawd *d)
{
	int status;

	bool stopping;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	stopping = notify_wait(d, "STOPPING=1", RAW_TIMEOUT_MS);
	assert_int_equal(waitpid(d->pid, &status, 0), d->pid);
	d->pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		log_dump(d);
	if (!WIFEXITED(status))
		return -1;
	return stopping ? WEXITSTATUS(status) : -2;
}

void rawd_kill(struct rawd *d)
{
	if (d->pid <= 0)
		return;
	kill(d->pid, SIGKILL);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
}

void rawd_cleanup(struct rawd *d)
{
	char cmd[256];

	rawd_kill(d);
	if (!d->dir[0])
		return;
	close(d->notify);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
	if (system(cmd))
		print_message("could not remove %s\n", d->dir);
	d->dir[0] = '\0';
}

bool rawd_log_contains(const struct rawd *d, const char *needle)
{
	static char buf[1 << 16];
	FILE *f = fopen(d->log, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

int raw_connect(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	assert_true(fd >= 0);
	strcpy(sa.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

uint64_t raw_seq(void)
{
	static uint64_t seq;

	return ++seq;
}

void raw_send(int fd, const void *msg, size_t len, int fd_send)
{
	assert_int_equal(ioasid__fdmsg_send(fd, msg, len, fd_send, MSG_NOSIGNAL),
			 (ssize_t)len);
}

size_t raw_recv(int fd, void *buf, size_t max, int *fd_recv)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { buf, max };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (fd_recv)
		*fd_recv = -1;
	if (poll(&p, 1, RAW_TIMEOUT_MS) != 1)
		fail_msg("no reply from ioasidd within %d ms", RAW_TIMEOUT_MS);
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0 && errno == ECONNRESET)
		return 0;
	assert_true(n >= 0);
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
	     cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int got;

			memcpy(&got, CMSG_DATA(cm), sizeof(got));
			if (fd_recv && *fd_recv < 0)
				*fd_recv = got;
			else
				close(got);
		}
	}
	return (size_t)n;
}

/* Events that arrived while a call waited for its reply. */
static struct {
	int fd;
	uint32_t op;
	size_t len;
	uint8_t body[64];
} stash[RAW_STASH];
static unsigned int stash_count;

static void stash_event(int fd, const uint8_t *msg, size_t len)
{
	const struct ioasid_reply_hdr *hdr = (const void *)msg;

	if (stash_count == RAW_STASH)
		fail_msg("too many unread events");
	stash[stash_count].fd = fd;
	stash[stash_count].op = hdr->op;
	stash[stash_count].len = len - sizeof(*hdr);
	memcpy(stash[stash_count].body, msg + sizeof(*hdr),
	       len - sizeof(*hdr) < 64 ? len - sizeof(*hdr) : 64);
	stash_count++;
}

/* recv_reply - the reply to seq; events on the way are stashed. */
static size_t recv_reply(int fd, uint64_t seq, uint8_t *buf, size_t max,
			 int *fd_recv)
{
	for (;;) {
		size_t n = raw_recv(fd, buf, max, fd_recv);
		const struct ioasid_reply_hdr *hdr = (const void *)buf;

		if (n == 0)
			fail_msg("ioasidd closed the connection");
		assert_true(n >= sizeof(*hdr));
		assert_int_equal(hdr->size, n);
		if (hdr->seq == 0 && hdr->op >= 0x8000) {
			stash_event(fd, buf, n);
			continue;
		}
		assert_int_equal(hdr->seq, seq);
		return n;
	}
}

int raw_call_fd(int fd, uint32_t op, const void *req, size_t len, int fd_send,
		void *rep, size_t max, int *fd_recv)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_msg_hdr hdr = { (uint32_t)(sizeof(hdr) + len), op,
				      raw_seq() };
	const struct ioasid_reply_hdr *rh = (const void *)buf;
	size_t n;

	assert_true(sizeof(hdr) + len <= sizeof(buf));
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), req, len);
	raw_send(fd, buf, sizeof(hdr) + len, fd_send);
	n = recv_reply(fd, hdr.seq, buf, sizeof(buf), fd_recv);
	assert_int_equal(rh->op, op);
	assert_int_equal(rh->__rsvd, 0);
	if (rh->result)
		assert_int_equal(n, sizeof(*rh)); /* failures carry no struct */
	if (rep)
		memcpy(rep, buf + sizeof(*rh),
		       n - sizeof(*rh) < max ? n - sizeof(*rh) : max);
	return rh->result;
}

int raw_call(int fd, uint32_t op, const void *req, size_t len, void *rep,
	     size_t max, size_t *replen)
{
	static uint8_t out[IOASID_MSG_MAX];
	int got = -1, ret;
	uint32_t size = 0;

	ret = raw_call_fd(fd, op, req, len, -1, out, sizeof(out), &got);
	if (got >= 0)
		close(got);
	if (!ret)
		memcpy(&size, out, sizeof(size)); /* the reply struct's size */
	if (rep)
		memcpy(rep, out, size < max ? size : max);
	if (replen)
		*replen = size;
	return ret;
}

struct ioasid_reply_hdr raw_call_msg(int fd, const void *msg, size_t len)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_reply_hdr rep;
	uint64_t seq = 0;
	size_t n;

	if (len >= sizeof(struct ioasid_msg_hdr))
		seq = ((const struct ioasid_msg_hdr *)msg)->seq;
	raw_send(fd, msg, len, -1);
	n = recv_reply(fd, seq, buf, sizeof(buf), NULL);
	assert_true(n >= sizeof(rep));
	memcpy(&rep, buf, sizeof(rep));
	return rep;
}

bool raw_event(int fd, uint32_t *op, void *evt, size_t max, int timeout_ms)
{
	uint8_t buf[256];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (unsigned int i = 0; i < stash_count; i++) {
		if (stash[i].fd != fd)
			continue;
		*op = stash[i].op;
		memcpy(evt, stash[i].body, stash[i].len < max ? stash[i].len : max);
		memmove(&stash[i], &stash[i + 1],
			(stash_count - i - 1) * sizeof(stash[0]));
		stash_count--;
		return true;
	}
	if (poll(&p, 1, timeout_ms) != 1)
		return false;
	size_t n = raw_recv(fd, buf, sizeof(buf), NULL);
	const struct ioasid_reply_hdr *hdr = (const void *)buf;

	if (n < sizeof(*hdr))
		return false;
	assert_int_equal(hdr->seq, 0);
	*op = hdr->op;
	memcpy(evt, buf + sizeof(*hdr),
	       n - sizeof(*hdr) < max ? n - sizeof(*hdr) : max);
	return true;
}

int raw_info(int fd, struct ioasid_rep_get_info *info)
{
	struct ioasid_req_empty req = { sizeof(req), 0 };

	return raw_call(fd, IOASID_OP_GET_INFO, &req, sizeof(req), info,
			sizeof(*info), NULL);
}

int raw_alloc(int fd, uint32_t min, uint32_t max, uint32_t *id)
{
	struct ioasid_req_alloc req = { sizeof(req), 0, min, max };
	struct ioasid_rep_id rep = { 0 };
	int ret = raw_call(fd, IOASID_OP_ALLOC, &req, sizeof(req), &rep,
			   sizeof(rep), NULL);

	if (!ret) {
		assert_int_equal(rep.size, sizeof(rep));
		*id = rep.id;
	}
	return ret;
}

int raw_id_op(int fd, uint32_t op, uint32_t id)
{
	struct ioasid_req_id req = { sizeof(req), 0, id, 0 };

	return raw_call(fd, op, &req, sizeof(req), NULL, 0, NULL);
}

int raw_status(int fd, struct ioasid_rep_status *st)
{
	struct ioasid_req_empty req = { sizeof(req), 0 };

	return raw_call(fd, IOASID_OP_STATUS, &req, sizeof(req), st,
			sizeof(*st), NULL);
}

int raw_spid_attach(int fd, uint32_t id, uint32_t spid)
{
	struct ioasid_req_attach_spid req = { sizeof(req), 0, id, spid };

	return raw_call(fd, IOASID_OP_ATTACH_SPID, &req, sizeof(req), NULL, 0,
			NULL);
}

int raw_spid_find(int fd, uint32_t spid, uint32_t flags, uint32_t *id)
{
	struct ioasid_req_find_spid req = { sizeof(req), flags, spid, 0 };
	struct ioasid_rep_id rep = { 0 };
	int ret = raw_call(fd, IOASID_OP_FIND_SPID, &req, sizeof(req), &rep,
			   sizeof(rep), NULL);

	if (!ret)
		*id = rep.id;
	return ret;
}

bool raw_list_entry(int fd, uint32_t id, struct ioasid_list_entry *e)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_req_page req = { sizeof(req), 0, id, 1, 0 };
	struct ioasid_rep_page page;

	assert_int_equal(raw_call(fd, IOASID_OP_LIST, &req, sizeof(req), buf,
				  sizeof(buf), NULL), 0);
	memcpy(&page, buf, sizeof(page));
	if (page.count != 1)
		return false;
	memcpy(e, buf + sizeof(page), sizeof(*e));
	return e->id == id;
}

int raw_try_fd(int fd, uint32_t op, const void *req, size_t len, int fd_send,
	       void *rep, size_t max)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_msg_hdr hdr = { (uint32_t)(sizeof(hdr) + len), op,
				      raw_seq() };
	struct ioasid_reply_hdr rh;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (sizeof(hdr) + len > sizeof(buf))
		return RAW_BROKEN;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), req, len);
	if (ioasid__fdmsg_send(fd, buf, sizeof(hdr) + len, fd_send,
			       MSG_NOSIGNAL) < 0)
		return RAW_BROKEN;
	for (;;) {
		ssize_t n;

		if (poll(&p, 1, RAW_TIMEOUT_MS) != 1)
			return RAW_BROKEN;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(rh))
			return RAW_BROKEN;
		memcpy(&rh, buf, sizeof(rh));
		if (rh.seq == hdr.seq)
			break;
		if (rh.seq != 0)
			return RAW_BROKEN;
	}
	if (rep && !rh.result)
		memcpy(rep, buf + sizeof(rh),
		       rh.size - sizeof(rh) < max ? rh.size - sizeof(rh) : max);
	return rh.result;
}

int raw_try(int fd, uint32_t op, const void *req, size_t len, void *rep,
	    size_t max)
{
	return raw_try_fd(fd, op, req, len, -1, rep, max);
}

int raw_try_alloc(int fd, uint32_t *id)
{
	struct ioasid_req_alloc req = { sizeof(req), 0, 0, 0 };
	struct ioasid_rep_id rep = { 0 };
	int ret = raw_try(fd, IOASID_OP_ALLOC, &req, sizeof(req), &rep,
			  sizeof(rep));

	*id = rep.id;
	return ret;
}

int raw_try_id_op(int fd, uint32_t op, uint32_t id)
{
	struct ioasid_req_id req = { sizeof(req), 0, id, 0 };

	return raw_try(fd, op, &req, sizeof(req), NULL, 0);
}

int raw_try_connect(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (fd < 0)
		return -1;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

pid_t child_spawn(int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

int child_wait(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void sync_pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv),
			 0);
}

void sync_put(int fd, uint32_t v)
{
	if (send(fd, &v, sizeof(v), MSG_NOSIGNAL) != sizeof(v))
		v = 0; /* the peer is gone; its sync_get reports it */
}

uint32_t sync_get(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t v;

	if (poll(&p, 1, RAW_TIMEOUT_MS) != 1 ||
	    recv(fd, &v, sizeof(v), 0) != sizeof(v))
		return UINT32_MAX;
	return v;
}

bool wait_until(bool (*cond)(void *arg), void *arg)
{
	for (int ms = 0; ms < RAW_TIMEOUT_MS; ms += 2) {
		if (cond(arg))
			return true;
		usleep(2000);
	}
	return cond(arg);
}
