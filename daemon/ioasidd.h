/* SPDX-License-Identifier: MIT */
/*
 * daemon/ioasidd.h - the daemon object: one namespace, one resource
 * controller tree, an optional journal, a listener and the handles, all
 * driven by one single-threaded event loop.
 *
 * Threading: everything here is owned by the event-loop thread. The core
 * library's own worker thread never calls back into the daemon (the daemon
 * queues no work and core notifications run in the thread that caused
 * them, which is always the loop thread), so no daemon structure has a
 * lock.
 */
#ifndef IOASIDD_IOASIDD_H
#define IOASIDD_IOASIDD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ioasid/cgroup.h>
#include <ioasid/core.h>
#include <ioasid/proto.h>

#include "config.h"
#include "hmap.h"
#include "loop.h"

struct session;
struct ioasidd_state;
struct ioasidd_export;
struct ioasidd_platform;

/*
 * What the daemon keeps per live ID, indexed by ID (a lazily touched
 * calloc of capacity entries). cg holds a reference on the group charged
 * for the ID, dropped with the charge when the ID returns to the pool.
 */
struct ioasidd_slot {
	struct ioasid_cgroup *cg;
	uint32_t hrefs; /* references held by handles through GET/IMPORT */
	uint32_t exports; /* live exports of this ID */
};

struct ioasidd {
	struct ioasidd_config cfg;
	struct ioasidd_loop loop;
	struct ioasid_ns *ns;
	struct ioasid_cgroup_tree *cgroups;
	struct ioasidd_state *state; /* journal and reclaim; never NULL */
	struct ioasidd_slot *slots; /* cfg.capacity entries */
	struct ioasidd_platform *platform; /* the hosted IOMMU platform */
	uint64_t *live; /* bitmap of live IDs (ACTIVE, FREE_PENDING) */

	struct loop_source listener;
	bool listener_created; /* we bound it: unlink at exit */
	dev_t listener_dev; /* the socket file we created */
	ino_t listener_ino;
	struct loop_source signals;

	struct hmap sessions_by_pid; /* pid -> struct session * */
	struct session *sessions; /* open handles, most recent first */
	struct session *closed; /* closed this batch; freed after it */
	struct session *dirty; /* with output to flush after this batch */
	uint32_t nr_sessions;
	struct hmap exports; /* inode -> struct ioasidd_export * */

	uint32_t default_quota;
	uid_t owner_uid; /* the daemon's effective uid: admin with root */
	pid_t pid;
	uint64_t start_ms;
	int exit_code;

	/* One receive and one reply buffer: no allocation per request. */
	uint8_t rx[IOASID_MSG_MAX] __attribute__((aligned(8)));
	uint8_t tx[IOASID_MSG_MAX] __attribute__((aligned(8)));
};

/*
 * ioasid__daemon_new - set up everything from cfg (moved into the daemon:
 * the caller's copy is cleared): namespace, controller, journal replay,
 * listener (listen_fd >= 0: an inherited socket, else bind cfg's path),
 * signal handling. Errors: -errno; everything is undone.
 */
int ioasid__daemon_new(struct ioasidd_config *cfg, int listen_fd,
		       struct ioasidd **dp);

/* ioasid__daemon_run - serve until SIGTERM/SIGINT; 0 or -errno. */
int ioasid__daemon_run(struct ioasidd *d);

/* ioasid__daemon_free - close every handle, sync and close. Accepts NULL. */
void ioasid__daemon_free(struct ioasidd *d);

/* ioasid__daemon_is_admin - root or the daemon's own uid. */
bool ioasid__daemon_is_admin(const struct ioasidd *d, uid_t uid);

/* ioasid__daemon_session_by_pid - the open handle of pid, or NULL. */
struct session *ioasid__daemon_session_by_pid(struct ioasidd *d, pid_t pid);

/* ---- ids.c: the daemon's side of every ID's life ---- */

/*
 * ioasid__ids_init - allocate the slot array and the live bitmap.
 * ioasid__ids_destroy drops the cgroup references slots still hold
 * (without uncharging: the tree goes too). Errors: -ENOMEM.
 */
int ioasid__ids_init(struct ioasidd *d);
void ioasid__ids_destroy(struct ioasidd *d);

/*
 * ioasid__ids_alloc - charge s's cgroup, allocate in s's set within
 * [min, max], journal it, record the charge. All or nothing.
 * Errors: those of ioasid_cgroup_charge(), ioasid_alloc(), the journal.
 */
int ioasid__ids_alloc(struct session *s, ioasid_t min, ioasid_t max,
		      ioasid_t *idp);

/*
 * ioasid__ids_adopt - record the charge of an ID the journal replay just
 * re-created in cg (the caller charged cg; its reference moves here).
 */
void ioasid__ids_adopt(struct ioasidd *d, ioasid_t id,
		       struct ioasid_cgroup *cg);

/*
 * ioasid__ids_free - the owner set gives an ACTIVE id up: the free is
 * journaled (if journal), exports of it end, the ID goes FREE_PENDING or
 * back to the pool (then its charge is returned), and handles holding
 * references to it that subscribed to FREE are told.
 * Errors: -ENOENT not ACTIVE; -EPERM another set's; the journal's.
 */
int ioasid__ids_free(struct ioasidd *d, struct ioasid_set *set, ioasid_t id,
		     bool journal);

/*
 * ioasid__ids_get - take a reference counted to a handle (set NULL: any
 * ACTIVE ID; else it must be set's). Errors: those of ioasid_get().
 */
int ioasid__ids_get(struct ioasidd *d, struct ioasid_set *set, ioasid_t id);

/*
 * ioasid__ids_put - drop a reference taken with ioasid__ids_get(); the
 * last reference of a FREE_PENDING ID returns it (and its charge).
 */
void ioasid__ids_put(struct ioasidd *d, ioasid_t id);

/*
 * ioasid__ids_free_set - ioasid__ids_free() (not journaled) every ACTIVE
 * ID of set; returns how many were freed.
 */
unsigned int ioasid__ids_free_set(struct ioasidd *d, struct ioasid_set *set);

/*
 * ioasid__ids_set_drop - drop the set reference from ioasid_set_alloc();
 * the set lives on while FREE_PENDING IDs remain.
 */
void ioasid__ids_set_drop(struct ioasid_set *set);

/* ioasid__ids_next_live - the first live ID >= from, or 0 if none. */
ioasid_t ioasid__ids_next_live(const struct ioasidd *d, uint64_t from);

#endif /* IOASIDD_IOASIDD_H */
