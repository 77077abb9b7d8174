/* SPDX-License-Identifier: MIT */
/*
 * daemon/state_records.h - the payloads of ioasidd's journal records (the
 * journal frames each with a type, a length and a CRC; daemon/journal.h).
 * Host byte order: a journal is read by the daemon that wrote it, on the
 * same machine. Paths are stored without their NUL, to the end of the
 * payload. state.c writes and replays them; tests use this header to
 * build journals that exercise replay.
 */
#ifndef IOASIDD_STATE_RECORDS_H
#define IOASIDD_STATE_RECORDS_H

#include <stdint.h>

enum rec_type {
	REC_ALLOC = 1,
	REC_FREE = 2,
	REC_CLOSE = 3,
	REC_SPID = 4,
	REC_QUOTA = 5,
	REC_LIMIT = 6,
};

struct rec_owner {
	uint32_t pid; /* 0 in a QUOTA record: the default quota */
	uint32_t __pad;
	uint64_t start_time;
};

struct rec_alloc {
	uint32_t id;
	uint32_t quota; /* the set's quota, used if replay creates the set */
	struct rec_owner owner;
	/* followed by the charged cgroup's path, without its NUL */
};

struct rec_id {
	uint32_t id;
};

struct rec_spid {
	uint32_t id;
	uint32_t spid; /* IOASID_INVALID: detached */
};

struct rec_quota {
	struct rec_owner owner;
	uint32_t quota;
	uint32_t __pad;
};

struct rec_limit {
	uint64_t max;
	/* followed by the cgroup's path, without its NUL */
};

#endif /* IOASIDD_STATE_RECORDS_H */
