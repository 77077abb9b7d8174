// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: replay of journals written here record by record
 * (daemon/state_records.h), for cases a real crash cannot stage: a pid
 * that now belongs to another process (same pid, other start time) never
 * inherits IDs; quotas and limits come back; a record the daemon does not
 * understand stops the start-up rather than risk handing an ID out twice.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/core.h>

#include "identity.h"
#include "journal.h"
#include "raw.h"
#include "state_records.h"

static struct ioasid_journal *journal_create(const char *dir)
{
	struct ioasid_journal_config cfg = { .dir = dir };
	struct ioasid_journal *j;

	assert_int_equal(ioasid_journal_open(&cfg, NULL, NULL, &j), 0);
	return j;
}

static void put_alloc(struct ioasid_journal *j, uint32_t id,
		      const struct ioasidd_identity *owner, const char *cgroup)
{
	char buf[256];
	struct rec_alloc r = {
		.id = id, .quota = 16,
		.owner = { .pid = (uint32_t)owner->pid,
			   .start_time = owner->start_time },
	};

	memcpy(buf, &r, sizeof(r));
	memcpy(buf + sizeof(r), cgroup, strlen(cgroup));
	assert_int_equal(ioasid_journal_append(j, REC_ALLOC, buf,
					       (uint32_t)(sizeof(r) + strlen(cgroup))),
			 0);
}

static void put_limit(struct ioasid_journal *j, const char *path, uint64_t max)
{
	char buf[256];
	struct rec_limit r = { .max = max };

	memcpy(buf, &r, sizeof(r));
	memcpy(buf + sizeof(r), path, strlen(path));
	assert_int_equal(ioasid_journal_append(j, REC_LIMIT, buf,
					       (uint32_t)(sizeof(r) + strlen(path))),
			 0);
}

static int child_quota(void *arg)
{
	struct ioasid_req_empty empty = { sizeof(empty), 0 };
	struct ioasid_rep_get_info info = { 0 };
	int fd = raw_try_connect(arg);

	if (fd < 0 || raw_try(fd, IOASID_OP_GET_INFO, &empty, sizeof(empty),
			      &info, sizeof(info)))
		return 255;
	return (int)info.quota;
}

static void test_replay_pid_reuse_and_settings(void **state)
{
	struct ioasidd_identity me, impostor;
	struct rec_quota q = { .quota = 99 };
	struct rec_spid sp = { .id = 11, .spid = 5 };
	struct rec_id fr = { .id = 12 };
	struct ioasid_rep_get_info info;
	struct ioasid_rep_limit rl;
	struct ioasid_req_limit lim = { sizeof(lim), 0, 0, "/x" };
	struct ioasid_list_entry e;
	struct ioasid_journal *j;
	struct rawd d;
	uint32_t found;
	int fd;

	assert_int_equal(ioasid__identity_read(getpid(), &me), 0);
	impostor = me;
	impostor.start_time++; /* the same pid, an earlier process's */
	rawd_init(&d, NULL);
	j = journal_create(d.state);
	assert_int_equal(ioasid_journal_append(j, REC_QUOTA, &q, sizeof(q)), 0);
	put_alloc(j, 10, &impostor, "/old");
	put_alloc(j, 11, &me, "/mine");
	put_alloc(j, 12, &me, "/mine");
	assert_int_equal(ioasid_journal_append(j, REC_SPID, &sp, sizeof(sp)), 0);
	assert_int_equal(ioasid_journal_append(j, REC_FREE, &fr, sizeof(fr)), 0);
	put_limit(j, "/x", 7);
	ioasid_journal_close(j);

	rawd_restart(&d, true);
	assert_true(rawd_log_contains(&d, "is gone: its 1 IDs are freed"));
	assert_true(rawd_log_contains(&d, "1 IDs wait for reclaim"));
	fd = raw_connect(d.sock);
	assert_int_equal(raw_info(fd, &info), 0);
	assert_true(info.flags & IOASID_INFO_RECLAIMED);
	assert_int_equal(info.nr_ids, 1);
	assert_int_equal(info.quota, 16); /* the set's, from its record */
	assert_false(raw_list_entry(fd, 10, &e)); /* the impostor's: freed */
	assert_false(raw_list_entry(fd, 12, &e)); /* freed before the crash */
	assert_true(raw_list_entry(fd, 11, &e));
	assert_int_equal(e.owner_pid, getpid());
	assert_int_equal(raw_spid_find(fd, 5, 0, &found), 0);
	assert_int_equal(found, 11);
	/* The charge went back to the group that made it. */
	snprintf(lim.path, sizeof(lim.path), "/mine");
	assert_int_equal(raw_call(fd, IOASID_OP_LIMIT_GET, &lim, sizeof(lim), &rl,
				  sizeof(rl), NULL), 0);
	assert_int_equal(rl.current, 1);
	snprintf(lim.path, sizeof(lim.path), "/x");
	assert_int_equal(raw_call(fd, IOASID_OP_LIMIT_GET, &lim, sizeof(lim), &rl,
				  sizeof(rl), NULL), 0);
	assert_int_equal(rl.max, 7);
	/* The default quota came back too. */
	assert_int_equal(child_wait(child_spawn(child_quota, d.sock)), 99);
	close(fd);
	assert_int_equal(rawd_stop(&d), 0);
	rawd_cleanup(&d);
}

static void test_replay_unknown_record_stops(void **state)
{
	struct ioasid_journal *j;
	struct rawd d;
	int status;
	uint32_t junk = 1;

	rawd_init(&d, NULL);
	j = journal_create(d.state);
	assert_int_equal(ioasid_journal_append(j, 99, &junk, sizeof(junk)), 0);
	ioasid_journal_close(j);
	{
		const char *args[] = { "--foreground", "--socket", d.sock,
				       "--state-dir", d.state, NULL };

		rawd_spawn(&d, args);
	}
	assert_int_equal(waitpid(d.pid, &status, 0), d.pid);
	d.pid = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_true(rawd_log_contains(&d, "record of type 99"));
	rawd_cleanup(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_pid_reuse_and_settings),
		cmocka_unit_test(test_replay_unknown_record_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
