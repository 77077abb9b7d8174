/* SPDX-License-Identifier: MIT */
/*
 * daemon/journal.h - ioasidd's durable journal.
 *
 * An append-only log of typed, opaque records in a state directory. The
 * journal does not know what the records mean: the daemon appends one per
 * state change, replays them in order at start-up, and from time to time
 * compacts the log by writing a snapshot (the records describing the
 * current state) to a new file that atomically replaces the old one.
 *
 * Files in the state directory:
 *   ioasid.journal      the log;
 *   ioasid.journal.tmp  a compaction in progress; one left behind by a
 *                       crash is removed on open.
 * The directory itself is locked with flock(2) while a journal is open, so
 * two daemons cannot share it (-EBUSY).
 *
 * On-disk format (all integers little-endian; docs/journal.md):
 *   file header  16 bytes: magic "IOASIDJL", u32 version (1),
 *                u32 CRC32C of the previous 12 bytes;
 *   record       u32 length, u16 type, u16 reserved (0),
 *                u32 CRC32C over the first 8 header bytes and the payload,
 *                then length bytes of payload.
 *
 * Recovery. Replay reads records in order and stops at the first one that
 * is incomplete (short header or short payload), has a length above
 * IOASID_JOURNAL_PAYLOAD_MAX or a non-zero reserved field, or fails its
 * CRC. Everything from there to the end of the file is a torn or corrupt
 * tail: the file is truncated to the end of the last good record and the
 * log callback says so, with the offset and the number of bytes dropped.
 * A file header that is missing or wrong is not a tail: open fails with
 * -EINVAL (bad magic or CRC) or -EOPNOTSUPP (unknown version) and changes
 * nothing, because that file is not ours to cut. An empty file, as a crash
 * during creation would leave, is treated as a new journal.
 *
 * Sync policies (what survives what, docs/journal.md):
 *   ALWAYS  fdatasync(2) after every append, before it returns: a returned
 *           append survives power loss.
 *   BATCH   group commit: every append is written (write(2)) before it
 *           returns; fdatasync happens when ioasid_journal_sync() is
 *           called, or on an append or ioasid_journal_tick() once
 *           batch_ms have passed since the oldest unsynced append. After
 *           power loss, at most the appends of the last batch_ms (or since
 *           the last ioasid_journal_sync()) are lost.
 *   NEVER   write(2) only; the journal never syncs by itself (an explicit
 *           ioasid_journal_sync() still does).
 * In every policy an append that returned 0 has reached the kernel: it
 * survives the daemon being killed (kill -9, crash), because the data is in
 * the page cache; only a crash of the machine can lose unsynced appends.
 *
 * Errors: every function returns 0 or a negative errno and never sets
 * errno; I/O errors are the -errno of the failing system call. A failed
 * append changes nothing: a record whose write or sync failed is cut off
 * again. If even that fails, the journal is marked broken and every later
 * append, sync or compaction returns -EIO.
 *
 * Thread safety: none. A journal is used by one thread at a time (ioasidd's
 * event loop); callers that share one must serialise all calls.
 */
#ifndef IOASID_DAEMON_JOURNAL_H
#define IOASID_DAEMON_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ioasid_journal;
struct ioasid_journal_snapshot;

/* Largest payload of one record (a larger length marks a corrupt record). */
#define IOASID_JOURNAL_PAYLOAD_MAX (1u << 20)
#define IOASID_JOURNAL_FILE "ioasid.journal"
#define IOASID_JOURNAL_TMP_FILE "ioasid.journal.tmp"

enum ioasid_journal_sync_policy {
	IOASID_JOURNAL_SYNC_BATCH = 0, /* the default */
	IOASID_JOURNAL_SYNC_ALWAYS = 1,
	IOASID_JOURNAL_SYNC_NEVER = 2,
};

/* Defaults that a zero field in struct ioasid_journal_config selects. */
#define IOASID_JOURNAL_BATCH_MS_DEFAULT 10u
#define IOASID_JOURNAL_COMPACT_MIN_DEFAULT (4u << 20) /* bytes */
#define IOASID_JOURNAL_COMPACT_RATIO_DEFAULT 4u

/*
 * Log callback: priority is a syslog(3) LOG_* level (LOG_WARNING for a
 * truncated tail, LOG_NOTICE for a removed temporary file, LOG_ERR for a
 * journal that became broken); msg is one line without a newline.
 */
typedef void (*ioasid_journal_log_fn)(void *arg, int priority, const char *msg);

struct ioasid_journal_config {
	const char *dir; /* state directory; must exist */
	enum ioasid_journal_sync_policy sync;
	/* BATCH: the longest an append stays unsynced (0: the default; to
	 * sync on every append use ALWAYS). */
	uint32_t batch_ms;
	/* Compaction is due when the file is larger than compact_min bytes
	 * and more than compact_ratio times the size it had just after the
	 * last compaction (at open: just its header). 0: the defaults. */
	uint64_t compact_min;
	uint32_t compact_ratio;
	ioasid_journal_log_fn log; /* may be NULL: no log lines */
	void *log_arg;
};

/*
 * Replay callback: one good record, in file order. payload is valid only
 * during the call and has no particular alignment. Returning a negative
 * errno stops the replay, and ioasid_journal_open() fails with it.
 */
typedef int (*ioasid_journal_replay_fn)(void *arg, uint16_t type,
					const void *payload, uint32_t len);

/*
 * ioasid_journal_open - open (or create) the journal in cfg->dir, remove a
 * leftover temporary file, replay every good record through replay (which
 * may be NULL), cut off a torn or corrupt tail (logging it), and return
 * the journal positioned for appends.
 * Errors: -EINVAL no dir, batch_ms above INT_MAX, or a bad file header;
 * -EOPNOTSUPP unknown file version or sync policy; -EBUSY another journal
 * has the directory open; -ENOMEM; the replay callback's value;
 * other -errno from the file system. On error nothing is left open, a log
 * file this call created is removed again, and an existing one is
 * unchanged unless the failure came after its tail was cut. The replay
 * callback may have seen records before a failure: the caller discards
 * what it built from them.
 */
int ioasid_journal_open(const struct ioasid_journal_config *cfg,
			ioasid_journal_replay_fn replay, void *arg,
			struct ioasid_journal **jp);

/*
 * ioasid_journal_close - sync (unless the policy is NEVER) and close.
 * Accepts NULL; never fails (a failing final sync is logged).
 */
void ioasid_journal_close(struct ioasid_journal *j);

/*
 * ioasid_journal_append - append one record and apply the sync policy.
 * Errors: -EINVAL len > IOASID_JOURNAL_PAYLOAD_MAX or payload NULL with
 * len > 0; -EIO the journal is broken; -errno from write(2)/fdatasync(2)
 * (a failed fdatasync, under ALWAYS or when a BATCH sync fell due on this
 * append, marks the journal broken). A failed append changes nothing: its
 * record is cut off again, whether its write or its sync failed, so that
 * a restarted daemon does not replay it.
 */
int ioasid_journal_append(struct ioasid_journal *j, uint16_t type,
			  const void *payload, uint32_t len);

/*
 * ioasid_journal_cancel - take back the record of the last append, when a
 * change it describes could not be made after all: the record is cut off
 * and the policy applied to the shorter file as to an append. Only the
 * record of the last append that succeeded can be cancelled, and only
 * until the next append or a compaction that replaced the log (syncs in
 * between are fine). Unlike
 * a compensating record, this needs no room in the file system.
 * Errors: -EINVAL j NULL; -EIO broken; -ENOENT nothing to cancel;
 * -errno from ftruncate(2) (the record stays, the journal is marked
 * broken) or fdatasync(2) (the record is cut, the journal is marked
 * broken).
 */
int ioasid_journal_cancel(struct ioasid_journal *j);

/*
 * ioasid_journal_sync - fdatasync now if anything appended is unsynced.
 * Errors: -EIO broken; -errno from fdatasync(2) (the journal is then
 * marked broken: after a failed fdatasync the kernel may have dropped the
 * dirty pages, so nothing written can be trusted to be durable).
 */
int ioasid_journal_sync(struct ioasid_journal *j);

/*
 * ioasid_journal_timeout - for an event loop: the milliseconds until a
 * BATCH sync falls due (0: due now), or -1 when nothing is pending or the
 * policy is not BATCH. Use it to bound the wait, then call
 * ioasid_journal_tick().
 */
int ioasid_journal_timeout(const struct ioasid_journal *j);

/*
 * ioasid_journal_tick - perform the BATCH sync if it is due; otherwise do
 * nothing. Errors: as ioasid_journal_sync().
 */
int ioasid_journal_tick(struct ioasid_journal *j);

/*
 * ioasid_journal_compact_due - true when the log has outgrown the
 * configured threshold (see struct ioasid_journal_config).
 */
bool ioasid_journal_compact_due(const struct ioasid_journal *j);

/*
 * Snapshot callback for compaction: append, with
 * ioasid_journal_snapshot_append(), the records that describe the whole
 * current state, in the order replay should see them. Returning non-zero
 * aborts the compaction, which then fails with that value.
 */
typedef int (*ioasid_journal_snapshot_fn)(struct ioasid_journal_snapshot *snap,
					  void *arg);

/*
 * ioasid_journal_snapshot_append - add one record to the snapshot being
 * written (through a buffer; nothing is allocated). Errors: -EINVAL as
 * ioasid_journal_append(); -errno from write(2). After a failure every
 * later append fails the same way, and so does the compaction even if fn
 * returns 0: a snapshot missing a record is never installed.
 */
int ioasid_journal_snapshot_append(struct ioasid_journal_snapshot *snap,
				   uint16_t type, const void *payload,
				   uint32_t len);

/*
 * ioasid_journal_compact - replace the log by a snapshot: write
 * IOASID_JOURNAL_TMP_FILE with a header and the records fn appends,
 * fsync it, rename it over the log, fsync the directory, and continue
 * appending to the new file. A crash at any point leaves either the old
 * complete log or the new complete one. On failure the temporary file is
 * removed and the old log stays in use, unchanged.
 * Errors: -EIO broken; fn's value; -ENOMEM; -errno from the file system.
 */
int ioasid_journal_compact(struct ioasid_journal *j,
			   ioasid_journal_snapshot_fn fn, void *arg);

struct ioasid_journal_stat {
	uint64_t size; /* bytes in the log file */
	uint64_t base_size; /* size just after the last compaction or open */
	uint64_t records; /* records in the log (replayed + appended) */
	uint64_t appends; /* appends since open */
	uint64_t syncs; /* fdatasyncs of appended records since open */
	uint64_t compactions; /* since open */
	uint64_t dropped_bytes; /* tail bytes cut off at open */
	bool broken;
};

/* ioasid_journal_query - counters, for ioasidctl status and tests. */
void ioasid_journal_query(const struct ioasid_journal *j,
			  struct ioasid_journal_stat *st);

/* Name of a policy ("batch", "always", "never"), and its inverse
 * (-EINVAL for an unknown name). */
const char *ioasid_journal_sync_name(enum ioasid_journal_sync_policy p);
int ioasid_journal_sync_parse(const char *name,
			      enum ioasid_journal_sync_policy *p);

#ifdef __cplusplus
}
#endif
#endif /* IOASID_DAEMON_JOURNAL_H */
