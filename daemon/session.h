/* SPDX-License-Identifier: MIT */
/*
 * daemon/session.h - a handle: one connection, bound to the process that
 * opened it.
 *
 * At accept the peer's pid and uid come from SO_PEERCRED and its start time
 * from /proc/PID/stat; together they are the handle's owner, and the
 * owner's PROCESS set (token: ioasid__identity_token()) is the set its
 * allocations go to. One process has one handle: a second connection from
 * the same live process is refused (its first request is answered -EBUSY
 * and the connection is then closed). Every message must carry the owner's
 * pid in SCM_CREDENTIALS (the socket has SO_PASSCRED); anything sent
 * through an inherited or passed descriptor by another process is answered
 * -EPERM and changes nothing.
 *
 * Closing a handle (the client closed, its process died, or a fatal socket
 * error) releases in one step everything it owned: its subscription, its
 * exports, the references it held, and its IDs (freed; FREE_PENDING while
 * other handles hold references), with the set reference and the cgroup
 * placement. The memory of a closed session is freed after the current
 * event batch, since later events of the batch may still point to it.
 */
#ifndef IOASIDD_SESSION_H
#define IOASIDD_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ioasid/cgroup.h>
#include <ioasid/core.h>

#include "events.h"
#include "hmap.h"
#include "identity.h"
#include "loop.h"

struct ioasidd;
struct ioasidd_export;
struct iommu_handle;

struct session {
	struct loop_source src; /* the connection; fd -1 once closed */
	struct ioasidd *d;
	struct session *next, *prev; /* d->sessions, or d->closed (next) */
	struct ioasidd_identity owner;
	uid_t uid;
	uint64_t token; /* the owner's PROCESS-set token */
	int refuse; /* -errno: answer the first request so, then close */
	bool in_pid_map;
	bool reclaimed; /* adopted IDs that survived a restart */
	bool closing;
	bool dirty; /* on d->dirty: has output to try */
	bool out_blocked; /* the socket was full: wait for EPOLLOUT */
	struct session *next_dirty;

	struct ioasid_set *set; /* the owner's set, one reference */
	struct ioasid_cgroup *cg; /* placement for new charges, one ref */
	struct ioasid_cgroup_proc *proc; /* /proc/PID/cgroup, kept open */
	uint64_t cg_checked_ms;

	struct hmap refs; /* ID -> references this handle holds on it */
	struct ioasidd_events ev;
	struct ioasidd_export *exports;
	uint32_t nr_exports;
	struct iommu_handle *iommu; /* claims, containers (iommu_handle.h) */

	/* A reply the socket could not take yet; reading pauses meanwhile. */
	uint8_t *pending;
	uint32_t pending_len;
	int pending_fd;
	uint32_t epoll_mask;
};

/*
 * ioasid__session_accept - make a handle of an accepted connection (fd is
 * taken over: on failure it is closed). A connection whose peer is gone
 * already is closed quietly. Never fails from the caller's point of view.
 */
void ioasid__session_accept(struct ioasidd *d, int fd);

/* ioasid__session_close - release everything (see above). Idempotent. */
void ioasid__session_close(struct session *s);

/* ioasid__session_free - free a closed session's memory. */
void ioasid__session_free(struct session *s);

/* ioasid__session_peer_gone - true if the client end has been closed. */
bool ioasid__session_peer_gone(const struct session *s);

/*
 * ioasid__session_cgroup - the group new charges of s go to, re-reading
 * /proc/PID/cgroup when cgroup_refresh_ms have passed since the last read.
 */
struct ioasid_cgroup *ioasid__session_cgroup(struct session *s);

/* References a handle holds (GET, IMPORT, FIND_SPID with GET). */
uint32_t ioasid__session_refs(const struct session *s, ioasid_t id);
/* Errors: -ENOMEM (ioasid__session_ref_reserve() first avoids it). */
int ioasid__session_ref_reserve(struct session *s);
void ioasid__session_ref_add(struct session *s, ioasid_t id);
void ioasid__session_ref_drop(struct session *s, ioasid_t id);

/*
 * ioasid__session_send - send one message (with fd as SCM_RIGHTS when
 * fd >= 0; the caller keeps its fd) without blocking. Returns 0 if sent,
 * -EAGAIN if the socket is full, or another -errno (the handle is dead).
 */
int ioasid__session_send(struct session *s, const void *buf, size_t len,
			 int fd);

/*
 * ioasid__session_mark_dirty - s has queued output; it is flushed after
 * the current event batch (ioasid__session_flush_dirty()).
 */
void ioasid__session_mark_dirty(struct session *s);

/* ioasid__session_flush_dirty - try the output of every dirty session. */
void ioasid__session_flush_dirty(struct ioasidd *d);

#endif /* IOASIDD_SESSION_H */
