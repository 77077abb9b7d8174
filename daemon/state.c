// SPDX-License-Identifier: MIT
/*
 * Durable state (see state.h): journal records, replay, compaction and the
 * reclaim of surviving owners' IDs.
 *
 * Replay applies records directly to the namespace and the controller.
 * Owners met during replay are tracked by token in state->owners, each
 * with the reference on its set; after replay, owners that are gone are
 * freed, and the others wait (all with the same deadline, start-up plus
 * the grace period) until their process reconnects and claims the set, or
 * the deadline frees it. Records that are well-formed but cannot be
 * applied (an ID beyond a reduced capacity, say) are skipped with a
 * warning; a malformed record stops the start-up, since skipping it could
 * hand an ID out twice.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "ioasidd.h"
#include "journal.h"
#include "log.h"
#include "session.h"
#include "state.h"
#include "state_records.h"
#include "util/alloc.h"

/* A process whose IDs the journal holds and that has no handle yet. */
struct owner {
	struct ioasidd_identity id;
	struct ioasid_set *set; /* one reference */
	struct owner *next; /* scratch list while sorting */
};

struct ioasidd_state {
	struct ioasid_journal *journal; /* NULL without a state directory */
	struct hmap owners; /* token -> struct owner * */
	uint64_t deadline_ms; /* when waiting owners lose their IDs */
};

/* ---- appending ---- */

static struct ioasid_journal *journal_of(struct ioasidd *d)
{
	return d->state ? d->state->journal : NULL;
}

static int rec_append(struct ioasidd *d, enum rec_type type, const void *p,
		      size_t len)
{
	struct ioasid_journal *j = journal_of(d);
	int ret;

	if (!j)
		return 0;
	ret = ioasid_journal_append(j, (uint16_t)type, p, (uint32_t)len);
	if (ret)
		log_err("journal append failed: %s", strerror(-ret));
	return ret;
}

static struct rec_owner rec_owner_of(const struct ioasidd_identity *id)
{
	return (struct rec_owner){ .pid = (uint32_t)id->pid,
				   .start_time = id->start_time };
}

/* rec_with_path - a fixed part followed by a path, in buf. */
static size_t rec_with_path(char *buf, const void *fixed, size_t flen,
			    const char *path)
{
	size_t plen = strnlen(path, IOASID_CGROUP_PATH_MAX - 1);

	memcpy(buf, fixed, flen);
	memcpy(buf + flen, path, plen);
	return flen + plen;
}

static size_t rec_alloc_encode(char *buf, const struct ioasidd_identity *owner,
			       uint32_t quota, ioasid_t id, const char *cgroup)
{
	struct rec_alloc r = { .id = id, .quota = quota,
			       .owner = rec_owner_of(owner) };

	return rec_with_path(buf, &r, sizeof(r), cgroup);
}

int ioasid__state_log_alloc(struct ioasidd *d,
			    const struct ioasidd_identity *owner,
			    uint32_t quota, ioasid_t id, const char *cgroup)
{
	char buf[sizeof(struct rec_alloc) + IOASID_CGROUP_PATH_MAX];

	if (!journal_of(d))
		return 0;
	return rec_append(d, REC_ALLOC, buf,
			  rec_alloc_encode(buf, owner, quota, id, cgroup));
}

int ioasid__state_log_free(struct ioasidd *d, ioasid_t id)
{
	struct rec_id r = { .id = id };

	return rec_append(d, REC_FREE, &r, sizeof(r));
}

int ioasid__state_log_close(struct ioasidd *d,
			    const struct ioasidd_identity *owner)
{
	struct rec_owner r = rec_owner_of(owner);

	return rec_append(d, REC_CLOSE, &r, sizeof(r));
}

int ioasid__state_log_spid(struct ioasidd *d, ioasid_t id, ioasid_t spid)
{
	struct rec_spid r = { .id = id, .spid = spid };

	return rec_append(d, REC_SPID, &r, sizeof(r));
}

int ioasid__state_log_quota(struct ioasidd *d,
			    const struct ioasidd_identity *owner,
			    uint32_t quota)
{
	struct rec_quota r = { .quota = quota };

	if (owner)
		r.owner = rec_owner_of(owner);
	return rec_append(d, REC_QUOTA, &r, sizeof(r));
}

static size_t rec_limit_encode(char *buf, const char *path, uint64_t max)
{
	struct rec_limit r = { .max = max };

	return rec_with_path(buf, &r, sizeof(r), path);
}

int ioasid__state_log_limit(struct ioasidd *d, const char *path, uint64_t max)
{
	char buf[sizeof(struct rec_limit) + IOASID_CGROUP_PATH_MAX];

	if (!journal_of(d))
		return 0;
	return rec_append(d, REC_LIMIT, buf, rec_limit_encode(buf, path, max));
}

void ioasid__state_log_cancel(struct ioasidd *d)
{
	struct ioasid_journal *j = journal_of(d);
	int ret;

	if (!j)
		return;
	ret = ioasid_journal_cancel(j);
	if (ret)
		log_err("journal: cannot take back the last record: %s",
			strerror(-ret));
}

/* ---- owners ---- */

static uint64_t owner_token(const struct owner *o)
{
	return ioasid__identity_token(&o->id);
}

static struct owner *owner_find(struct ioasidd_state *st, uint64_t token)
{
	uint64_t *v = ioasid__hmap_find(&st->owners, token);

	return v ? (struct owner *)(uintptr_t)*v : NULL;
}

/* owner_get - the owner of id, creating it and its set (with quota). */
static int owner_get(struct ioasidd *d, const struct ioasidd_identity *id,
		     uint32_t quota, struct owner **op)
{
	struct ioasidd_state *st = d->state;
	uint64_t token = ioasid__identity_token(id);
	struct owner *o = owner_find(st, token);
	int ret;

	if (o) {
		*op = o;
		return 0;
	}
	o = ioasid__calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->id = *id;
	ret = ioasid__hmap_reserve(&st->owners, 1);
	if (!ret)
		ret = ioasid_set_alloc(d->ns, IOASID_SET_TYPE_PROCESS, token,
				       quota, &o->set);
	if (ret) {
		ioasid__free(o);
		return ret;
	}
	(void)ioasid__hmap_put(&st->owners, token, (uint64_t)(uintptr_t)o);
	*op = o;
	return 0;
}

/* owner_release - forget o; free its IDs first if expire. */
static void owner_release(struct ioasidd *d, struct owner *o, bool expire)
{
	if (expire && ioasid__ids_free_set(d, o->set) &&
	    ioasid__state_log_close(d, &o->id))
		log_err("pid %ld: journal refused the close record",
			(long)o->id.pid);
	ioasid__hmap_del(&d->state->owners, owner_token(o));
	ioasid__ids_set_drop(o->set);
	ioasid__free(o);
}

int ioasid__state_claim(struct ioasidd *d, const struct ioasidd_identity *owner,
			struct ioasid_set **setp)
{
	struct owner *o = d->state ? owner_find(d->state,
						ioasid__identity_token(owner))
				   : NULL;

	if (!o)
		return -ENOENT;
	*setp = o->set; /* the reference moves to the handle */
	ioasid__hmap_del(&d->state->owners, owner_token(o));
	ioasid__free(o);
	return 0;
}

uint32_t ioasid__state_waiting(struct ioasidd *d)
{
	return d->state ? (uint32_t)d->state->owners.count : 0;
}

pid_t ioasid__state_waiting_owner(struct ioasidd *d, uint64_t token)
{
	struct owner *o = d->state ? owner_find(d->state, token) : NULL;

	return o ? o->id.pid : 0;
}

/* ---- replay ---- */

static int rec_path(const char *p, size_t len, char *path)
{
	if (len >= IOASID_CGROUP_PATH_MAX || memchr(p, '\0', len))
		return -EINVAL;
	memcpy(path, p, len);
	path[len] = '\0';
	return ioasid_cgroup_path_valid(path);
}

static struct ioasidd_identity identity_of(const struct rec_owner *r)
{
	return (struct ioasidd_identity){ .pid = (pid_t)r->pid,
					  .start_time = r->start_time };
}

/* replay_charge_alloc - charge cg, allocate exactly id in o's set. */
static int replay_charge_alloc(struct ioasidd *d, struct owner *o, ioasid_t id,
			       struct ioasid_cgroup *cg)
{
	ioasid_t got;
	int ret = ioasid_cgroup_charge(cg, 1);

	if (ret)
		return ret;
	ret = ioasid_alloc(o->set, id, id, NULL, &got);
	if (ret) {
		(void)ioasid_cgroup_uncharge(cg, 1);
		return ret;
	}
	ioasid__ids_adopt(d, id, cg); /* the lookup's reference moves in */
	return 0;
}

static int replay_alloc(struct ioasidd *d, const char *p, uint32_t len)
{
	char path[IOASID_CGROUP_PATH_MAX];
	struct ioasidd_identity id;
	struct ioasid_cgroup *cg;
	struct rec_alloc r;
	struct owner *o;
	int ret;

	if (len < sizeof(r))
		return -EINVAL;
	memcpy(&r, p, sizeof(r));
	id = identity_of(&r.owner);
	if (id.pid <= 0 || rec_path(p + sizeof(r), len - sizeof(r), path))
		return -EINVAL;
	ret = owner_get(d, &id, r.quota, &o);
	if (!ret)
		ret = ioasid_cgroup_lookup(d->cgroups, path,
					   IOASID_CGROUP_CREATE, &cg);
	if (!ret) {
		ret = replay_charge_alloc(d, o, r.id, cg);
		if (ret)
			ioasid_cgroup_put(cg);
	}
	if (ret)
		log_warn("journal: ID %u of pid %ld not restored: %s", r.id,
			 (long)id.pid, strerror(-ret));
	return ret == -ENOMEM ? ret : 0;
}

/* set_of - the set of a live ID, without keeping a reference. */
static struct ioasid_set *set_of(struct ioasidd *d, ioasid_t id)
{
	struct ioasid_set *set;

	if (ioasid_find_set(d->ns, id, &set))
		return NULL;
	ioasid_set_put(set); /* the owner keeps it alive */
	return set;
}

static int replay_free(struct ioasidd *d, const char *p, uint32_t len)
{
	struct ioasid_set *set;
	struct rec_id r;

	if (len != sizeof(r))
		return -EINVAL;
	memcpy(&r, p, sizeof(r));
	set = set_of(d, r.id);
	if (set)
		(void)ioasid__ids_free(d, set, r.id, false);
	return 0;
}

static int replay_close(struct ioasidd *d, const char *p, uint32_t len)
{
	struct ioasidd_identity id;
	struct rec_owner r;
	struct owner *o;

	if (len != sizeof(r))
		return -EINVAL;
	memcpy(&r, p, sizeof(r));
	id = identity_of(&r);
	o = owner_find(d->state, ioasid__identity_token(&id));
	if (o)
		ioasid__ids_free_set(d, o->set);
	return 0;
}

static int replay_spid(struct ioasidd *d, const char *p, uint32_t len)
{
	struct ioasid_set *set;
	struct rec_spid r;
	int ret = -ENOENT;

	if (len != sizeof(r))
		return -EINVAL;
	memcpy(&r, p, sizeof(r));
	set = set_of(d, r.id);
	if (set)
		ret = r.spid == IOASID_INVALID ? ioasid_spid_detach(set, r.id)
					       : ioasid_spid_attach(set, r.id,
								    r.spid);
	if (ret)
		log_warn("journal: SPID of ID %u not restored: %s", r.id,
			 strerror(-ret));
	return ret == -ENOMEM ? ret : 0;
}

static int replay_quota(struct ioasidd *d, const char *p, uint32_t len)
{
	struct ioasidd_identity id;
	struct rec_quota r;
	struct owner *o;
	int ret;

	if (len != sizeof(r))
		return -EINVAL;
	memcpy(&r, p, sizeof(r));
	if (!r.quota)
		return -EINVAL;
	if (!r.owner.pid) {
		d->default_quota = r.quota;
		return 0;
	}
	id = identity_of(&r.owner);
	ret = owner_get(d, &id, r.quota, &o);
	if (!ret)
		ret = ioasid_set_adjust_quota(o->set, r.quota);
	if (ret)
		log_warn("journal: quota of pid %ld not restored: %s",
			 (long)id.pid, strerror(-ret));
	return ret == -ENOMEM ? ret : 0;
}

static int replay_limit(struct ioasidd *d, const char *p, uint32_t len)
{
	char path[IOASID_CGROUP_PATH_MAX];
	struct ioasid_cgroup *cg;
	struct rec_limit r;
	int ret;

	if (len < sizeof(r))
		return -EINVAL;
	memcpy(&r, p, sizeof(r));
	if (rec_path(p + sizeof(r), len - sizeof(r), path) ||
	    !strcmp(path, "/"))
		return -EINVAL;
	ret = ioasid_cgroup_lookup(d->cgroups, path, IOASID_CGROUP_CREATE, &cg);
	if (ret)
		return ret;
	ret = ioasid_cgroup_max_set(cg, r.max);
	ioasid_cgroup_put(cg);
	return ret;
}

static int on_replay(void *arg, uint16_t type, const void *payload,
		     uint32_t len)
{
	static int (*const apply[])(struct ioasidd *, const char *, uint32_t) = {
		[REC_ALLOC] = replay_alloc, [REC_FREE] = replay_free,
		[REC_CLOSE] = replay_close, [REC_SPID] = replay_spid,
		[REC_QUOTA] = replay_quota, [REC_LIMIT] = replay_limit,
	};
	int ret = -EINVAL;

	if (type < sizeof(apply) / sizeof(apply[0]) && apply[type])
		ret = apply[type](arg, payload, len);
	if (ret)
		log_err("journal: record of type %u (%u bytes) is malformed "
			"or cannot be applied: %s", type, len, strerror(-ret));
	return ret;
}

/* owners_sort - free the gone and the empty; the rest wait. */
static void owners_sort(struct ioasidd *d)
{
	struct ioasidd_state *st = d->state;
	struct owner *release = NULL;
	struct hmap_entry *e;
	size_t cursor = 0;

	for (; (e = ioasid__hmap_next(&st->owners, &cursor)); cursor++) {
		struct owner *o = (struct owner *)(uintptr_t)e->val;
		struct ioasid_set_info info;

		ioasid_set_query(o->set, &info);
		if (info.nr_ids && d->cfg.reclaim_grace_ms &&
		    ioasid__identity_alive(&o->id)) {
			log_info("pid %ld: %u IDs wait for reclaim",
				 (long)o->id.pid, info.nr_ids);
			continue;
		}
		if (info.nr_ids)
			log_info("pid %ld is gone: its %u IDs are freed",
				 (long)o->id.pid, info.nr_ids);
		o->next = release;
		release = o;
	}
	while (release) {
		struct owner *o = release;

		release = o->next;
		owner_release(d, o, true);
	}
	st->deadline_ms = ioasid__now_ms() + d->cfg.reclaim_grace_ms;
}

/* owners_expire - the grace period is over: free what nobody claimed. */
static void owners_expire(struct ioasidd *d)
{
	struct ioasidd_state *st = d->state;
	struct hmap_entry *e;

	/* Every entry is deleted: the drain rule of hmap_next applies. */
	for (size_t cursor = 0; (e = ioasid__hmap_next(&st->owners, &cursor));) {
		struct owner *o = (struct owner *)(uintptr_t)e->val;

		log_info("pid %ld did not reclaim its IDs in time: freed",
			 (long)o->id.pid);
		owner_release(d, o, true);
	}
}

/* ---- compaction ---- */

static int snap_id(struct ioasidd *d, struct ioasid_journal_snapshot *snap,
		   ioasid_t id)
{
	char buf[sizeof(struct rec_alloc) + IOASID_CGROUP_PATH_MAX];
	struct ioasidd_identity owner;
	struct ioasid_set_info si;
	struct ioasid_info info;
	struct ioasid_set *set;
	struct rec_spid sp;
	int ret;

	if (ioasid_query(d->ns, id, &info) || info.state != IOASID_STATE_ACTIVE)
		return 0; /* FREE_PENDING: freed as far as the journal goes */
	if (ioasid_find_set(d->ns, id, &set))
		return 0;
	ioasid_set_query(set, &si);
	ioasid_set_put(set);
	ioasid__identity_from_token(si.token, &owner);
	ret = ioasid_journal_snapshot_append(
		snap, REC_ALLOC, buf,
		(uint32_t)rec_alloc_encode(buf, &owner, si.quota, id,
					   d->slots[id].cg ?
					   ioasid_cgroup_path(d->slots[id].cg) : "/"));
	if (ret || info.spid == IOASID_INVALID)
		return ret;
	sp = (struct rec_spid){ .id = id, .spid = info.spid };
	return ioasid_journal_snapshot_append(snap, REC_SPID, &sp, sizeof(sp));
}

/* snap_limit - an ioasid_cgroup_for_each() visitor; arg is the snapshot. */
static int snap_limit(const char *path, const struct ioasid_cgroup_info *info,
		      void *arg)
{
	char buf[sizeof(struct rec_limit) + IOASID_CGROUP_PATH_MAX];

	if (!info->depth || info->max == IOASID_CGROUP_MAX)
		return 0;
	return ioasid_journal_snapshot_append(
		arg, REC_LIMIT, buf,
		(uint32_t)rec_limit_encode(buf, path, info->max));
}

/* on_snapshot - the default quota, live IDs with SPIDs, then limits. */
static int on_snapshot(struct ioasid_journal_snapshot *snap, void *arg)
{
	struct ioasidd *d = arg;
	struct rec_quota q = { .quota = d->default_quota };
	int ret;

	ret = ioasid_journal_snapshot_append(snap, REC_QUOTA, &q, sizeof(q));
	for (ioasid_t id = ioasid__ids_next_live(d, 1); !ret && id;
	     id = ioasid__ids_next_live(d, (uint64_t)id + 1))
		ret = snap_id(d, snap, id);
	if (!ret)
		ret = ioasid_cgroup_for_each(d->cgroups, snap_limit, snap);
	return ret;
}

/* ---- life cycle ---- */

static void on_journal_log(void *arg, int priority, const char *msg)
{
	enum ioasidd_log_level level = IOASIDD_LOG_INFO;

	if (priority <= LOG_ERR)
		level = IOASIDD_LOG_ERR;
	else if (priority == LOG_WARNING)
		level = IOASIDD_LOG_WARN;
	ioasid__log(level, "%s", msg);
}

static int journal_open(struct ioasidd *d)
{
	struct ioasid_journal_config jc = {
		.dir = d->cfg.state_dir,
		.sync = d->cfg.fsync,
		.batch_ms = d->cfg.fsync_interval_ms,
		.compact_min = d->cfg.compact_bytes,
		.log = on_journal_log,
		.log_arg = d,
	};
	struct ioasid_journal_stat st;
	int ret;

	ret = ioasid_journal_open(&jc, on_replay, d, &d->state->journal);
	if (ret) {
		log_err("journal in %s: %s", d->cfg.state_dir, strerror(-ret));
		return ret;
	}
	ioasid_journal_query(d->state->journal, &st);
	log_info("journal %s/%s: %llu records replayed", d->cfg.state_dir,
		 IOASID_JOURNAL_FILE, (unsigned long long)st.records);
	return 0;
}

int ioasid__state_open(struct ioasidd *d)
{
	int ret;

	d->state = ioasid__calloc(1, sizeof(*d->state));
	if (!d->state)
		return -ENOMEM;
	ioasid__hmap_init(&d->state->owners);
	if (!d->cfg.state_dir)
		return 0;
	ret = journal_open(d);
	if (ret)
		return ret;
	owners_sort(d);
	return 0;
}

void ioasid__state_close(struct ioasidd *d)
{
	struct ioasidd_state *st = d->state;
	struct hmap_entry *e;

	if (!st)
		return;
	ioasid_journal_close(st->journal);
	st->journal = NULL;
	/* Waiting sets stay in the journal; here only memory is freed. */
	for (size_t cursor = 0; (e = ioasid__hmap_next(&st->owners, &cursor));)
		owner_release(d, (struct owner *)(uintptr_t)e->val, false);
	ioasid__hmap_destroy(&st->owners);
	ioasid__free(st);
	d->state = NULL;
}

int ioasid__state_timeout(struct ioasidd *d)
{
	struct ioasidd_state *st = d->state;
	int timeout = -1;

	if (!st)
		return -1;
	if (st->journal)
		timeout = ioasid_journal_timeout(st->journal);
	if (st->owners.count) {
		uint64_t now = ioasid__now_ms();
		int left = st->deadline_ms > now ? (int)(st->deadline_ms - now) : 0;

		if (timeout < 0 || left < timeout)
			timeout = left;
	}
	return timeout;
}

static void journal_maintain(struct ioasidd *d, struct ioasid_journal *j)
{
	int ret = ioasid_journal_tick(j);

	if (ret)
		log_err("journal sync failed: %s", strerror(-ret));
	if (!ioasid_journal_compact_due(j))
		return;
	ret = ioasid_journal_compact(j, on_snapshot, d);
	if (ret)
		log_err("journal compaction failed: %s", strerror(-ret));
	else
		log_debug("journal compacted to %llu bytes",
			  (unsigned long long)ioasid__state_journal_bytes(d));
}

void ioasid__state_tick(struct ioasidd *d)
{
	struct ioasidd_state *st = d->state;

	if (!st)
		return;
	if (st->owners.count && ioasid__now_ms() >= st->deadline_ms)
		owners_expire(d);
	if (st->journal)
		journal_maintain(d, st->journal);
}

uint64_t ioasid__state_journal_bytes(struct ioasidd *d)
{
	struct ioasid_journal_stat st;

	if (!journal_of(d))
		return 0;
	ioasid_journal_query(d->state->journal, &st);
	return st.size;
}
