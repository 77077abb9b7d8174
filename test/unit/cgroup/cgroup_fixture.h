/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the resource-controller tests: a tree whose teardown
 * asserts that the test put every reference and uncharged every charge,
 * i.e. that only the root and groups with a limit are left, with nothing
 * charged anywhere; and a directory laid out like /proc for the placement
 * tests.
 */
#ifndef IOASID_TEST_CGROUP_FIXTURE_H
#define IOASID_TEST_CGROUP_FIXTURE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <ioasid/cgroup.h>

int cg_setup(void **state); /* *state = tree with unlimited capacity */
int cg_teardown(void **state);

/* Look up (creating) path and return the referenced group. */
struct ioasid_cgroup *cg_get(struct ioasid_cgroup_tree *tree, const char *path);
/* Query helpers. */
uint64_t cg_current(struct ioasid_cgroup *cg);
uint64_t cg_events(struct ioasid_cgroup *cg);
uint64_t cg_events_local(struct ioasid_cgroup *cg);
/* Number of groups in the tree. */
unsigned int cg_count(struct ioasid_cgroup_tree *tree);
/* 1 if a group named path exists (no reference is kept). */
int cg_exists(struct ioasid_cgroup_tree *tree, const char *path);

/*
 * A fixture proc root: a temporary directory laid out like /proc, whose
 * ROOT/PID/cgroup files the test writes, for the placement functions'
 * procroot argument.
 */
struct cg_procroot {
	char root[256];
};

/* Create the directory (under $TMPDIR, or /tmp). */
void cg_procroot_make(struct cg_procroot *p);
/* Write ROOT/pid/cgroup with len bytes of text, in place if it exists. */
void cg_procroot_write(const struct cg_procroot *p, int pid, const char *text,
		       size_t len);
/* Remove every ROOT/PID/cgroup file, the PID directories and the root. */
void cg_procroot_remove(const struct cg_procroot *p);

#endif
