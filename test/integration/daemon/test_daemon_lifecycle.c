// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: the process itself. Command line and config
 * errors, clean stop, refusing a live socket, socket activation,
 * daemonizing, and durability: kill -9 under load and restart with the
 * journal, where a surviving owner reclaims exactly its IDs, dead owners'
 * IDs are freed, unclaimed IDs expire after the grace period, and a torn
 * journal tail is cut with a log line.
 */
#include <errno.h>
#include <fcntl.h>
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
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/core.h>

#include "raw.h"

/* run_status - run ioasidd with args to completion; its exit status. */
static int run_status(struct rawd *d, const char *const *args)
{
	int status;

	rawd_spawn(d, args);
	assert_int_equal(waitpid(d->pid, &status, 0), d->pid);
	d->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_lifecycle_command_line(void **state)
{
	const char *bogus[] = { "--bogus", NULL };
	const char *extra[] = { "--foreground", "stray", NULL };
	const char *cap[] = { "--capacity", "1", "--socket", "/tmp/x", NULL };
	const char *level[] = { "--log-level", "loud", NULL };
	const char *help[] = { "--help", NULL };
	const char *version[] = { "--version", NULL };
	const char *noconf[] = { "--config", "/nonexistent/ioasidd.conf", NULL };
	struct rawd d;

	rawd_init(&d, "quota = 0\n");
	assert_int_equal(run_status(&d, bogus), 2);
	assert_true(rawd_log_contains(&d, "usage: ioasidd"));
	assert_int_equal(run_status(&d, extra), 2);
	assert_int_equal(run_status(&d, cap), 2);
	assert_int_equal(run_status(&d, level), 2);
	assert_int_equal(run_status(&d, help), 0);
	assert_int_equal(run_status(&d, version), 0);
	assert_int_equal(run_status(&d, noconf), 2);
	{
		const char *badconf[] = { "--config", d.conf, NULL };

		assert_int_equal(run_status(&d, badconf), 2);
		assert_true(rawd_log_contains(&d, "line 1:"));
	}
	rawd_cleanup(&d);
}

static void test_lifecycle_clean_stop(void **state)
{
	struct rawd d;
	struct stat st;

	rawd_start(&d, NULL, true);
	assert_int_equal(stat(d.sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(rawd_stop(&d), 0);
	/* The socket we created is gone. */
	assert_int_equal(stat(d.sock, &st), -1);
	assert_true(rawd_log_contains(&d, "stopped"));
	rawd_cleanup(&d);
}

static void test_lifecycle_live_socket_refused(void **state)
{
	struct rawd d, other;
	struct ioasid_rep_get_info info;
	int fd;

	rawd_start(&d, NULL, false);
	rawd_init(&other, NULL);
	{
		const char *args[] = { "--foreground", "--socket", d.sock, NULL };

		assert_int_equal(run_status(&other, args), 1);
	}
	fd = raw_connect(d.sock);
	assert_int_equal(raw_info(fd, &info), 0);
	close(fd);
	assert_int_equal(rawd_stop(&d), 0);
	rawd_cleanup(&other);
	rawd_cleanup(&d);
}

/* activated - start ioasidd with a socket of this type as LISTEN_FDS. */
static pid_t activated(struct rawd *d, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);
	pid_t pid;

	strcpy(sa.sun_path, d->sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 16), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char pidbuf[32];
		int log = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(log, STDERR_FILENO);
		dup2(fd, 3);
		snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)getpid());
		setenv("LISTEN_PID", pidbuf, 1);
		setenv("LISTEN_FDS", "1", 1);
		setenv("NOTIFY_SOCKET", d->notify_path, 1);
		execl(rawd_bin(), rawd_bin(), "--foreground", "--config", d->conf,
		      (char *)NULL);
		_exit(127);
	}
	close(fd);
	return pid;
}

static void test_lifecycle_socket_activation(void **state)
{
	struct ioasid_rep_get_info info;
	struct rawd d;
	struct stat st;
	int fd, status;

	rawd_init(&d, NULL);
	d.pid = activated(&d, SOCK_SEQPACKET);
	rawd_wait_ready(&d);
	fd = raw_connect(d.sock);
	assert_int_equal(raw_info(fd, &info), 0);
	close(fd);
	assert_int_equal(rawd_stop(&d), 0);
	/* Not ours to remove. */
	assert_int_equal(stat(d.sock, &st), 0);
	unlink(d.sock);
	/* Only a listening SOCK_SEQPACKET socket is accepted. */
	d.pid = activated(&d, SOCK_STREAM);
	assert_int_equal(waitpid(d.pid, &status, 0), d.pid);
	d.pid = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_true(rawd_log_contains(&d, "not a listening SOCK_SEQPACKET"));
	rawd_cleanup(&d);
}

static bool socket_gone(void *arg)
{
	struct stat st;

	return stat(arg, &st) != 0;
}

static void test_lifecycle_daemonize(void **state)
{
	const char *args[5];
	struct ioasid_rep_status st;
	struct rawd d;
	int fd;

	rawd_init(&d, NULL);
	d.no_notify = true;
	args[0] = "--socket";
	args[1] = d.sock;
	args[2] = "--config";
	args[3] = d.conf;
	args[4] = NULL;
	/* The launcher returns once the daemon serves. */
	assert_int_equal(run_status(&d, args), 0);
	fd = raw_connect(d.sock);
	assert_int_equal(raw_status(fd, &st), 0);
	close(fd);
	assert_true(st.daemon_pid > 0);
	assert_int_equal(getpgid((pid_t)st.daemon_pid), (pid_t)st.daemon_pid);
	assert_int_equal(kill((pid_t)st.daemon_pid, SIGTERM), 0);
	if (!wait_until(socket_gone, d.sock)) {
		kill((pid_t)st.daemon_pid, SIGKILL);
		fail_msg("the detached daemon did not stop");
	}
	rawd_cleanup(&d);
}

/* ---- durability ---- */

struct owner_args {
	const char *sock;
	int sync;
	uint32_t n;
	uint32_t ids[8];
};

static int owner_alloc(struct owner_args *a, int fd)
{
	for (uint32_t i = 0; i < a->n; i++)
		if (raw_try_alloc(fd, &a->ids[i]))
			return -1;
	return 0;
}

/*
 * The survivor: allocates n IDs (SPID 500 on the first) and reports them;
 * after the daemon's restart it reconnects and checks it got them back.
 */
static int child_survives(void *arg)
{
	struct owner_args *a = arg;
	struct ioasid_req_attach_spid at = { sizeof(at), 0, 0, 500 };
	struct ioasid_req_empty empty = { sizeof(empty), 0 };
	struct ioasid_req_find_spid find = { sizeof(find), 0, 500, 0 };
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_rep_get_info info = { 0 };
	struct ioasid_rep_page page;
	struct ioasid_list_entry *e = (void *)(buf + sizeof(page));
	struct ioasid_rep_id rid = { 0 };
	int fd = raw_try_connect(a->sock);

	if (fd < 0 || owner_alloc(a, fd))
		return 1;
	at.id = a->ids[0];
	if (raw_try(fd, IOASID_OP_ATTACH_SPID, &at, sizeof(at), NULL, 0))
		return 2;
	for (uint32_t i = 0; i < a->n; i++)
		sync_put(a->sync, a->ids[i]);
	if (sync_get(a->sync) != 1) /* the daemon was restarted */
		return 3;
	close(fd);
	fd = raw_try_connect(a->sock);
	if (fd < 0 || raw_try(fd, IOASID_OP_GET_INFO, &empty, sizeof(empty),
			      &info, sizeof(info)))
		return 4;
	if (!(info.flags & IOASID_INFO_RECLAIMED) || info.nr_ids != a->n)
		return 5;
	if (raw_try(fd, IOASID_OP_RECLAIM, &empty, sizeof(empty), buf,
		    sizeof(buf)))
		return 6;
	memcpy(&page, buf, sizeof(page));
	if (page.count != a->n || page.next)
		return 7;
	for (uint32_t i = 0; i < a->n; i++)
		if (e[i].id != a->ids[i] || e[i].state != IOASID_STATE_ACTIVE ||
		    e[i].owner_pid != (uint32_t)getpid())
			return 8;
	if (e[0].spid != 500 ||
	    raw_try(fd, IOASID_OP_FIND_SPID, &find, sizeof(find), &rid,
		    sizeof(rid)) || rid.id != a->ids[0])
		return 9;
	/* They are really ours again. */
	if (raw_try_id_op(fd, IOASID_OP_FREE, a->ids[1]))
		return 10;
	sync_put(a->sync, 2);
	if (sync_get(a->sync) != 3)
		return 11;
	close(fd);
	return 0;
}

/* The victim: allocates n IDs, reports them, exits when told. */
static int child_dies_later(void *arg)
{
	struct owner_args *a = arg;
	int fd = raw_try_connect(a->sock);

	if (fd < 0 || owner_alloc(a, fd))
		return 1;
	for (uint32_t i = 0; i < a->n; i++)
		sync_put(a->sync, a->ids[i]);
	return sync_get(a->sync) == 1 ? 0 : 2;
}

/* The load: allocates and frees as fast as it can until the daemon dies. */
static int child_loads(void *arg)
{
	struct owner_args *a = arg;
	int fd = raw_try_connect(a->sock);
	uint32_t id, rounds = 0;

	if (fd < 0)
		return 1;
	for (;; rounds++) {
		if (raw_try_alloc(fd, &id))
			break;
		if (rounds == 100)
			sync_put(a->sync, 0); /* under way */
		/* Keep some IDs early on, so that the crash finds some. */
		if ((rounds % 3 || rounds > 300) &&
		    raw_try_id_op(fd, IOASID_OP_FREE, id))
			break;
	}
	return rounds >= 100 ? 0 : 1;
}

static pid_t owner_start(struct owner_args *a, int (*fn)(void *), int sv[2])
{
	pid_t pid;

	sync_pair(sv);
	a->sync = sv[1];
	pid = child_spawn(fn, a);
	for (uint32_t i = 0; i < a->n; i++)
		a->ids[i] = sync_get(sv[0]);
	return pid;
}

struct live_probe {
	int fd;
	uint32_t want;
};

static uint32_t live_ids(int fd, uint32_t *ids, uint32_t max)
{
	static uint8_t buf[IOASID_MSG_MAX];
	struct ioasid_req_page req = { sizeof(req), 0, 0, 0, 0 };
	struct ioasid_rep_page page;
	struct ioasid_list_entry *e = (void *)(buf + sizeof(page));

	assert_int_equal(raw_call(fd, IOASID_OP_LIST, &req, sizeof(req), buf,
				  sizeof(buf), NULL), 0);
	memcpy(&page, buf, sizeof(page));
	assert_int_equal(page.next, 0);
	for (uint32_t i = 0; i < page.count && i < max; i++)
		ids[i] = e[i].id;
	return page.count;
}

static void test_lifecycle_kill9_reclaim(void **state)
{
	struct owner_args keep = { .n = 5 }, gone = { .n = 3 }, load = { 0 };
	int ksv[2], gsv[2], lsv[2], fd;
	pid_t kpid, gpid, lpid;
	uint32_t live[64], n, id;
	struct rawd d;

	rawd_start(&d, "capacity = 65536\n", true);
	keep.sock = gone.sock = load.sock = d.sock;
	kpid = owner_start(&keep, child_survives, ksv);
	gpid = owner_start(&gone, child_dies_later, gsv);
	lpid = owner_start(&load, child_loads, lsv);
	assert_int_equal(sync_get(lsv[0]), 0);
	/* Crash under load; the victim dies while the daemon is down. */
	rawd_kill(&d);
	sync_put(gsv[0], 1);
	assert_int_equal(child_wait(gpid), 0);
	assert_int_equal(child_wait(lpid), 0);
	rawd_restart(&d, true);
	assert_true(rawd_log_contains(&d, "IDs wait for reclaim"));
	assert_true(rawd_log_contains(&d, "is gone: its 3 IDs are freed"));
	sync_put(ksv[0], 1);
	assert_int_equal(sync_get(ksv[0]), 2);
	/* Exactly the survivor's IDs are live (one of them it freed). */
	fd = raw_connect(d.sock);
	n = live_ids(fd, live, 64);
	assert_int_equal(n, 4);
	assert_int_equal(live[0], keep.ids[0]);
	for (uint32_t i = 1; i < 4; i++)
		assert_int_equal(live[i], keep.ids[i + 1]);
	/* The dead owner's IDs are free again; live ones are not handed out. */
	assert_int_equal(raw_alloc(fd, gone.ids[0], gone.ids[0], &id), 0);
	assert_int_equal(raw_alloc(fd, keep.ids[0], keep.ids[0], &id), -ENOSPC);
	close(fd);
	sync_put(ksv[0], 3);
	assert_int_equal(child_wait(kpid), 0);
	assert_int_equal(rawd_stop(&d), 0);
	for (int i = 0; i < 2; i++) {
		close(ksv[i]);
		close(gsv[i]);
		close(lsv[i]);
	}
	rawd_cleanup(&d);
}

static bool no_live_ids(void *arg)
{
	struct ioasid_rep_status st;
	int fd = raw_connect(arg);

	assert_int_equal(raw_status(fd, &st), 0);
	close(fd);
	return st.nr_ids == 0;
}

/* A survivor that never comes back loses its IDs after the grace period. */
static void test_lifecycle_grace_expiry(void **state)
{
	struct owner_args keep = { .n = 2 };
	struct ioasid_rep_get_info info;
	struct rawd d;
	int sv[2], fd;
	pid_t pid;

	rawd_start(&d, "reclaim_grace_ms = 100\n", true);
	keep.sock = d.sock;
	pid = owner_start(&keep, child_dies_later, sv);
	rawd_kill(&d);
	rawd_restart(&d, true);
	assert_true(rawd_log_contains(&d, "IDs wait for reclaim"));
	assert_true(wait_until(no_live_ids, d.sock));
	assert_true(rawd_log_contains(&d, "did not reclaim its IDs in time"));
	sync_put(sv[0], 1);
	assert_int_equal(child_wait(pid), 0);
	/* And after another restart nothing comes back. */
	assert_int_equal(rawd_stop(&d), 0);
	rawd_restart(&d, true);
	fd = raw_connect(d.sock);
	assert_int_equal(raw_info(fd, &info), 0);
	assert_false(info.flags & IOASID_INFO_RECLAIMED);
	close(fd);
	assert_true(no_live_ids(d.sock));
	assert_int_equal(rawd_stop(&d), 0);
	close(sv[0]);
	close(sv[1]);
	rawd_cleanup(&d);
}

/*
 * This process owns IDs across a clean stop, a torn journal tail and
 * compaction: it reconnects each time and finds exactly its IDs.
 */
static void test_lifecycle_journal_survives(void **state)
{
	struct ioasid_rep_get_info info;
	struct ioasid_rep_status st;
	char path[256];
	uint32_t ids[3], live[8], id, found;
	struct rawd d;
	FILE *f;
	int fd;

	rawd_start(&d, "compact_bytes = 4096\nfsync = always\n", true);
	fd = raw_connect(d.sock);
	for (int i = 0; i < 3; i++)
		assert_int_equal(raw_alloc(fd, 0, 0, &ids[i]), 0);
	assert_int_equal(raw_spid_attach(fd, ids[2], 7), 0);
	/* Enough churn to compact the journal a few times. */
	for (int i = 0; i < 400; i++) {
		assert_int_equal(raw_alloc(fd, 0, 0, &id), 0);
		assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, id), 0);
	}
	assert_int_equal(raw_status(fd, &st), 0);
	assert_true(st.journal_bytes > 0);
	assert_true(st.journal_bytes < 400 * 40); /* compacted */
	/* A clean stop keeps the IDs for their owner, like a crash. */
	assert_int_equal(rawd_stop(&d), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/ioasid.journal", d.state);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("torn tail", f);
	assert_int_equal(fclose(f), 0);
	rawd_restart(&d, true);
	assert_true(rawd_log_contains(&d, "truncated to the last good record"));
	fd = raw_connect(d.sock);
	assert_int_equal(raw_info(fd, &info), 0);
	assert_true(info.flags & IOASID_INFO_RECLAIMED);
	assert_int_equal(live_ids(fd, live, 8), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(live[i], ids[i]);
	assert_int_equal(raw_spid_find(fd, 7, 0, &found), 0);
	assert_int_equal(found, ids[2]);
	close(fd);
	assert_int_equal(rawd_stop(&d), 0);
	rawd_cleanup(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle_command_line),
		cmocka_unit_test(test_lifecycle_clean_stop),
		cmocka_unit_test(test_lifecycle_live_socket_refused),
		cmocka_unit_test(test_lifecycle_socket_activation),
		cmocka_unit_test(test_lifecycle_daemonize),
		cmocka_unit_test(test_lifecycle_kill9_reclaim),
		cmocka_unit_test(test_lifecycle_grace_expiry),
		cmocka_unit_test(test_lifecycle_journal_survives),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
