// SPDX-License-Identifier: MIT
/* Allocation wrappers with the fail-the-Nth-allocation hook (see alloc.h). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* Countdown to the failing allocation; 0 when disarmed. */
static atomic_ulong fail_countdown;
static atomic_int fault_fired;

static int should_fail(void)
{
	unsigned long n = atomic_load_explicit(&fail_countdown, memory_order_relaxed);

	while (n) {
		if (atomic_compare_exchange_weak(&fail_countdown, &n, n - 1)) {
			if (n == 1) {
				atomic_store(&fault_fired, 1);
				return 1;
			}
			return 0;
		}
	}
	return 0;
}

void ioasid__alloc_fail_nth(unsigned long nth)
{
	atomic_store(&fault_fired, 0);
	atomic_store(&fail_countdown, nth);
}

int ioasid__alloc_fault_fired(void)
{
	return atomic_load(&fault_fired);
}

void *ioasid__malloc(size_t size)
{
	return should_fail() ? NULL : malloc(size);
}

void *ioasid__calloc(size_t nmemb, size_t size)
{
	return should_fail() ? NULL : calloc(nmemb, size);
}

void *ioasid__realloc(void *ptr, size_t size)
{
	return should_fail() ? NULL : realloc(ptr, size);
}

void *ioasid__aligned_alloc(size_t align, size_t size)
{
	void *p;

	if (should_fail())
		return NULL;
	return posix_memalign(&p, align, size) ? NULL : p;
}

char *ioasid__strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = ioasid__malloc(len);

	if (p)
		memcpy(p, s, len);
	return p;
}

int ioasid__alloc_fault_point(void)
{
	return should_fail();
}

void ioasid__free(void *ptr)
{
	free(ptr);
}
