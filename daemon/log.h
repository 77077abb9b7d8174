/* SPDX-License-Identifier: MIT */
/*
 * daemon/log.h - leveled logging for ioasidd.
 *
 * Lines go to stderr (in the foreground, and under systemd where stderr is
 * the journal) or to syslog once the daemon has detached. Each line carries
 * its level; messages below the configured level are dropped before any
 * formatting is done.
 */
#ifndef IOASIDD_LOG_H
#define IOASIDD_LOG_H

#include <stdbool.h>

enum ioasidd_log_level {
	IOASIDD_LOG_ERR = 0,
	IOASIDD_LOG_WARN = 1,
	IOASIDD_LOG_INFO = 2,
	IOASIDD_LOG_DEBUG = 3,
};

/* ioasid__log_setup - set the threshold and the sink (syslog or stderr). */
void ioasid__log_setup(enum ioasidd_log_level level, bool to_syslog);

/* ioasid__log_level_parse - "err", "warn", "info" or "debug"; -EINVAL else. */
int ioasid__log_level_parse(const char *s, enum ioasidd_log_level *levelp);

/* ioasid__log_enabled - true if messages of this level are written. */
bool ioasid__log_enabled(enum ioasidd_log_level level);

void ioasid__log(enum ioasidd_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) ioasid__log(IOASIDD_LOG_ERR, __VA_ARGS__)
#define log_warn(...) ioasid__log(IOASIDD_LOG_WARN, __VA_ARGS__)
#define log_info(...) ioasid__log(IOASIDD_LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                        \
	do {                                                                  \
		if (ioasid__log_enabled(IOASIDD_LOG_DEBUG))                   \
			ioasid__log(IOASIDD_LOG_DEBUG, __VA_ARGS__);          \
	} while (0)

#endif /* IOASIDD_LOG_H */
