/* SPDX-License-Identifier: MIT */
/*
 * ioasid/cgroup.h - the IOASID resource controller.
 *
 * The semantics are those of the Linux cgroup v2 "misc" controller, applied
 * to IOASIDs. A tree (struct ioasid_cgroup_tree) is a hierarchy of groups
 * (struct ioasid_cgroup) named by cgroup v2 paths: "/", "/machine",
 * "/machine/vm1", ... Each group has
 *
 *   max           the limit, a number or "max" (unlimited, the default);
 *   current       what is charged to the group and its descendants;
 *   peak          the highest current ever seen;
 *   events        how many charges failed at this level or below it
 *                 (the kernel's misc.events "max" key);
 *   events_local  how many charges failed at this level itself
 *                 (misc.events.local).
 *
 * The root group "/" has no max of its own (as the kernel has no misc.max
 * in the root cgroup); it carries the tree's capacity instead, the total the
 * whole hierarchy may hold.
 *
 * Charging. ioasid_cgroup_charge(cg, n) adds n to cg and to every ancestor
 * up to the root. It walks from cg upwards; the first level where the new
 * current would exceed that level's max, or the capacity, is the failing
 * level: nothing is charged anywhere, the failing level's events and
 * events_local and the events of each of its ancestors count one, and the
 * charge fails with
 *   -EDQUOT  if the failing level's max was exceeded (DESIGN.md §4,
 *            "resource-controller max reached");
 *   -ENOSPC  if only the capacity was exceeded ("system capacity
 *            exhausted").
 * (The kernel returns -EBUSY for both; the levels tested and the events
 * counted are the kernel's.) Setting max below current is allowed and only
 * blocks new charges; so is lowering the capacity.
 *
 * Moving processes. A charge belongs to the group it was made in, not to a
 * process: a caller keeps a reference to the group it charged (the one
 * returned by ioasid_cgroup_lookup(), or one taken with ioasid_cgroup_get())
 * and later uncharges that same group, wherever the process that made the
 * charge has moved in the meantime. New charges go to the group of the
 * process's current cgroup, which the placement functions below read from
 * /proc/PID/cgroup.
 *
 * Lifetime. A group exists while it has a reference, a non-zero current,
 * a child, or a max other than "max". When none of these holds any more it
 * is removed (with its events counts, as a removed cgroup's go), and then
 * its parent is considered in turn. The root lives as long as the tree. A
 * limit set on a group therefore persists without anyone holding it, and
 * the groups of short-lived cgroups (transient scopes) do not accumulate.
 *
 * Paths. A valid path is "/" or "/" followed by components separated by
 * single "/": no empty component (so no trailing "/"), no "." or "..", no
 * newline, components of at most IOASID_CGROUP_NAME_MAX bytes and the whole
 * path shorter than IOASID_CGROUP_PATH_MAX bytes. Anything else is -EINVAL.
 *
 * Errors: every function returns 0 or a negative errno and never sets
 * errno. A call that fails changes nothing.
 *
 * Thread safety: every function may be called from any thread; one mutex
 * per tree serialises them. ioasid_cgroup_for_each() calls its callback
 * with that mutex held, so the callback must not call into the tree.
 */
#ifndef IOASID_CGROUP_H
#define IOASID_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ioasid/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ioasid_cgroup_tree;
struct ioasid_cgroup;
struct ioasid_cgroup_proc;

/* The value of max (and capacity) that means "unlimited", shown as "max". */
#define IOASID_CGROUP_MAX UINT64_MAX
/* Bytes in a path, the terminating NUL included; size for path buffers. */
#define IOASID_CGROUP_PATH_MAX 4096
/* Bytes in one path component (NAME_MAX). */
#define IOASID_CGROUP_NAME_MAX 255
/* Buffer size for ioasid_cgroup_limit_format(): 20 digits and a NUL. */
#define IOASID_CGROUP_LIMIT_STRLEN 21
/* The /proc root the placement functions use when given NULL. */
#define IOASID_CGROUP_PROCROOT_DEFAULT "/proc"

/* ------------------------------------------------------------------------
 * Tree
 */

/*
 * ioasid_cgroup_tree_new - create a tree holding only the root group, with
 * the given capacity (IOASID_CGROUP_MAX: unlimited; 0: every charge fails).
 * Returns 0 and *treep, or -ENOMEM.
 */
int ioasid_cgroup_tree_new(uint64_t capacity, struct ioasid_cgroup_tree **treep);

/*
 * ioasid_cgroup_tree_free - destroy a tree and every group in it, whatever
 * is still charged or referenced. Accepts NULL; never fails. No other call
 * on the tree or its groups may be in progress or follow.
 */
void ioasid_cgroup_tree_free(struct ioasid_cgroup_tree *tree);

/*
 * ioasid_cgroup_capacity_set - change the capacity. Any value is accepted;
 * a capacity below the root's current only blocks new charges.
 */
void ioasid_cgroup_capacity_set(struct ioasid_cgroup_tree *tree,
				uint64_t capacity);

/* ioasid_cgroup_capacity - the tree's capacity. */
uint64_t ioasid_cgroup_capacity(struct ioasid_cgroup_tree *tree);

/* ------------------------------------------------------------------------
 * Groups
 */

/* Flags for ioasid_cgroup_lookup(). */
#define IOASID_CGROUP_CREATE 0x1u /* create the group and missing ancestors */

/*
 * ioasid_cgroup_lookup - find the group named path and take a reference on
 * it for the caller. With IOASID_CGROUP_CREATE the group and any missing
 * ancestors are created (max "max", nothing charged) first.
 * Errors: -EINVAL invalid path or unknown flag; -ENOENT no such group
 * (without IOASID_CGROUP_CREATE); -ENOMEM (nothing created).
 */
int ioasid_cgroup_lookup(struct ioasid_cgroup_tree *tree, const char *path,
			 unsigned int flags, struct ioasid_cgroup **cgp);

/* ioasid_cgroup_get - take one more reference on a group. Never fails. */
void ioasid_cgroup_get(struct ioasid_cgroup *cg);

/*
 * ioasid_cgroup_put - drop a reference. Accepts NULL; never fails. The
 * group may be removed (see "Lifetime") and must not be used afterwards.
 */
void ioasid_cgroup_put(struct ioasid_cgroup *cg);

/*
 * ioasid_cgroup_charge - charge amount to cg and all its ancestors (see
 * "Charging"). amount 0 succeeds and changes nothing.
 * Errors: -EDQUOT a level's max would be exceeded; -ENOSPC the capacity
 * would be exceeded.
 */
int ioasid_cgroup_charge(struct ioasid_cgroup *cg, uint64_t amount);

/*
 * ioasid_cgroup_uncharge - return amount previously charged to cg (the
 * same group, wherever the charging process is now).
 * Errors: -EINVAL amount is more than cg's current (a caller bug; nothing
 * changes).
 */
int ioasid_cgroup_uncharge(struct ioasid_cgroup *cg, uint64_t amount);

/*
 * ioasid_cgroup_max_set - set a group's max (IOASID_CGROUP_MAX: unlimited).
 * A max below current is allowed and only blocks new charges.
 * Errors: -EINVAL cg is the root, which has no max (set the capacity).
 */
int ioasid_cgroup_max_set(struct ioasid_cgroup *cg, uint64_t max);

struct ioasid_cgroup_info {
	uint64_t max; /* IOASID_CGROUP_MAX for "max" and for the root */
	uint64_t current;
	uint64_t peak;
	uint64_t events; /* failed charges at this level or below */
	uint64_t events_local; /* failed charges at this level */
	uint64_t capacity; /* the root: the tree's capacity; others: 0 */
	uint32_t depth; /* 0 for the root, 1 for "/a", ... */
	uint32_t children;
};

/* ioasid_cgroup_query - a consistent snapshot of a group's counters. */
void ioasid_cgroup_query(struct ioasid_cgroup *cg,
			 struct ioasid_cgroup_info *info);

/*
 * ioasid_cgroup_path - the group's path, a string owned by the group and
 * valid while the caller holds a reference.
 */
const char *ioasid_cgroup_path(const struct ioasid_cgroup *cg);

/*
 * ioasid_cgroup_for_each - call fn for every group, parents before their
 * children and siblings in strcmp() order of their names, until fn returns
 * non-zero, which is then returned. fn runs with the tree's mutex held and
 * must not call any ioasid_cgroup_* function of this tree.
 */
typedef int (*ioasid_cgroup_visit_fn)(const char *path,
				      const struct ioasid_cgroup_info *info,
				      void *arg);
int ioasid_cgroup_for_each(struct ioasid_cgroup_tree *tree,
			   ioasid_cgroup_visit_fn fn, void *arg);

/* ------------------------------------------------------------------------
 * Text formats (misc.max style), shared by the daemon and ioasidctl
 */

/*
 * ioasid_cgroup_path_valid - 0 if path is a valid group path (see
 * "Paths"), -EINVAL otherwise.
 */
int ioasid_cgroup_path_valid(const char *path);

/*
 * ioasid_cgroup_limit_parse - parse "max" (IOASID_CGROUP_MAX) or a decimal
 * number with no sign, no leading zero (other than "0" itself) and no
 * surrounding space, at most UINT64_MAX (which means "max" as well).
 * Errors: -EINVAL anything else (*valp untouched).
 */
int ioasid_cgroup_limit_parse(const char *s, uint64_t *valp);

/*
 * ioasid_cgroup_limit_format - write val as "max" (IOASID_CGROUP_MAX) or
 * in decimal into buf, NUL-terminated. Returns the length written, or
 * -EINVAL if size is too small (IOASID_CGROUP_LIMIT_STRLEN always fits).
 */
int ioasid_cgroup_limit_format(uint64_t val, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * Placement: the cgroup v2 path of a process
 *
 * The path is the one on the "0::" line of PROCROOT/PID/cgroup; a file
 * with no such line (a cgroup v1-only system) gives "/". A path that is not
 * a valid group path (such as one starting with "/.." as a process outside
 * the reader's cgroup namespace shows) is -EINVAL. The " (deleted)" suffix
 * the kernel appends for an exiting process whose cgroup was removed is
 * not interpreted: it stays part of the last component. procroot NULL means
 * IOASID_CGROUP_PROCROOT_DEFAULT; tests point it at a fixture directory
 * laid out like /proc.
 */

/*
 * ioasid_cgroup_proc_parse - extract the path from the contents of a
 * /proc/PID/cgroup file (len bytes, need not be NUL-terminated) into
 * path (size bytes, IOASID_CGROUP_PATH_MAX always fits).
 * Errors: -EINVAL more than one "0::" line, a "0::" line with an invalid
 * path, or a path longer than size - 1.
 */
int ioasid_cgroup_proc_parse(const char *buf, size_t len, char *path,
			     size_t size);

/*
 * ioasid_cgroup_proc_open - open PROCROOT/PID/cgroup and keep it open, so
 * that the same process can be placed again and again without resolving
 * its pid each time. On a real /proc, reads through the handle fail with
 * -ESRCH once the process has been reaped, even if its pid is reused.
 * Errors: -EINVAL pid <= 0 or procroot too long; -ESRCH no such process;
 * -ENOMEM; other -errno from open(2).
 */
int ioasid_cgroup_proc_open(const char *procroot, pid_t pid,
			    struct ioasid_cgroup_proc **procp);

/*
 * ioasid_cgroup_proc_read - read the process's current path into path
 * (size bytes).
 * Errors: -ESRCH the process is gone; -EINVAL as ioasid_cgroup_proc_parse()
 * or the file is larger than 64 KiB; other -errno from pread(2).
 */
int ioasid_cgroup_proc_read(struct ioasid_cgroup_proc *proc, char *path,
			    size_t size);

/* ioasid_cgroup_proc_close - close the handle. Accepts NULL. */
void ioasid_cgroup_proc_close(struct ioasid_cgroup_proc *proc);

/*
 * ioasid_cgroup_pid_path - open, read and close in one call.
 * Errors: as ioasid_cgroup_proc_open() and ioasid_cgroup_proc_read().
 */
int ioasid_cgroup_pid_path(const char *procroot, pid_t pid, char *path,
			   size_t size);

#ifdef __cplusplus
}
#endif
#endif /* IOASID_CGROUP_H */
