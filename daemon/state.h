/* SPDX-License-Identifier: MIT */
/*
 * daemon/state.h - what outlives the daemon: journal records, replay at
 * start-up, compaction, and the reclaim of IDs whose owners survived a
 * restart.
 *
 * Records (payloads in host byte order; the journal adds framing and
 * CRCs, see daemon/journal.h):
 *   ALLOC   id, owner pid + start time, the set's quota, charged cgroup
 *   FREE    id (its owner gave it up)
 *   CLOSE   owner pid + start time: every ID of that owner was freed
 *   SPID    id, spid (IOASID_INVALID: detached)
 *   QUOTA   owner pid + start time (pid 0: the default), quota
 *   LIMIT   cgroup path, max
 * Replay applies them in order to the fresh namespace and controller, so
 * the state is exactly what the records describe. Then every owner is
 * checked: IDs of processes that are gone (or whose pid now belongs to a
 * process with another start time) are freed, with a CLOSE record; the
 * sets of live owners wait, for reclaim_grace_ms, for their process to
 * reconnect and adopt them (ioasid__state_claim()), after which they are
 * freed too. No ID is ever handed out twice: a surviving set holds its
 * IDs from replay until it is adopted or freed.
 *
 * Without a state directory every log call succeeds and does nothing.
 */
#ifndef IOASIDD_STATE_H
#define IOASIDD_STATE_H

#include <stdint.h>

#include <ioasid/core.h>

#include "identity.h"

struct ioasidd;

/*
 * ioasid__state_open - open and replay the journal of cfg.state_dir (if
 * any), then sort surviving owners into freed and waiting.
 * Errors: the journal's; a replay record that cannot be applied (-EINVAL,
 * -ENOMEM).
 */
int ioasid__state_open(struct ioasidd *d);

/* ioasid__state_close - free waiting sets' memory, sync, close. */
void ioasid__state_close(struct ioasidd *d);

int ioasid__state_log_alloc(struct ioasidd *d,
			    const struct ioasidd_identity *owner,
			    uint32_t quota, ioasid_t id, const char *cgroup);
int ioasid__state_log_free(struct ioasidd *d, ioasid_t id);
int ioasid__state_log_close(struct ioasidd *d,
			    const struct ioasidd_identity *owner);
int ioasid__state_log_spid(struct ioasidd *d, ioasid_t id, ioasid_t spid);
/* owner NULL: the default quota of new handles. */
int ioasid__state_log_quota(struct ioasidd *d,
			    const struct ioasidd_identity *owner,
			    uint32_t quota);
int ioasid__state_log_limit(struct ioasidd *d, const char *path,
			    uint64_t max);

/*
 * ioasid__state_log_cancel - take back the record just logged, when the
 * change it describes could not be made after all (see
 * ioasid_journal_cancel()). Never fails: if the journal cannot cut the
 * record it is broken and refuses every later record, and this is logged.
 */
void ioasid__state_log_cancel(struct ioasidd *d);

/*
 * ioasid__state_claim - hand the waiting set of owner (if any) to its new
 * handle: *setp receives the set with its reference.
 * Errors: -ENOENT nothing waits for this owner.
 */
int ioasid__state_claim(struct ioasidd *d, const struct ioasidd_identity *owner,
			struct ioasid_set **setp);

/*
 * ioasid__state_timeout - ms until the state needs ioasid__state_tick()
 * (a journal batch sync or a grace period ending), -1 if never.
 */
int ioasid__state_timeout(struct ioasidd *d);

/* ioasid__state_tick - run due syncs, expire grace periods, compact. */
void ioasid__state_tick(struct ioasidd *d);

/* ioasid__state_journal_bytes - the journal's size, 0 without one. */
uint64_t ioasid__state_journal_bytes(struct ioasidd *d);

/* ioasid__state_waiting - sets still waiting for their owner. */
uint32_t ioasid__state_waiting(struct ioasidd *d);

/* ioasid__state_waiting_owner - the owner pid of a waiting set, or 0. */
pid_t ioasid__state_waiting_owner(struct ioasidd *d, uint64_t token);

#endif /* IOASIDD_STATE_H */
