// SPDX-License-Identifier: MIT
/*
 * Placement: the /proc/PID/cgroup parser, and reading through a fixture
 * proc root (a directory laid out like /proc) and through the real /proc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_fixture.h"

static int parse(const char *text, char *path)
{
	return ioasid_cgroup_proc_parse(text, strlen(text), path,
					IOASID_CGROUP_PATH_MAX);
}

static void test_cgroup_proc_parse_unified(void **state)
{
	char path[IOASID_CGROUP_PATH_MAX];

	assert_int_equal(parse("0::/user.slice/user-1000.slice/session-2.scope\n", path), 0);
	assert_string_equal(path, "/user.slice/user-1000.slice/session-2.scope");
	assert_int_equal(parse("0::/\n", path), 0);
	assert_string_equal(path, "/");
	/* Hybrid systems list v1 hierarchies first; the last line may lack
	 * its newline; names may contain ':'. */
	assert_int_equal(parse("12:cpu,cpuacct:/x\n1:name=systemd:/y\n0::/a:b/c", path), 0);
	assert_string_equal(path, "/a:b/c");
}

static void test_cgroup_proc_parse_no_unified_line(void **state)
{
	char path[IOASID_CGROUP_PATH_MAX];

	/* A v1-only system, and an empty file, place at the root. */
	assert_int_equal(parse("4:memory:/user.slice\n1:name=systemd:/init.scope\n", path), 0);
	assert_string_equal(path, "/");
	assert_int_equal(ioasid_cgroup_proc_parse(NULL, 0, path, sizeof(path)), 0);
	assert_string_equal(path, "/");
	/* "0:" with controllers is not the unified hierarchy's line. */
	assert_int_equal(parse("0:cpu:/x\n10::/y\n", path), 0);
	assert_string_equal(path, "/");
}

static void test_cgroup_proc_parse_rejects(void **state)
{
	char path[IOASID_CGROUP_PATH_MAX] = "untouched";
	char small[4];

	assert_int_equal(parse("0::/a\n0::/b\n", path), -EINVAL);
	assert_int_equal(parse("0::\n", path), -EINVAL);
	assert_int_equal(parse("0::relative\n", path), -EINVAL);
	/* Seen from inside another cgroup namespace. */
	assert_int_equal(parse("0::/../../other\n", path), -EINVAL);
	assert_int_equal(parse("0::/a/\n", path), -EINVAL);
	assert_int_equal(ioasid_cgroup_proc_parse("0::/a\0b\n", 8, path, sizeof(path)),
			 -EINVAL);
	assert_string_equal(path, "untouched");
	/* The path and its NUL must fit. */
	assert_int_equal(ioasid_cgroup_proc_parse("0::/abc", 7, small, sizeof(small)),
			 -EINVAL);
	assert_int_equal(ioasid_cgroup_proc_parse("0::/ab", 6, small, sizeof(small)), 0);
	assert_string_equal(small, "/ab");
	assert_int_equal(ioasid_cgroup_proc_parse(NULL, 1, path, sizeof(path)), -EINVAL);
	assert_int_equal(ioasid_cgroup_proc_parse("", 0, NULL, 0), -EINVAL);
}

/* The state of the tests below: a fixture proc root (cgroup_fixture.h). */
static int proc_setup(void **state)
{
	struct cg_procroot *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	cg_procroot_make(p);
	*state = p;
	return 0;
}

static int proc_teardown(void **state)
{
	struct cg_procroot *p = *state;

	cg_procroot_remove(p);
	free(p);
	return 0;
}

static void test_cgroup_proc_fixture_root(void **state)
{
	struct cg_procroot *p = *state;
	struct ioasid_cgroup_proc *proc;
	char path[IOASID_CGROUP_PATH_MAX];
	const char *a = "0::/machine/vm1\n", *b = "0::/machine/vm2\n";

	cg_procroot_write(p, 42, a, strlen(a));
	assert_int_equal(ioasid_cgroup_pid_path(p->root, 42, path, sizeof(path)), 0);
	assert_string_equal(path, "/machine/vm1");
	/* A handle reads the file afresh each time. */
	assert_int_equal(ioasid_cgroup_proc_open(p->root, 42, &proc), 0);
	assert_int_equal(ioasid_cgroup_proc_read(proc, path, sizeof(path)), 0);
	assert_string_equal(path, "/machine/vm1");
	cg_procroot_write(p, 42, b, strlen(b));
	assert_int_equal(ioasid_cgroup_proc_read(proc, path, sizeof(path)), 0);
	assert_string_equal(path, "/machine/vm2");
	ioasid_cgroup_proc_close(proc);
	ioasid_cgroup_proc_close(NULL);
}

static void test_cgroup_proc_missing_process(void **state)
{
	struct cg_procroot *p = *state;
	struct ioasid_cgroup_proc *proc = NULL;
	char path[IOASID_CGROUP_PATH_MAX];

	errno = 0;
	assert_int_equal(ioasid_cgroup_pid_path(p->root, 7, path, sizeof(path)), -ESRCH);
	assert_int_equal(ioasid_cgroup_proc_open(p->root, 7, &proc), -ESRCH);
	assert_null(proc);
	/* The failed open(2) reports through the return value only. */
	assert_int_equal(errno, 0);
	assert_int_equal(ioasid_cgroup_proc_open(p->root, 0, &proc), -EINVAL);
	assert_int_equal(ioasid_cgroup_proc_open(p->root, -1, &proc), -EINVAL);
	assert_int_equal(ioasid_cgroup_proc_read(NULL, path, sizeof(path)), -EINVAL);
}

/* Files larger than the stack buffer are read again into the heap. */
static void test_cgroup_proc_large_file(void **state)
{
	struct cg_procroot *p = *state;
	char path[IOASID_CGROUP_PATH_MAX];
	size_t cap = (64u << 10) + 64, len = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	while (len < 6000)
		len += (size_t)sprintf(text + len, "%u:ctl%u:/some/v1/path\n",
				       (unsigned int)len % 13 + 1, (unsigned int)len);
	len += (size_t)sprintf(text + len, "0::/big/file\n");
	cg_procroot_write(p, 43, text, len);
	assert_int_equal(ioasid_cgroup_pid_path(p->root, 43, path, sizeof(path)), 0);
	assert_string_equal(path, "/big/file");
	/* Exactly at the 64 KiB bound is fine; one byte more is refused. */
	memset(text, '\n', cap);
	memcpy(text + (64u << 10) - 7, "0::/end", 7);
	cg_procroot_write(p, 44, text, 64u << 10);
	assert_int_equal(ioasid_cgroup_pid_path(p->root, 44, path, sizeof(path)), 0);
	assert_string_equal(path, "/end");
	cg_procroot_write(p, 45, text, (64u << 10) + 1);
	assert_int_equal(ioasid_cgroup_pid_path(p->root, 45, path, sizeof(path)), -EINVAL);
	free(text);
}

/* Our own process, through the real /proc. */
static void test_cgroup_proc_real_self(void **state)
{
	char path[IOASID_CGROUP_PATH_MAX];
	char raw[8192];
	int fd, ret;
	ssize_t n;

	fd = open("/proc/self/cgroup", O_RDONLY);
	if (fd < 0) {
		print_message("no /proc/self/cgroup here; skipping\n");
		skip();
	}
	/* One byte kept for the NUL that strstr() below needs. */
	n = read(fd, raw, sizeof(raw) - 1);
	close(fd);
	assert_true(n >= 0);
	raw[n] = '\0';
	ret = ioasid_cgroup_pid_path(NULL, getpid(), path, sizeof(path));
	if (ret == -EINVAL && strstr(raw, "0::/..")) {
		print_message("our cgroup is outside this cgroup namespace; skipping\n");
		skip();
	}
	assert_int_equal(ret, 0);
	assert_int_equal(ioasid_cgroup_path_valid(path), 0);
	if (strcmp(path, "/") != 0)
		assert_non_null(strstr(raw, path));
}

#define P(fn) cmocka_unit_test_setup_teardown(fn, proc_setup, proc_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_proc_parse_unified),
		cmocka_unit_test(test_cgroup_proc_parse_no_unified_line),
		cmocka_unit_test(test_cgroup_proc_parse_rejects),
		P(test_cgroup_proc_fixture_root),
		P(test_cgroup_proc_missing_process),
		P(test_cgroup_proc_large_file),
		cmocka_unit_test(test_cgroup_proc_real_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
