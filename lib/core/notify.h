/* SPDX-License-Identifier: MIT */
/*
 * Notifier chains: the namespace's global chain, one chain per set, and the
 * list of subscriptions made by token, which are wired into the chain of the
 * set of their (type, token) while that set exists.
 */
#ifndef IOASID_CORE_NOTIFY_H
#define IOASID_CORE_NOTIFY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <ioasid/core.h>

#include "core/list.h"

struct ioasid__event_chain {
	struct ioasid__list head; /* notify lock */
	_Atomic uint32_t nr; /* subscriptions wired; lets events skip it */
};

struct ioasid__notify {
	/*
	 * lock protects the chains (global here, the chain of every set), the
	 * token list, the list of all subscriptions, and each subscription's
	 * links, wiring, active count and dead flag. Lock order: the
	 * namespace lock, then this one. No callback runs under it.
	 */
	pthread_mutex_t lock;
	pthread_cond_t idle; /* a dead subscription's active count fell to 0 */
	struct ioasid__event_chain global;
	struct ioasid__list tokens; /* subscriptions by token */
	struct ioasid__list all; /* every subscription, for ioasid_ns_free() */
};

void ioasid__notify_init(struct ioasid__notify *nt);
/* Free every subscription. No callback may be running. */
void ioasid__notify_destroy(struct ioasid__notify *nt);

void ioasid__event_chain_init(struct ioasid__event_chain *chain);

/*
 * Wire the token subscriptions of the new set into its chain, and unwire
 * every subscription of a set that is going away. Namespace lock held.
 */
void ioasid__notify_wire_set(struct ioasid_ns *ns, struct ioasid_set *set);
void ioasid__notify_unwire_set(struct ioasid_ns *ns, struct ioasid_set *set);

/*
 * Deliver an event to the global chain, then to the set's chain. Called
 * with no core lock held; the caller keeps the set alive throughout.
 */
void ioasid__notify_event(struct ioasid_set *set, enum ioasid_event event,
			  ioasid_t id, ioasid_t spid, void *private);

#endif /* IOASID_CORE_NOTIFY_H */
