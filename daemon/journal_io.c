// SPDX-License-Identifier: MIT
/* Small I/O and logging helpers of the journal. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "journal_format.h"

int ioasid__journal_pwritev_all(int fd, struct iovec *iov, int iovcnt, off_t off)
{
	while (iovcnt > 0) {
		ssize_t n = pwritev(fd, iov, iovcnt, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0 && iov->iov_len)
			return -EIO; /* no progress on a regular file */
		off += n;
		/* Skip what was written; a short write resumes mid-vector. */
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

void ioasid__journal_log(ioasid_journal_log_fn fn, void *arg, int priority,
			 const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fn(arg, priority, line);
}
