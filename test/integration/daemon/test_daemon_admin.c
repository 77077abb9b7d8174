// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: administration and the resource controller.
 * SET_QUOTA and LIMIT_SET need root or the daemon's uid (-EACCES for a
 * process that dropped to nobody); LIMIT_GET and the queries are open to
 * all. Clients are placed in the group of their cgroup v2 path, read here
 * from a /proc fixture (proc_root), so limits apply to real handles.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/core.h>

#include "raw.h"

#define NOBODY 65534

static struct rawd daemon_;
static char proc_dir[256];

/* place_self - the fixture's cgroup file for this process. */
static void place_self(const char *cgroup)
{
	char path[320];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%ld", proc_dir, (long)getpid());
	mkdir(path, 0755);
	strcat(path, "/cgroup");
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "1:name=systemd:/ignored\n0::%s\n", cgroup);
	assert_int_equal(fclose(f), 0);
}

static int group_setup(void **state)
{
	char config[512];
	char dir[] = "/tmp/ioasidd-proc.XXXXXX";

	assert_non_null(mkdtemp(dir));
	snprintf(proc_dir, sizeof(proc_dir), "%s", dir);
	snprintf(config, sizeof(config),
		 "capacity = 4096\nproc_root = %s\ncgroup_refresh_ms = 0\n",
		 proc_dir);
	place_self("/vm/a");
	rawd_start(&daemon_, config, false);
	/* Let processes that dropped root reach the socket. */
	assert_int_equal(chmod(daemon_.dir, 0755), 0);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[300];
	int status = rawd_stop(&daemon_);

	rawd_cleanup(&daemon_);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", proc_dir);
	return status == 0 && system(cmd) == 0 ? 0 : -1;
}

static int limit_call(int fd, uint32_t op, const char *path, uint64_t max,
		      struct ioasid_rep_limit *rep)
{
	struct ioasid_req_limit req = { sizeof(req), 0, max, { 0 } };

	snprintf(req.path, sizeof(req.path), "%s", path);
	return raw_call(fd, op, &req, sizeof(req), rep, rep ? sizeof(*rep) : 0,
			NULL);
}

static int set_quota(int fd, uint32_t pid, uint32_t quota)
{
	struct ioasid_req_set_quota req = { sizeof(req), 0, pid, quota };

	return raw_call(fd, IOASID_OP_SET_QUOTA, &req, sizeof(req), NULL, 0, NULL);
}

/* Drops to nobody, then opens its own handle: no admin rights. */
static int child_as_nobody(void *arg)
{
	struct ioasid_req_set_quota q = { sizeof(q), 0, 0, 5 };
	struct ioasid_req_limit lim = { sizeof(lim), 0, 1, "/vm" };
	struct ioasid_req_empty empty = { sizeof(empty), 0 };
	struct ioasid_rep_get_info info = { 0 };
	struct ioasid_rep_limit rl = { 0 };
	int fd;

	if (setgid(NOBODY) || setuid(NOBODY))
		return 1;
	fd = raw_try_connect(daemon_.sock);
	if (fd < 0)
		return 2;
	if (raw_try(fd, IOASID_OP_GET_INFO, &empty, sizeof(empty), &info,
		    sizeof(info)) || (info.flags & IOASID_INFO_ADMIN))
		return 3;
	if (raw_try(fd, IOASID_OP_SET_QUOTA, &q, sizeof(q), NULL, 0) != -EACCES)
		return 4;
	q.pid = (uint32_t)getpid();
	if (raw_try(fd, IOASID_OP_SET_QUOTA, &q, sizeof(q), NULL, 0) != -EACCES)
		return 5;
	if (raw_try(fd, IOASID_OP_LIMIT_SET, &lim, sizeof(lim), NULL, 0) !=
	    -EACCES)
		return 6;
	/* Reading is open to everyone. */
	if (raw_try(fd, IOASID_OP_LIMIT_GET, &lim, sizeof(lim), &rl, sizeof(rl)) ||
	    rl.max != IOASID_LIMIT_MAX)
		return 7;
	if (raw_try(fd, IOASID_OP_STATUS, &empty, sizeof(empty), NULL, 0))
		return 8;
	/* A malformed admin request is still decoded before the check. */
	q.flags = 1;
	if (raw_try(fd, IOASID_OP_SET_QUOTA, &q, sizeof(q), NULL, 0) !=
	    -EOPNOTSUPP)
		return 9;
	close(fd);
	return 0;
}

static void test_admin_nobody_eacces(void **state)
{
	struct ioasid_rep_limit rl;
	int fd = raw_connect(daemon_.sock);

	assert_int_equal(child_wait(child_spawn(child_as_nobody, NULL)), 0);
	/* Nothing changed. */
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/vm", 0, &rl), 0);
	assert_int_equal(rl.max, IOASID_LIMIT_MAX);
	close(fd);
}

static void test_admin_limit_enforced(void **state)
{
	struct ioasid_rep_get_info info;
	struct ioasid_rep_limit rl;
	int fd = raw_connect(daemon_.sock);
	uint32_t ids[3];

	assert_int_equal(raw_info(fd, &info), 0);
	assert_string_equal(info.cgroup, "/vm/a");
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_SET, "/vm", 2, NULL), 0);
	assert_int_equal(raw_alloc(fd, 0, 0, &ids[0]), 0);
	assert_int_equal(raw_alloc(fd, 0, 0, &ids[1]), 0);
	assert_int_equal(raw_alloc(fd, 0, 0, &ids[2]), -EDQUOT);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/vm", 0, &rl), 0);
	assert_int_equal(rl.size, sizeof(rl));
	assert_int_equal(rl.max, 2);
	assert_int_equal(rl.current, 2);
	assert_int_equal(rl.events, 1);
	assert_int_equal(rl.capacity, 0);
	/* The caller's own group: charged, not the failing level. */
	assert_int_equal(raw_info(fd, &info), 0);
	assert_int_equal(info.cg_current, 2);
	assert_int_equal(info.cg_max, IOASID_LIMIT_MAX);
	assert_int_equal(info.cg_events, 0);
	assert_int_equal(info.nr_ids, 2);
	/* The root carries the capacity. */
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/", 0, &rl), 0);
	assert_int_equal(rl.capacity, 4095);
	assert_int_equal(rl.current, 2);
	/* Below current is allowed; "max" lifts the limit. */
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_SET, "/vm", 1, NULL), 0);
	assert_int_equal(raw_alloc(fd, 0, 0, &ids[2]), -EDQUOT);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_SET, "/vm",
				    IOASID_LIMIT_MAX, NULL), 0);
	assert_int_equal(raw_alloc(fd, 0, 0, &ids[2]), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, ids[i]), 0);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/vm", 0, &rl), 0);
	assert_int_equal(rl.current, 0);
	close(fd);
}

static void test_admin_limit_paths(void **state)
{
	struct ioasid_req_limit req = { sizeof(req), 0, 1, { 0 } };
	struct ioasid_rep_limit rl;
	int fd = raw_connect(daemon_.sock);

	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_SET, "/", 1, NULL), -EINVAL);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_SET, "vm", 1, NULL), -EINVAL);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_SET, "/vm/", 1, NULL),
			 -EINVAL);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/a/../b", 0, &rl),
			 -EINVAL);
	/* A path without its NUL. */
	memset(req.path, 'a', sizeof(req.path));
	req.path[0] = '/';
	assert_int_equal(raw_call(fd, IOASID_OP_LIMIT_GET, &req, sizeof(req),
				  NULL, 0, NULL), -EINVAL);
	/* A group nothing was charged to reads as a fresh one. */
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/nothing/here", 0,
				    &rl), 0);
	assert_int_equal(rl.max, IOASID_LIMIT_MAX);
	assert_int_equal(rl.current, 0);
	assert_int_equal(rl.events, 0);
	close(fd);
}

static void test_admin_charge_stays_with_group(void **state)
{
	struct ioasid_rep_limit rl;
	int fd = raw_connect(daemon_.sock);
	uint32_t a, b;

	assert_int_equal(raw_alloc(fd, 0, 0, &a), 0);
	place_self("/vm/b"); /* the process moves */
	assert_int_equal(raw_alloc(fd, 0, 0, &b), 0);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/vm/a", 0, &rl), 0);
	assert_int_equal(rl.current, 1);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/vm/b", 0, &rl), 0);
	assert_int_equal(rl.current, 1);
	/* The old charge returns to the group that made it. */
	assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, a), 0);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/vm/a", 0, &rl), 0);
	assert_int_equal(rl.current, 0);
	assert_int_equal(limit_call(fd, IOASID_OP_LIMIT_GET, "/vm/b", 0, &rl), 0);
	assert_int_equal(rl.current, 1);
	close(fd);
	place_self("/vm/a");
}

static int child_reports_quota(void *arg)
{
	struct ioasid_req_empty empty = { sizeof(empty), 0 };
	struct ioasid_rep_get_info info = { 0 };
	int fd = raw_try_connect(daemon_.sock);

	if (fd < 0 || raw_try(fd, IOASID_OP_GET_INFO, &empty, sizeof(empty),
			      &info, sizeof(info)))
		return 255;
	return (int)info.quota;
}

static void test_admin_default_quota(void **state)
{
	struct ioasid_rep_get_info info;
	int fd = raw_connect(daemon_.sock);

	assert_int_equal(raw_info(fd, &info), 0);
	assert_int_equal(info.quota, 1024);
	assert_int_equal(set_quota(fd, 0, 3), 0);
	assert_int_equal(child_wait(child_spawn(child_reports_quota, NULL)), 3);
	/* Existing handles keep theirs. */
	assert_int_equal(raw_info(fd, &info), 0);
	assert_int_equal(info.quota, 1024);
	assert_int_equal(set_quota(fd, 0, 4096), -EINVAL); /* > capacity - 1 */
	assert_int_equal(set_quota(fd, 0, 1024), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_nobody_eacces),
		cmocka_unit_test(test_admin_limit_enforced),
		cmocka_unit_test(test_admin_limit_paths),
		cmocka_unit_test(test_admin_charge_stays_with_group),
		cmocka_unit_test(test_admin_default_quota),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
