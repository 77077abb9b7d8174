// SPDX-License-Identifier: MIT
/*
 * Notifications (see "Notifications" in ioasid/core.h and notify.h).
 *
 * A chain is walked under the notify lock only between callbacks: the
 * walker marks the subscription it is about to call active, drops the lock,
 * calls it, retakes the lock and moves on. Unregistering marks the
 * subscription dead (walkers skip it from then on), waits until it is not
 * active, and only then unlinks it, so a walker's position always stays on
 * the chain. A set's chain is never unwired while an event of that set is
 * delivered, because whoever raises the event keeps the set alive.
 *
 * Subscriptions by token sit on the token list for their whole life and are
 * linked into the chain of the set of their (type, token) from its
 * creation to its destruction. A subscription to one set is unwired when the
 * set is destroyed and merely waits for ioasid_notifier_unregister().
 */
#include <errno.h>

#include "core/notify.h"
#include "core/ns.h"
#include "core/set.h"
#include "util/alloc.h"

struct ioasid_notifier {
	struct ioasid_ns *ns;
	ioasid_notify_fn fn;
	void *arg;
	bool by_token;
	enum ioasid_set_type type;
	uint64_t token;
	/* The fields below are protected by the notify lock. */
	struct ioasid__event_chain *chain; /* wired into, or NULL */
	struct ioasid__list link; /* on chain */
	struct ioasid__list tlink; /* on the token list (by_token) */
	struct ioasid__list alink; /* on the list of all subscriptions */
	uint32_t active; /* walkers calling fn right now */
	bool dead;
};

const char *ioasid_event_name(enum ioasid_event event)
{
	switch (event) {
	case IOASID_EVENT_ALLOC:
		return "ALLOC";
	case IOASID_EVENT_FREE:
		return "FREE";
	case IOASID_EVENT_BIND:
		return "BIND";
	case IOASID_EVENT_UNBIND:
		return "UNBIND";
	}
	return "UNKNOWN";
}

void ioasid__event_chain_init(struct ioasid__event_chain *chain)
{
	ioasid__list_init(&chain->head);
	atomic_init(&chain->nr, 0);
}

void ioasid__notify_init(struct ioasid__notify *nt)
{
	pthread_mutex_init(&nt->lock, NULL);
	pthread_cond_init(&nt->idle, NULL);
	ioasid__event_chain_init(&nt->global);
	ioasid__list_init(&nt->tokens);
	ioasid__list_init(&nt->all);
}

void ioasid__notify_destroy(struct ioasid__notify *nt)
{
	struct ioasid__list *pos, *tmp;

	ioasid__list_for_each_safe(pos, tmp, &nt->all)
		ioasid__free(ioasid__container_of(pos, struct ioasid_notifier,
						  alink));
	pthread_cond_destroy(&nt->idle);
	pthread_mutex_destroy(&nt->lock);
}

static void chain_wire(struct ioasid__event_chain *chain,
		       struct ioasid_notifier *n)
{
	ioasid__list_add_tail(&chain->head, &n->link);
	n->chain = chain;
	atomic_fetch_add_explicit(&chain->nr, 1, memory_order_relaxed);
}

static void chain_unwire(struct ioasid_notifier *n)
{
	ioasid__list_del(&n->link);
	atomic_fetch_sub_explicit(&n->chain->nr, 1, memory_order_relaxed);
	n->chain = NULL;
}

void ioasid__notify_wire_set(struct ioasid_ns *ns, struct ioasid_set *set)
{
	struct ioasid__notify *nt = &ns->notify;
	struct ioasid__list *pos;

	pthread_mutex_lock(&nt->lock);
	ioasid__list_for_each(pos, &nt->tokens) {
		struct ioasid_notifier *n =
			ioasid__container_of(pos, struct ioasid_notifier, tlink);

		if (!n->dead && n->type == set->type && n->token == set->token)
			chain_wire(&set->chain, n);
	}
	pthread_mutex_unlock(&nt->lock);
}

void ioasid__notify_unwire_set(struct ioasid_ns *ns, struct ioasid_set *set)
{
	struct ioasid__notify *nt = &ns->notify;
	struct ioasid__list *pos, *tmp;

	pthread_mutex_lock(&nt->lock);
	ioasid__list_for_each_safe(pos, tmp, &set->chain.head)
		chain_unwire(ioasid__container_of(pos, struct ioasid_notifier,
						  link));
	pthread_mutex_unlock(&nt->lock);
}

/* The first subscription after pos that is not dead. Notify lock held. */
static struct ioasid_notifier *chain_next(struct ioasid__event_chain *chain,
					  struct ioasid__list *pos)
{
	for (pos = pos->next; pos != &chain->head; pos = pos->next) {
		struct ioasid_notifier *n =
			ioasid__container_of(pos, struct ioasid_notifier, link);

		if (!n->dead)
			return n;
	}
	return NULL;
}

static void chain_call(struct ioasid__notify *nt,
		       struct ioasid__event_chain *chain,
		       const struct ioasid_event_data *ev)
{
	struct ioasid_notifier *n;

	if (!atomic_load_explicit(&chain->nr, memory_order_relaxed))
		return;
	pthread_mutex_lock(&nt->lock);
	n = chain_next(chain, &chain->head);
	while (n) {
		struct ioasid_notifier *next;

		n->active++;
		pthread_mutex_unlock(&nt->lock);
		n->fn(ev, n->arg);
		pthread_mutex_lock(&nt->lock);
		next = chain_next(chain, &n->link);
		if (--n->active == 0 && n->dead)
			pthread_cond_broadcast(&nt->idle);
		n = next;
	}
	pthread_mutex_unlock(&nt->lock);
}

/* Out of line, so that the check in ioasid__notify_event needs no frame. */
__attribute__((noinline)) static void
notify_deliver(struct ioasid_set *set, enum ioasid_event event, ioasid_t id,
	       ioasid_t spid, void *private)
{
	struct ioasid__notify *nt = &set->ns->notify;
	const struct ioasid_event_data ev = {
		.event = event,
		.id = id,
		.spid = spid,
		.set = set,
		.set_id = set->id,
		.private = private,
	};

	chain_call(nt, &nt->global, &ev);
	chain_call(nt, &set->chain, &ev);
}

/*
 * Every allocation calls this: without subscribers it is two loads and a
 * return; the event is built only when someone will receive it.
 */
void ioasid__notify_event(struct ioasid_set *set, enum ioasid_event event,
			  ioasid_t id, ioasid_t spid, void *private)
{
	if (ioasid__notify_wanted(set))
		notify_deliver(set, event, id, spid, private);
}

static struct ioasid_notifier *notifier_new(struct ioasid_ns *ns,
					    ioasid_notify_fn fn, void *arg)
{
	struct ioasid_notifier *n = ioasid__calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->ns = ns;
	n->fn = fn;
	n->arg = arg;
	ioasid__list_init(&n->link);
	ioasid__list_init(&n->tlink);
	ioasid__list_init(&n->alink);
	return n;
}

int ioasid_notifier_register(struct ioasid_ns *ns, struct ioasid_set *set,
			     ioasid_notify_fn fn, void *arg,
			     struct ioasid_notifier **np)
{
	struct ioasid__notify *nt = &ns->notify;
	struct ioasid_notifier *n;

	if (!fn || (set && set->ns != ns))
		return -EINVAL;
	n = notifier_new(ns, fn, arg);
	if (!n)
		return -ENOMEM;
	pthread_mutex_lock(&nt->lock);
	ioasid__list_add_tail(&nt->all, &n->alink);
	chain_wire(set ? &set->chain : &nt->global, n);
	pthread_mutex_unlock(&nt->lock);
	*np = n;
	return 0;
}

static bool token_type_valid(enum ioasid_set_type type)
{
	return type == IOASID_SET_TYPE_PROCESS || type == IOASID_SET_TYPE_GUEST;
}

int ioasid_notifier_register_token(struct ioasid_ns *ns,
				   enum ioasid_set_type type, uint64_t token,
				   ioasid_notify_fn fn, void *arg,
				   struct ioasid_notifier **np)
{
	struct ioasid__notify *nt = &ns->notify;
	struct ioasid_notifier *n;
	struct ioasid_set *set;

	if (!fn || !token_type_valid(type))
		return -EINVAL;
	n = notifier_new(ns, fn, arg);
	if (!n)
		return -ENOMEM;
	n->by_token = true;
	n->type = type;
	n->token = token;
	ioasid__lock_acquire(&ns->lock);
	pthread_mutex_lock(&nt->lock);
	ioasid__list_add_tail(&nt->all, &n->alink);
	ioasid__list_add_tail(&nt->tokens, &n->tlink);
	set = ioasid__set_find_token(ns, type, token);
	if (set)
		chain_wire(&set->chain, n);
	pthread_mutex_unlock(&nt->lock);
	ioasid__lock_release(&ns->lock);
	*np = n;
	return 0;
}

void ioasid_notifier_unregister(struct ioasid_notifier *n)
{
	struct ioasid__notify *nt;

	if (!n)
		return;
	nt = &n->ns->notify;
	pthread_mutex_lock(&nt->lock);
	n->dead = true;
	while (n->active)
		pthread_cond_wait(&nt->idle, &nt->lock);
	if (n->chain)
		chain_unwire(n);
	ioasid__list_del(&n->tlink);
	ioasid__list_del(&n->alink);
	pthread_mutex_unlock(&nt->lock);
	ioasid__free(n);
}
