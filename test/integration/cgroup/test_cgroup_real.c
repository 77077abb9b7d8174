// SPDX-License-Identifier: MIT
/*
 * The resource controller against real cgroups: a forked child is moved
 * between two real cgroup v2 directories created for the test, placement
 * (through a kept-open /proc/PID/cgroup handle) follows it, and a charge
 * made in the first group stays there after the move.
 *
 * The test needs a writable cgroup2 mount (/sys/fs/cgroup or its "unified"
 * mount on hybrid systems) whose root is the hierarchy root. Where there
 * is none, or the kernel refuses the directories or the move, it skips,
 * saying why. The created cgroups are removed in every case, by the
 * teardown, after the child has been moved back and reaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ioasid/cgroup.h>

#include "cgroup_fixture.h"

struct real {
	char mount[PATH_MAX]; /* the cgroup2 mount point */
	char self[IOASID_CGROUP_PATH_MAX]; /* our cgroup: where the child starts */
	char base[IOASID_CGROUP_PATH_MAX + 32]; /* self/ioasid-test-PID */
	char a[IOASID_CGROUP_PATH_MAX + 40], b[IOASID_CGROUP_PATH_MAX + 40];
	int made_base, made_a, made_b;
	pid_t child;
	int pipe_w; /* closing it lets the child exit */
	const char *skip_why;
};

/* The first cgroup2 mount whose root is the hierarchy root. */
static int find_cgroup2_mount(char *mount, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char root[PATH_MAX], point[PATH_MAX], *dash;
		char fstype[64];

		dash = strstr(line, " - ");
		if (!dash || sscanf(dash, " - %63s", fstype) != 1 ||
		    strcmp(fstype, "cgroup2") != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2)
			continue;
		if (strcmp(root, "/") == 0 && strlen(point) < size) {
			strcpy(mount, point);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static void dir_of(const struct real *r, const char *cg, char *out, size_t size)
{
	/* Paths that do not fit were refused in real_setup(). */
	snprintf(out, size, "%s%s", r->mount, strcmp(cg, "/") == 0 ? "" : cg);
}

/* Write pid into the cgroup.procs of cgroup cg: 0 or -errno. */
static int cgroup_move(const struct real *r, const char *cg, pid_t pid)
{
	char dir[PATH_MAX], file[PATH_MAX + 16], num[32];
	int fd, len, ret = 0;

	dir_of(r, cg, dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(num, sizeof(num), "%d", (int)pid);
	if (write(fd, num, (size_t)len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

static int cgroup_mkdir(const struct real *r, const char *cg, int *made)
{
	char dir[PATH_MAX];

	dir_of(r, cg, dir, sizeof(dir));
	if (mkdir(dir, 0755) < 0)
		return -errno;
	*made = 1;
	return 0;
}

static void cgroup_rmdir(const struct real *r, const char *cg, int *made)
{
	char dir[PATH_MAX];

	if (!*made)
		return;
	dir_of(r, cg, dir, sizeof(dir));
	if (rmdir(dir) < 0)
		print_message("could not remove %s: %s\n", dir, strerror(errno));
	*made = 0;
}

static pid_t child_spawn(int *pipe_w)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(fds[0]);
	*pipe_w = fds[1];
	return pid;
}

static int real_setup(void **state)
{
	struct real *r = calloc(1, sizeof(*r));
	int ret;

	assert_non_null(r);
	r->pipe_w = -1;
	*state = r;
	if (!find_cgroup2_mount(r->mount, sizeof(r->mount))) {
		r->skip_why = "no cgroup2 mount at its hierarchy root";
		return 0;
	}
	ret = ioasid_cgroup_pid_path(NULL, getpid(), r->self, sizeof(r->self));
	if (ret) {
		r->skip_why = "our own cgroup v2 path is not readable or not usable";
		return 0;
	}
	snprintf(r->base, sizeof(r->base), "%s/ioasid-test-%d",
		 strcmp(r->self, "/") == 0 ? "" : r->self, (int)getpid());
	snprintf(r->a, sizeof(r->a), "%s/a", r->base);
	snprintf(r->b, sizeof(r->b), "%s/b", r->base);
	if (strlen(r->a) >= IOASID_CGROUP_PATH_MAX) {
		r->skip_why = "our cgroup path is too deep to add test groups";
		return 0;
	}
	if (cgroup_mkdir(r, r->base, &r->made_base) ||
	    cgroup_mkdir(r, r->a, &r->made_a) || cgroup_mkdir(r, r->b, &r->made_b)) {
		r->skip_why = "the cgroup2 hierarchy is not writable here";
		return 0;
	}
	r->child = child_spawn(&r->pipe_w);
	assert_true(r->child > 0);
	return 0;
}

static int real_teardown(void **state)
{
	struct real *r = *state;

	if (r->child > 0) {
		/* Back where it came from, so that the test cgroups empty. */
		cgroup_move(r, r->self, r->child);
		close(r->pipe_w);
		waitpid(r->child, NULL, 0);
	}
	cgroup_rmdir(r, r->a, &r->made_a);
	cgroup_rmdir(r, r->b, &r->made_b);
	cgroup_rmdir(r, r->base, &r->made_base);
	free(r);
	return 0;
}

static void placed_at(struct ioasid_cgroup_proc *proc, const char *want)
{
	char path[IOASID_CGROUP_PATH_MAX];

	assert_int_equal(ioasid_cgroup_proc_read(proc, path, sizeof(path)), 0);
	assert_string_equal(path, want);
}

static void test_cgroup_real_move_keeps_charge(void **state)
{
	struct real *r = *state;
	struct ioasid_cgroup_tree *tree;
	struct ioasid_cgroup_proc *proc;
	struct ioasid_cgroup *ga, *gb, *base;
	int ret;

	if (r->skip_why) {
		print_message("skipping the real-cgroup case: %s\n", r->skip_why);
		skip();
	}
	assert_int_equal(ioasid_cgroup_proc_open(NULL, r->child, &proc), 0);
	placed_at(proc, r->self);

	ret = cgroup_move(r, r->a, r->child);
	if (ret) {
		print_message("skipping the real-cgroup case: moving a process into %s failed: %s\n",
			      r->a, strerror(-ret));
		ioasid_cgroup_proc_close(proc);
		skip();
	}
	assert_int_equal(ioasid_cgroup_tree_new(100, &tree), 0);
	placed_at(proc, r->a);
	assert_int_equal(ioasid_cgroup_lookup(tree, r->a, IOASID_CGROUP_CREATE, &ga), 0);
	assert_int_equal(ioasid_cgroup_max_set(ga, 1), 0);
	assert_int_equal(ioasid_cgroup_charge(ga, 1), 0);
	assert_int_equal(ioasid_cgroup_charge(ga, 1), -EDQUOT);

	/* Moved: the next charge goes to b, the earlier one stays in a. */
	assert_int_equal(cgroup_move(r, r->b, r->child), 0);
	placed_at(proc, r->b);
	assert_int_equal(ioasid_cgroup_lookup(tree, r->b, IOASID_CGROUP_CREATE, &gb), 0);
	assert_int_equal(ioasid_cgroup_charge(gb, 1), 0);
	assert_int_equal(cg_current(ga), 1);
	assert_int_equal(cg_current(gb), 1);
	assert_int_equal(ioasid_cgroup_lookup(tree, r->base, 0, &base), 0);
	assert_int_equal(cg_current(base), 2);
	/* Freeing the first ID uncharges a, where it was charged. */
	assert_int_equal(ioasid_cgroup_uncharge(ga, 1), 0);
	assert_int_equal(cg_current(ga), 0);
	assert_int_equal(cg_current(gb), 1);
	assert_int_equal(cg_current(base), 1);

	/* And back. */
	assert_int_equal(cgroup_move(r, r->self, r->child), 0);
	placed_at(proc, r->self);
	assert_int_equal(cg_current(gb), 1);
	assert_int_equal(ioasid_cgroup_uncharge(gb, 1), 0);

	/* Once the child is reaped, its kept handle says so. */
	close(r->pipe_w);
	waitpid(r->child, NULL, 0);
	r->child = 0;
	{
		char path[IOASID_CGROUP_PATH_MAX];

		assert_int_equal(ioasid_cgroup_proc_read(proc, path, sizeof(path)), -ESRCH);
	}
	ioasid_cgroup_proc_close(proc);
	ioasid_cgroup_put(base);
	ioasid_cgroup_put(gb);
	ioasid_cgroup_put(ga);
	ioasid_cgroup_tree_free(tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cgroup_real_move_keeps_charge,
						real_setup, real_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
