/* SPDX-License-Identifier: MIT */
/*
 * A fake ioasidd for the client library's unit tests.
 *
 * It listens on a SOCK_SEQPACKET socket in a fresh temporary directory and
 * serves one connection at a time from its own thread, with a small model
 * of one handle: IDs allocated from 1 upwards, their SPIDs, a subscription
 * mask. The model outlives connections, as the daemon's journal does, so
 * that RECLAIM after a "crash" (fake_daemon hanging up) returns the IDs.
 *
 * Tests steer it with knobs (struct fake_knobs) and may install a hook that
 * answers a request itself. Every request received is recorded so that the
 * test thread can check the encoding after the fact; the fake thread never
 * calls cmocka.
 */
#ifndef IOASID_TEST_FAKE_DAEMON_H
#define IOASID_TEST_FAKE_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fake_daemon;

struct fake_req {
	uint32_t op;
	uint64_t seq;
	uint32_t hdr_size; /* the header's size field */
	size_t len; /* message length */
	unsigned char body[512]; /* the first bytes of the body */
	size_t body_len;
	bool had_fd; /* a descriptor came with it */
	uint64_t fd_ino; /* its inode */
};

struct fake_knobs {
	/* Hang up on receiving a request of this op, before doing anything
	 * (0: never). Fires once. */
	uint32_t hangup_before_op;
	/* Hang up after applying a request of this op, before replying
	 * (0: never). Fires once. */
	uint32_t hangup_after_op;
	/* Send this many ALLOC notifications before each reply; their IDs
	 * count up from 1000 over the fake's life. */
	unsigned int events_before_reply;
	/* Send a reply with a wrong seq before each reply. */
	bool stray_before_reply;
	/* Append this many zero bytes to each reply body (a newer daemon). */
	size_t tail_extra;
	/* Reply to GET_INFO with this version (0: IOASID_PROTO_VERSION). */
	uint32_t version;
	/* Result of GET_INFO (e.g. -EBUSY). */
	int32_t info_result;
	/* LIST / RECLAIM page size in entries (0: all). */
	uint32_t page_entries;
	/* Stop accepting after a hangup (the daemon stays down). */
	bool stay_down;
	/* Release the model when a connection closes, as the daemon releases
	 * a handle's IDs. */
	bool forget_on_close;
};

/*
 * Hook: return true if it answered (or chose to ignore) the request itself.
 * Called on the fake's thread with the fake's lock released.
 */
typedef bool (*fake_hook_fn)(struct fake_daemon *d, const struct fake_req *req,
			     int fd, void *arg);

/* Start / stop. fake_daemon_start() aborts the test program on failure. */
struct fake_daemon *fake_daemon_start(const struct fake_knobs *knobs);
void fake_daemon_stop(struct fake_daemon *d);
const char *fake_daemon_path(const struct fake_daemon *d);
void fake_daemon_hook(struct fake_daemon *d, fake_hook_fn fn, void *arg);
void fake_daemon_knobs(struct fake_daemon *d, const struct fake_knobs *knobs);

/* Inspection (thread-safe). */
size_t fake_daemon_nreq(struct fake_daemon *d);
struct fake_req fake_daemon_req(struct fake_daemon *d, size_t i);
size_t fake_daemon_count_op(struct fake_daemon *d, uint32_t op);
/* The last request of op received, or one all zeroes (op 0) if none. */
struct fake_req fake_daemon_last_req(struct fake_daemon *d, uint32_t op);
unsigned int fake_daemon_connections(struct fake_daemon *d);
/* Whether a connection is being served. */
bool fake_daemon_connected(struct fake_daemon *d);
uint32_t fake_daemon_sub_mask(struct fake_daemon *d);

/* The model (thread-safe): owned IDs and their SPIDs. */
void fake_daemon_own(struct fake_daemon *d, uint32_t id, uint32_t spid);
void fake_daemon_disown(struct fake_daemon *d, uint32_t id);
size_t fake_daemon_owned(struct fake_daemon *d);
/* Forget every owned ID (a fresh model). */
void fake_daemon_reset(struct fake_daemon *d);

/* From a hook or the test: send on the current connection. */
void fake_send_reply(struct fake_daemon *d, const struct fake_req *req,
		     int32_t result, const void *body, size_t body_len,
		     int send_fd);
void fake_send_raw(struct fake_daemon *d, const void *msg, size_t len);
void fake_send_notify(struct fake_daemon *d, uint32_t event, uint32_t id,
		      uint32_t spid, uint64_t set_id);
/* Close the current connection (the daemon "crashes"). */
void fake_hangup(struct fake_daemon *d);

#endif
