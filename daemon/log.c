// SPDX-License-Identifier: MIT
/*
 * Leveled logging (see log.h). One line per call, written with a single
 * write so that lines from the daemon and from libraries it calls do not
 * interleave mid-line. errno is preserved across every call.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static enum ioasidd_log_level threshold = IOASIDD_LOG_INFO;
static bool use_syslog;

static const char *const level_names[] = {
	[IOASIDD_LOG_ERR] = "err",
	[IOASIDD_LOG_WARN] = "warn",
	[IOASIDD_LOG_INFO] = "info",
	[IOASIDD_LOG_DEBUG] = "debug",
};

static const int syslog_prio[] = {
	[IOASIDD_LOG_ERR] = LOG_ERR,
	[IOASIDD_LOG_WARN] = LOG_WARNING,
	[IOASIDD_LOG_INFO] = LOG_INFO,
	[IOASIDD_LOG_DEBUG] = LOG_DEBUG,
};

void ioasid__log_setup(enum ioasidd_log_level level, bool to_syslog)
{
	threshold = level;
	if (to_syslog && !use_syslog)
		openlog("ioasidd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	use_syslog = to_syslog;
}

int ioasid__log_level_parse(const char *s, enum ioasidd_log_level *levelp)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (!strcmp(s, level_names[i])) {
			*levelp = (enum ioasidd_log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool ioasid__log_enabled(enum ioasidd_log_level level)
{
	return level <= threshold;
}

static void log_write_stderr(enum ioasidd_log_level level, const char *msg)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "ioasidd[%ld]: %s: %s\n",
			 (long)getpid(), level_names[level], msg);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* A failed log write has nowhere to be reported. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void ioasid__log(enum ioasidd_log_level level, const char *fmt, ...)
{
	int saved_errno = errno;
	char msg[896];
	va_list ap;

	if (!ioasid__log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (use_syslog)
		syslog(syslog_prio[level], "%s", msg);
	else
		log_write_stderr(level, msg);
	errno = saved_errno;
}
