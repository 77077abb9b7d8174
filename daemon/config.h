/* SPDX-License-Identifier: MIT */
/*
 * daemon/config.h - ioasidd's configuration: built-in defaults, the config
 * file and the command line, applied in that order.
 *
 * The file is line-oriented UTF-8/ASCII text:
 *
 *     # comment (a line whose first non-blank character is '#')
 *     key = value
 *     limit /cgroup/path = N|max
 *
 * Blank lines are ignored; blanks around keys and values are trimmed; a key
 * given twice keeps the last value, except "limit", which accumulates (the
 * last value for a path wins). The keys, their ranges and defaults are
 * listed in docs/man/ioasidd.8 and in config.c's key table.
 */
#ifndef IOASIDD_CONFIG_H
#define IOASIDD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

enum ioasidd_fsync {
	IOASIDD_FSYNC_BATCH = 0, /* fsync at most every fsync_interval_ms */
	IOASIDD_FSYNC_ALWAYS = 1, /* fsync after every record */
	IOASIDD_FSYNC_NEVER = 2, /* leave it to the kernel */
};

/* One "limit PATH = N|max" line: a resource-controller max set at start. */
struct ioasidd_limit {
	char *path;
	uint64_t max;
};

struct ioasidd_config {
	char *socket_path; /* NULL: $XDG_RUNTIME_DIR/ioasid.sock or /run/ */
	char *state_dir; /* NULL: no journal */
	char *proc_root; /* NULL: /proc (cgroup placement only) */
	uint32_t capacity; /* namespace capacity, ID 0 included */
	uint32_t quota; /* default quota of a handle's set */
	uint32_t reclaim_grace_ms; /* how long surviving IDs wait for owners */
	uint32_t cgroup_refresh_ms; /* re-read /proc/PID/cgroup at most this often */
	uint32_t max_clients; /* open handles at most */
	uint32_t event_queue; /* queued events per subscriber */
	uint32_t event_drop_limit; /* drops before a subscriber is cut off */
	uint32_t max_exports; /* live exports per handle */
	enum ioasidd_fsync fsync;
	uint32_t fsync_interval_ms; /* IOASIDD_FSYNC_BATCH window */
	uint32_t compact_bytes; /* journal size that triggers compaction */
	enum ioasidd_log_level log_level;
	struct ioasidd_limit *limits;
	size_t nr_limits;
};

/* ioasid__config_defaults - fill cfg with the built-in defaults. */
void ioasid__config_defaults(struct ioasidd_config *cfg);

/*
 * ioasid__config_parse - apply the settings of a config text (len bytes,
 * need not be NUL-terminated) on top of cfg. On error nothing in cfg
 * changes and err (errlen bytes) says which line was wrong and why.
 * Errors: -EINVAL a bad line; -ENOMEM.
 */
int ioasid__config_parse(struct ioasidd_config *cfg, const char *text,
			 size_t len, char *err, size_t errlen);

/*
 * ioasid__config_load - read and parse a file (at most 1 MiB).
 * Errors: as ioasid__config_parse(); -errno from open/read; -EFBIG.
 */
int ioasid__config_load(struct ioasidd_config *cfg, const char *path,
			char *err, size_t errlen);

/*
 * ioasid__config_set_string - replace one of cfg's string fields with a
 * copy of value. Errors: -ENOMEM (field unchanged).
 */
int ioasid__config_set_string(char **field, const char *value);

/* ioasid__config_release - free what cfg owns. Accepts NULL. */
void ioasid__config_release(struct ioasidd_config *cfg);

#endif /* IOASIDD_CONFIG_H */
