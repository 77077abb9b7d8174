/* SPDX-License-Identifier: MIT */
/*
 * daemon_proc.c - start, reach and stop a private ioasidd (daemon_proc.h).
 *
 * The daemon runs with --foreground so that the pid fork() returned is the
 * daemon itself: no pid file, no detaching launcher. Everything the child
 * needs between fork() and execve() (the argument vector, the environment
 * without systemd's NOTIFY_SOCKET and LISTEN_* variables, the log and
 * /dev/null descriptors) is prepared before the fork, so the child only
 * makes async-signal-safe calls. Readiness is the first successful
 * ioasid_client_open(): the daemon creates its socket before it serves, so
 * a refused or missing socket means "not yet", unless the daemon has died,
 * which is checked on every try.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ioasid/client.h>

#include "bench.h"
#include "daemon_proc.h"

#ifndef IOASID_BENCH_IOASIDD
#define IOASID_BENCH_IOASIDD "" /* ioasidd is not built (no libsystemd) */
#endif

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

#define STOP_GRACE_MS 3000
#define POLL_MS 2

extern char **environ;

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* snprintf into a path buffer; -ENAMETOOLONG if it does not fit. */
static int path_join(char *buf, const char *dir, const char *name)
{
	int n = snprintf(buf, DAEMON_PROC_PATH_MAX, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= DAEMON_PROC_PATH_MAX ? -ENAMETOOLONG : 0;
}

/* ------------------------------------------------------------------------
 * The directory
 */

static const char *tmp_base(void)
{
	const char *t = getenv("TMPDIR");

	return t && t[0] == '/' && strlen(t) < 64 ? t : "/tmp";
}

static int dir_make(struct daemon_proc *d)
{
	int n = snprintf(d->dir, sizeof(d->dir), "%s/ioasid-bench-d.XXXXXX",
			 tmp_base());

	if (n < 0 || (size_t)n >= sizeof(d->dir))
		return -ENAMETOOLONG;
	if (!mkdtemp(d->dir))
		return -errno;
	if (path_join(d->sock, d->dir, "ioasidd.sock") ||
	    path_join(d->state, d->dir, "state") ||
	    path_join(d->conf, d->dir, "ioasidd.conf") ||
	    path_join(d->log, d->dir, "ioasidd.log"))
		return -ENAMETOOLONG;
	if (d->journal != DAEMON_JOURNAL_OFF && mkdir(d->state, 0700) < 0)
		return -errno;
	return 0;
}

/* Remove the regular files (and sockets) of dir, then dir. */
static void dir_remove_flat(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;

	if (!dp)
		return;
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			(void)unlinkat(dirfd(dp), de->d_name, 0);
	closedir(dp);
	(void)rmdir(dir);
}

static void dir_remove(struct daemon_proc *d)
{
	if (!d->dir[0])
		return;
	if (d->state[0])
		dir_remove_flat(d->state);
	dir_remove_flat(d->dir);
	d->dir[0] = '\0';
}

/*
 * The configuration: the quota of every handle and, for the per-operation
 * sync figure, fsync = always. The batch journal keeps the daemon's default
 * policy by saying nothing about it.
 */
static int conf_write(const struct daemon_proc *d, uint32_t quota)
{
	FILE *f = fopen(d->conf, "we");
	int err = 0;

	if (!f)
		return -errno;
	fprintf(f, "# written by ioasid-bench (bench/daemon_proc.c)\n");
	fprintf(f, "quota = %u\n", quota);
	if (d->journal == DAEMON_JOURNAL_ALWAYS)
		fprintf(f, "fsync = always\n");
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* The last lines of the daemon's log, for a failure message. */
static void why_from_log(struct daemon_proc *d, const char *what)
{
	char tail[160] = "";
	int fd = open(d->log, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		off_t end = lseek(fd, 0, SEEK_END);
		off_t from = end > (off_t)sizeof(tail) - 1 ?
				     end - (off_t)sizeof(tail) + 1 : 0;
		ssize_t n = pread(fd, tail, sizeof(tail) - 1, from);

		tail[n > 0 ? n : 0] = '\0';
		close(fd);
		for (char *p = tail; *p; p++)
			if (*p == '\n')
				*p = ' ';
	}
	snprintf(d->why, sizeof(d->why), "ioasidd %s; log: %s", what,
		 tail[0] ? tail : "(empty)");
}

/* ------------------------------------------------------------------------
 * Starting
 */

/* What the child needs, prepared before fork(). */
struct spawn {
	const char *argv[12];
	char **envp;
	int log_fd;
	int null_fd;
	pid_t parent;
};

static bool env_is_systemd(const char *kv)
{
	return !strncmp(kv, "NOTIFY_SOCKET=", 14) ||
	       !strncmp(kv, "LISTEN_", 7) || !strncmp(kv, "WATCHDOG_", 9);
}

/* environ without the variables that would make ioasidd talk to systemd. */
static char **env_filtered(void)
{
	size_t n = 0, k = 0;
	char **envp;

	while (environ[n])
		n++;
	envp = calloc(n + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!env_is_systemd(environ[i]))
			envp[k++] = environ[i];
	return envp;
}

static void spawn_argv(struct spawn *sp, const struct daemon_proc *d)
{
	size_t i = 0;

	sp->argv[i++] = "ioasidd";
	sp->argv[i++] = "--foreground";
	sp->argv[i++] = "--socket";
	sp->argv[i++] = d->sock;
	sp->argv[i++] = "--config";
	sp->argv[i++] = d->conf;
	if (d->journal != DAEMON_JOURNAL_OFF) {
		sp->argv[i++] = "--state-dir";
		sp->argv[i++] = d->state;
	}
	sp->argv[i] = NULL;
}

static int spawn_prepare(struct spawn *sp, const struct daemon_proc *d)
{
	spawn_argv(sp, d);
	sp->parent = getpid();
	sp->envp = env_filtered();
	if (!sp->envp)
		return -ENOMEM;
	sp->log_fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
	if (sp->log_fd < 0)
		goto free_env;
	sp->null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (sp->null_fd < 0)
		goto close_log;
	return 0;

close_log:
	close(sp->log_fd);
free_env:
	free(sp->envp);
	return -errno;
}

static void spawn_release(struct spawn *sp)
{
	close(sp->null_fd);
	close(sp->log_fd);
	free(sp->envp);
}

/* In the child: async-signal-safe calls only. Never returns. */
static __attribute__((noreturn)) void spawn_exec(const struct spawn *sp)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* The daemon must not outlive ioasid-bench, even if it crashes. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != sp->parent)
		_exit(127);
	if (dup2(sp->null_fd, 0) < 0 || dup2(sp->log_fd, 1) < 0 ||
	    dup2(sp->log_fd, 2) < 0)
		_exit(127);
	execve(IOASID_BENCH_IOASIDD, (char *const *)sp->argv, sp->envp);
	_exit(127);
}

static int daemon_spawn(struct daemon_proc *d)
{
	struct spawn sp;
	int err = spawn_prepare(&sp, d);

	if (err)
		return err;
	d->pid = fork();
	if (d->pid == 0)
		spawn_exec(&sp);
	err = d->pid < 0 ? -errno : 0;
	if (d->pid < 0)
		d->pid = 0;
	spawn_release(&sp);
	return err;
}

int daemon_proc_start(struct daemon_proc *d, enum daemon_journal journal,
		      uint32_t quota)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->journal = journal;
	if (!IOASID_BENCH_IOASIDD[0]) {
		snprintf(d->why, sizeof(d->why),
			 "ioasidd was not built (libsystemd missing)");
		return -ENOENT;
	}
	err = dir_make(d);
	if (!err)
		err = conf_write(d, quota);
	if (!err)
		err = daemon_spawn(d);
	if (err) {
		snprintf(d->why, sizeof(d->why), "starting ioasidd in %s: %s",
			 d->dir[0] ? d->dir : tmp_base(), strerror(-err));
		dir_remove(d);
	}
	return err;
}

/* ------------------------------------------------------------------------
 * Reaching and stopping
 */

/* Reap the daemon if it has exited; true if it has (status in *status). */
static bool daemon_reaped(struct daemon_proc *d, int *status, bool wait)
{
	pid_t r;

	do
		r = waitpid(d->pid, status, wait ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r != d->pid)
		return false;
	d->pid = 0;
	return true;
}

static void why_status(struct daemon_proc *d, int status)
{
	char what[64];

	if (WIFEXITED(status))
		snprintf(what, sizeof(what), "exited with status %d",
			 WEXITSTATUS(status));
	else
		snprintf(what, sizeof(what), "was killed by signal %d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	why_from_log(d, what);
}

int daemon_proc_connect(struct daemon_proc *d, unsigned int timeout_ms,
			struct ioasid_client **out)
{
	uint64_t deadline = bench_now_ns() + (uint64_t)timeout_ms * 1000000;
	int status, err;

	for (;;) {
		err = ioasid_client_open(d->sock, out);
		if (err == 0) {
			err = ioasid_client_reconnect_set(*out, 0, 0, 0);
			if (err == 0)
				return 0;
			ioasid_client_close(*out); /* not handed out after all */
			*out = NULL;
			break;
		}
		if (err != -ECONNREFUSED && err != -ENOENT)
			break;
		if (d->pid && daemon_reaped(d, &status, false)) {
			why_status(d, status);
			return -ESRCH;
		}
		if (!d->pid || bench_now_ns() > deadline)
			break;
		sleep_ms(POLL_MS);
	}
	snprintf(d->why, sizeof(d->why), "connecting to ioasidd at %s: %s",
		 d->sock, strerror(-err));
	return err;
}

/* SIGTERM, then SIGKILL after the grace period. */
static int daemon_terminate(struct daemon_proc *d)
{
	int status = 0;

	kill(d->pid, SIGTERM);
	for (unsigned int ms = 0; ms < STOP_GRACE_MS; ms += POLL_MS) {
		if (daemon_reaped(d, &status, false))
			return status;
		sleep_ms(POLL_MS);
	}
	kill(d->pid, SIGKILL);
	daemon_reaped(d, &status, true);
	return status;
}

int daemon_proc_stop(struct daemon_proc *d)
{
	int err = 0;

	if (d->pid) {
		int status = daemon_terminate(d);

		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			why_status(d, status);
			err = -EIO;
		}
	} else if (d->dir[0]) {
		why_from_log(d, "had died before it was stopped");
		err = -EIO;
	}
	dir_remove(d);
	return err;
}

bool daemon_proc_fs_is_tmpfs(const struct daemon_proc *d)
{
	struct statfs sf;

	return statfs(d->dir, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
}
