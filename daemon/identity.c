// SPDX-License-Identifier: MIT
/* Process identity from /proc/PID/stat (see identity.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"

/* starttime is field 22; after the ')' that ends field 2 it is the 20th. */
#define STAT_FIELDS_AFTER_COMM 20

int ioasid__identity_parse_stat(const char *buf, size_t len,
				uint64_t *start_timep, char *statep)
{
	const char *p = NULL, *end = buf + len;
	unsigned int field = 0;
	uint64_t v = 0;
	char state;

	for (const char *q = buf; q < end; q++)
		if (*q == ')')
			p = q;
	if (!p)
		return -EINVAL;
	if (end - p < 3 || p[1] != ' ')
		return -EINVAL;
	state = p[2];
	for (p++; p < end && field < STAT_FIELDS_AFTER_COMM; p++)
		if (*p == ' ')
			field++;
	if (field != STAT_FIELDS_AFTER_COMM || p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p != ' ' && *p != '\n')
		return -EINVAL;
	*start_timep = v;
	if (statep)
		*statep = state;
	return 0;
}

/* stat_read - the text of /proc/PID/stat into buf; its length or -errno. */
static ssize_t stat_read(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	do {
		n = read(fd, buf, size);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		n = errno == ESRCH ? -ESRCH : -errno;
	close(fd);
	return n;
}

int ioasid__identity_read(pid_t pid, struct ioasidd_identity *id)
{
	char buf[1024];
	uint64_t start;
	char state;
	ssize_t n;
	int ret;

	if (pid <= 0 || pid >= (1 << IOASIDD_PID_BITS))
		return -EINVAL;
	n = stat_read(pid, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	ret = ioasid__identity_parse_stat(buf, (size_t)n, &start, &state);
	if (ret)
		return ret;
	if (state == 'Z' || state == 'X')
		return -ESRCH; /* exited, not yet reaped */
	id->pid = pid;
	id->start_time = start;
	return 0;
}

bool ioasid__identity_alive(const struct ioasidd_identity *id)
{
	struct ioasidd_identity now;

	if (ioasid__identity_read(id->pid, &now))
		return false;
	return now.start_time == id->start_time;
}

uint64_t ioasid__identity_token(const struct ioasidd_identity *id)
{
	uint64_t start = id->start_time & ((1ull << IOASIDD_START_BITS) - 1);

	return start << IOASIDD_PID_BITS | (uint64_t)id->pid;
}

pid_t ioasid__identity_token_pid(uint64_t token)
{
	return (pid_t)(token & ((1u << IOASIDD_PID_BITS) - 1));
}

void ioasid__identity_from_token(uint64_t token, struct ioasidd_identity *id)
{
	id->pid = ioasid__identity_token_pid(token);
	id->start_time = token >> IOASIDD_PID_BITS;
}
