/* SPDX-License-Identifier: MIT */
/*
 * daemon/identity.h - who a process is: its pid together with its start
 * time (field 22 of /proc/PID/stat, in clock ticks since boot). A pid is
 * reused by the kernel; the pair is not, so the pair is what owns IDs in
 * the journal and what a reconnecting process must match to reclaim them.
 */
#ifndef IOASIDD_IDENTITY_H
#define IOASIDD_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ioasidd_identity {
	pid_t pid;
	uint64_t start_time; /* clock ticks after boot */
};

/* PIDs are below 2^22 (PID_MAX_LIMIT); the token packs the pair in a u64. */
#define IOASIDD_PID_BITS 22
#define IOASIDD_START_BITS (64 - IOASIDD_PID_BITS)

/*
 * ioasid__identity_parse_stat - the start time from the text of a
 * /proc/PID/stat file (len bytes, need not be NUL-terminated). The command
 * name may contain anything, ')' included, so fields are counted from the
 * last ')'. *statep (may be NULL) receives the state letter (field 3).
 * Errors: -EINVAL malformed text.
 */
int ioasid__identity_parse_stat(const char *buf, size_t len,
				uint64_t *start_timep, char *statep);

/*
 * ioasid__identity_read - the identity of a live process.
 * Errors: -ESRCH no such process, or one that has exited (a zombie);
 * -EINVAL pid <= 0 or an unreadable stat.
 */
int ioasid__identity_read(pid_t pid, struct ioasidd_identity *id);

/*
 * ioasid__identity_alive - true if a process with this pid is running and
 * started at the same time, i.e. it is the same process.
 */
bool ioasid__identity_alive(const struct ioasidd_identity *id);

/*
 * ioasid__identity_token - the PROCESS-set token of an identity: the pid in
 * the low 22 bits, the start time (modulo 2^42 ticks, over 400 years at
 * 100 Hz) above it. Distinct live processes never share a token.
 */
uint64_t ioasid__identity_token(const struct ioasidd_identity *id);

/* ioasid__identity_token_pid - the pid part of a token. */
pid_t ioasid__identity_token_pid(uint64_t token);

/* ioasid__identity_from_token - the identity a token was made from. */
void ioasid__identity_from_token(uint64_t token, struct ioasidd_identity *id);

#endif /* IOASIDD_IDENTITY_H */
