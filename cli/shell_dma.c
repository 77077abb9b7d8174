// SPDX-License-Identifier: MIT
/*
 * The shell's DMA memory: map, unmap, read and write.
 *
 * `map C IOVA SIZE [ACCESS] [FILL]` creates a memfd of SIZE bytes (filled
 * with the byte FILL, or zeros), passes it to the daemon with MAP_DMA
 * (ioasid_client_map_dma_alloc()) and keeps it: the daemon maps it
 * MAP_SHARED, so this memory is exactly what DMA through the container
 * reaches. The shell records (container, iova, size, memfd) per map.
 *
 * `read C IOVA LEN` and `write C IOVA HEX` play a device doing DMA: every
 * 4 KiB page they touch is first translated by the daemon (TRANSLATE with
 * the access they need), so the IOMMU's rules apply — an unmapped or
 * forbidden page is refused and recorded as a fault, readable with
 * `faults C` — and only then are the bytes read from or written to the
 * memfd, at the offset the translation gave. A write translates every page
 * before writing any byte, so a refused write changes nothing.
 *
 * Records. The daemon accepts a map only where no live mapping is, so the
 * newest record of a container holding an iova is the one backing it (an
 * older record there lost that part to an unmap). Records wholly inside an
 * unmapped range are closed and dropped; all of a container's go with
 * `unmap C all`, with `container destroy C`, and when the last group
 * leaves the container (shell_iommu.c); every record goes when the library
 * reconnects, since the new handle owns no mapping (shell.c); the rest at
 * exit. A record the daemon no longer backs is never used: the translation
 * fails first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

/* The granule read and write translate by: the smallest IOMMU page. */
#define DMA_PAGE 4096ull

/* The newest record of container holding iova, or NULL. */
static struct ioasidctl_dma *dma_find(struct ioasidctl_shell *sh,
				      uint32_t container, uint64_t iova)
{
	for (size_t i = sh->ndmas; i-- > 0;) {
		struct ioasidctl_dma *d = &sh->dmas[i];

		if (d->container == container && iova >= d->iova &&
		    iova - d->iova < d->size)
			return d;
	}
	return NULL;
}

/* Room for one more record, made before the map so that keeping the
 * memfd cannot fail once the daemon mapped it. */
static int dma_reserve(struct ioasidctl_shell *sh)
{
	struct ioasidctl_dma *v = realloc(sh->dmas, (sh->ndmas + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	sh->dmas = v;
	return 0;
}

void ioasidctl_dma_forget(struct ioasidctl_shell *sh, uint32_t container,
			  uint64_t iova, uint64_t size, bool all)
{
	size_t kept = 0;

	for (size_t i = 0; i < sh->ndmas; i++) {
		struct ioasidctl_dma *d = &sh->dmas[i];
		bool inside = d->iova >= iova && d->iova - iova <= size &&
			      d->size <= size - (d->iova - iova);

		if (d->container == container && (all || inside))
			close(d->memfd);
		else
			sh->dmas[kept++] = *d;
	}
	sh->ndmas = kept;
}

void ioasidctl_dma_release(struct ioasidctl_shell *sh)
{
	for (size_t i = 0; i < sh->ndmas; i++)
		close(sh->dmas[i].memfd);
	free(sh->dmas);
	sh->dmas = NULL;
	sh->ndmas = 0;
}

static void exec_map(struct ioasidctl_shell *sh,
		     const struct ioasidctl_shell_cmd *cmd,
		     struct ioasidctl_answer *ans)
{
	int fd, r;

	r = dma_reserve(sh);
	if (r == 0)
		r = ioasid_client_map_dma_alloc(sh->c, cmd->a, cmd->iova,
						cmd->size, cmd->access,
						cmd->fill, &fd);
	if (r < 0) {
		ioasidctl_answer_fail(ans, cmd, r);
		return;
	}
	sh->dmas[sh->ndmas++] = (struct ioasidctl_dma){
		.container = cmd->a, .iova = cmd->iova, .size = cmd->size,
		.memfd = fd, /* the shell's until forgotten */
	};
}

static void exec_unmap(struct ioasidctl_shell *sh,
		       const struct ioasidctl_shell_cmd *cmd,
		       struct ioasidctl_answer *ans)
{
	uint64_t unmapped;
	int r;

	if (cmd->flag)
		r = ioasid_client_unmap_dma(sh->c, cmd->a, 0, 0,
					    IOASID_CLIENT_UNMAP_ALL, &unmapped);
	else
		r = ioasid_client_unmap_dma(sh->c, cmd->a, cmd->iova, cmd->size,
					    0, &unmapped);
	if (r < 0) {
		ioasidctl_answer_fail(ans, cmd, r);
		return;
	}
	ioasidctl_dma_forget(sh, cmd->a, cmd->iova, cmd->size, cmd->flag);
	ioasidctl_answer_named(ans, (struct ioasidctl_field)IOASIDCTL_F_HEX(
					    "unmapped", unmapped));
}

/* One piece of a DMA: at most one page, inside one mapping. */
struct piece {
	uint64_t iova;
	size_t len;
	int memfd;
	uint64_t offset; /* in memfd */
};

/*
 * Translate [iova, iova + len) page by page with access into pieces
 * (room for len / DMA_PAGE + 2). Returns their number or a -errno: the
 * daemon's (EFAULT, EACCES, ...), or EIO when the daemon translated to
 * memory this shell does not hold.
 */
static int dma_pieces(struct ioasidctl_shell *sh, uint32_t container,
		      uint64_t iova, size_t len, uint32_t access,
		      struct piece *pc)
{
	struct ioasid_client_translation t;
	struct ioasidctl_dma *d;
	int n = 0, r;

	while (len) {
		uint64_t room = DMA_PAGE - (iova & (DMA_PAGE - 1));

		r = ioasid_client_translate(sh->c, container, iova, access, &t);
		if (r < 0)
			return r;
		d = dma_find(sh, container, iova);
		if (!d || t.offset != iova - d->iova)
			return -EIO;
		if (room > d->size - t.offset)
			room = d->size - t.offset;
		pc[n] = (struct piece){ .iova = iova, .memfd = d->memfd,
					.offset = t.offset,
					.len = room < len ? (size_t)room : len };
		iova += pc[n].len;
		len -= pc[n].len;
		n++;
	}
	return n;
}

static int pieces_read(const struct piece *pc, int n, unsigned char *buf)
{
	for (int i = 0; i < n; i++) {
		ssize_t got = pread(pc[i].memfd, buf, pc[i].len,
				    (off_t)pc[i].offset);

		if (got < 0)
			return -errno;
		if ((size_t)got != pc[i].len)
			return -EIO;
		buf += pc[i].len;
	}
	return 0;
}

static int pieces_write(const struct piece *pc, int n, const unsigned char *buf)
{
	for (int i = 0; i < n; i++) {
		ssize_t put = pwrite(pc[i].memfd, buf, pc[i].len,
				     (off_t)pc[i].offset);

		if (put < 0)
			return -errno;
		if ((size_t)put != pc[i].len)
			return -EIO;
		buf += pc[i].len;
	}
	return 0;
}

/* Bytes as lower-case hex digits into the answer's string storage. */
static void answer_bytes(struct ioasidctl_answer *ans,
			 const struct ioasidctl_shell_cmd *cmd,
			 const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *hex = ioasidctl_answer_keep(ans, malloc(2 * n + 1));

	if (!hex) {
		ioasidctl_answer_fail(ans, cmd, -ENOMEM);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[2 * n] = '\0';
	ioasidctl_answer_named(ans, (struct ioasidctl_field)IOASIDCTL_F_STR(
					    "bytes", hex));
}

#define PIECES_MAX (IOASIDCTL_DMA_BYTES_MAX / DMA_PAGE + 2)

static void exec_read(struct ioasidctl_shell *sh,
		      const struct ioasidctl_shell_cmd *cmd,
		      struct ioasidctl_answer *ans)
{
	unsigned char buf[IOASIDCTL_DMA_BYTES_MAX];
	struct piece pc[PIECES_MAX];
	size_t len = (size_t)cmd->size; /* 1..IOASIDCTL_DMA_BYTES_MAX */
	int n, r;

	n = dma_pieces(sh, cmd->a, cmd->iova, len, IOASID_CLIENT_DMA_READ, pc);
	r = n < 0 ? n : pieces_read(pc, n, buf);
	if (r < 0)
		ioasidctl_answer_fail(ans, cmd, r);
	else
		answer_bytes(ans, cmd, buf, len);
}

static void exec_write(struct ioasidctl_shell *sh,
		       const struct ioasidctl_shell_cmd *cmd,
		       struct ioasidctl_answer *ans)
{
	struct piece pc[PIECES_MAX];
	int n, r;

	n = dma_pieces(sh, cmd->a, cmd->iova, cmd->nbytes,
		       IOASID_CLIENT_DMA_WRITE, pc);
	r = n < 0 ? n : pieces_write(pc, n, cmd->bytes);
	if (r < 0)
		ioasidctl_answer_fail(ans, cmd, r);
}

void ioasidctl_shell_dma(struct ioasidctl_shell *sh,
			 const struct ioasidctl_shell_cmd *cmd,
			 struct ioasidctl_answer *ans)
{
	switch (cmd->op) {
	case IOASIDCTL_SH_MAP:
		exec_map(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_UNMAP:
		exec_unmap(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_READ:
		exec_read(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_WRITE:
		exec_write(sh, cmd, ans);
		break;
	default:
		ioasidctl_answer_fail(ans, cmd, -ENOTTY);
		break;
	}
}
