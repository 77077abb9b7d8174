// SPDX-License-Identifier: MIT
/*
 * Running one `ioasidctl shell` command: a parsed command in, an answer
 * (fields, or an errno and a message naming the command) out. Each command
 * is one client call, except export/import, which also move the descriptor
 * between processes (shell_xfer.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

void ioasidctl_answer_fail(struct ioasidctl_answer *ans,
			   const struct ioasidctl_shell_cmd *cmd, int err)
{
	ans->err = err;
	snprintf(ans->msg, sizeof(ans->msg), "%s: %s", cmd->text,
		 ioasid_strerror(err));
}

void ioasidctl_answer_add(struct ioasidctl_answer *ans, struct ioasidctl_field f)
{
	if (ans->n < sizeof(ans->f) / sizeof(ans->f[0]))
		ans->f[ans->n++] = f;
}

void ioasidctl_answer_named(struct ioasidctl_answer *ans,
			    struct ioasidctl_field f)
{
	f.named = true;
	ioasidctl_answer_add(ans, f);
}

char *ioasidctl_answer_keep(struct ioasidctl_answer *ans, char *s)
{
	if (!s)
		return NULL;
	if (ans->nheap == sizeof(ans->heap) / sizeof(ans->heap[0])) {
		free(s);
		return NULL;
	}
	ans->heap[ans->nheap++] = s;
	return s;
}

static void answer_id(struct ioasidctl_answer *ans, ioasid_t id)
{
	ioasidctl_answer_add(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("id", id));
}

void ioasidctl_answer_result(struct ioasidctl_answer *ans,
			     const struct ioasidctl_shell_cmd *cmd, int r)
{
	if (r < 0)
		ioasidctl_answer_fail(ans, cmd, r);
}

static void exec_alloc(struct ioasidctl_shell *sh,
		       const struct ioasidctl_shell_cmd *cmd,
		       struct ioasidctl_answer *ans)
{
	ioasid_t id;
	int r = ioasid_client_alloc(sh->c, cmd->a, cmd->b, &id);

	if (r < 0)
		ioasidctl_answer_fail(ans, cmd, r);
	else
		answer_id(ans, id);
}

static void exec_find(struct ioasidctl_shell *sh,
		      const struct ioasidctl_shell_cmd *cmd,
		      struct ioasidctl_answer *ans)
{
	ioasid_t id;
	int r = ioasid_client_spid_find(sh->c, cmd->a,
					cmd->flag ? IOASID_CLIENT_FIND_GET : 0, &id);

	if (r < 0)
		ioasidctl_answer_fail(ans, cmd, r);
	else
		answer_id(ans, id);
}


static void named(struct ioasidctl_answer *ans, struct ioasidctl_field f)
{
	ioasidctl_answer_named(ans, f);
}

static void exec_info(struct ioasidctl_shell *sh,
		      const struct ioasidctl_shell_cmd *cmd,
		      struct ioasidctl_answer *ans)
{
	struct ioasid_client_info i;
	int r = ioasid_client_info(sh->c, &i);

	if (r < 0) {
		ioasidctl_answer_fail(ans, cmd, r);
		return;
	}
	memcpy(ans->str, i.cgroup, sizeof(ans->str));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("version", i.version));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("capacity", i.capacity));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("available", i.available));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("quota", i.quota));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("ids", i.nr_ids));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("set", i.set_id));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_STR("cgroup", ans->str));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_LIMIT("max", i.cg_max));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("current", i.cg_current));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("events", i.cg_events));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_BOOL(
			   "admin", !!(i.flags & IOASID_CLIENT_INFO_ADMIN)));
	named(ans, (struct ioasidctl_field)IOASIDCTL_F_BOOL(
			   "reclaimed", !!(i.flags & IOASID_CLIENT_INFO_RECLAIMED)));
}

/* Keep an export: its descriptor and the socket that serves it. */
static int export_keep(struct ioasidctl_shell *sh, ioasid_t id, int fd,
		       int listener, const char *file)
{
	struct ioasidctl_export *v;

	v = realloc(sh->exports, (sh->nexports + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	sh->exports = v;
	v[sh->nexports].id = id;
	v[sh->nexports].fd = fd;
	v[sh->nexports].listener = listener;
	strcpy(v[sh->nexports].file, file);
	sh->nexports++;
	return 0;
}

static void exec_export(struct ioasidctl_shell *sh,
			const struct ioasidctl_shell_cmd *cmd,
			struct ioasidctl_answer *ans)
{
	int fd, listener, r;

	r = ioasid_client_export(sh->c, cmd->a, &fd);
	if (r < 0)
		goto fail;
	r = ioasidctl_xfer_listen(cmd->file, &listener);
	if (r < 0)
		goto close_fd;
	r = export_keep(sh, cmd->a, fd, listener, cmd->file);
	if (r < 0)
		goto close_listener;
	return;

close_listener:
	close(listener);
	unlink(cmd->file);
close_fd:
	close(fd);
fail:
	ioasidctl_answer_fail(ans, cmd, r);
}

static void exec_import(struct ioasidctl_shell *sh,
			const struct ioasidctl_shell_cmd *cmd,
			struct ioasidctl_answer *ans)
{
	ioasid_t id;
	int fd, r;

	r = ioasidctl_xfer_fetch(cmd->file, &fd);
	if (r == 0) {
		r = ioasid_client_import(sh->c, fd, &id);
		close(fd);
	}
	if (r < 0)
		ioasidctl_answer_fail(ans, cmd, r);
	else
		answer_id(ans, id);
}

static void exec_reclaim(struct ioasidctl_shell *sh,
			 const struct ioasidctl_shell_cmd *cmd,
			 struct ioasidctl_answer *ans)
{
	struct ioasid_client_id_entry *e;
	struct ioasidctl_field f = { .key = "ids", .type = IOASIDCTL_IDS };
	size_t n;
	int r;

	r = ioasid_client_reclaim(sh->c, &e, &n);
	if (r < 0) {
		ioasidctl_answer_fail(ans, cmd, r);
		return;
	}
	ans->ids = calloc(n + 1, sizeof(*ans->ids));
	if (!ans->ids) {
		ioasid_client_array_free(e);
		ioasidctl_answer_fail(ans, cmd, -ENOMEM);
		return;
	}
	for (size_t i = 0; i < n; i++)
		ans->ids[i] = e[i].id;
	ioasid_client_array_free(e);
	f.ids = ans->ids;
	f.n = n;
	ioasidctl_answer_add(ans, f);
}

/* The usages of the parser's command table, as one string field. */
static void exec_help(const struct ioasidctl_shell_cmd *cmd,
		      struct ioasidctl_answer *ans)
{
	size_t len = ioasidctl_shell_help(NULL, 0);
	char *s = ioasidctl_answer_keep(ans, malloc(len + 1));

	if (!s) {
		ioasidctl_answer_fail(ans, cmd, -ENOMEM);
		return;
	}
	ioasidctl_shell_help(s, len + 1);
	ioasidctl_answer_add(ans, (struct ioasidctl_field)IOASIDCTL_F_STR(
				       "commands", s));
}

void ioasidctl_shell_exec(struct ioasidctl_shell *sh,
			  const struct ioasidctl_shell_cmd *cmd,
			  struct ioasidctl_answer *ans)
{
	struct ioasid_client *c = sh->c;

	switch (cmd->op) {
	case IOASIDCTL_SH_ALLOC:
		exec_alloc(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_FREE:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_free(c, cmd->a));
		break;
	case IOASIDCTL_SH_GET:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_get(c, cmd->a));
		break;
	case IOASIDCTL_SH_PUT:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_put(c, cmd->a));
		break;
	case IOASIDCTL_SH_SPID_ATTACH:
		ioasidctl_answer_result(
			ans, cmd, ioasid_client_spid_attach(c, cmd->a, cmd->b));
		break;
	case IOASIDCTL_SH_SPID_DETACH:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_spid_detach(c, cmd->a));
		break;
	case IOASIDCTL_SH_SPID_FIND:
		exec_find(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_INFO:
		exec_info(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_EXPORT:
		exec_export(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_IMPORT:
		exec_import(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_SUBSCRIBE:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_subscribe(c, cmd->a));
		break;
	case IOASIDCTL_SH_QUOTA:
		ioasidctl_answer_result(
			ans, cmd,
			ioasid_client_quota_set(c, (pid_t)cmd->a, cmd->b));
		break;
	case IOASIDCTL_SH_RECLAIM:
		exec_reclaim(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_HELP:
		exec_help(cmd, ans);
		break;
	case IOASIDCTL_SH_QUIT:
		sh->quit = true;
		break;
	case IOASIDCTL_SH_MAP:
	case IOASIDCTL_SH_UNMAP:
	case IOASIDCTL_SH_READ:
	case IOASIDCTL_SH_WRITE:
		ioasidctl_shell_dma(sh, cmd, ans);
		break;
	default: /* groups, containers, translate, faults */
		ioasidctl_shell_iommu(sh, cmd, ans);
		break;
	}
}

void ioasidctl_answer_release(struct ioasidctl_answer *ans)
{
	free(ans->ids);
	ans->ids = NULL;
	for (size_t i = 0; i < ans->nheap; i++)
		free(ans->heap[i]);
	ans->nheap = 0;
}
