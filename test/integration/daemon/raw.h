/* SPDX-License-Identifier: MIT */
/*
 * raw.h - a tiny raw client of the ioasidd wire protocol for the daemon's
 * integration tests, plus control of a real ioasidd process.
 *
 * It speaks include/ioasid/proto.h directly (it does not use
 * libioasid-client): tests need to send exactly the bytes they choose,
 * malformed ones included. Every helper fails the current cmocka test on a
 * transport error or a timeout (5 s), so a hung daemon fails a test
 * instead of hanging it.
 */
#ifndef IOASID_TEST_RAW_H
#define IOASID_TEST_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ioasid/proto.h>

/* A daemon under test, in its own temporary directory. */
struct rawd {
	pid_t pid;
	char dir[128]; /* temporary directory */
	char sock[192]; /* dir/ioasid.sock */
	char conf[192]; /* dir/ioasidd.conf */
	char state[192]; /* dir/state */
	char log[192]; /* dir/ioasidd.log: the daemon's stderr */
	char notify_path[192]; /* dir/notify: our NOTIFY_SOCKET */
	int notify; /* where the daemon's sd_notify() messages arrive */
	bool no_notify; /* spawn without NOTIFY_SOCKET (it may daemonize) */
};

/* rawd_bin - the ioasidd binary ($IOASIDD, else the build tree's). */
const char *rawd_bin(void);

/* rawd_init - make the directory and write config (may be NULL). */
void rawd_init(struct rawd *d, const char *config);

/* rawd_spawn - start ioasidd with extra arguments (NULL-terminated). */
void rawd_spawn(struct rawd *d, const char *const *extra);

/*
 * rawd_start - rawd_init + rawd_spawn with --foreground --socket --config
 * (and --state-dir when with_state), then wait until it accepts.
 */
void rawd_start(struct rawd *d, const char *config, bool with_state);

/* rawd_restart - start the same daemon again (same dir, config, state). */
void rawd_restart(struct rawd *d, bool with_state);

/*
 * rawd_wait_ready - wait for the daemon's READY=1 on the NOTIFY_SOCKET
 * the tests play systemd with (readiness is never probed by connecting,
 * which would open a handle for this process).
 */
void rawd_wait_ready(struct rawd *d);

/*
 * rawd_stop - SIGTERM and wait; returns the exit status (-1: signal, -2:
 * no STOPPING=1 was notified).
 */
int rawd_stop(struct rawd *d);

/* rawd_kill - SIGKILL and reap. */
void rawd_kill(struct rawd *d);

/* rawd_cleanup - stop if running, remove the directory. */
void rawd_cleanup(struct rawd *d);

/* rawd_log_contains - the daemon's stderr so far contains needle. */
bool rawd_log_contains(const struct rawd *d, const char *needle);

/* raw_connect - a new connection (handle) to the socket at path. */
int raw_connect(const char *path);

/* raw_send - send one message with an optional descriptor. */
void raw_send(int fd, const void *msg, size_t len, int fd_send);

/*
 * raw_recv - receive one message (waiting up to 5 s); returns its length,
 * 0 at end of file. *fd_recv receives a descriptor if one came (else -1).
 */
size_t raw_recv(int fd, void *buf, size_t max, int *fd_recv);

/*
 * raw_call - send a request (hdr + req of len bytes) and return the
 * reply's result. The reply's op struct (up to max bytes) goes to rep and
 * its length to *replen (both may be NULL). Events received meanwhile are
 * kept for raw_event().
 */
int raw_call(int fd, uint32_t op, const void *req, size_t len, void *rep,
	     size_t max, size_t *replen);

/* raw_call_fd - raw_call with a descriptor each way (fd_send -1: none). */
int raw_call_fd(int fd, uint32_t op, const void *req, size_t len, int fd_send,
		void *rep, size_t max, int *fd_recv);

/* raw_call_msg - send exactly msg (len bytes) and return the reply header. */
struct ioasid_reply_hdr raw_call_msg(int fd, const void *msg, size_t len);

/*
 * raw_event - the next event (kept, or received within timeout_ms); false
 * if none came. *evt gets the event's struct.
 */
bool raw_event(int fd, uint32_t *op, void *evt, size_t max, int timeout_ms);

/* Shorthands: results of the common ops. */
int raw_info(int fd, struct ioasid_rep_get_info *info);
int raw_alloc(int fd, uint32_t min, uint32_t max, uint32_t *id);
int raw_id_op(int fd, uint32_t op, uint32_t id);
int raw_status(int fd, struct ioasid_rep_status *st);
int raw_spid_attach(int fd, uint32_t id, uint32_t spid);
int raw_spid_find(int fd, uint32_t spid, uint32_t flags, uint32_t *id);
/* raw_list_entry - the LIST entry of id; false if id is not live. */
bool raw_list_entry(int fd, uint32_t id, struct ioasid_list_entry *e);

/*
 * For forked children, which must not use cmocka: raw_try() sends one
 * request and returns the reply's result, or RAW_BROKEN if the transport
 * failed, the connection closed, or no reply came in 5 s. Events are
 * skipped. rep/max as raw_call().
 */
#define RAW_BROKEN (-100000)
int raw_try(int fd, uint32_t op, const void *req, size_t len, void *rep,
	    size_t max);
/* raw_try_fd - raw_try sending a descriptor with the request (-1: none). */
int raw_try_fd(int fd, uint32_t op, const void *req, size_t len, int fd_send,
	       void *rep, size_t max);
int raw_try_alloc(int fd, uint32_t *id);
/* raw_try_connect - a connection, or -1. */
int raw_try_connect(const char *path);
int raw_try_id_op(int fd, uint32_t op, uint32_t id);

/*
 * Forked helpers: child_spawn() runs fn(arg) in a child whose exit status
 * is fn's return value; child_wait() reaps it and returns that status (or
 * -1 if it died of a signal). A socketpair carries u32 values between the
 * two (sync_put/sync_get; sync_get returns UINT32_MAX on EOF or after 5 s).
 */
pid_t child_spawn(int (*fn)(void *arg), void *arg);
int child_wait(pid_t pid);
void sync_pair(int sv[2]);
void sync_put(int fd, uint32_t v);
uint32_t sync_get(int fd);

/*
 * wait_until - poll cond(arg) every 2 ms until it holds (true) or 5 s
 * pass (false). For effects the daemon applies asynchronously, such as the
 * release of a handle whose peer closed.
 */
bool wait_until(bool (*cond)(void *arg), void *arg);

/* raw_seq - a fresh non-zero sequence number. */
uint64_t raw_seq(void);

#endif /* IOASID_TEST_RAW_H */
