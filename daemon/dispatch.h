/* SPDX-License-Identifier: MIT */
/*
 * daemon/dispatch.h - the request decoder and the operation table.
 *
 * Each family of operations (ops_*.c) exports an array of struct
 * ioasidd_op; dispatch.c indexes them all by op number once at start-up.
 * A new family (the 0x300 IOMMU range, ops_iommu.c) adds one array and one
 * line to the family list, without changing the table's shape.
 *
 * Decoding a request, in this order (each failure is the reply's result):
 *   1. the message is at least a header, hdr.size equals its length and
 *      it is at most IOASID_MSG_MAX, seq is not 0         else -EINVAL
 *   2. the op is known                                     else -ENOTTY
 *   3. the op struct has its u32 size, equal to the bytes after the header,
 *      and at least the op's minimum                      else -EINVAL
 *   4. bytes beyond the struct this daemon knows are zero  else -E2BIG
 *   5. flags are within the op's mask, reserved fields 0   else -EOPNOTSUPP
 *   6. descriptors: exactly one for ops that take one (else -EBADF), none
 *      for the others                                      else -EINVAL
 *   7. admin ops come from root or the daemon's uid       else -EACCES
 * The sender check (-EPERM) and a refused handle (-EBUSY) come before all
 * of these, in session.c. Fields a shorter (older) request lacks read as 0.
 */
#ifndef IOASIDD_DISPATCH_H
#define IOASIDD_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioasid/proto.h>

struct ioasidd;
struct session;

/* What a handler sees and fills. */
struct op_ctx {
	struct ioasidd *d;
	struct session *s;
	const void *req; /* the op struct, zero-extended to the known size */
	uint32_t req_size; /* the size the client sent */
	void *rep; /* the reply struct goes here */
	uint32_t rep_max; /* room at rep */
	uint32_t rep_size; /* bytes the handler put at rep */
	int fd_in; /* received descriptor, or -1; set to -1 to keep it */
	int fd_out; /* descriptor to send with the reply (not owned), or -1 */
};

typedef int (*op_handler)(struct op_ctx *ctx);

struct ioasidd_op {
	uint32_t op; /* enum ioasid_op */
	const char *name;
	uint16_t min_size; /* smallest op struct accepted */
	uint16_t size; /* the op struct this daemon knows */
	uint32_t flags_mask; /* flags (offset 4 of every request) allowed */
	uint16_t rsvd[2]; /* offsets of u32 reserved fields; 0: none */
	bool admin; /* root or the daemon's uid only */
	bool takes_fd; /* exactly one SCM_RIGHTS descriptor */
	op_handler handler;
};

struct ioasidd_op_family {
	const char *name;
	const struct ioasidd_op *ops;
	size_t count;
};

/* The families, one per ops_*.c file. */
extern const struct ioasidd_op_family ioasid__ops_handle;
extern const struct ioasidd_op_family ioasid__ops_spid;
extern const struct ioasidd_op_family ioasid__ops_export;
extern const struct ioasidd_op_family ioasid__ops_events;
extern const struct ioasidd_op_family ioasid__ops_admin;
extern const struct ioasidd_op_family ioasid__ops_query;
extern const struct ioasidd_op_family ioasid__ops_iommu;

/* Ops are below this; the table is one pointer per op number. */
#define IOASIDD_OP_LIMIT 0x400u

/*
 * ioasid__dispatch_init - index every family's ops. Idempotent.
 * Errors: -EEXIST two ops share a number; -EINVAL an op out of range or
 * with inconsistent sizes (a programming error caught at start-up).
 */
int ioasid__dispatch_init(void);

/* ioasid__dispatch_lookup - the op's table entry, or NULL. */
const struct ioasidd_op *ioasid__dispatch_lookup(uint32_t op);

/*
 * ioasid__dispatch_decode - steps 1-6 above on a message of len bytes at
 * msg, which must have room for IOASID_MSG_MAX bytes (the tail of the
 * known struct is zeroed in place). nfds is the number of descriptors
 * that came with it. Returns 0 and *opp, or the -errno to answer.
 */
int ioasid__dispatch_decode(void *msg, size_t len, unsigned int nfds,
			    const struct ioasidd_op **opp);

/*
 * ioasid__dispatch_request - decode and run one request of s, writing the
 * reply (header included) to d->tx. Returns the reply's length; *fd_out is
 * a descriptor to attach (not owned) or -1. *fd_in is consumed (closed or
 * kept) and set to -1.
 */
size_t ioasid__dispatch_request(struct session *s, size_t len, int *fd_in,
				unsigned int nfds, int *fd_out);

/*
 * ioasid__dispatch_error - write a reply carrying only a result to buf for
 * the request header at msg (len bytes; op and seq are echoed if present).
 * Returns its length.
 */
size_t ioasid__dispatch_error(const void *msg, size_t len, int err,
			      void *buf);

#endif /* IOASIDD_DISPATCH_H */
