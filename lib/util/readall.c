// SPDX-License-Identifier: MIT
/* Reading until the buffer is full or the file ends (see readall.h). */
#include <errno.h>
#include <unistd.h>

#include "util/readall.h"

/* One read() or pread() of the part of buf still to fill. */
static ssize_t read_once(int fd, char *buf, size_t size, off_t offset)
{
	if (offset == IOASID__READ_AT_POS)
		return read(fd, buf, size);
	return pread(fd, buf, size, offset);
}

int ioasid__read_all(int fd, void *buf, size_t size, off_t offset,
		     size_t *lenp)
{
	int saved_errno = errno;
	size_t got = 0;
	int ret = 0;

	while (got < size) {
		off_t at = offset == IOASID__READ_AT_POS ?
				   offset : offset + (off_t)got;
		ssize_t n = read_once(fd, (char *)buf + got, size - got, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	errno = saved_errno; /* The library never reports through errno. */
	if (!ret)
		*lenp = got;
	return ret;
}
