// SPDX-License-Identifier: MIT
/*
 * The ID table's memory (see idtable.h for the entry protocol).
 *
 * The table is an anonymous private mapping reserved without swap
 * accounting: a namespace of 2^20 IDs reserves 32 MiB of address space, and
 * resident memory grows only with the pages of entries that were ever
 * allocated. A fresh mapping reads as zeros, which is a valid IDLE entry.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

#include "core/idtable.h"

#define IDTABLE_BYTES ((size_t)IOASID_CAPACITY_MAX * sizeof(struct ioasid__entry))

struct ioasid__entry *ioasid__idtable_map(void)
{
	int saved_errno = errno;
	void *p = mmap(NULL, IDTABLE_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	errno = saved_errno; /* The library never reports through errno. */
	return p == MAP_FAILED ? NULL : p;
}

void ioasid__idtable_unmap(struct ioasid__entry *table)
{
	if (table)
		munmap(table, IDTABLE_BYTES);
}
