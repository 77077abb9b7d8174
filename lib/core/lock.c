// SPDX-License-Identifier: MIT
/* The namespace lock's contended path (see lock.h). */
#include <sched.h>

#include "core/lock.h"

#define SPINS_BEFORE_YIELD 128

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

void ioasid__lock_wait(struct ioasid__lock *lock)
{
	unsigned int spins = 0;

	for (;;) {
		while (atomic_load_explicit(&lock->held, memory_order_relaxed)) {
			if (++spins < SPINS_BEFORE_YIELD)
				cpu_relax();
			else
				sched_yield();
		}
		if (ioasid__lock_try_full(lock))
			return;
	}
}
