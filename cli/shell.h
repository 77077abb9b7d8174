/* SPDX-License-Identifier: MIT */
/*
 * cli/shell.h - `ioasidctl shell`: one handle driven by lines on stdin.
 *
 * shell.c     the loop: reads lines, answers each with exactly one line,
 *             buffers event lines and prints them just before the next
 *             answer, serves exports while idle;
 * shell_exec.c  runs one parsed command against the client;
 * shell_iommu.c the IOMMU commands: groups, containers, translate, faults;
 * shell_dma.c   map, unmap, read and write: the memfds behind the shell's
 *             DMA mappings;
 * shell_xfer.c  hands an export descriptor to another process over a
 *             UNIX socket at FILE (SCM_RIGHTS).
 */
#ifndef IOASIDCTL_SHELL_H
#define IOASIDCTL_SHELL_H

#include <stdbool.h>
#include <stdio.h>

#include <ioasid/client.h>

#include "ioasidctl.h"
#include "output.h"
#include "shell_parse.h"

/* Event lines kept between two answers; beyond, they are counted. */
#define IOASIDCTL_EVENTS_MAX 10000

/* One `export ID FILE`: the descriptor, served at FILE until exit. */
struct ioasidctl_export {
	ioasid_t id;
	int fd; /* the export descriptor */
	int listener; /* the UNIX socket bound at file */
	char file[IOASIDCTL_FILE_MAX];
};

/*
 * One `map`: the memfd the shell created and passed to the daemon, which
 * backs [iova, iova + size) of the container from its offset 0. The shell
 * keeps it so that `read` and `write` reach the memory DMA reaches.
 */
struct ioasidctl_dma {
	uint32_t container;
	uint64_t iova, size;
	int memfd;
};

struct ioasidctl_shell {
	const struct ioasidctl_opts *o;
	struct ioasid_client *c;
	FILE *out;
	/* Event lines waiting for the next answer (open_memstream). */
	FILE *events;
	char *events_buf;
	size_t events_len;
	unsigned long events_pending, events_dropped;
	struct ioasidctl_export *exports;
	size_t nexports;
	/* The shell's mappings, oldest first (a later one may cover an iova
	 * an earlier one lost to an unmap: the newest holding it is live). */
	struct ioasidctl_dma *dmas;
	size_t ndmas;
	bool quit;
};

/* The answer to one command: fields, or an error and its message. */
struct ioasidctl_answer {
	int err; /* 0 or a negative errno */
	char msg[512];
	struct ioasidctl_field f[16];
	size_t n;
	char str[IOASID_CLIENT_PATH_MAX]; /* storage for a string field */
	uint32_t *ids; /* storage for an IDS field (ioasid_client_array_free) */
	char *heap[8]; /* strings the answer owns (free) */
	size_t nheap;
};

/* ioasidctl_shell_exec - run cmd, filling *ans. */
void ioasidctl_shell_exec(struct ioasidctl_shell *sh,
			  const struct ioasidctl_shell_cmd *cmd,
			  struct ioasidctl_answer *ans);

/* ioasidctl_answer_release - free what an answer holds. */
void ioasidctl_answer_release(struct ioasidctl_answer *ans);

/* ioasidctl_answer_fail - the answer is err, with the message
 * "COMMAND AS TYPED: strerror". */
void ioasidctl_answer_fail(struct ioasidctl_answer *ans,
			   const struct ioasidctl_shell_cmd *cmd, int err);

/* ioasidctl_answer_result - the answer to a call whose success has no
 * value: "ok" when r is 0, else r as ioasidctl_answer_fail() words it. */
void ioasidctl_answer_result(struct ioasidctl_answer *ans,
			     const struct ioasidctl_shell_cmd *cmd, int r);

/* ioasidctl_answer_add - append a field (beyond 16 they are dropped). */
void ioasidctl_answer_add(struct ioasidctl_answer *ans, struct ioasidctl_field f);

/* ioasidctl_answer_named - append a field printed key=value. */
void ioasidctl_answer_named(struct ioasidctl_answer *ans,
			    struct ioasidctl_field f);

/*
 * ioasidctl_answer_keep - hand a malloc()ed string (may be NULL) to the
 * answer, which frees it on release; returns it, or NULL (freeing it)
 * when the answer holds too many.
 */
char *ioasidctl_answer_keep(struct ioasidctl_answer *ans, char *s);

/* ioasidctl_shell_iommu - run group, container, translate or faults. */
void ioasidctl_shell_iommu(struct ioasidctl_shell *sh,
			   const struct ioasidctl_shell_cmd *cmd,
			   struct ioasidctl_answer *ans);

/* ioasidctl_shell_dma - run map, unmap, read or write. */
void ioasidctl_shell_dma(struct ioasidctl_shell *sh,
			 const struct ioasidctl_shell_cmd *cmd,
			 struct ioasidctl_answer *ans);

/*
 * ioasidctl_dma_forget - close and drop the shell's mappings of container
 * that lie inside [iova, iova + size), or all of them with all.
 */
void ioasidctl_dma_forget(struct ioasidctl_shell *sh, uint32_t container,
			  uint64_t iova, uint64_t size, bool all);

/* ioasidctl_dma_release - close every mapping's memfd (at exit). */
void ioasidctl_dma_release(struct ioasidctl_shell *sh);

/*
 * ioasidctl_xfer_listen - a UNIX SOCK_SEQPACKET socket bound at file (mode
 * 0600), listening. Errors: -EEXIST file exists; -errno of the calls.
 */
int ioasidctl_xfer_listen(const char *file, int *listener);

/*
 * ioasidctl_xfer_serve - accept one importer on listener and send it id and
 * fd (SCM_RIGHTS), provided it runs as this user. Never blocks for long: an
 * importer that does not read is dropped.
 */
void ioasidctl_xfer_serve(int listener, int fd, ioasid_t id);

/*
 * ioasidctl_xfer_fetch - connect to file and receive the descriptor an
 * exporting shell sends (waiting at most a few seconds). Errors:
 * -ECONNREFUSED nobody serves file; -ETIMEDOUT no answer; -EPROTO an
 * answer without a descriptor; -errno of the calls.
 */
int ioasidctl_xfer_fetch(const char *file, int *fd);

#endif /* IOASIDCTL_SHELL_H */
