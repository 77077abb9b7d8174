/* SPDX-License-Identifier: MIT */
/*
 * RCU for lib/iommu: liburcu-bp read-side sections and grace periods,
 * spelled so that ThreadSanitizer sees what they guarantee.
 *
 * TSan does not see the ordering an RCU grace period provides (liburcu is
 * not instrumented). Readers announce the end of each read-side section
 * with a release on one sync object and reclaimers acquire it after
 * synchronize_rcu(), which tells TSan exactly what the grace period
 * guarantees. Without TSan these are plain rcu_read_unlock() and
 * synchronize_rcu(). Both halves of the library (domains and the
 * platform's routing tables) use this one pair, so one sync object orders
 * every reader against every reclaimer.
 */
#ifndef IOASID_LIB_IOMMU_RCU_H
#define IOASID_LIB_IOMMU_RCU_H

#include <urcu-bp.h>

#if defined(__SANITIZE_THREAD__)
#define IOASID__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define IOASID__TSAN 1
#endif
#endif

#ifdef IOASID__TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char ioasid__rcu_tsan_sync; /* defined in domain.c */
#endif

/* rcu_read_unlock(), and the end of the section made visible to TSan. */
static inline void ioasid__rcu_read_unlock(void)
{
#ifdef IOASID__TSAN
	__tsan_release(&ioasid__rcu_tsan_sync);
#endif
	rcu_read_unlock();
}

/* synchronize_rcu(), and what it means made visible to TSan. */
static inline void ioasid__rcu_synchronize(void)
{
	synchronize_rcu();
#ifdef IOASID__TSAN
	__tsan_acquire(&ioasid__rcu_tsan_sync);
#endif
}

#endif /* IOASID_LIB_IOMMU_RCU_H */
