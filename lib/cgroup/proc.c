// SPDX-License-Identifier: MIT
/*
 * Placement: the cgroup v2 path of a process, from PROCROOT/PID/cgroup.
 *
 * The file has one line per hierarchy, "ID:CONTROLLERS:PATH"; the unified
 * (v2) hierarchy is the line "0::PATH". The path is everything after the
 * second colon up to the newline (a cgroup name may itself contain ':' but
 * never '\n'). The parser works on a byte buffer of known length and
 * copies nothing until the whole input has been checked.
 *
 * A handle keeps the file open and re-reads it with pread() at offset 0,
 * which makes the kernel generate it afresh. Holding the file open also
 * pins the process's identity: once the process is reaped, reads fail
 * with ESRCH even if its pid has been given to another process.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/alloc.h"
#include "util/readall.h"

/* Larger files are refused; real ones are well under 4 KiB. */
#define PROC_FILE_MAX (64u << 10)
/* First attempt, on the stack; larger files are read again into the heap. */
#define PROC_STACK_BUF 4096u

struct ioasid_cgroup_proc {
	int fd;
};

/*
 * Find the "0::" line in buf: returns 1 and its path slice, 0 if there is
 * none, -EINVAL if there are several.
 */
static int proc_find_unified(const char *buf, size_t len, const char **pathp,
			     size_t *plen)
{
	size_t pos = 0;
	int found = 0;

	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;

		if (llen >= 3 && memcmp(line, "0::", 3) == 0) {
			if (found)
				return -EINVAL;
			found = 1;
			*pathp = line + 3;
			*plen = llen - 3;
		}
		pos += llen + 1;
	}
	return found;
}

int ioasid_cgroup_proc_parse(const char *buf, size_t len, char *path,
			     size_t size)
{
	const char *p = "/";
	size_t plen = 1;
	int ret;

	if ((!buf && len) || !path)
		return -EINVAL;
	ret = proc_find_unified(buf, len, &p, &plen);
	if (ret < 0)
		return ret;
	if (ioasid__cgroup_path_check(p, plen) || plen >= size)
		return -EINVAL;
	memcpy(path, p, plen);
	path[plen] = '\0';
	return 0;
}

/* The large-file path: read into a heap buffer of PROC_FILE_MAX + 1. */
static int proc_read_heap(int fd, char *path, size_t size)
{
	char *buf = ioasid__malloc(PROC_FILE_MAX + 1);
	size_t n;
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = ioasid__read_all(fd, buf, PROC_FILE_MAX + 1, 0, &n);
	if (!ret && n > PROC_FILE_MAX)
		ret = -EINVAL;
	else if (!ret)
		ret = ioasid_cgroup_proc_parse(buf, n, path, size);
	ioasid__free(buf);
	return ret;
}

int ioasid_cgroup_proc_read(struct ioasid_cgroup_proc *proc, char *path,
			    size_t size)
{
	char buf[PROC_STACK_BUF];
	size_t n;
	int ret;

	if (!proc || !path)
		return -EINVAL;
	/* From offset 0, so that the kernel generates the file afresh. */
	ret = ioasid__read_all(proc->fd, buf, sizeof(buf), 0, &n);
	if (ret)
		return ret;
	if (n == sizeof(buf))
		return proc_read_heap(proc->fd, path, size);
	return ioasid_cgroup_proc_parse(buf, n, path, size);
}

int ioasid_cgroup_proc_open(const char *procroot, pid_t pid,
			    struct ioasid_cgroup_proc **procp)
{
	struct ioasid_cgroup_proc *proc;
	char file[PATH_MAX];
	int len, err, saved_errno;

	if (!procp || pid <= 0)
		return -EINVAL;
	if (!procroot)
		procroot = IOASID_CGROUP_PROCROOT_DEFAULT;
	len = snprintf(file, sizeof(file), "%s/%d/cgroup", procroot, (int)pid);
	if (len < 0 || (size_t)len >= sizeof(file))
		return -EINVAL;
	proc = ioasid__malloc(sizeof(*proc));
	if (!proc)
		return -ENOMEM;
	saved_errno = errno;
	proc->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (proc->fd < 0) {
		err = errno == ENOENT ? -ESRCH : -errno;
		errno = saved_errno; /* The library never reports through errno. */
		goto free_proc;
	}
	*procp = proc;
	return 0;

free_proc:
	ioasid__free(proc);
	return err;
}

void ioasid_cgroup_proc_close(struct ioasid_cgroup_proc *proc)
{
	if (!proc)
		return;
	close(proc->fd);
	ioasid__free(proc);
}

int ioasid_cgroup_pid_path(const char *procroot, pid_t pid, char *path,
			   size_t size)
{
	struct ioasid_cgroup_proc *proc;
	int ret;

	ret = ioasid_cgroup_proc_open(procroot, pid, &proc);
	if (ret)
		return ret;
	ret = ioasid_cgroup_proc_read(proc, path, size);
	ioasid_cgroup_proc_close(proc);
	return ret;
}
