/* SPDX-License-Identifier: MIT */
/*
 * The namespace lock: a test-and-test-and-set spinlock that yields the CPU
 * when it has spun for a while.
 *
 * Why not a pthread mutex: every critical section under this lock is a few
 * dozen instructions (a bitmap step, a few stores), and on the allocation
 * path the lock is taken twice per allocate+free pair. A mutex release
 * must be an atomic read-modify-write to find sleeping waiters, and each
 * locked instruction costs 5-10 ns on the machines we measure; releasing
 * this lock is a plain store. Waiters spin briefly, then sched_yield(), so
 * a holder that is preempted (or a slow custom allocator callback) costs
 * CPU time of the waiters but never deadlocks them.
 */
#ifndef IOASID_CORE_LOCK_H
#define IOASID_CORE_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>

struct ioasid__lock {
	atomic_int held;
};

void ioasid__lock_wait(struct ioasid__lock *lock);

static inline void ioasid__lock_init(struct ioasid__lock *lock)
{
	atomic_init(&lock->held, 0);
}

/*
 * One attempt: true if the lock is now held. Hot paths that would
 * otherwise keep values alive across ioasid__lock_wait() use it to hand
 * the contended case to a function of its own.
 */
static inline bool ioasid__lock_try(struct ioasid__lock *lock)
{
	return __builtin_expect(!atomic_exchange_explicit(&lock->held, 1,
							  memory_order_acquire),
				1);
}

/*
 * A full barrier right after a locked read-modify-write: every store
 * before the read-modify-write is visible to all threads before any load
 * after it reads. On x86 a locked instruction already is one, so only the
 * compiler is held back; elsewhere a fence is needed.
 */
static inline void ioasid__barrier_after_rmw(void)
{
#if defined(__x86_64__) || defined(__i386__)
	atomic_signal_fence(memory_order_seq_cst);
#else
	atomic_thread_fence(memory_order_seq_cst);
#endif
}

/*
 * ioasid__lock_try() that is also a full barrier (see
 * ioasid__barrier_after_rmw()): the quiet ioasid_free() publishes a store
 * and then reads the entry word, and the lock it needs anyway orders the
 * two. ioasid__lock_wait() takes the lock the same way.
 */
static inline bool ioasid__lock_try_full(struct ioasid__lock *lock)
{
	bool got = !atomic_exchange_explicit(&lock->held, 1,
					     memory_order_seq_cst);

	ioasid__barrier_after_rmw();
	return __builtin_expect(got, 1);
}

static inline void ioasid__lock_acquire(struct ioasid__lock *lock)
{
	if (!ioasid__lock_try(lock))
		ioasid__lock_wait(lock);
}

static inline void ioasid__lock_release(struct ioasid__lock *lock)
{
	atomic_store_explicit(&lock->held, 0, memory_order_release);
}

#endif /* IOASID_CORE_LOCK_H */
