// SPDX-License-Identifier: MIT
/*
 * Unit tests of ioasidd's config parser (daemon/config.c): keys, ranges,
 * limit lines, errors that name the line and change nothing, and a
 * fail-the-Nth-allocation sweep.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/cgroup.h>

#include "config.h"
#include "sweep.h"

static int parse(struct ioasidd_config *cfg, const char *text, char *err)
{
	return ioasid__config_parse(cfg, text, strlen(text), err, err ? 128 : 0);
}

static void test_config_defaults(void **state)
{
	struct ioasidd_config cfg;

	ioasid__config_defaults(&cfg);
	assert_int_equal(cfg.capacity, 1u << 20);
	assert_int_equal(cfg.quota, 1024);
	assert_int_equal(cfg.reclaim_grace_ms, 30000);
	assert_int_equal(cfg.fsync, IOASIDD_FSYNC_BATCH);
	assert_int_equal(cfg.fsync_interval_ms, 10);
	assert_null(cfg.socket_path);
	assert_null(cfg.state_dir);
	assert_int_equal(cfg.nr_limits, 0);
	ioasid__config_release(&cfg);
	ioasid__config_release(NULL);
}

static void test_config_keys(void **state)
{
	struct ioasidd_config cfg;
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(parse(&cfg,
			       "# a comment\n"
			       "\n"
			       "  socket = /run/x.sock  \r\n"
			       "state_dir=/var/lib/ioasid\n"
			       "capacity = 4096\n"
			       "quota = 16\n"
			       "quota = 17\n"
			       "reclaim_grace_ms = 0\n"
			       "fsync = always\n"
			       "log_level = debug\n"
			       "proc_root = /tmp/proc\n"
			       "\t# indented comment\n"
			       "max_exports = 0",
			       err), 0);
	assert_string_equal(cfg.socket_path, "/run/x.sock");
	assert_string_equal(cfg.state_dir, "/var/lib/ioasid");
	assert_string_equal(cfg.proc_root, "/tmp/proc");
	assert_int_equal(cfg.capacity, 4096);
	assert_int_equal(cfg.quota, 17); /* the last one wins */
	assert_int_equal(cfg.reclaim_grace_ms, 0);
	assert_int_equal(cfg.fsync, IOASIDD_FSYNC_ALWAYS);
	assert_int_equal(cfg.log_level, IOASIDD_LOG_DEBUG);
	assert_int_equal(cfg.max_exports, 0);
	ioasid__config_release(&cfg);
}

static void test_config_limits(void **state)
{
	struct ioasidd_config cfg;
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(parse(&cfg, "limit /machine = 100\n"
				     "limit\t/machine/vm1 = max\n"
				     "limit /machine = 50\n", err), 0);
	assert_int_equal(cfg.nr_limits, 2);
	assert_string_equal(cfg.limits[0].path, "/machine");
	assert_int_equal(cfg.limits[0].max, 50);
	assert_string_equal(cfg.limits[1].path, "/machine/vm1");
	assert_int_equal(cfg.limits[1].max, IOASID_CGROUP_MAX);
	/* The root has a capacity, not a max; paths must be valid. */
	assert_int_equal(parse(&cfg, "limit / = 5\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limit = 5\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limit machine = 5\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limit /a/../b = 5\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limit /a = -1\n", err), -EINVAL);
	assert_int_equal(parse(&cfg, "limits /a = 1\n", err), -EINVAL);
	assert_int_equal(cfg.nr_limits, 2);
	ioasid__config_release(&cfg);
}

static void test_config_errors_change_nothing(void **state)
{
	static const char *const bad[] = {
		"capacity = 1\n", /* below 2 */
		"capacity = 1048577\n", /* above 2^20 */
		"quota = 0\n",
		"quota = 012\n", /* leading zero */
		"quota = +5\n",
		"quota = 5x\n",
		"quota = 99999999999\n",
		"quota =\n",
		"quota\n",
		"nosuchkey = 1\n",
		"fsync = sometimes\n",
		"log_level = loud\n",
		"socket = \n",
	};
	struct ioasidd_config cfg;
	char err[128];

	ioasid__config_defaults(&cfg);
	assert_int_equal(parse(&cfg, "quota = 7\nsocket = /a\n", err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];

		/* A good line first: it must not stick either. */
		snprintf(text, sizeof(text), "quota = 9\nsocket = /b\n%s", bad[i]);
		err[0] = '\0';
		assert_int_equal(parse(&cfg, text, err), -EINVAL);
		assert_non_null(strstr(err, "line 3:"));
		assert_int_equal(cfg.quota, 7);
		assert_string_equal(cfg.socket_path, "/a");
	}
	ioasid__config_release(&cfg);
}

static void test_config_binary_input(void **state)
{
	struct ioasidd_config cfg;
	const char text[] = "quota = 5\0\n";
	char err[128], longline[5000];

	ioasid__config_defaults(&cfg);
	assert_int_equal(ioasid__config_parse(&cfg, text, sizeof(text) - 1, err,
					      sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	memset(longline, 'a', sizeof(longline));
	assert_int_equal(ioasid__config_parse(&cfg, longline, sizeof(longline),
					      err, sizeof(err)), -EINVAL);
	/* Empty text and no error buffer. */
	assert_int_equal(ioasid__config_parse(&cfg, "", 0, NULL, 0), 0);
	assert_int_equal(cfg.quota, 1024);
	ioasid__config_release(&cfg);
}

static void test_config_load(void **state)
{
	char path[] = "/tmp/ioasidd-conf.XXXXXX";
	struct ioasidd_config cfg;
	char err[128];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "quota = 33\n", 11), 11);
	close(fd);
	ioasid__config_defaults(&cfg);
	assert_int_equal(ioasid__config_load(&cfg, path, err, sizeof(err)), 0);
	assert_int_equal(cfg.quota, 33);
	unlink(path);
	assert_int_equal(ioasid__config_load(&cfg, path, err, sizeof(err)),
			 -ENOENT);
	ioasid__config_release(&cfg);
}

struct sweep_arg {
	struct ioasidd_config cfg;
};

static int sweep_step(void *arg)
{
	struct sweep_arg *a = arg;

	ioasid__config_defaults(&a->cfg);
	if (parse(&a->cfg, "socket = /x\n", NULL))
		return -1;
	return parse(&a->cfg, "state_dir = /s\nlimit /a = 1\nlimit /b = 2\n"
			      "socket = /y\n", NULL);
}

static void sweep_check(int ret, int fired, void *arg)
{
	struct sweep_arg *a = arg;

	if (ret == -1) {
		/* The set-up parse failed: nothing to check. */
		ioasid__config_release(&a->cfg);
		return;
	}
	if (fired) {
		assert_int_equal(ret, -ENOMEM);
		/* Nothing of the failed parse stuck. */
		assert_string_equal(a->cfg.socket_path, "/x");
		assert_null(a->cfg.state_dir);
		assert_int_equal(a->cfg.nr_limits, 0);
	} else {
		assert_int_equal(ret, 0);
		assert_int_equal(a->cfg.nr_limits, 2);
		assert_string_equal(a->cfg.socket_path, "/y");
	}
	ioasid__config_release(&a->cfg);
}

static void test_config_alloc_sweep(void **state)
{
	struct sweep_arg a;

	assert_true(sweep_alloc_failures(sweep_step, sweep_check, &a) > 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_config_limits),
		cmocka_unit_test(test_config_errors_change_nothing),
		cmocka_unit_test(test_config_binary_input),
		cmocka_unit_test(test_config_load),
		cmocka_unit_test(test_config_alloc_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
