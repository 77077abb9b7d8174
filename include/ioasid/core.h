/* SPDX-License-Identifier: MIT */
/*
 * ioasid/core.h - the IOASID (PASID) namespace.
 *
 * A namespace (struct ioasid_ns) is one system-wide space of I/O address
 * space IDs: PCIe PASIDs or Arm SubstreamIDs, 20 bits by default. ID 0 is
 * reserved for untagged DMA and never allocated. IDs are allocated in sets
 * (struct ioasid_set): a set groups the IDs of one VM or one process, draws a
 * quota from the namespace's capacity, and may map set-private IDs (SPIDs,
 * e.g. guest PASIDs) to the host IDs it owns.
 *
 * Life of an ID:
 *
 *     IDLE --alloc--> ACTIVE --free--> (refs left?) FREE_PENDING --last put--> IDLE
 *                        \----free, no other refs------------------------------^
 *
 * The set that allocated an ID owns it and holds its first reference. Other
 * users take references with ioasid_get() and drop them with ioasid_put().
 * ioasid_free() drops the owner's reference: if others still hold
 * references the ID is parked FREE_PENDING (DMA must be blocked; no new
 * reference can be taken; it is never handed out again) and it returns to
 * the pool only when the last reference is put.
 *
 * Errors: every function returns 0 (or a count) or a negative errno from
 * DESIGN.md §4 and never sets errno. A call that fails changes nothing.
 *
 * Thread safety: every function may be called from any thread. Lookups
 * (ioasid_find, ioasid_spid_find, ioasid_get, ioasid_put) take no
 * namespace-wide lock. A call that takes a reference on an ID whose
 * owner's ioasid_free() is under way at that moment yields the CPU until
 * that free has decided (a few dozen instructions under the namespace
 * lock), so that it answers as of after the free. Notifier callbacks run
 * synchronously in the thread that caused the event and must not block
 * (see "Notifications").
 *
 * Ownership: objects returned through an out parameter belong to the caller
 * until they are freed or put as the function's comment says.
 */
#ifndef IOASID_CORE_H
#define IOASID_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include <ioasid/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t ioasid_t;

#define IOASID_INVALID ((ioasid_t)~0u)
/* Default and largest capacity: a 20-bit PCIe PASID space. */
#define IOASID_CAPACITY_DEFAULT (1u << 20)
#define IOASID_CAPACITY_MAX (1u << 20)

struct ioasid_ns;
struct ioasid_set;
struct ioasid_notifier;

/* ------------------------------------------------------------------------
 * Namespace and system capacity
 *
 * Capacity is the number of IDs in the namespace, ID 0 included: with the
 * default 2^20 the IDs 1 .. 2^20-1 can be allocated. "Available" capacity
 * is what sets' quotas and host reservations have not yet taken; a new
 * namespace has capacity - 1 available.
 */

/*
 * ioasid_ns_new - create a namespace with the default capacity, and start
 * its work queue's worker thread.
 * Returns 0 and *nsp, or -ENOMEM (no memory, no address space for the ID
 * table, or no thread).
 */
int ioasid_ns_new(struct ioasid_ns **nsp);

/*
 * ioasid_ns_free - destroy a namespace and everything still in it (sets,
 * IDs, notifiers), after running queued work. Accepts NULL; never fails.
 * No other call on the namespace may be in progress or follow.
 */
void ioasid_ns_free(struct ioasid_ns *ns);

/*
 * ioasid_capacity_install - set the capacity, once, at start-up: before any
 * set exists and before any earlier install. total must be in
 * [2, IOASID_CAPACITY_MAX].
 * Errors: -EINVAL bad total; -EBUSY already installed or sets exist.
 */
int ioasid_capacity_install(struct ioasid_ns *ns, uint32_t total);

/* ioasid_capacity_total - the installed (or default) capacity. */
uint32_t ioasid_capacity_total(const struct ioasid_ns *ns);

/* ioasid_capacity_available - capacity no quota or reservation holds. */
uint32_t ioasid_capacity_available(const struct ioasid_ns *ns);

/*
 * ioasid_capacity_reserve - take count from available capacity for a host
 * pool outside this namespace's sets.
 * Errors: -EINVAL count 0; -ENOSPC more than available.
 */
int ioasid_capacity_reserve(struct ioasid_ns *ns, uint32_t count);

/*
 * ioasid_capacity_return - give back count previously reserved.
 * Errors: -EINVAL count 0 or more than is reserved.
 */
int ioasid_capacity_return(struct ioasid_ns *ns, uint32_t count);

/* ------------------------------------------------------------------------
 * Sets
 */

enum ioasid_set_type {
	IOASID_SET_TYPE_NONE = 0, /* no token; token must be 0 */
	IOASID_SET_TYPE_PROCESS = 1, /* token: a process identity */
	IOASID_SET_TYPE_GUEST = 2, /* token: an opaque u64, e.g. a VM */
};

/*
 * ioasid_set_alloc - allocate a set with a quota drawn from available
 * capacity, returning it with one reference held by the caller.
 *
 * A PROCESS token has at most one set: allocating again with the same token
 * returns the existing set with one more reference and ignores quota. A
 * GUEST token likewise names one set, and a second allocation for it fails
 * with -EEXIST. Subscribers registered for (type, token) with
 * ioasid_notifier_register_token() are wired into the new set.
 *
 * Errors: -EINVAL bad type, NONE with a non-zero token, quota 0;
 * -ENOSPC quota larger than available capacity; -EEXIST GUEST token in use;
 * -ENOMEM.
 */
int ioasid_set_alloc(struct ioasid_ns *ns, enum ioasid_set_type type,
		     uint64_t token, uint32_t quota, struct ioasid_set **setp);

/*
 * ioasid_set_free - drop the reference ioasid_set_alloc() returned, provided
 * the set has no live IDs (ACTIVE or FREE_PENDING). When the last reference
 * goes the set is destroyed: its quota returns to available capacity, its
 * token is released and token subscribers are unwired (they stay registered
 * for a future set with the same token). Accepts NULL (returns 0).
 * Errors: -EBUSY the set still has live IDs (nothing changes).
 */
int ioasid_set_free(struct ioasid_set *set);

/* ioasid_set_get - take a reference on a set. Never fails. */
void ioasid_set_get(struct ioasid_set *set);

/*
 * ioasid_set_put - drop a reference taken with ioasid_set_get(),
 * ioasid_find_set() or ioasid_set_lookup(). Never fails; the set is
 * destroyed only when no reference and no live ID remains.
 */
void ioasid_set_put(struct ioasid_set *set);

/*
 * ioasid_set_lookup - the set of (type, token), with a reference the caller
 * must put. NONE sets cannot be looked up.
 * Errors: -EINVAL type NONE; -ENOENT no such set.
 */
int ioasid_set_lookup(struct ioasid_ns *ns, enum ioasid_set_type type,
		      uint64_t token, struct ioasid_set **setp);

/*
 * ioasid_set_adjust_quota - change the set's quota. Growth is taken from
 * available capacity, shrinking returns the difference to it.
 * Errors: -EINVAL quota 0 or below the set's live IDs; -ENOSPC growth beyond
 * available capacity.
 */
int ioasid_set_adjust_quota(struct ioasid_set *set, uint32_t quota);

struct ioasid_set_info {
	uint64_t id; /* unique, never reused within a namespace */
	enum ioasid_set_type type;
	uint64_t token;
	uint32_t quota;
	uint32_t nr_ids; /* live IDs: ACTIVE and FREE_PENDING */
	uint32_t refs;
};

/* ioasid_set_query - fill *info. Never fails for a valid set. */
void ioasid_set_query(struct ioasid_set *set, struct ioasid_set_info *info);

/*
 * ioasid_set_for_each - call fn for every live ID of the set in ascending
 * order. The walk works on the IDs live when it starts and calls fn with
 * no core lock held, so fn may call any function of this API (but
 * ioasid_ns_free); an ID that stops being live in this set before its turn
 * is skipped, and IDs allocated during the walk are not visited. A non-zero
 * return from fn stops the walk and is returned. Never fails otherwise.
 */
int ioasid_set_for_each(struct ioasid_set *set,
			int (*fn)(ioasid_t id, void *arg), void *arg);

/*
 * ioasid_set_free_all - ioasid_free() every ACTIVE ID of the set. Returns the
 * number freed (IDs with other references go FREE_PENDING as with
 * ioasid_free()). Never fails.
 */
int ioasid_set_free_all(struct ioasid_set *set);

/*
 * ioasid_ns_for_each_set - call fn for every set of the namespace, in
 * creation order. Each set is held by a reference for the duration of its
 * call and fn runs with no core lock held, so it may call any function of
 * this API (but ioasid_ns_free); sets created during the walk may be
 * missed. A non-zero return from fn stops the walk and is returned. Never
 * fails otherwise.
 */
int ioasid_ns_for_each_set(struct ioasid_ns *ns,
			   int (*fn)(struct ioasid_set *set, void *arg),
			   void *arg);

/* ------------------------------------------------------------------------
 * IDs
 */

/*
 * The one private value an ID cannot carry: ioasid_alloc() and
 * ioasid_attach_data() refuse it with -EINVAL. No object can live at this
 * address, and the lookup path uses it to read "not live" and "private
 * data" from one word (ioasid/core_inline.h).
 */
#define IOASID_PRIVATE_RESERVED ((void *)UINTPTR_MAX)

enum ioasid_state {
	IOASID_STATE_IDLE = 0, /* in the pool */
	IOASID_STATE_ACTIVE = 1, /* allocated, owned by its set */
	IOASID_STATE_FREE_PENDING = 2, /* freed, waiting for the last put */
};

/* ioasid_state_name - "IDLE", "ACTIVE", "FREE_PENDING", or "UNKNOWN". */
const char *ioasid_state_name(enum ioasid_state state);

/*
 * ioasid_alloc - allocate the lowest free ID in [min, max] for set, with
 * private data. The set holds the ID's first reference. Notifies ALLOC.
 * Errors: -EINVAL min > max, min < 1 or max >= capacity, or private is
 * IOASID_PRIVATE_RESERVED; -EDQUOT the set's
 * quota is reached; -ENOSPC no free ID in [min, max]; -ENOMEM. With a
 * custom allocator registered: its own error, or -EIO if it returned an ID
 * outside [min, max] (given back to it with ops->free) or one already live.
 */
int ioasid_alloc(struct ioasid_set *set, ioasid_t min, ioasid_t max,
		 void *private, ioasid_t *idp);

/*
 * ioasid_free - the owner gives up an ID: its reference is dropped and the
 * ID goes FREE_PENDING if others hold references, IDLE otherwise. Notifies
 * FREE (before any reference could complete the free).
 * Errors: -ENOENT id not ACTIVE (never allocated, already freed);
 * -EPERM id owned by another set.
 */
int ioasid_free(struct ioasid_set *set, ioasid_t id);

/*
 * ioasid_get - take a reference on an ACTIVE ID. set may be NULL (no
 * ownership check) or the owning set.
 * Errors: -ENOENT id not allocated; -EPERM set given and not the owner;
 * -EBUSY id is FREE_PENDING; -EOVERFLOW 2^32 - 1 references already held.
 */
int ioasid_get(struct ioasid_ns *ns, struct ioasid_set *set, ioasid_t id);

/*
 * ioasid_get_if_owned - take a reference if id belongs to the PROCESS set of
 * process token.
 * Errors: -ENOENT id not allocated; -EINVAL the id's set is not a PROCESS
 * set; -EPERM it belongs to another process; -EBUSY FREE_PENDING;
 * -EOVERFLOW 2^32 - 1 references already held.
 */
int ioasid_get_if_owned(struct ioasid_ns *ns, uint64_t process_token,
			ioasid_t id);

/*
 * ioasid_put - drop a reference taken with ioasid_get*() or
 * ioasid_spid_find(..., true, ...). The put that drops the last reference of
 * a FREE_PENDING ID returns it to the pool. The owner's own reference is
 * dropped with ioasid_free(), never with ioasid_put().
 * Errors: -ENOENT id not allocated; -EPERM set given and not the owner;
 * -EINVAL the ID holds no reference but its owner's.
 */
int ioasid_put(struct ioasid_ns *ns, struct ioasid_set *set, ioasid_t id);

/*
 * ioasid_find - the private data of a live ID (ACTIVE or FREE_PENDING).
 * set may be NULL or the set the ID must belong to. privatep may be NULL.
 * Errors: -ENOENT not live; -EPERM owned by another set.
 * A call compiles inline in C11 callers (ioasid/core_inline.h: the same
 * results and guarantees; (ioasid_find)(...) calls the library).
 */
int ioasid_find(struct ioasid_ns *ns, struct ioasid_set *set, ioasid_t id,
		void **privatep);

/*
 * ioasid_find_set - the set that owns a live ID, with a reference the caller
 * must drop with ioasid_set_put().
 * Errors: -ENOENT not live; -EOVERFLOW 2^32 - 1 references held on the ID
 * (the lookup pins it for a moment).
 */
int ioasid_find_set(struct ioasid_ns *ns, ioasid_t id,
		    struct ioasid_set **setp);

/*
 * ioasid_attach_data - replace the private data of an ACTIVE ID.
 * ioasid_detach_data - clear it. After either returns, no ioasid_find()
 * started later sees the old value.
 * Errors: -EINVAL private is IOASID_PRIVATE_RESERVED; -ENOENT not ACTIVE;
 * -EPERM owned by another set.
 */
int ioasid_attach_data(struct ioasid_set *set, ioasid_t id, void *private);
int ioasid_detach_data(struct ioasid_set *set, ioasid_t id);

struct ioasid_info {
	ioasid_t id;
	enum ioasid_state state;
	uint32_t refs; /* including the owner's while ACTIVE */
	ioasid_t spid; /* IOASID_INVALID when none */
	uint64_t set_id; /* 0 when IDLE */
};

/*
 * ioasid_query - describe any ID below capacity, IDLE ones included. An ID
 * whose last reference is being dropped at that moment may show as
 * FREE_PENDING with 0 references.
 * Errors: -EINVAL id 0 or >= capacity.
 */
int ioasid_query(struct ioasid_ns *ns, ioasid_t id, struct ioasid_info *info);

/* ------------------------------------------------------------------------
 * Set-private IDs (SPID): a guest PASID mapped to a host PASID.
 * Lookups in both directions are O(1) whatever the set's size. An SPID is
 * a PASID: 0 .. IOASID_CAPACITY_MAX - 1, whatever the namespace's
 * installed capacity (the guest's PASID space is its own).
 *
 * Memory: a set's SPID map takes nothing until its first SPID, then 8 KiB
 * and 4 KiB for each range of 1024 SPIDs in use; at most 4 MiB + 8 KiB.
 */

/*
 * ioasid_spid_attach - map spid to the ACTIVE ID id in its set. Notifies
 * BIND.
 * Errors: -EINVAL spid is not a PASID (>= IOASID_CAPACITY_MAX, which
 * includes IOASID_INVALID); -ENOENT id not ACTIVE;
 * -EPERM id owned by another set; -EBUSY id already has an SPID;
 * -EEXIST spid already maps another ID of the set; -ENOMEM.
 */
int ioasid_spid_attach(struct ioasid_set *set, ioasid_t id, ioasid_t spid);

/*
 * ioasid_spid_detach - remove the SPID of a live ID. Notifies UNBIND.
 * An ID that returns to the pool loses its SPID without a notification.
 * Errors: -ENOENT id not live or has no SPID; -EPERM another set's ID.
 */
int ioasid_spid_detach(struct ioasid_set *set, ioasid_t id);

/*
 * ioasid_spid_find - the ID that spid maps to in set. With get, also takes a
 * reference on it (put it with ioasid_put()).
 * Errors: -ENOENT no such SPID (any spid that is not a PASID included);
 * -EBUSY get and the ID is FREE_PENDING;
 * -EOVERFLOW get and 2^32 - 1 references already held.
 * Without get, a call compiles inline in C11 callers (see ioasid_find).
 */
int ioasid_spid_find(struct ioasid_set *set, ioasid_t spid, bool get,
		     ioasid_t *idp);

/* ------------------------------------------------------------------------
 * Custom allocator: a guest delegating allocation to its host.
 *
 * While ops are registered, ioasid_alloc() asks ops->alloc for the ID and
 * the core keeps all bookkeeping (sets, quotas, references, SPIDs); the
 * ID's return to the pool calls ops->free. Registration requires that no ID
 * is live (else -EBUSY). After ioasid_allocator_unregister() returns, ops
 * is never called again: IDs it allocated stay live and usable, and when
 * their last reference drops they return to the default pool. The default
 * pool never hands out an ID the allocator gave while it is live.
 *
 * The ops run under the namespace lock, so they must not call this API on
 * the same namespace; each call may be the slow path of an ioasid_alloc(),
 * ioasid_free() or ioasid_put(). ioasid_ns_free() gives IDs still live
 * back through ops->free if the allocator is still registered.
 */
struct ioasid_allocator_ops {
	/* Store an ID in [min, max] in *idp and return 0, or return -errno. */
	int (*alloc)(ioasid_t min, ioasid_t max, void *data, ioasid_t *idp);
	void (*free)(ioasid_t id, void *data);
	void *data;
};

/*
 * ioasid_allocator_register - delegate allocation to ops (copied; the
 * data pointer must stay valid until unregister).
 * Errors: -EINVAL missing alloc or free; -EBUSY another allocator is
 * registered or IDs are live.
 */
int ioasid_allocator_register(struct ioasid_ns *ns,
			      const struct ioasid_allocator_ops *ops);

/*
 * ioasid_allocator_unregister - stop delegating (see above).
 * Errors: -ENOENT no allocator registered.
 */
int ioasid_allocator_unregister(struct ioasid_ns *ns);

/* ------------------------------------------------------------------------
 * Notifications
 *
 * A global chain sees the events of every set; a per-set chain sees its
 * set's. Callbacks run synchronously, in the thread that caused the event,
 * after the core has dropped its locks: first the global chain, then the
 * set's chain, each in the order subscriptions joined it (subscriptions by
 * token made before the set existed join it when it is created). They may
 * look IDs up and may call ioasid_get() / ioasid_put() and
 * ioasid_work_queue(), but must not block, and work that must not run inside
 * a notifier (the free-before-unbind cleanup) goes to the work queue. Only
 * the thread that raised the event waits for them. A FREE event is
 * delivered before any reference could complete the free: while FREE
 * callbacks run, the ID is FREE_PENDING and its owner's reference is still
 * counted. Events of one ID raised by different threads may be delivered
 * concurrently.
 */

enum ioasid_event {
	IOASID_EVENT_ALLOC = 1,
	IOASID_EVENT_FREE = 2,
	IOASID_EVENT_BIND = 3, /* SPID attached */
	IOASID_EVENT_UNBIND = 4, /* SPID detached */
};

/* ioasid_event_name - "ALLOC", "FREE", "BIND", "UNBIND", or "UNKNOWN". */
const char *ioasid_event_name(enum ioasid_event event);

struct ioasid_event_data {
	enum ioasid_event event;
	ioasid_t id;
	ioasid_t spid; /* IOASID_INVALID when none */
	struct ioasid_set *set; /* valid for the duration of the callback */
	uint64_t set_id;
	void *private; /* the ID's private data at the time of the event */
};

typedef void (*ioasid_notify_fn)(const struct ioasid_event_data *ev,
				 void *arg);

/*
 * ioasid_notifier_register - subscribe fn to every event (set NULL: the
 * global chain) or to one set's events. *np is the subscription. A
 * subscription to one set stops receiving events when the set is destroyed
 * and must still be unregistered.
 * Errors: -EINVAL fn NULL, or set from another namespace; -ENOMEM.
 */
int ioasid_notifier_register(struct ioasid_ns *ns, struct ioasid_set *set,
			     ioasid_notify_fn fn, void *arg,
			     struct ioasid_notifier **np);

/*
 * ioasid_notifier_register_token - subscribe to the events of the set of
 * (type, token), now or whenever it is created; the subscription is wired
 * into the set when it is allocated and unwired when it is destroyed.
 * Errors: -EINVAL fn NULL or type NONE; -ENOMEM.
 */
int ioasid_notifier_register_token(struct ioasid_ns *ns,
				   enum ioasid_set_type type, uint64_t token,
				   ioasid_notify_fn fn, void *arg,
				   struct ioasid_notifier **np);

/*
 * ioasid_notifier_unregister - end a subscription. After it returns fn is
 * not running and will not be called again. Accepts NULL; never fails.
 * Must not be called from a notifier callback.
 */
void ioasid_notifier_unregister(struct ioasid_notifier *n);

/* ------------------------------------------------------------------------
 * Ordered work queue: one worker thread per namespace that runs queued
 * work in order, for cleanup that must not run inside a notifier.
 * struct ioasid_work is embedded by the caller, so queueing never fails.
 */

struct ioasid_work;
typedef void (*ioasid_work_fn)(struct ioasid_work *work);

struct ioasid_work {
	ioasid_work_fn fn;
	struct ioasid_work *next; /* private to the queue */
	int queued; /* private to the queue */
};

/* ioasid_work_init - prepare work to run fn. */
void ioasid_work_init(struct ioasid_work *work, ioasid_work_fn fn);

/*
 * ioasid_work_queue - queue work on the namespace's worker. Returns true if
 * queued, false if it was already queued and has not started yet.
 */
bool ioasid_work_queue(struct ioasid_ns *ns, struct ioasid_work *work);

/*
 * ioasid_work_flush - wait until every work queued before the call has
 * run. Must not be called from a work function.
 */
void ioasid_work_flush(struct ioasid_ns *ns);

#ifdef __cplusplus
}
#endif

/* Inline fast paths of ioasid_find() and ioasid_spid_find(). */
#include <ioasid/core_inline.h>

#endif /* IOASID_CORE_H */
