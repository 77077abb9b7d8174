/* SPDX-License-Identifier: MIT */
/*
 * daemon/ops.h - helpers shared by the ops_*.c handler families.
 */
#ifndef IOASIDD_OPS_H
#define IOASIDD_OPS_H

#include <stddef.h>
#include <string.h>

#include <ioasid/proto.h>

#include "dispatch.h"

#define OPS_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define OPS_OFFSETOFEND(type, field) \
	(offsetof(type, field) + sizeof(((type *)0)->field))

/* ops_reply - copy a fixed reply struct (whose size field is set) out. */
static inline int ops_reply(struct op_ctx *ctx, const void *rep, size_t size)
{
	memcpy(ctx->rep, rep, size);
	ctx->rep_size = (uint32_t)size;
	return 0;
}

/* ops_reply_id - the common struct ioasid_rep_id reply. */
static inline int ops_reply_id(struct op_ctx *ctx, uint32_t id)
{
	struct ioasid_rep_id rep = { .size = sizeof(rep), .id = id };

	return ops_reply(ctx, &rep, sizeof(rep));
}

/* ops_reply_empty - struct ioasid_rep_empty. */
static inline int ops_reply_empty(struct op_ctx *ctx)
{
	struct ioasid_rep_empty rep = { .size = sizeof(rep) };

	return ops_reply(ctx, &rep, sizeof(rep));
}

/*
 * ops_string_ok - a fixed-size string field is NUL-terminated within its
 * array (the wire rule; -EINVAL otherwise).
 */
static inline int ops_string_ok(const char *s, size_t size)
{
	return memchr(s, '\0', size) ? 0 : -EINVAL;
}

/* ops_copy_path - a path into a fixed wire array, cut to fit. */
static inline void ops_copy_path(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	memset(dst + n, 0, size - n);
}

/*
 * Paged replies (ioasid_rep_page + entries): how many entries of size esz
 * fit in one message, limited by the request's max_entries (0: no limit).
 */
static inline uint32_t ops_page_room(const struct op_ctx *ctx, size_t esz,
				     uint32_t max_entries)
{
	size_t room = (ctx->rep_max - sizeof(struct ioasid_rep_page)) / esz;

	if (max_entries && max_entries < room)
		room = max_entries;
	return (uint32_t)room;
}

/* ops_page_finish - write the page header for count entries. */
static inline int ops_page_finish(struct op_ctx *ctx, size_t esz,
				  uint32_t count, uint64_t next)
{
	struct ioasid_rep_page page = {
		.size = (uint32_t)(sizeof(page) + count * esz),
		.count = count,
		.next = next,
	};

	memcpy(ctx->rep, &page, sizeof(page));
	ctx->rep_size = page.size;
	return 0;
}

#define OPS_PAGE_ENTRIES(ctx) \
	((char *)(ctx)->rep + sizeof(struct ioasid_rep_page))

/*
 * A paged walk of ascending IDs: the smallest IDs >= start, room of them
 * for the page and one more, which is where the following page starts.
 * ids holds room + 1 entries.
 */
struct ops_id_walk {
	uint64_t start;
	uint32_t room, count; /* count <= room + 1 */
	uint32_t *ids;
};

/* ops_id_walk_init - a walk for the page a struct ioasid_req_page asks. */
static inline struct ops_id_walk
ops_id_walk_init(const struct op_ctx *ctx, size_t esz, uint32_t *ids)
{
	const struct ioasid_req_page *req = ctx->req;

	return (struct ops_id_walk){
		.start = req->start,
		.room = ops_page_room(ctx, esz, req->max_entries),
		.ids = ids,
	};
}

/* ops_id_walk_add - a walk callback's step; non-zero stops the walk. */
static inline int ops_id_walk_add(struct ops_id_walk *w, uint32_t id)
{
	if (id < w->start)
		return 0;
	w->ids[w->count++] = id;
	return w->count > w->room; /* the following page's first */
}

/* ops_id_walk_page - how many of the IDs collected belong to the page. */
static inline uint32_t ops_id_walk_page(const struct ops_id_walk *w)
{
	return w->count < w->room ? w->count : w->room;
}

/* ops_id_walk_next - where the following page starts, 0 at the end. */
static inline uint64_t ops_id_walk_next(const struct ops_id_walk *w)
{
	return w->count > w->room ? w->ids[w->room] : 0;
}

#endif /* IOASIDD_OPS_H */
