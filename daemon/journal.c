// SPDX-License-Identifier: MIT
/*
 * ioasidd's journal (daemon/journal.h): open and recovery, appends, the
 * sync policies and compaction.
 *
 * The journal owns two descriptors: the state directory (locked with
 * flock() for as long as the journal is open, and used for every name
 * lookup so that the directory cannot change under it) and the log file,
 * written at an offset the journal tracks itself. A failed append (its
 * write or its sync) is cut off with ftruncate() so that the file only
 * ever holds whole records that were reported appended; if that is
 * impossible the journal is "broken" and refuses further writes rather
 * than append after garbage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "journal_format.h"
#include "util/alloc.h"

/*
 * Not thread-safe (see journal.h): the one thread using a journal owns
 * every field.
 */
struct ioasid_journal {
	int dirfd;
	int fd;
	enum ioasid_journal_sync_policy sync;
	uint32_t batch_ms;
	uint64_t compact_min;
	uint32_t compact_ratio;
	ioasid_journal_log_fn log;
	void *log_arg;
	uint64_t size;
	uint64_t base_size;
	uint64_t records;
	uint64_t appends;
	uint64_t syncs;
	uint64_t compactions;
	uint64_t dropped_bytes;
	uint64_t dirty_since_ms; /* when the oldest unsynced append was made */
	uint64_t last_start; /* where the last append's record starts */
	bool cancellable; /* last_start is valid: no append or compaction since */
	bool created; /* open created the log file (removed if open fails) */
	bool dirty;
	bool broken;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int config_apply(struct ioasid_journal *j,
			const struct ioasid_journal_config *cfg)
{
	if (!cfg->dir)
		return -EINVAL;
	if (cfg->sync != IOASID_JOURNAL_SYNC_BATCH &&
	    cfg->sync != IOASID_JOURNAL_SYNC_ALWAYS &&
	    cfg->sync != IOASID_JOURNAL_SYNC_NEVER)
		return -EOPNOTSUPP;
	if (cfg->batch_ms > INT_MAX)
		return -EINVAL;
	j->sync = cfg->sync;
	j->batch_ms = cfg->batch_ms ? cfg->batch_ms : IOASID_JOURNAL_BATCH_MS_DEFAULT;
	j->compact_min = cfg->compact_min ? cfg->compact_min :
					    IOASID_JOURNAL_COMPACT_MIN_DEFAULT;
	j->compact_ratio = cfg->compact_ratio ? cfg->compact_ratio :
						IOASID_JOURNAL_COMPACT_RATIO_DEFAULT;
	j->log = cfg->log;
	j->log_arg = cfg->log_arg;
	return 0;
}

static int dir_open_locked(struct ioasid_journal *j, const char *dir)
{
	j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j->dirfd < 0)
		return -errno;
	if (flock(j->dirfd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno == EWOULDBLOCK ? -EBUSY : -errno;

		close(j->dirfd);
		j->dirfd = -1;
		return err;
	}
	return 0;
}

static int tmp_remove(struct ioasid_journal *j)
{
	if (unlinkat(j->dirfd, IOASID_JOURNAL_TMP_FILE, 0) == 0) {
		ioasid__journal_log(j->log, j->log_arg, LOG_NOTICE,
				    "journal: removed %s left by an interrupted compaction",
				    IOASID_JOURNAL_TMP_FILE);
		return 0;
	}
	return errno == ENOENT ? 0 : -errno;
}

/*
 * Write a new, empty log (header only) and open it. Once the rename has
 * happened the file is ours even if the directory fsync then failed, so
 * that a failing open removes it again.
 */
static int log_create(struct ioasid_journal *j)
{
	struct journal_snapshot_result res;
	int ret;

	ret = ioasid__journal_snapshot_write(j->dirfd, NULL, NULL, &res);
	if (res.renamed) {
		j->fd = res.fd; /* The new file's descriptor now belongs to j. */
		j->created = true;
	}
	return ret;
}

/* Open the log, creating it if it is missing or empty; check its header. */
static int log_open(struct ioasid_journal *j)
{
	uint8_t hdr[JOURNAL_FILE_HEADER_SIZE];
	struct stat st;
	ssize_t n;

	j->fd = openat(j->dirfd, IOASID_JOURNAL_FILE, O_RDWR | O_CLOEXEC);
	if (j->fd < 0)
		return errno == ENOENT ? log_create(j) : -errno;
	if (fstat(j->fd, &st) < 0)
		return -errno;
	if (st.st_size == 0) {
		close(j->fd);
		j->fd = -1;
		return log_create(j);
	}
	n = pread(j->fd, hdr, sizeof(hdr), 0);
	if (n < 0)
		return -errno;
	return ioasid__journal_file_header_check(hdr, (size_t)n);
}

/*
 * Cut a torn or corrupt tail off and then say so: the log line reports a
 * truncation that has happened, never one that is about to fail.
 */
static int log_cut_tail(struct ioasid_journal *j, const struct journal_scan *scan)
{
	struct stat st;

	if (fstat(j->fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size <= scan->good_end)
		return 0;
	if (ftruncate(j->fd, (off_t)scan->good_end) < 0 || fsync(j->fd) < 0)
		return -errno;
	j->dropped_bytes = (uint64_t)st.st_size - scan->good_end;
	ioasid__journal_log(j->log, j->log_arg, LOG_WARNING,
			    "journal: %s at offset %llu; truncated to the last good record, %llu bytes dropped",
			    ioasid__journal_defect_name(scan->defect),
			    (unsigned long long)scan->good_end,
			    (unsigned long long)j->dropped_bytes);
	return 0;
}

static int log_replay(struct ioasid_journal *j, ioasid_journal_replay_fn replay,
		      void *arg)
{
	struct journal_scan scan;
	int ret;

	ret = ioasid__journal_scan(j->fd, JOURNAL_FILE_HEADER_SIZE, replay, arg,
				   &scan);
	if (ret)
		return ret;
	ret = log_cut_tail(j, &scan);
	if (ret)
		return ret;
	j->size = scan.good_end;
	j->records = scan.records;
	j->base_size = JOURNAL_FILE_HEADER_SIZE;
	return 0;
}

static void journal_release(struct ioasid_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->dirfd >= 0)
		close(j->dirfd); /* This also drops the flock. */
	ioasid__free(j);
}

int ioasid_journal_open(const struct ioasid_journal_config *cfg,
			ioasid_journal_replay_fn replay, void *arg,
			struct ioasid_journal **jp)
{
	struct ioasid_journal *j;
	int ret;

	if (!cfg || !jp)
		return -EINVAL;
	j = ioasid__calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->dirfd = j->fd = -1;
	ret = config_apply(j, cfg);
	if (!ret)
		ret = dir_open_locked(j, cfg->dir);
	if (!ret)
		ret = tmp_remove(j);
	if (!ret)
		ret = log_open(j);
	if (!ret)
		ret = log_replay(j, replay, arg);
	if (ret)
		goto release;
	*jp = j;
	return 0;

release:
	if (j->created)
		unlinkat(j->dirfd, IOASID_JOURNAL_FILE, 0);
	journal_release(j);
	return ret;
}

/* fdatasync the log; a failure breaks the journal (see journal.h). */
static int log_sync(struct ioasid_journal *j)
{
	if (fdatasync(j->fd) < 0) {
		int err = -errno;

		j->broken = true;
		ioasid__journal_log(j->log, j->log_arg, LOG_ERR,
				    "journal: fdatasync failed (%s); refusing further writes",
				    strerror(-err));
		return err;
	}
	j->syncs++;
	j->dirty = false;
	return 0;
}

void ioasid_journal_close(struct ioasid_journal *j)
{
	if (!j)
		return;
	if (j->dirty && !j->broken && j->sync != IOASID_JOURNAL_SYNC_NEVER)
		log_sync(j);
	journal_release(j);
}

/*
 * Cut the log at offset end, off a record that failed (partly written, or
 * written but not synced) or that is cancelled; a failure to do so breaks
 * the journal.
 */
static int log_cut(struct ioasid_journal *j, uint64_t end)
{
	int err;

	if (ftruncate(j->fd, (off_t)end) == 0)
		return 0;
	err = -errno;
	j->broken = true;
	ioasid__journal_log(j->log, j->log_arg, LOG_ERR,
			    "journal: cannot cut the log at offset %llu (%s); refusing further writes",
			    (unsigned long long)end, strerror(-err));
	return err;
}

static int append_apply_policy(struct ioasid_journal *j)
{
	uint64_t now;

	if (j->sync == IOASID_JOURNAL_SYNC_ALWAYS)
		return log_sync(j);
	now = now_ms();
	if (!j->dirty) {
		j->dirty = true;
		j->dirty_since_ms = now;
	}
	if (j->sync == IOASID_JOURNAL_SYNC_BATCH &&
	    now - j->dirty_since_ms >= j->batch_ms)
		return log_sync(j);
	return 0;
}

int ioasid_journal_append(struct ioasid_journal *j, uint16_t type,
			  const void *payload, uint32_t len)
{
	uint8_t hdr[JOURNAL_RECORD_HEADER_SIZE];
	struct iovec iov[2];
	int ret;

	if (!j || len > IOASID_JOURNAL_PAYLOAD_MAX || (!payload && len))
		return -EINVAL;
	if (j->broken)
		return -EIO;
	j->cancellable = false;
	ioasid__journal_record_header_encode(hdr, type, payload, len);
	iov[0] = (struct iovec){ hdr, sizeof(hdr) };
	iov[1] = (struct iovec){ (void *)payload, len };
	ret = ioasid__journal_pwritev_all(j->fd, iov, 2, (off_t)j->size);
	/* j->size still ends the last good record, so a record whose write
	 * or sync failed is cut off again: a restarted daemon must not
	 * replay a change its caller was told had failed. */
	if (!ret)
		ret = append_apply_policy(j);
	if (ret) {
		(void)log_cut(j, j->size);
		return ret;
	}
	j->last_start = j->size;
	j->cancellable = true;
	j->size += sizeof(hdr) + (uint64_t)len;
	j->records++;
	j->appends++;
	return 0;
}

int ioasid_journal_cancel(struct ioasid_journal *j)
{
	int ret;

	if (!j)
		return -EINVAL;
	if (j->broken)
		return -EIO;
	if (!j->cancellable)
		return -ENOENT;
	ret = log_cut(j, j->last_start);
	if (ret)
		return ret;
	j->cancellable = false;
	j->size = j->last_start;
	j->records--;
	/* The shorter file is made durable as an append would be. */
	return append_apply_policy(j);
}

int ioasid_journal_sync(struct ioasid_journal *j)
{
	if (!j)
		return -EINVAL;
	if (j->broken)
		return -EIO;
	return j->dirty ? log_sync(j) : 0;
}

int ioasid_journal_timeout(const struct ioasid_journal *j)
{
	uint64_t elapsed;

	if (!j || !j->dirty || j->broken || j->sync != IOASID_JOURNAL_SYNC_BATCH)
		return -1;
	elapsed = now_ms() - j->dirty_since_ms;
	return elapsed >= j->batch_ms ? 0 : (int)(j->batch_ms - elapsed);
}

int ioasid_journal_tick(struct ioasid_journal *j)
{
	if (!j)
		return -EINVAL;
	if (ioasid_journal_timeout(j) != 0)
		return j->broken ? -EIO : 0;
	return log_sync(j);
}

bool ioasid_journal_compact_due(const struct ioasid_journal *j)
{
	uint64_t limit;

	if (!j || j->size <= j->compact_min)
		return false;
	if (__builtin_mul_overflow(j->base_size, (uint64_t)j->compact_ratio, &limit))
		return false;
	return j->size > limit;
}

/* Switch to the file a snapshot produced. */
static void compact_switch(struct ioasid_journal *j,
			   const struct journal_snapshot_result *res)
{
	close(j->fd);
	j->fd = res->fd; /* The new file's descriptor now belongs to j. */
	j->size = res->size;
	j->base_size = res->size;
	j->records = res->records;
	j->dirty = false; /* The snapshot was fsync()ed whole. */
	j->cancellable = false;
	j->compactions++;
}

int ioasid_journal_compact(struct ioasid_journal *j,
			   ioasid_journal_snapshot_fn fn, void *arg)
{
	struct journal_snapshot_result res;
	int ret;

	if (!j || !fn)
		return -EINVAL;
	if (j->broken)
		return -EIO;
	ret = ioasid__journal_snapshot_write(j->dirfd, fn, arg, &res);
	if (res.renamed)
		compact_switch(j, &res);
	if (ret && res.renamed) {
		/* The new log is in place but its name may not be durable: a
		 * crash could bring back the old one, without what we would
		 * append next. */
		j->broken = true;
		ioasid__journal_log(j->log, j->log_arg, LOG_ERR,
				    "journal: directory fsync after compaction failed (%s); refusing further writes",
				    strerror(-ret));
	}
	return ret;
}

void ioasid_journal_query(const struct ioasid_journal *j,
			  struct ioasid_journal_stat *st)
{
	*st = (struct ioasid_journal_stat){
		.size = j->size,
		.base_size = j->base_size,
		.records = j->records,
		.appends = j->appends,
		.syncs = j->syncs,
		.compactions = j->compactions,
		.dropped_bytes = j->dropped_bytes,
		.broken = j->broken,
	};
}

static const char *const sync_names[] = {
	[IOASID_JOURNAL_SYNC_BATCH] = "batch",
	[IOASID_JOURNAL_SYNC_ALWAYS] = "always",
	[IOASID_JOURNAL_SYNC_NEVER] = "never",
};

const char *ioasid_journal_sync_name(enum ioasid_journal_sync_policy p)
{
	if ((unsigned int)p >= sizeof(sync_names) / sizeof(sync_names[0]))
		return "unknown";
	return sync_names[p];
}

int ioasid_journal_sync_parse(const char *name,
			      enum ioasid_journal_sync_policy *p)
{
	for (unsigned int i = 0; i < sizeof(sync_names) / sizeof(sync_names[0]); i++) {
		if (name && strcmp(name, sync_names[i]) == 0) {
			*p = (enum ioasid_journal_sync_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}
