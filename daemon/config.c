// SPDX-License-Identifier: MIT
/*
 * ioasidd configuration parser (see config.h).
 *
 * Parsing works on a deep copy of the configuration and swaps it in only
 * when every line was accepted, so a bad file changes nothing. Keys are
 * described by one table (name, kind, field offset, bounds); a line is
 * split at the first '=' and both halves are trimmed of blanks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ioasid/cgroup.h>
#include <ioasid/core.h>

#include "config.h"
#include "util/alloc.h"
#include "util/parse.h"
#include "util/readall.h"

#define CONFIG_FILE_MAX (1u << 20)
#define CONFIG_LIMITS_MAX 4096u

enum key_kind { KEY_U32, KEY_STRING, KEY_FSYNC, KEY_LOG_LEVEL };

struct key_desc {
	const char *name;
	enum key_kind kind;
	size_t offset;
	uint32_t min;
	uint32_t max;
};

#define U32_KEY(n, field, lo, hi) \
	{ n, KEY_U32, offsetof(struct ioasidd_config, field), lo, hi }
#define STR_KEY(n, field) \
	{ n, KEY_STRING, offsetof(struct ioasidd_config, field), 0, 0 }

static const struct key_desc keys[] = {
	STR_KEY("socket", socket_path),
	STR_KEY("state_dir", state_dir),
	STR_KEY("proc_root", proc_root),
	U32_KEY("capacity", capacity, 2, IOASID_CAPACITY_MAX),
	U32_KEY("quota", quota, 1, IOASID_CAPACITY_MAX),
	U32_KEY("reclaim_grace_ms", reclaim_grace_ms, 0, 86400000),
	U32_KEY("cgroup_refresh_ms", cgroup_refresh_ms, 0, 3600000),
	U32_KEY("max_clients", max_clients, 1, 1000000),
	U32_KEY("event_queue", event_queue, 1, 65536),
	U32_KEY("event_drop_limit", event_drop_limit, 1, UINT32_MAX),
	U32_KEY("max_exports", max_exports, 0, 65536),
	{ "fsync", KEY_FSYNC, offsetof(struct ioasidd_config, fsync), 0, 0 },
	U32_KEY("fsync_interval_ms", fsync_interval_ms, 1, 60000),
	U32_KEY("compact_bytes", compact_bytes, 4096, UINT32_MAX),
	{ "log_level", KEY_LOG_LEVEL,
	  offsetof(struct ioasidd_config, log_level), 0, 0 },
	U32_KEY("max_containers", max_containers, 0, 4096),
	U32_KEY("dma_entry_limit", dma_entry_limit, 1, UINT32_MAX),
};

void ioasid__config_defaults(struct ioasidd_config *cfg)
{
	*cfg = (struct ioasidd_config){
		.capacity = IOASID_CAPACITY_DEFAULT,
		.quota = 1024,
		.reclaim_grace_ms = 30000,
		.cgroup_refresh_ms = 1000,
		.max_clients = 4096,
		.event_queue = 256,
		.event_drop_limit = 65536,
		.max_exports = 256,
		.fsync = IOASID_JOURNAL_SYNC_BATCH,
		.fsync_interval_ms = 10,
		.compact_bytes = 4u << 20,
		.log_level = IOASIDD_LOG_INFO,
		.max_containers = 64,
		.dma_entry_limit = IOASID_CONTAINER_DMA_LIMIT_DEFAULT,
	};
}

static void limits_free(struct ioasidd_limit *limits, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ioasid__free(limits[i].path);
	ioasid__free(limits);
}

void ioasid__config_release(struct ioasidd_config *cfg)
{
	if (!cfg)
		return;
	ioasid__free(cfg->socket_path);
	ioasid__free(cfg->state_dir);
	ioasid__free(cfg->proc_root);
	limits_free(cfg->limits, cfg->nr_limits);
	ioasid__config_platform_release(&cfg->platform);
	cfg->socket_path = cfg->state_dir = cfg->proc_root = NULL;
	cfg->limits = NULL;
	cfg->nr_limits = 0;
}

int ioasid__config_set_string(char **field, const char *value)
{
	char *copy = ioasid__strdup(value);

	if (!copy)
		return -ENOMEM;
	ioasid__free(*field);
	*field = copy;
	return 0;
}

static int string_copy(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = ioasid__strdup(src);
	return *dst ? 0 : -ENOMEM;
}

/* config_clone - a deep copy of src in dst (released by the caller). */
static int config_clone(struct ioasidd_config *dst,
			const struct ioasidd_config *src)
{
	*dst = *src;
	dst->socket_path = dst->state_dir = dst->proc_root = NULL;
	dst->limits = NULL;
	dst->nr_limits = 0;
	/* On failure the clone leaves dst->platform empty. */
	if (ioasid__config_platform_clone(&dst->platform, &src->platform))
		goto release;
	if (string_copy(&dst->socket_path, src->socket_path) ||
	    string_copy(&dst->state_dir, src->state_dir) ||
	    string_copy(&dst->proc_root, src->proc_root))
		goto release;
	if (src->nr_limits) {
		dst->limits = ioasid__calloc(src->nr_limits, sizeof(*dst->limits));
		if (!dst->limits)
			goto release;
		for (size_t i = 0; i < src->nr_limits; i++) {
			dst->limits[i].max = src->limits[i].max;
			if (string_copy(&dst->limits[i].path, src->limits[i].path)) {
				dst->nr_limits = i;
				goto release;
			}
		}
		dst->nr_limits = src->nr_limits;
	}
	return 0;
release:
	ioasid__config_release(dst);
	return -ENOMEM;
}

/*
 * parse_u32 - strict decimal in [min, max]: ioasid__parse_u64()'s digits,
 * with a leading zero refused (which also keeps out its "0x" form).
 */
static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *valp)
{
	uint64_t v;

	if ((s[0] == '0' && s[1]) || ioasid__parse_u64(s, &v) || v < min ||
	    v > max)
		return -EINVAL;
	*valp = (uint32_t)v;
	return 0;
}

static int limit_add(struct ioasidd_config *cfg, const char *path,
		     uint64_t max)
{
	struct ioasidd_limit *grown;
	char *copy;

	for (size_t i = 0; i < cfg->nr_limits; i++) {
		if (!strcmp(cfg->limits[i].path, path)) {
			cfg->limits[i].max = max;
			return 0;
		}
	}
	if (cfg->nr_limits >= CONFIG_LIMITS_MAX)
		return -EINVAL;
	copy = ioasid__strdup(path);
	if (!copy)
		return -ENOMEM;
	grown = ioasid__realloc(cfg->limits,
				(cfg->nr_limits + 1) * sizeof(*grown));
	if (!grown) {
		ioasid__free(copy);
		return -ENOMEM;
	}
	grown[cfg->nr_limits++] = (struct ioasidd_limit){ copy, max };
	cfg->limits = grown;
	return 0;
}

/* apply_limit - "limit PATH" = "N|max". */
static int apply_limit(struct ioasidd_config *cfg, const char *key,
		       const char *value, const char **why)
{
	const char *path = key + strlen("limit");
	uint64_t max;

	while (*path == ' ' || *path == '\t')
		path++;
	if (path == key + strlen("limit") ||
	    ioasid_cgroup_path_valid(path) || !strcmp(path, "/")) {
		*why = "limit needs a cgroup path other than /";
		return -EINVAL;
	}
	if (ioasid_cgroup_limit_parse(value, &max)) {
		*why = "limit value must be a number or \"max\"";
		return -EINVAL;
	}
	return limit_add(cfg, path, max);
}

static int apply_key(struct ioasidd_config *cfg, const struct key_desc *k,
		     const char *value, const char **why)
{
	void *field = (char *)cfg + k->offset;

	switch (k->kind) {
	case KEY_U32:
		*why = "value must be a decimal number in range";
		return parse_u32(value, k->min, k->max, field);
	case KEY_STRING:
		*why = "value must not be empty";
		if (!*value)
			return -EINVAL;
		return ioasid__config_set_string(field, value);
	case KEY_FSYNC:
		*why = "fsync must be batch, always or never";
		return ioasid_journal_sync_parse(value, field);
	case KEY_LOG_LEVEL:
		*why = "log_level must be err, warn, info or debug";
		return ioasid__log_level_parse(value, field);
	}
	return -EINVAL;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* apply_line - one line, NUL-terminated and writable. */
static int apply_line(struct ioasidd_config *cfg, char *line, const char **why)
{
	char *eq, *key, *value;
	const char *kind, *name;

	key = trim(line);
	if (!*key || *key == '#')
		return 0;
	eq = strchr(key, '=');
	*why = "expected key = value";
	if (!eq)
		return -EINVAL;
	*eq = '\0';
	key = trim(key);
	value = trim(eq + 1);
	if (!strncmp(key, "limit", 5) && (key[5] == ' ' || key[5] == '\t' ||
					  !key[5]))
		return apply_limit(cfg, key, value, why);
	kind = ioasid__config_platform_kind(key, &name);
	if (kind)
		return ioasid__config_platform_line(&cfg->platform, kind, name,
						    value, why);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!strcmp(key, keys[i].name))
			return apply_key(cfg, &keys[i], value, why);
	}
	*why = "unknown key";
	return -EINVAL;
}

static void set_error(char *err, size_t errlen, unsigned int lineno,
		      const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "line %u: %s", lineno, why);
}

/* parse_lines - apply every line of text to cfg, stopping at the first error. */
static int parse_lines(struct ioasidd_config *cfg, const char *text, size_t len,
		       char *err, size_t errlen)
{
	char line[4200];
	unsigned int lineno = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *why = "line too long";
		int ret = -EINVAL;

		lineno++;
		if (n < sizeof(line) && !memchr(text + pos, '\0', n)) {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			ret = apply_line(cfg, line, &why);
		} else if (n < sizeof(line)) {
			why = "NUL byte in line";
		}
		if (ret) {
			set_error(err, errlen, lineno,
				  ret == -ENOMEM ? "out of memory" : why);
			return ret;
		}
		pos += n + 1;
	}
	return 0;
}

int ioasid__config_parse(struct ioasidd_config *cfg, const char *text,
			 size_t len, char *err, size_t errlen)
{
	struct ioasidd_config next;
	int ret;

	ret = config_clone(&next, cfg);
	if (ret) {
		set_error(err, errlen, 0, "out of memory");
		return ret;
	}
	ret = parse_lines(&next, text, len, err, errlen);
	if (ret) {
		ioasid__config_release(&next);
		return ret;
	}
	ioasid__config_release(cfg);
	*cfg = next;
	return 0;
}

/* read_file - the whole file into a new buffer, *lenp bytes. */
static int read_file(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		ret = -errno;
	else if (st.st_size > CONFIG_FILE_MAX)
		ret = -EFBIG;
	else if (!(buf = ioasid__malloc((size_t)st.st_size + 1)))
		ret = -ENOMEM;
	if (!ret) {
		/* One byte more than the size tells a file that grew. */
		ret = ioasid__read_all(fd, buf, (size_t)st.st_size + 1,
				       IOASID__READ_AT_POS, lenp);
		if (!ret && *lenp > (size_t)st.st_size)
			ret = -EFBIG;
	}
	close(fd);
	if (ret) {
		ioasid__free(buf);
		return ret;
	}
	*bufp = buf;
	return 0;
}

int ioasid__config_load(struct ioasidd_config *cfg, const char *path,
			char *err, size_t errlen)
{
	size_t len = 0;
	char *buf = NULL;
	int ret;

	ret = read_file(path, &buf, &len);
	if (ret) {
		if (err && errlen)
			snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	ret = ioasid__config_parse(cfg, buf, len, err, errlen);
	ioasid__free(buf);
	return ret;
}
