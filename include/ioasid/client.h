/* SPDX-License-Identifier: MIT */
/*
 * ioasid/client.h - libioasid-client, the caller's side of ioasidd.
 *
 * A struct ioasid_client is one handle on the daemon: one connection to its
 * SOCK_SEQPACKET socket, bound by the daemon to the process that opened it.
 * Everything the handle owns (IDs it allocated, references it took, imports)
 * is released by the daemon when the handle closes or its process dies. The
 * daemon accepts one handle per process (a second open gets -EBUSY), and a
 * handle used from any other process (inherited over fork, passed with
 * SCM_RIGHTS) is refused with -EPERM: open a client in the process that uses
 * it. Descriptors the library creates are close-on-exec.
 *
 * This library is the only code outside the daemon that knows the wire
 * encoding (ioasid/proto.h, docs/protocol.md); nothing here exposes it.
 *
 * Errors: every function returns 0 (or a count) on success or a negative
 * errno, and never sets errno. Besides the errnos of DESIGN.md §4 that the
 * daemon returns for each operation (listed per function), any call that
 * talks to the daemon may return:
 *   -EPIPE      the connection dropped while the request was in flight, the
 *               request is not one the library can safely repeat (see
 *               "Reconnect and reclaim"), and so whether it took effect is
 *               unknown; or the daemon could not be reached again;
 *   -EPROTO     the daemon's reply broke the protocol (wrong op, short or
 *               malformed reply); the connection stays open;
 *   -ENOMEM     out of memory (also when a reconnect ran out of memory:
 *               the client is then disconnected, its record unchanged,
 *               and the next call reconnects).
 * A call that fails with a daemon errno changed nothing in the daemon.
 *
 * Thread safety: every function may be called from any thread of the
 * process that opened the client. Requests are serialised by a mutex: at
 * most one request of a client is in flight at a time, and a call blocks
 * until its reply arrives (there is no timeout; the daemon answers every
 * request, or the connection drops). Event callbacks run in the thread that
 * calls ioasid_client_dispatch(), never inside another call, and may call
 * any function of this header except ioasid_client_dispatch() and
 * ioasid_client_close() on the same client.
 *
 * Events: subscribe with ioasid_client_subscribe(), register a callback with
 * ioasid_client_event_handler_set(), poll ioasid_client_fd() for
 * readability and call ioasid_client_dispatch() when it is readable.
 * Events the daemon sends while the library waits for a reply are queued
 * and delivered by the next dispatch, in the order they arrived; none is
 * lost or reordered. The queue holds IOASID_CLIENT_EVQ_MAX events; beyond
 * that, events are counted and reported, in their place in the order, as
 * one IOASID_CLIENT_EV_DROPPED event (as the daemon reports its own drops).
 *
 * Reconnect and reclaim: when the daemon goes away (EPIPE, ECONNRESET or
 * end of file on the socket), the library reconnects by itself: it tries
 * again immediately and then after delays that double from delay_ms up to
 * max_delay_ms, tries times in all (defaults 16, 10 ms, 500 ms: about 5.5 s;
 * see ioasid_client_reconnect_set()). On the new handle it restores the
 * event subscription, then sends RECLAIM: the daemon, after a restart from
 * its journal, gives a process whose IDs survived exactly those IDs back.
 * The library compares them with its own record of the IDs this handle
 * allocated and has not freed (ioasid_client_ids()) and reports every
 * difference as an event (IOASID_CLIENT_EV_LOST, _ADOPTED, _SPID), then
 * adopts the daemon's answer as its record, and finally reports
 * IOASID_CLIENT_EV_RECONNECTED. If every attempt fails, it reports
 * IOASID_CLIENT_EV_DISCONNECTED; the next call starts the schedule again.
 *
 * What happens to the call that met the disconnect:
 *  - A request that could not be sent was not seen by the daemon: it is
 *    sent again on the new connection, whatever it is.
 *  - Idempotent requests are sent again: info, status, list, sets, reclaim,
 *    limit_get, limit_set, quota_set, subscribe, spid_find without
 *    IOASID_CLIENT_FIND_GET.
 *  - Requests whose outcome RECLAIM shows are settled by it, and so happen
 *    exactly once:
 *      alloc: the daemon either journaled the ALLOC or not. If RECLAIM
 *        returns exactly one ID in [min, max] that the library has no record
 *        of, the ALLOC happened and the call returns that ID. If it returns
 *        none, the ALLOC did not happen and is sent again. If it returns
 *        several, the call fails with -EPIPE and they are reported as
 *        ADOPTED (the handle owns them all; the caller may free them).
 *      free: the ID absent from RECLAIM means the FREE happened (0); the ID
 *        still owned means it did not, and FREE is sent again.
 *      spid_attach / spid_detach: the SPID RECLAIM reports for the ID tells
 *        whether the request happened (0) or is to be sent again.
 *  - Everything else (get, put, export, import, spid_find with GET) fails
 *    with -EPIPE: references are not journaled, so the library cannot tell
 *    and will not guess. The client is connected again when the call
 *    returns, so the caller may decide.
 * Neither the library nor the daemon ever hands one ID to two owners.
 */
#ifndef IOASID_CLIENT_H
#define IOASID_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ioasid/core.h>
#include <ioasid/iommu/group.h> /* enums only: group type, driver kind */

#ifdef __cplusplus
extern "C" {
#endif

struct ioasid_client;

/* Longest cgroup path, NUL included. */
#define IOASID_CLIENT_PATH_MAX 256u
/* A limit (cgroup max) with no limit: "max". */
#define IOASID_CLIENT_LIMIT_MAX UINT64_MAX
/* Events the library queues between two dispatches. */
#define IOASID_CLIENT_EVQ_MAX 1024u

/* ------------------------------------------------------------------------
 * Open and close
 */

/*
 * ioasid_client_default_path - write the default socket path to buf:
 * /run/ioasid.sock for root (effective uid 0), else
 * $XDG_RUNTIME_DIR/ioasid.sock when XDG_RUNTIME_DIR is set to an absolute
 * path, else /run/ioasid.sock.
 * Errors: -EINVAL buf NULL, or the path does not fit in size or in a UNIX
 * socket address.
 */
int ioasid_client_default_path(char *buf, size_t size);

/*
 * ioasid_client_open - connect to ioasidd and open a handle.
 *
 * socket_path NULL means ioasid_client_default_path(). The library asks the
 * daemon for GET_INFO before returning, so a handle the daemon refuses is
 * reported here. If the daemon says the handle adopted IDs at connect
 * (the daemon restarted while this process's earlier handle was closed), the
 * library reclaims them into its record and reports each as ADOPTED.
 *
 * Returns 0 and *out (owned by the caller, released with
 * ioasid_client_close()), or: -EINVAL out NULL, or the path too long for a
 * UNIX socket; -ECONNREFUSED nobody listens at the path (no
 * such socket file included); -EACCES no permission to connect; -EBUSY this
 * process already has a handle open; -EPROTO the peer does not speak
 * protocol version 1 or later; -ENOMEM.
 */
int ioasid_client_open(const char *socket_path, struct ioasid_client **out);

/*
 * ioasid_client_close - close the handle (the daemon releases everything it
 * owned: IDs are freed, or parked FREE_PENDING while other handles hold
 * references) and free the client. Queued events are discarded. Never fails;
 * accepts NULL. No other call on the client may be in progress or follow.
 */
void ioasid_client_close(struct ioasid_client *c);

/*
 * ioasid_client_reconnect_set - the reconnect schedule: tries attempts in
 * all (0 disables reconnecting: a dropped connection fails the call with
 * -EPIPE and every later call tries to connect once), the first at once, the
 * next after delay_ms, each later delay doubled and capped at max_delay_ms.
 * Errors: -EINVAL c NULL, or delay_ms > max_delay_ms.
 */
int ioasid_client_reconnect_set(struct ioasid_client *c, unsigned int tries,
				unsigned int delay_ms,
				unsigned int max_delay_ms);

/* ------------------------------------------------------------------------
 * Events
 */

enum ioasid_client_event_type {
	/* A notification of the handle's set (SUBSCRIBE): event, id, spid,
	 * set_id. */
	IOASID_CLIENT_EV_NOTIFY = 1,
	/* count events were lost here, by the daemon (it could not queue them)
	 * or by the library (its queue was full). */
	IOASID_CLIENT_EV_DROPPED = 2,
	/* The library reconnected and reclaimed: count IDs are owned now. */
	IOASID_CLIENT_EV_RECONNECTED = 3,
	/* id, which the library recorded as owned, was not reclaimed (the
	 * daemon restarted without it, or closed this handle). spid: the SPID
	 * the library recorded. */
	IOASID_CLIENT_EV_LOST = 4,
	/* The daemon gave back id, which the library had no record of. */
	IOASID_CLIENT_EV_ADOPTED = 5,
	/* The daemon reports SPID spid for id; the library recorded old_spid.
	 * IOASID_INVALID stands for "none". */
	IOASID_CLIENT_EV_SPID = 6,
	/* Every reconnect attempt failed with error; the next call tries
	 * again. */
	IOASID_CLIENT_EV_DISCONNECTED = 7,
};

/* The fields an event's type does not name are 0, and IOASID_INVALID for
 * id, spid and old_spid. */
struct ioasid_client_event {
	enum ioasid_client_event_type type;
	enum ioasid_event event; /* NOTIFY: ALLOC, FREE, BIND or UNBIND */
	ioasid_t id; /* NOTIFY, LOST, ADOPTED, SPID */
	ioasid_t spid; /* NOTIFY, LOST, ADOPTED, SPID; IOASID_INVALID: none */
	ioasid_t old_spid; /* SPID */
	int error; /* DISCONNECTED: a negative errno */
	uint64_t set_id; /* NOTIFY */
	uint64_t count; /* DROPPED, RECONNECTED */
};

/*
 * The event callback. ev is valid for the duration of the call. See
 * "Thread safety" for what the callback may call.
 */
typedef void (*ioasid_client_event_fn)(struct ioasid_client *c,
				       const struct ioasid_client_event *ev,
				       void *arg);

/*
 * ioasid_client_event_handler_set - register fn (NULL: none; events are then
 * dequeued and discarded by dispatch) with arg. Replaces the previous one;
 * when it returns, no other thread's dispatch is running the previous
 * callback. May be called from a callback (the change applies to the next
 * event). c NULL: no effect.
 */
void ioasid_client_event_handler_set(struct ioasid_client *c,
				     ioasid_client_event_fn fn, void *arg);

/*
 * ioasid_client_fd - a descriptor that polls readable (POLLIN/EPOLLIN)
 * while events are queued or the connection has something to read
 * (events, or the daemon hanging up). It stays the same across reconnects
 * and belongs to the client: do not read or close it.
 */
int ioasid_client_fd(const struct ioasid_client *c);

/*
 * ioasid_client_dispatch - read what the connection has without waiting,
 * then deliver the events queued at that point to the callback in arrival
 * order (events that arrive meanwhile, e.g. during a callback's own
 * request, wait for the next dispatch; the descriptor stays readable).
 * If it finds that the daemon hung up, it reconnects and reclaims first
 * (which waits for the reconnect schedule). If another thread has a request
 * in flight, the socket is left to that thread and only the queue is
 * delivered. Returns the number of events delivered (or discarded, with no
 * callback), or -EINVAL c NULL, -EBUSY called from an event callback.
 */
int ioasid_client_dispatch(struct ioasid_client *c);

/* ------------------------------------------------------------------------
 * Handle operations: the caller's own set
 */

#define IOASID_CLIENT_INFO_ADMIN (1u << 0) /* admin operations allowed */
#define IOASID_CLIENT_INFO_RECLAIMED (1u << 1) /* IDs adopted at connect */

struct ioasid_client_info {
	uint32_t version; /* protocol version of the daemon */
	uint32_t capacity; /* namespace capacity */
	uint32_t available; /* capacity no quota or reservation holds */
	uint32_t quota; /* this handle's set quota */
	uint32_t nr_ids; /* this handle's live IDs */
	uint32_t flags; /* IOASID_CLIENT_INFO_* */
	uint64_t set_id; /* this handle's set */
	uint64_t cg_max; /* cgroup max; IOASID_CLIENT_LIMIT_MAX: none */
	uint64_t cg_current;
	uint64_t cg_events;
	char cgroup[IOASID_CLIENT_PATH_MAX]; /* this process's cgroup v2 path */
};

/* ioasid_client_info - GET_INFO. Errors: -EINVAL c or info NULL. */
int ioasid_client_info(struct ioasid_client *c, struct ioasid_client_info *info);

/*
 * ioasid_client_alloc - allocate the lowest free ID in [min, max] for this
 * handle's set (min = max = 0: the whole range [1, capacity-1]) and record
 * it as owned. Errors: -EINVAL min > max, min 0 with max not 0, max at or
 * beyond capacity, id NULL; -EDQUOT set quota or cgroup max reached;
 * -ENOSPC no free ID in the range; -EPERM the handle was passed from
 * another process.
 */
int ioasid_client_alloc(struct ioasid_client *c, ioasid_t min, ioasid_t max,
			ioasid_t *id);

/*
 * ioasid_client_free - free an ID this handle allocated and drop it from
 * the record. It goes FREE_PENDING while other handles hold references.
 * Errors: -ENOENT unknown ID; -EPERM owned by another handle; -EINVAL id 0.
 */
int ioasid_client_free(struct ioasid_client *c, ioasid_t id);

/*
 * ioasid_client_get / ioasid_client_put - take / drop a reference of this
 * handle on one of its own IDs, or on an ID it imported
 * (ioasid_client_import()). The handle's references are dropped when it
 * closes. Errors: -ENOENT unknown or not live ID; -EPERM another handle's
 * ID; -EBUSY (get) the ID is FREE_PENDING; -EINVAL (put) the handle holds
 * no reference to drop.
 */
int ioasid_client_get(struct ioasid_client *c, ioasid_t id);
int ioasid_client_put(struct ioasid_client *c, ioasid_t id);

/*
 * ioasid_client_spid_attach - map set-private ID spid to id (one of this
 * handle's IDs). Errors: -ENOENT unknown or not ACTIVE ID; -EPERM another
 * handle's ID; -EBUSY id already has an SPID; -EEXIST spid already used in
 * the set; -EINVAL spid is IOASID_INVALID.
 */
int ioasid_client_spid_attach(struct ioasid_client *c, ioasid_t id,
			      ioasid_t spid);

/* ioasid_client_spid_detach - remove id's SPID. Errors: -ENOENT unknown ID
 * or no SPID attached; -EPERM another handle's ID. */
int ioasid_client_spid_detach(struct ioasid_client *c, ioasid_t id);

#define IOASID_CLIENT_FIND_GET (1u << 0) /* also take a reference */

/*
 * ioasid_client_spid_find - the ID that spid maps to in this handle's set;
 * with IOASID_CLIENT_FIND_GET also take a reference (drop it with
 * ioasid_client_put()). Errors: -ENOENT no such SPID; -EBUSY (GET) the ID
 * is FREE_PENDING; -EOPNOTSUPP unknown flag; -EINVAL id NULL.
 */
int ioasid_client_spid_find(struct ioasid_client *c, ioasid_t spid,
			    unsigned int flags, ioasid_t *id);

/*
 * ioasid_client_export - a descriptor carrying the right to take one
 * reference on id (one of this handle's IDs). Give it to another process
 * (SCM_RIGHTS, fork) which presents it with ioasid_client_import(); the
 * PASID number alone grants nothing. The descriptor is the caller's to
 * close; it is valid while the ID is ACTIVE and this handle is open.
 * Errors: -ENOENT unknown ID; -EPERM another handle's ID; -EBUSY the ID is
 * FREE_PENDING; -EINVAL fd NULL.
 */
int ioasid_client_export(struct ioasid_client *c, ioasid_t id, int *fd);

/*
 * ioasid_client_import - present an export descriptor: this handle takes a
 * reference on its ID (dropped by ioasid_client_put() or at close) and *id
 * says which ID. fd stays the caller's (the library sends a copy).
 * Errors: -EBADF fd is not an open descriptor; -ENOENT fd is not a live
 * export (it never was one, or its ID was freed or its exporter closed);
 * -EBUSY the ID is FREE_PENDING.
 */
int ioasid_client_import(struct ioasid_client *c, int fd, ioasid_t *id);

#define IOASID_CLIENT_SUB_ALLOC (1u << 0)
#define IOASID_CLIENT_SUB_FREE (1u << 1)
#define IOASID_CLIENT_SUB_BIND (1u << 2)
#define IOASID_CLIENT_SUB_UNBIND (1u << 3)
#define IOASID_CLIENT_SUB_ALL 0xfu

/*
 * ioasid_client_subscribe - receive the notifications of mask
 * (IOASID_CLIENT_SUB_*) for this handle's set as IOASID_CLIENT_EV_NOTIFY
 * events; 0 unsubscribes. Replaces the previous mask; the library restores
 * it after a reconnect. Errors: -EOPNOTSUPP unknown bit.
 */
int ioasid_client_subscribe(struct ioasid_client *c, uint32_t mask);

/* One live ID: ioasid_client_list() and ioasid_client_reclaim(). */
struct ioasid_client_id_entry {
	ioasid_t id;
	enum ioasid_state state; /* ACTIVE or FREE_PENDING */
	uint32_t refs; /* including the owner's while ACTIVE */
	ioasid_t spid; /* IOASID_INVALID when none */
	uint64_t set_id;
	uint32_t owner_pid; /* 0 once the owner is gone */
};

/*
 * ioasid_client_reclaim - ask the daemon which IDs this handle owns,
 * reconcile the library's record with the answer (differences reported as
 * LOST / ADOPTED / SPID events, the daemon's answer kept), and return it:
 * *entries (free with ioasid_client_array_free(); NULL when *count is 0)
 * in ascending ID order. The library does this by itself after a
 * reconnect. Errors: -EINVAL an argument NULL.
 */
int ioasid_client_reclaim(struct ioasid_client *c,
			  struct ioasid_client_id_entry **entries,
			  size_t *count);

/*
 * ioasid_client_ids - the library's own record of the IDs this handle
 * allocated and has not freed, ascending, in *ids (free with
 * ioasid_client_array_free(); NULL when *count is 0). Local: no request.
 * Errors: -EINVAL an argument NULL; -ENOMEM.
 */
int ioasid_client_ids(struct ioasid_client *c, ioasid_t **ids, size_t *count);

/* ------------------------------------------------------------------------
 * Administration: root or the daemon's owner uid, else -EACCES
 */

/*
 * ioasid_client_quota_set - set the set quota of the handle of process pid
 * (0: the default quota for new handles). Errors: -EACCES not admin;
 * -ENOENT no handle of that process; -EINVAL quota 0, below the set's live
 * IDs, pid negative, or (default) not below capacity; -ENOSPC growth beyond
 * available capacity.
 */
int ioasid_client_quota_set(struct ioasid_client *c, pid_t pid,
			    uint32_t quota);

/*
 * ioasid_client_limit_set - set the resource controller's max of cgroup
 * (a cgroup v2 path such as "/machine/vm1"; created if missing) to max
 * (IOASID_CLIENT_LIMIT_MAX: no limit). Setting it below current is allowed
 * and only blocks new charges. Errors: -EACCES not admin; -EINVAL path
 * NULL, not a valid cgroup v2 path or too long, or "/" (the root has a
 * capacity, not a max).
 */
int ioasid_client_limit_set(struct ioasid_client *c, const char *cgroup,
			    uint64_t max);

/* ------------------------------------------------------------------------
 * Queries: any handle
 */

struct ioasid_client_limit {
	uint64_t max; /* IOASID_CLIENT_LIMIT_MAX: no limit */
	uint64_t current; /* IDs charged here and below */
	uint64_t events; /* charges that failed at this level */
	uint64_t capacity; /* the root only; 0 elsewhere */
};

/* ioasid_client_limit_get - the resource controller's view of cgroup. A
 * valid path that no group carries yet reads as a fresh group: max "max",
 * nothing charged. Errors: -EINVAL path NULL, not a valid cgroup v2 path or
 * too long. */
int ioasid_client_limit_get(struct ioasid_client *c, const char *cgroup,
			    struct ioasid_client_limit *limit);

struct ioasid_client_status {
	uint32_t version;
	uint32_t capacity;
	uint32_t available;
	uint32_t nr_sets;
	uint32_t nr_ids; /* live IDs in the namespace */
	uint32_t nr_handles;
	uint32_t daemon_pid;
	uint64_t uptime_ms;
	uint64_t journal_bytes; /* 0 when the daemon keeps no journal */
};

/* ioasid_client_status - the daemon's status. */
int ioasid_client_status(struct ioasid_client *c,
			 struct ioasid_client_status *status);

/*
 * ioasid_client_list - every live ID of the namespace, ascending, fetched
 * page by page (the walk is not atomic: IDs allocated or freed meanwhile may
 * or may not appear). *entries is freed with ioasid_client_array_free()
 * (NULL when *count is 0). Errors: -EINVAL an argument NULL.
 */
int ioasid_client_list(struct ioasid_client *c,
		       struct ioasid_client_id_entry **entries, size_t *count);

struct ioasid_client_set_entry {
	uint64_t set_id;
	enum ioasid_set_type type;
	uint32_t quota;
	uint32_t nr_ids;
	uint32_t owner_pid; /* 0 when none or gone */
	char cgroup[IOASID_CLIENT_PATH_MAX];
};

/* ioasid_client_sets - every set, by ascending set id, as
 * ioasid_client_list() does. */
int ioasid_client_sets(struct ioasid_client *c,
		       struct ioasid_client_set_entry **entries,
		       size_t *count);

/* ------------------------------------------------------------------------
 * IOMMU platform: groups, devices, VFIO-style containers (docs/protocol.md,
 * "IOMMU operations"; the model is ioasid/iommu.h's)
 *
 * The daemon hosts one IOMMU platform. Any handle may list its groups and
 * devices. A handle claims a group as its DMA owner before attaching it to
 * one of its containers; containers are objects of the handle that created
 * them, named by object IDs (never 0) that another handle cannot use (it
 * gets -ENOENT, as for an ID that never existed). DMA memory is a memfd the
 * caller passes with each map: the daemon maps that part of it MAP_SHARED,
 * so DMA through the container reaches the caller's own memory.
 *
 * None of this is durable: claims, containers and mappings belong to the
 * connection. When the handle closes, the daemon destroys its containers
 * (unmapping everything) and then releases its claims. After a reconnect
 * (IOASID_CLIENT_EV_RECONNECTED) the handle starts with nothing, and a
 * restarted daemon hands out object IDs from 1 again. So an IOMMU request
 * met by a lost connection is never sent again once sent: it fails with
 * -EPIPE, except the listings (groups, devices), which are. A request that
 * could not be sent at all goes to the new connection and finds none of
 * the old objects (-ENOENT).
 *
 * enum ioasid_group_type, enum ioasid_driver_kind and enum
 * ioasid_fault_reason are those of ioasid/iommu/group.h and domain.h
 * (header-only: nothing of libioasid is linked).
 */

/* Name arrays of the entries below, NUL included. */
#define IOASID_CLIENT_NAME_MAX 64u
#define IOASID_CLIENT_PARENT_MAX 128u
/* "No group" in a device entry. */
#define IOASID_CLIENT_ID_NONE UINT32_MAX

#define IOASID_CLIENT_GROUP_VIABLE (1u << 0) /* claimable by the caller now
					      * without detaching drivers */

struct ioasid_client_group_entry {
	uint32_t id; /* the platform's group ID (from 0) */
	enum ioasid_group_type type; /* default domain type */
	uint32_t nr_devices;
	uint32_t owner_pid; /* pid of the claiming handle; 0 when unowned */
	uint32_t container_id; /* the container it is attached to, or 0 */
	uint32_t flags; /* IOASID_CLIENT_GROUP_* */
	char name[IOASID_CLIENT_NAME_MAX]; /* "" when unnamed */
};

struct ioasid_client_device_entry {
	uint32_t id; /* the platform's device ID (from 1) */
	uint32_t group_id; /* IOASID_CLIENT_ID_NONE when in no group */
	enum ioasid_driver_kind driver_kind; /* none, native, or an owner */
	uint32_t ssid_bits; /* PASID capability: PASIDs below 2^ssid_bits;
			     * 0: none */
	uint32_t iommu; /* index of its IOMMU instance on the platform */
	uint32_t owner_pid; /* pid of the owning handle, 0 if none */
	char name[IOASID_CLIENT_NAME_MAX];
	char parent[IOASID_CLIENT_PARENT_MAX]; /* "" when none */
	char driver[IOASID_CLIENT_NAME_MAX]; /* native driver, or the owner
					      * ("ioasidd:PID"); "" unbound */
};

/*
 * ioasid_client_groups / ioasid_client_devices - every group by ascending
 * group ID / every device by ascending device ID, fetched page by page as
 * ioasid_client_list() does (not atomic). *entries is freed with
 * ioasid_client_array_free() (NULL when *count is 0). Strings are always
 * NUL-terminated (a longer wire string is cut). Sent again after a
 * reconnect. Errors: -EINVAL an argument NULL.
 */
int ioasid_client_groups(struct ioasid_client *c,
			 struct ioasid_client_group_entry **entries,
			 size_t *count);
int ioasid_client_devices(struct ioasid_client *c,
			  struct ioasid_client_device_entry **entries,
			  size_t *count);

#define IOASID_CLIENT_CLAIM_DETACH_DRIVERS (1u << 0) /* unbind native drivers */

/*
 * ioasid_client_group_claim - become the DMA owner of group_id (VFIO's
 * viability: every device unbound or bound to this handle); its devices
 * are bound to the handle and no native driver can bind to them. With
 * IOASID_CLIENT_CLAIM_DETACH_DRIVERS native drivers are unbound first.
 * Errors: -ENOENT no such group; -EBUSY claimed already (by any handle,
 * this one included), or a device is bound to a native driver and
 * DETACH_DRIVERS was not given; -EOPNOTSUPP unknown flag.
 */
int ioasid_client_group_claim(struct ioasid_client *c, uint32_t group_id,
			      unsigned int flags);

/*
 * ioasid_client_group_release - end this handle's claim on group_id; its
 * devices become unbound (a native driver detached by the claim is not
 * rebound). Errors: -ENOENT no such group or not claimed; -EPERM another
 * handle claimed it; -EBUSY attached to one of the handle's containers.
 */
int ioasid_client_group_release(struct ioasid_client *c, uint32_t group_id);

/* Container IOMMU models (VFIO's numbers). */
#define IOASID_CLIENT_CONTAINER_SPAPR_TCE 2u /* VFIO_SPAPR_TCE_IOMMU */
#define IOASID_CLIENT_CONTAINER_TYPE1V2 3u /* VFIO_TYPE1v2_IOMMU */

/*
 * ioasid_client_container_create - an empty container of IOMMU model type
 * (VFIO_SET_IOMMU's choice, made at creation; it takes effect when the
 * first group is attached and is released, with every mapping, when the
 * last group leaves). *id receives its object ID.
 * Errors: -EINVAL id NULL; -ENODEV an unknown model (VFIO type1 v1
 * included); -EDQUOT the handle has the daemon's maximum of containers.
 */
int ioasid_client_container_create(struct ioasid_client *c, uint32_t type,
				   uint32_t *id);

/*
 * ioasid_client_container_destroy - free a container and every mapping in
 * it. Errors: -ENOENT unknown or another handle's; -EBUSY a group is
 * still attached.
 */
int ioasid_client_container_destroy(struct ioasid_client *c,
				    uint32_t container_id);

/*
 * ioasid_client_container_attach_group - VFIO_GROUP_SET_CONTAINER: every
 * device of group_id (claimed by this handle) translates through the
 * container's mappings. Errors: -ENOENT no such container or group; -EPERM
 * the group is not claimed by this handle; -EEXIST attached to this
 * container already; -EBUSY attached to another container, or SPAPR_TCE
 * with a group already; -EINVAL (TYPE1V2) a group with no device, devices
 * behind different IOMMUs, or existing mappings outside the new IOMMU's
 * usable ranges, (SPAPR_TCE) the 32-bit window unusable on its IOMMU.
 */
int ioasid_client_container_attach_group(struct ioasid_client *c,
					 uint32_t container_id,
					 uint32_t group_id);

/*
 * ioasid_client_container_detach_group - VFIO_GROUP_UNSET_CONTAINER (the
 * claim stays); the PASIDs of the group's devices attached through the
 * container are detached with it. The last group to leave releases the
 * model: every mapping goes. Errors: -ENOENT no such container or group,
 * or not attached to it.
 */
int ioasid_client_container_detach_group(struct ioasid_client *c,
					 uint32_t container_id,
					 uint32_t group_id);

/*
 * ioasid_client_container_attach_pasid / _detach_pasid - DMA of device_id
 * tagged with pasid goes (or no longer goes) through the container
 * (TYPE1V2 only). The device's group must be attached to the container;
 * the attachment goes when the group leaves or the container goes.
 * Errors: -ENOENT no such container or device, (attach) the device's
 * group is not attached to the container, (detach) nothing attached for
 * pasid; -EPERM the device's group is not claimed by this handle (or it
 * has none); -EINVAL (attach) the container has no group or is SPAPR_TCE,
 * pasid 0 or beyond the device's or IOMMU's PASID width; -EBUSY (attach)
 * that PASID has an address space already.
 */
int ioasid_client_container_attach_pasid(struct ioasid_client *c,
					 uint32_t container_id,
					 uint32_t device_id, uint32_t pasid);
int ioasid_client_container_detach_pasid(struct ioasid_client *c,
					 uint32_t container_id,
					 uint32_t device_id, uint32_t pasid);

/* Which fields of struct ioasid_client_container_info are valid. */
#define IOASID_CLIENT_CONTAINER_PGSIZES (1u << 0)
#define IOASID_CLIENT_CONTAINER_IOVA_RANGES (1u << 1)
#define IOASID_CLIENT_CONTAINER_DMA_AVAIL (1u << 2)
#define IOASID_CLIENT_CONTAINER_DMA32_WINDOW (1u << 3)

#define IOASID_CLIENT_IOVA_RANGES_MAX 16u

struct ioasid_client_iova_range {
	uint64_t start;
	uint64_t last; /* inclusive */
};

struct ioasid_client_container_info {
	uint32_t type; /* IOASID_CLIENT_CONTAINER_* */
	uint32_t flags; /* IOASID_CLIENT_CONTAINER_*: valid fields below;
			 * 0 while the container has no group */
	uint32_t nr_groups;
	uint32_t nr_mappings; /* TYPE1V2: mappings; SPAPR_TCE: TCEs set */
	uint64_t mapped_bytes;
	uint64_t pgsizes; /* PGSIZES: bitmap of page sizes; the smallest is
			   * the alignment of map and unmap */
	uint32_t dma_avail; /* DMA_AVAIL: mappings that can still be made */
	uint32_t dma32_window_start; /* DMA32_WINDOW (SPAPR_TCE) */
	uint32_t dma32_window_size;
	/* IOVA_RANGES: usable IOVA ranges in total; the first
	 * min(nr_iova_ranges, IOASID_CLIENT_IOVA_RANGES_MAX) are filled in. */
	uint32_t nr_iova_ranges;
	struct ioasid_client_iova_range iova_ranges[IOASID_CLIENT_IOVA_RANGES_MAX];
};

/*
 * ioasid_client_container_info - VFIO_IOMMU_GET_INFO of a container.
 * Errors: -EINVAL info NULL; -ENOENT unknown or another handle's.
 */
int ioasid_client_container_info(struct ioasid_client *c,
				 uint32_t container_id,
				 struct ioasid_client_container_info *info);

/* DMA permissions, the device's view (map flags, translate access). */
#define IOASID_CLIENT_DMA_READ (1u << 0) /* the device may read */
#define IOASID_CLIENT_DMA_WRITE (1u << 1) /* the device may write */

/*
 * ioasid_client_map_dma - VFIO_IOMMU_MAP_DMA: map [iova, iova + length) of
 * the container to [offset, offset + length) of memfd (any regular file
 * the daemon can map; the library sends a copy, memfd stays the caller's).
 * The daemon maps that part MAP_SHARED (writable with DMA_WRITE, so the
 * descriptor must be open read-write for it) until it is unmapped.
 * flags: IOASID_CLIENT_DMA_READ and/or _WRITE.
 * Errors, in this order: -EBADF memfd negative or not open; -EOPNOTSUPP
 * unknown flag; -ENOENT no such container; -EINVAL no group attached,
 * neither READ nor WRITE, length 0; -EOVERFLOW iova + length or
 * offset + length wraps; -EINVAL iova, length or offset not aligned to the
 * smallest page size; -EBADF not a regular file; -EINVAL the file is
 * shorter than offset + length; -EACCES, -ENODEV, -ENOMEM the daemon could
 * not map it; then (TYPE1V2) -EEXIST overlaps a mapping, -ENOSPC the
 * mapping limit is reached, -EINVAL outside the usable IOVA ranges (the
 * MSI window is reserved), or (SPAPR_TCE) -EINVAL outside the window,
 * -EEXIST a TCE of the range is set.
 */
int ioasid_client_map_dma(struct ioasid_client *c, uint32_t container_id,
			  uint64_t iova, uint64_t length, int memfd,
			  uint64_t offset, uint32_t flags);

/* No fill: the new memory reads as zeros. */
#define IOASID_CLIENT_FILL_NONE (-1)

/*
 * ioasid_client_map_dma_alloc - create a memfd of length bytes (filled
 * with the byte fill, or zeros with IOASID_CLIENT_FILL_NONE), map it at
 * iova with ioasid_client_map_dma(), and give it to the caller in *memfd
 * (close-on-exec; mmap it to see what DMA reads and writes). On failure no
 * memfd is left. Errors: those of ioasid_client_map_dma(); -EINVAL memfd
 * NULL, length 0 or fill outside -1..255; -errno of memfd_create(2) or
 * ftruncate(2) (-ENOMEM, -EFBIG, ...).
 */
int ioasid_client_map_dma_alloc(struct ioasid_client *c, uint32_t container_id,
				uint64_t iova, uint64_t length, uint32_t flags,
				int fill, int *memfd);

#define IOASID_CLIENT_UNMAP_ALL (1u << 0) /* everything; iova = length = 0 */

/*
 * ioasid_client_unmap_dma - VFIO_IOMMU_UNMAP_DMA of [iova, iova + length),
 * or of everything with IOASID_CLIENT_UNMAP_ALL (iova and length 0).
 * *unmapped (may be NULL) receives the bytes unmapped, 0 on failure.
 * TYPE1V2: every mapping inside the range goes, a range holding nothing
 * succeeds with 0, a range that would split a mapping fails. SPAPR_TCE:
 * the TCEs of the range are cleared page by page; no flag is accepted.
 * Errors: -ENOENT no such container; -EINVAL no group attached, ALL with
 * iova or length non-zero, length 0, unaligned, (TYPE1V2) the range would
 * split a mapping, (SPAPR_TCE) outside the window; -EOVERFLOW the range
 * wraps; -EOPNOTSUPP unknown flag, or any flag on SPAPR_TCE.
 */
int ioasid_client_unmap_dma(struct ioasid_client *c, uint32_t container_id,
			    uint64_t iova, uint64_t length, unsigned int flags,
			    uint64_t *unmapped);

/* A translated DMA access. */
struct ioasid_client_translation {
	uint64_t offset; /* where iova lands in the mapping's memfd */
	uint64_t map_iova; /* the mapping holding iova */
	uint64_t map_length;
	uint32_t prot; /* the mapping's IOASID_CLIENT_DMA_* */
	uint32_t container_id; /* the container that translated */
};

/*
 * ioasid_client_translate - one DMA access (access: IOASID_CLIENT_DMA_READ
 * and/or _WRITE) at iova through the container, as untagged DMA of "device
 * 0". A refused access is recorded as a fault of the container
 * (ioasid_client_fault_read()). Errors: -EINVAL t NULL, access 0 or with
 * unknown bits, or the container has no group (no model); -ENOENT no such
 * container; -EFAULT nothing mapped at iova, iova outside the aperture or
 * reserved; -EACCES mapped without the permission access needs; -EIO the
 * daemon found none of its memory behind the translation (a daemon bug).
 */
int ioasid_client_translate(struct ioasid_client *c, uint32_t container_id,
			    uint64_t iova, uint32_t access,
			    struct ioasid_client_translation *t);

/*
 * ioasid_client_translate_device - one DMA access of device_id (its group
 * claimed by this handle) tagged with pasid (0: untagged DMA, through its
 * group's container; else through the container the PASID is attached
 * to). Errors: as ioasid_client_translate(), and -ENOENT no such device;
 * -EPERM its group is not claimed by this handle (or it has none); -EINVAL
 * pasid beyond the device's PASID capability (no fault recorded); -EFAULT
 * nothing attached for that PASID (DMA blocked; the fault goes to the
 * platform's log, which no handle reads).
 */
int ioasid_client_translate_device(struct ioasid_client *c, uint32_t device_id,
				   uint32_t pasid, uint64_t iova,
				   uint32_t access,
				   struct ioasid_client_translation *t);

/* One refused DMA access. */
struct ioasid_client_fault {
	uint32_t device_id; /* 0: ioasid_client_translate() itself */
	uint32_t pasid;
	uint64_t addr; /* the IOVA */
	uint32_t access; /* IOASID_CLIENT_DMA_* */
	enum ioasid_fault_reason reason;
};

/*
 * ioasid_client_fault_read - move up to max of the container's oldest
 * faults into faults[] (removing them in the daemon) and return how many
 * were moved (0: none pending). One request: at most what one message
 * holds (over 2000) come per call. *lost (may be NULL) receives the faults
 * dropped since the previous read because the daemon's ring was full.
 * Errors: -EINVAL faults NULL or max 0; -ENOENT no such container.
 */
int ioasid_client_fault_read(struct ioasid_client *c, uint32_t container_id,
			     struct ioasid_client_fault *faults, uint32_t max,
			     uint64_t *lost);

/* ioasid_client_array_free - free an array returned by this library.
 * Accepts NULL. */
void ioasid_client_array_free(void *array);

#ifdef __cplusplus
}
#endif
#endif /* IOASID_CLIENT_H */
