/* SPDX-License-Identifier: MIT */
/*
 * Reading a whole small file through a descriptor: ioasidd's configuration
 * file and the cgroup placement file /proc/PID/cgroup.
 */
#ifndef IOASID_UTIL_READALL_H
#define IOASID_UTIL_READALL_H

#include <stddef.h>
#include <sys/types.h>

/* The offset that makes ioasid__read_all() read from the file position. */
#define IOASID__READ_AT_POS ((off_t)-1)

/*
 * ioasid__read_all - read from fd into buf until size bytes are there or
 * the file ends, going on after short reads and EINTR.
 *
 * offset >= 0 reads with pread() from that offset, leaving the file
 * position alone (a /proc file read at 0 is generated afresh);
 * IOASID__READ_AT_POS reads with read() from the file position and
 * advances it, which works on pipes too.
 *
 * Returns 0 and the number of bytes read in *lenp, less than size only
 * when the file ended first (a caller that must see the end asks for one
 * byte more than it accepts). On a failed read returns its -errno, and
 * *lenp and the bytes read so far are of no use. errno is left as it was.
 */
int ioasid__read_all(int fd, void *buf, size_t size, off_t offset,
		     size_t *lenp);

#endif /* IOASID_UTIL_READALL_H */
