/* SPDX-License-Identifier: MIT */
/*
 * Internal allocation wrappers with a fault hook.
 *
 * All heap allocation in the libraries and the daemon goes through these so
 * that the fail-the-Nth-allocation sweeps can make any single allocation
 * fail and check that the caller unwinds cleanly. The hook costs one relaxed
 * atomic load on the allocation path and nothing when disarmed.
 */
#ifndef IOASID_UTIL_ALLOC_H
#define IOASID_UTIL_ALLOC_H

#include <stddef.h>

void *ioasid__malloc(size_t size);
void *ioasid__calloc(size_t nmemb, size_t size);
void *ioasid__realloc(void *ptr, size_t size);
/* Aligned allocation (alignment a power of two, multiple of sizeof(void *)). */
void *ioasid__aligned_alloc(size_t align, size_t size);
char *ioasid__strdup(const char *s);
void ioasid__free(void *ptr);
/*
 * A failure point for memory taken from a cache the caller already holds:
 * counts as one allocation for the fault hook and returns nonzero if the
 * armed failure fires here (the caller then fails as on NULL).
 */
int ioasid__alloc_fault_point(void);

/*
 * Arm the fault hook: the nth allocation from now (1 = the next one) fails
 * and returns NULL; every later one succeeds again. 0 disarms it.
 */
void ioasid__alloc_fail_nth(unsigned long nth);
/* True once the armed failure has been delivered. */
int ioasid__alloc_fault_fired(void);

#endif /* IOASID_UTIL_ALLOC_H */
