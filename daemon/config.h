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
 *     iommu NAME = [option=value ...]
 *     group NAME = [option=value ...]
 *     device NAME = [option=value ...]
 *
 * Blank lines are ignored; blanks around keys and values are trimmed; a key
 * given twice keeps the last value, except "limit", which accumulates (the
 * last value for a path wins). The keys, their ranges and defaults are
 * listed in docs/man/ioasidd.8 and in config.c's key table.
 *
 * The iommu, group and device lines (config_platform.c) describe the IOMMU
 * platform the daemon hosts, in declaration order; a name must be declared
 * before a line refers to it. A configuration without iommu lines gets the
 * embedded default platform (platform.c).
 */
#ifndef IOASIDD_CONFIG_H
#define IOASIDD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <ioasid/iommu.h>

#include "journal.h"
#include "log.h"

/* One "limit PATH = N|max" line: a resource-controller max set at start. */
struct ioasidd_limit {
	char *path;
	uint64_t max;
};

/* Bounds of a platform description. */
#define IOASIDD_PLATFORM_IOMMUS_MAX 64u
#define IOASIDD_PLATFORM_GROUPS_MAX 4096u
#define IOASIDD_PLATFORM_DEVICES_MAX 4096u
#define IOASIDD_RESERVED_MAX 16u

/* One "iommu NAME = ..." line: the capabilities of an IOMMU instance. */
struct ioasidd_iommu_desc {
	char name[IOASID_NAME_MAX];
	uint32_t pasid_bits;
	uint32_t addr_width;
	uint64_t pgsizes; /* IOASID_PAGE_SIZE_* */
	struct ioasid_iova_range aperture; /* last 0: the whole width */
	uint32_t flags; /* IOASID_IOMMU_CAP_* */
	uint32_t iotlb_entries; /* 0: the default */
	uint32_t nr_reserved;
	struct ioasid_iova_range reserved[IOASIDD_RESERVED_MAX];
};

/* One "group NAME = ..." line; groups get IDs in declaration order. */
struct ioasidd_group_desc {
	char name[IOASID_NAME_MAX];
	enum ioasid_group_type type;
};

/* One "device NAME = ..." line. */
struct ioasidd_device_desc {
	char name[IOASID_NAME_MAX];
	char parent[IOASID_NAME_MAX * 2]; /* "" for none */
	char driver[IOASID_NAME_MAX]; /* native driver bound at start, or "" */
	uint32_t iommu; /* index into the iommus */
	int32_t group; /* index into the groups, -1 for none */
	uint32_t ssid_bits;
};

/* The platform a config describes; no iommu: the embedded default. */
struct ioasidd_platform_desc {
	struct ioasidd_iommu_desc *iommus;
	struct ioasidd_group_desc *groups;
	struct ioasidd_device_desc *devices;
	uint32_t nr_iommus, nr_groups, nr_devices;
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
	enum ioasid_journal_sync_policy fsync; /* named as the journal names it */
	uint32_t fsync_interval_ms; /* IOASID_JOURNAL_SYNC_BATCH window */
	uint32_t compact_bytes; /* journal size that triggers compaction */
	enum ioasidd_log_level log_level;
	struct ioasidd_limit *limits;
	size_t nr_limits;
	uint32_t max_containers; /* containers per handle */
	uint32_t dma_entry_limit; /* TYPE1v2 mappings per container */
	struct ioasidd_platform_desc platform;
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

/* ---- config_platform.c: the iommu, group and device lines ---- */

/*
 * ioasid__config_platform_line - apply one platform line to pd: kind is
 * "iommu", "group" or "device", name the rest of the key, value the text
 * after '='. *why says what was wrong on -EINVAL.
 * Errors: -EINVAL a bad line (pd unchanged); -ENOMEM.
 */
int ioasid__config_platform_line(struct ioasidd_platform_desc *pd,
				 const char *kind, const char *name,
				 const char *value, const char **why);

/*
 * ioasid__config_platform_kind - "iommu", "group" or "device" if key is
 * that word followed by blanks (*namep: what follows them), else NULL.
 */
const char *ioasid__config_platform_kind(const char *key, const char **namep);

/*
 * ioasid__config_platform_clone - a deep copy of src in dst.
 * Errors: -ENOMEM (dst empty).
 */
int ioasid__config_platform_clone(struct ioasidd_platform_desc *dst,
				  const struct ioasidd_platform_desc *src);

/* ioasid__config_platform_release - free what pd owns; pd is left empty. */
void ioasid__config_platform_release(struct ioasidd_platform_desc *pd);

#endif /* IOASIDD_CONFIG_H */
