// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_fixture.h"

int cg_setup(void **state)
{
	struct ioasid_cgroup_tree *tree;

	assert_int_equal(ioasid_cgroup_tree_new(IOASID_CGROUP_MAX, &tree), 0);
	*state = tree;
	return 0;
}

static int check_clean(const char *path, const struct ioasid_cgroup_info *info,
		       void *arg)
{
	assert_int_equal(info->current, 0);
	/* A leftover group is either the root, kept for a limit, or an
	 * ancestor of one of those. */
	if (info->depth > 0 && info->max == IOASID_CGROUP_MAX)
		assert_true(info->children > 0);
	return 0;
}

int cg_teardown(void **state)
{
	struct ioasid_cgroup_tree *tree = *state;

	assert_int_equal(ioasid_cgroup_for_each(tree, check_clean, NULL), 0);
	ioasid_cgroup_tree_free(tree);
	return 0;
}

struct ioasid_cgroup *cg_get(struct ioasid_cgroup_tree *tree, const char *path)
{
	struct ioasid_cgroup *cg = NULL;

	assert_int_equal(ioasid_cgroup_lookup(tree, path, IOASID_CGROUP_CREATE, &cg), 0);
	assert_non_null(cg);
	assert_string_equal(ioasid_cgroup_path(cg), path);
	return cg;
}

uint64_t cg_current(struct ioasid_cgroup *cg)
{
	struct ioasid_cgroup_info info;

	ioasid_cgroup_query(cg, &info);
	return info.current;
}

uint64_t cg_events(struct ioasid_cgroup *cg)
{
	struct ioasid_cgroup_info info;

	ioasid_cgroup_query(cg, &info);
	return info.events;
}

uint64_t cg_events_local(struct ioasid_cgroup *cg)
{
	struct ioasid_cgroup_info info;

	ioasid_cgroup_query(cg, &info);
	return info.events_local;
}

static int count_one(const char *path, const struct ioasid_cgroup_info *info,
		     void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

unsigned int cg_count(struct ioasid_cgroup_tree *tree)
{
	unsigned int n = 0;

	assert_int_equal(ioasid_cgroup_for_each(tree, count_one, &n), 0);
	return n;
}

int cg_exists(struct ioasid_cgroup_tree *tree, const char *path)
{
	struct ioasid_cgroup *cg;
	int ret = ioasid_cgroup_lookup(tree, path, 0, &cg);

	if (ret == -ENOENT)
		return 0;
	assert_int_equal(ret, 0);
	ioasid_cgroup_put(cg);
	return 1;
}

void cg_procroot_make(struct cg_procroot *p)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(p->root, sizeof(p->root), "%s/ioasid-proc-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(p->root));
}

void cg_procroot_write(const struct cg_procroot *p, int pid, const char *text,
		       size_t len)
{
	char path[400];
	int fd;

	snprintf(path, sizeof(path), "%s/%d", p->root, pid);
	assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/%d/cgroup", p->root, pid);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

void cg_procroot_remove(const struct cg_procroot *p)
{
	DIR *d = opendir(p->root);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[600];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/cgroup", p->root, e->d_name);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", p->root, e->d_name);
		rmdir(path);
	}
	if (d)
		closedir(d);
	rmdir(p->root);
}
