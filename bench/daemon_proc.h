/* SPDX-License-Identifier: MIT */
/*
 * daemon_proc.h - a private ioasidd for the daemon benchmarks.
 *
 * daemon_proc_start() makes a temporary directory (under $TMPDIR, else
 * /tmp), writes a configuration file into it and starts the ioasidd binary
 * built with the benchmarks (IOASID_BENCH_IOASIDD) in the foreground on a
 * socket in that directory, its standard error going to a log file there.
 * With a journal, --state-dir is a directory inside it too (on the same
 * file system as the temporary directory: fsync figures mean nothing on a
 * tmpfs, and ioasid-bench says so when it sees one).
 *
 * The daemon is killed with SIGKILL if ioasid-bench dies (PR_SET_PDEATHSIG);
 * daemon_proc_stop() stops it with SIGTERM (SIGKILL after a grace period),
 * reaps it and removes the directory with everything in it. Every started
 * daemon must be stopped, also when a figure failed.
 */
#ifndef IOASID_BENCH_DAEMON_PROC_H
#define IOASID_BENCH_DAEMON_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sys/un.h>

struct ioasid_client;

/* The journal of a daemon: none, or one with the fsync policy named so. */
enum daemon_journal {
	DAEMON_JOURNAL_OFF = 0, /* no --state-dir */
	DAEMON_JOURNAL_BATCH, /* --state-dir, fsync = batch (the default) */
	DAEMON_JOURNAL_ALWAYS, /* --state-dir, fsync = always */
};

#define DAEMON_PROC_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

struct daemon_proc {
	pid_t pid; /* 0 when not running */
	enum daemon_journal journal;
	char dir[DAEMON_PROC_PATH_MAX]; /* the temporary directory */
	char sock[DAEMON_PROC_PATH_MAX]; /* dir/ioasidd.sock */
	char state[DAEMON_PROC_PATH_MAX]; /* dir/state, used with a journal */
	char conf[DAEMON_PROC_PATH_MAX]; /* dir/ioasidd.conf */
	char log[DAEMON_PROC_PATH_MAX]; /* dir/ioasidd.log */
	char why[256]; /* what went wrong, for bench_fail() */
};

/*
 * daemon_proc_start - make the directory and configuration (set quota
 * quota for every handle) and start the daemon. It is not yet known to
 * serve: daemon_proc_connect() waits for that. Returns 0, or -errno with
 * d->why set and nothing left behind.
 */
int daemon_proc_start(struct daemon_proc *d, enum daemon_journal journal,
		      uint32_t quota);

/*
 * daemon_proc_connect - open a handle for the calling process, waiting up
 * to timeout_ms for the daemon to serve (and failing at once if it died).
 * The handle does not reconnect: a lost daemon fails the call that meets
 * it. Returns 0 and *out, or -errno with d->why set.
 */
int daemon_proc_connect(struct daemon_proc *d, unsigned int timeout_ms,
			struct ioasid_client **out);

/*
 * daemon_proc_stop - SIGTERM, wait, SIGKILL if it is still there after a
 * grace period, reap, remove the directory. Returns 0 when the daemon was
 * running and stopped cleanly (exit 0 on SIGTERM), -EIO with d->why set if
 * it had died or exited otherwise. Accepts a daemon that never started.
 */
int daemon_proc_stop(struct daemon_proc *d);

/* daemon_proc_fs_is_tmpfs - whether d's directory lives on a tmpfs. */
bool daemon_proc_fs_is_tmpfs(const struct daemon_proc *d);

#endif /* IOASID_BENCH_DAEMON_PROC_H */
