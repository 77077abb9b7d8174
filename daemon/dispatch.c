// SPDX-License-Identifier: MIT
/*
 * The request decoder and the op table (see dispatch.h).
 *
 * The table is a flat array of pointers indexed by op number, filled once
 * from the per-family arrays; lookups are one bounds check and one load.
 * Decoding works in place on the receive buffer: the known struct's tail
 * beyond what the client sent is zeroed so handlers can read every field.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "dispatch.h"
#include "ioasidd.h"
#include "log.h"
#include "session.h"

static const struct ioasidd_op_family *const families[] = {
	&ioasid__ops_handle, &ioasid__ops_spid,	 &ioasid__ops_export,
	&ioasid__ops_events, &ioasid__ops_admin, &ioasid__ops_query,
	&ioasid__ops_iommu,
};

static const struct ioasidd_op *table[IOASIDD_OP_LIMIT];
static atomic_bool table_ready;

static int op_check(const struct ioasidd_op *op)
{
	if (op->op >= IOASIDD_OP_LIMIT || !op->handler)
		return -EINVAL;
	if (op->min_size < 8 || op->min_size > op->size ||
	    op->size > IOASID_MSG_MAX - sizeof(struct ioasid_msg_hdr))
		return -EINVAL;
	for (int i = 0; i < 2; i++)
		if (op->rsvd[i] && (op->rsvd[i] < 8 || op->rsvd[i] + 4u > op->size))
			return -EINVAL;
	return table[op->op] ? -EEXIST : 0;
}

int ioasid__dispatch_init(void)
{
	if (atomic_load(&table_ready))
		return 0;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		for (size_t i = 0; i < families[f]->count; i++) {
			const struct ioasidd_op *op = &families[f]->ops[i];
			int ret = op_check(op);

			if (ret) {
				log_err("op table: %s (0x%x) is malformed: %d",
					op->name, op->op, ret);
				memset(table, 0, sizeof(table));
				return ret;
			}
			table[op->op] = op;
		}
	}
	atomic_store(&table_ready, true);
	return 0;
}

const struct ioasidd_op *ioasid__dispatch_lookup(uint32_t op)
{
	return op < IOASIDD_OP_LIMIT ? table[op] : NULL;
}

static uint32_t load_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* decode_header - step 1: the message as a whole. */
static int decode_header(const uint8_t *msg, size_t len)
{
	struct ioasid_msg_hdr hdr;

	if (len < sizeof(hdr) || len > IOASID_MSG_MAX)
		return -EINVAL;
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.size != len || hdr.seq == 0)
		return -EINVAL;
	return 0;
}

/* decode_struct - steps 3 to 5: the op struct's size, tail, flags, rsvd. */
static int decode_struct(const struct ioasidd_op *op, uint8_t *body,
			 size_t blen)
{
	uint32_t size;

	if (blen < sizeof(uint32_t))
		return -EINVAL;
	size = load_u32(body);
	if (size != blen || size < op->min_size)
		return -EINVAL;
	if (size > op->size) {
		for (size_t i = op->size; i < size; i++)
			if (body[i])
				return -E2BIG;
	} else if (size < op->size) {
		memset(body + size, 0, op->size - size);
	}
	if (load_u32(body + 4) & ~op->flags_mask)
		return -EOPNOTSUPP;
	for (int i = 0; i < 2; i++)
		if (op->rsvd[i] && load_u32(body + op->rsvd[i]))
			return -EOPNOTSUPP;
	return 0;
}

int ioasid__dispatch_decode(void *msg, size_t len, unsigned int nfds,
			    const struct ioasidd_op **opp)
{
	const size_t hlen = sizeof(struct ioasid_msg_hdr);
	const struct ioasidd_op *op;
	int ret;

	ret = decode_header(msg, len);
	if (ret)
		return ret;
	op = ioasid__dispatch_lookup(load_u32((uint8_t *)msg + 4));
	if (!op)
		return -ENOTTY;
	ret = decode_struct(op, (uint8_t *)msg + hlen, len - hlen);
	if (ret)
		return ret;
	if (op->takes_fd && nfds != 1)
		return nfds ? -EINVAL : -EBADF;
	if (!op->takes_fd && nfds)
		return -EINVAL;
	*opp = op;
	return 0;
}

size_t ioasid__dispatch_error(const void *msg, size_t len, int err, void *buf)
{
	struct ioasid_reply_hdr rep = {
		.size = sizeof(rep),
		.result = err,
	};

	/* A message too short for a header gets op 0 and seq 0 back. */
	if (len >= sizeof(struct ioasid_msg_hdr)) {
		const struct ioasid_msg_hdr *hdr = msg;

		rep.op = hdr->op;
		rep.seq = hdr->seq;
	}
	memcpy(buf, &rep, sizeof(rep));
	return sizeof(rep);
}

/* run_handler - step 7 and the handler; returns the result. */
static int run_handler(struct session *s, const struct ioasidd_op *op,
		       struct op_ctx *ctx)
{
	if (op->admin && !ioasid__daemon_is_admin(s->d, s->uid))
		return -EACCES;
	return op->handler(ctx);
}

size_t ioasid__dispatch_request(struct session *s, size_t len, int *fd_in,
				unsigned int nfds, int *fd_out)
{
	const size_t hlen = sizeof(struct ioasid_msg_hdr);
	struct ioasidd *d = s->d;
	const struct ioasidd_op *op = NULL;
	struct ioasid_reply_hdr *rep = (void *)d->tx;
	struct op_ctx ctx;
	int ret;

	*fd_out = -1;
	ret = ioasid__dispatch_decode(d->rx, len, nfds, &op);
	if (ret)
		goto error;
	ctx = (struct op_ctx){
		.d = d,
		.s = s,
		.req = d->rx + hlen,
		.req_size = (uint32_t)(len - hlen),
		.rep = d->tx + sizeof(*rep),
		.rep_max = IOASID_MSG_MAX - sizeof(*rep),
		.fd_in = *fd_in,
		.fd_out = -1,
	};
	ret = run_handler(s, op, &ctx);
	*fd_in = ctx.fd_in;
	if (ret)
		goto error;
	*rep = (struct ioasid_reply_hdr){
		.size = (uint32_t)(sizeof(*rep) + ctx.rep_size),
		.op = op->op,
		.seq = ((struct ioasid_msg_hdr *)d->rx)->seq,
	};
	*fd_out = ctx.fd_out;
	return rep->size;
error:
	log_debug("pid %ld: %s: %d", (long)s->owner.pid,
		  op ? op->name : "request", ret);
	return ioasid__dispatch_error(d->rx, len, ret, d->tx);
}
