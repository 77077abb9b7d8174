// SPDX-License-Identifier: MIT
/*
 * The shell's IOMMU commands: group claim/release, the container commands,
 * translate and faults (docs/cli.md, "IOMMU commands"). Each is one client
 * call (ioasid/client.h) and one answer line. Addresses and sizes are
 * answered in hexadecimal (JSON: numbers); access rights as r, w or rw.
 *
 * Answers with lists (a container's page sizes and usable ranges, the
 * faults read) are preformatted TEXT fields: a comma- or space-separated
 * list in plain output, a JSON array in JSON, both built here with
 * open_memstream and owned by the answer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

/* Faults one `faults` command reads at most; the rest wait for the next. */
#define FAULTS_PER_COMMAND 64

static const char *access_name(uint32_t a)
{
	switch (a & (IOASID_CLIENT_DMA_READ | IOASID_CLIENT_DMA_WRITE)) {
	case IOASID_CLIENT_DMA_READ:
		return "r";
	case IOASID_CLIENT_DMA_WRITE:
		return "w";
	case IOASID_CLIENT_DMA_READ | IOASID_CLIENT_DMA_WRITE:
		return "rw";
	}
	return "-";
}

static const char *reason_name(enum ioasid_fault_reason r)
{
	switch (r) {
	case IOASID_FAULT_UNMAPPED:
		return "unmapped";
	case IOASID_FAULT_PERMISSION:
		return "permission";
	case IOASID_FAULT_BLOCKED:
		return "blocked";
	case IOASID_FAULT_RESERVED:
		return "reserved";
	case IOASID_FAULT_NO_DOMAIN:
		return "no-domain";
	}
	return "unknown";
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case IOASID_CLIENT_CONTAINER_TYPE1V2:
		return "type1";
	case IOASID_CLIENT_CONTAINER_SPAPR_TCE:
		return "spapr";
	}
	return "unknown";
}

static void add(struct ioasidctl_answer *ans, struct ioasidctl_field f)
{
	ioasidctl_answer_named(ans, f);
}

/* ---- preformatted lists ---- */

/* Two growing strings: the plain and the JSON form of one list. */
struct text {
	FILE *plain, *json;
	char *pbuf, *jbuf;
	size_t plen, jlen;
};

static int text_open(struct text *t)
{
	memset(t, 0, sizeof(*t));
	t->plain = open_memstream(&t->pbuf, &t->plen);
	t->json = open_memstream(&t->jbuf, &t->jlen);
	return t->plain && t->json ? 0 : -ENOMEM;
}

/* Close both streams; hand the strings to ans as field key (plain
 * key=... when named). Returns 0 or -ENOMEM (nothing added). */
static int text_close(struct text *t, struct ioasidctl_answer *ans,
		      const char *key, bool named)
{
	struct ioasidctl_field f;
	int r = 0;

	if (t->plain && fclose(t->plain))
		r = -ENOMEM;
	if (t->json && fclose(t->json))
		r = -ENOMEM;
	if (r == 0 && (!t->pbuf || !t->jbuf))
		r = -ENOMEM;
	if (r < 0) {
		free(t->pbuf);
		free(t->jbuf);
		return r;
	}
	f = (struct ioasidctl_field)IOASIDCTL_F_TEXT(
		key, ioasidctl_answer_keep(ans, t->pbuf),
		ioasidctl_answer_keep(ans, t->jbuf));
	if (!f.s || !f.json)
		return -ENOMEM;
	f.named = named;
	ioasidctl_answer_add(ans, f);
	return 0;
}

/* ---- groups ---- */

static void exec_claim(struct ioasidctl_shell *sh,
		       const struct ioasidctl_shell_cmd *cmd,
		       struct ioasidctl_answer *ans)
{
	unsigned int flags = cmd->flag ? IOASID_CLIENT_CLAIM_DETACH_DRIVERS : 0;

	ioasidctl_answer_result(ans, cmd,
				ioasid_client_group_claim(sh->c, cmd->a, flags));
}

/* ---- containers ---- */

static void exec_container_new(struct ioasidctl_shell *sh,
			       const struct ioasidctl_shell_cmd *cmd,
			       struct ioasidctl_answer *ans)
{
	uint32_t id;
	int r = ioasid_client_container_create(sh->c, cmd->a, &id);

	if (r < 0)
		ioasidctl_answer_fail(ans, cmd, r);
	else
		ioasidctl_answer_add(ans, (struct ioasidctl_field)
				     IOASIDCTL_F_U64("id", id));
}

/*
 * After a group left a container: if that released the IOMMU model (the
 * last group), the daemon dropped every mapping, and so does the shell.
 */
static void after_detach(struct ioasidctl_shell *sh, uint32_t container)
{
	struct ioasid_client_container_info info;

	if (ioasid_client_container_info(sh->c, container, &info) == 0 &&
	    info.nr_groups == 0)
		ioasidctl_dma_forget(sh, container, 0, 0, true);
}

static void exec_container_detach(struct ioasidctl_shell *sh,
				  const struct ioasidctl_shell_cmd *cmd,
				  struct ioasidctl_answer *ans)
{
	int r = ioasid_client_container_detach_group(sh->c, cmd->a, cmd->b);

	if (r < 0) {
		ioasidctl_answer_fail(ans, cmd, r);
		return;
	}
	after_detach(sh, cmd->a);
}

static void exec_container_destroy(struct ioasidctl_shell *sh,
				   const struct ioasidctl_shell_cmd *cmd,
				   struct ioasidctl_answer *ans)
{
	int r = ioasid_client_container_destroy(sh->c, cmd->a);

	if (r < 0) {
		ioasidctl_answer_fail(ans, cmd, r);
		return;
	}
	ioasidctl_dma_forget(sh, cmd->a, 0, 0, true);
}

/* Page sizes: "4K,2M,1G" / [4096,2097152,1073741824]. */
static int info_pgsizes(struct ioasidctl_answer *ans, uint64_t pgsizes)
{
	static const char unit[] = "KMGTPE";
	struct text t;
	bool first = true;

	if (text_open(&t) < 0)
		return text_close(&t, ans, "pgsizes", true);
	fputc('[', t.json);
	for (unsigned int b = 10; b < 64; b++) {
		if (!(pgsizes & (1ull << b)))
			continue;
		fprintf(t.plain, "%s%llu%c", first ? "" : ",",
			1ull << (b % 10), unit[b / 10 - 1]);
		fprintf(t.json, "%s%llu", first ? "" : ",", 1ull << b);
		first = false;
	}
	fputc(']', t.json);
	return text_close(&t, ans, "pgsizes", true);
}

/* Usable ranges: "0x0-0xfedfffff,..." / [{"start":0,"last":...},...]. */
static int info_ranges(struct ioasidctl_answer *ans,
		       const struct ioasid_client_container_info *info)
{
	uint32_t n = info->nr_iova_ranges < IOASID_CLIENT_IOVA_RANGES_MAX ?
			     info->nr_iova_ranges : IOASID_CLIENT_IOVA_RANGES_MAX;
	struct text t;

	if (text_open(&t) < 0)
		return text_close(&t, ans, "ranges", true);
	fputc('[', t.json);
	for (uint32_t i = 0; i < n; i++) {
		const struct ioasid_client_iova_range *rg = &info->iova_ranges[i];

		fprintf(t.plain, "%s0x%" PRIx64 "-0x%" PRIx64, i ? "," : "",
			rg->start, rg->last);
		fprintf(t.json, "%s{\"start\":%" PRIu64 ",\"last\":%" PRIu64 "}",
			i ? "," : "", rg->start, rg->last);
	}
	if (n == 0)
		fputc('-', t.plain);
	fputc(']', t.json);
	return text_close(&t, ans, "ranges", true);
}

/* The SPAPR window: "0x0-0x7fffffff" / {"start":0,"last":2147483647}. */
static int info_window(struct ioasidctl_answer *ans,
		       const struct ioasid_client_container_info *info)
{
	uint64_t start = info->dma32_window_start;
	uint64_t last = start + info->dma32_window_size - 1;
	struct text t;

	if (text_open(&t) < 0)
		return text_close(&t, ans, "window", true);
	fprintf(t.plain, "0x%" PRIx64 "-0x%" PRIx64, start, last);
	fprintf(t.json, "{\"start\":%" PRIu64 ",\"last\":%" PRIu64 "}", start,
		last);
	return text_close(&t, ans, "window", true);
}

/* The fields GET_INFO says are valid. */
static int info_valid_fields(struct ioasidctl_answer *ans,
			     const struct ioasid_client_container_info *info)
{
	int r = 0;

	if (info->flags & IOASID_CLIENT_CONTAINER_PGSIZES)
		r = info_pgsizes(ans, info->pgsizes);
	if (r == 0 && (info->flags & IOASID_CLIENT_CONTAINER_DMA_AVAIL))
		add(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("dma_avail",
								 info->dma_avail));
	if (r == 0 && (info->flags & IOASID_CLIENT_CONTAINER_IOVA_RANGES))
		r = info_ranges(ans, info);
	if (r == 0 && (info->flags & IOASID_CLIENT_CONTAINER_IOVA_RANGES) &&
	    info->nr_iova_ranges > IOASID_CLIENT_IOVA_RANGES_MAX)
		add(ans, (struct ioasidctl_field)IOASIDCTL_F_U64(
				 "ranges_total", info->nr_iova_ranges));
	if (r == 0 && (info->flags & IOASID_CLIENT_CONTAINER_DMA32_WINDOW))
		r = info_window(ans, info);
	return r;
}

static void exec_container_info(struct ioasidctl_shell *sh,
				const struct ioasidctl_shell_cmd *cmd,
				struct ioasidctl_answer *ans)
{
	struct ioasid_client_container_info info;
	int r = ioasid_client_container_info(sh->c, cmd->a, &info);

	if (r < 0) {
		ioasidctl_answer_fail(ans, cmd, r);
		return;
	}
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_STR("type", type_name(info.type)));
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("groups", info.nr_groups));
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("mappings", info.nr_mappings));
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_HEX("mapped", info.mapped_bytes));
	r = info_valid_fields(ans, &info);
	if (r < 0) {
		ans->n = 0;
		ioasidctl_answer_fail(ans, cmd, r);
	}
}

/* ---- translate and faults ---- */

static void answer_translation(struct ioasidctl_answer *ans,
			       const struct ioasid_client_translation *t)
{
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_HEX("offset", t->offset));
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_HEX("map_iova", t->map_iova));
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_HEX("map_size", t->map_length));
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_STR("prot", access_name(t->prot)));
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("container",
							 t->container_id));
}

static void exec_translate(struct ioasidctl_shell *sh,
			   const struct ioasidctl_shell_cmd *cmd,
			   struct ioasidctl_answer *ans)
{
	struct ioasid_client_translation t;
	int r;

	if (cmd->op == IOASIDCTL_SH_TRANSLATE_DEV)
		r = ioasid_client_translate_device(sh->c, cmd->a, cmd->c,
						   cmd->iova, cmd->access, &t);
	else
		r = ioasid_client_translate(sh->c, cmd->a, cmd->iova,
					    cmd->access, &t);
	if (r < 0)
		ioasidctl_answer_fail(ans, cmd, r);
	else
		answer_translation(ans, &t);
}

/* Faults: "DEV:PASID:IOVA:ACCESS:REASON ..." / [{"device":...},...]. */
static int faults_list(struct ioasidctl_answer *ans,
		       const struct ioasid_client_fault *fl, int n, bool json)
{
	struct text t;

	if (n == 0 && !json)
		return 0; /* plain: "ok count=0 lost=0", no trailing blank */
	if (text_open(&t) < 0)
		return text_close(&t, ans, "faults", false);
	fputc('[', t.json);
	for (int i = 0; i < n; i++) {
		fprintf(t.plain, "%s%" PRIu32 ":%" PRIu32 ":0x%" PRIx64 ":%s:%s",
			i ? " " : "", fl[i].device_id, fl[i].pasid, fl[i].addr,
			access_name(fl[i].access), reason_name(fl[i].reason));
		fprintf(t.json, "%s{\"device\":%" PRIu32 ",\"pasid\":%" PRIu32
				",\"iova\":%" PRIu64 ",\"access\":\"%s\","
				"\"reason\":\"%s\"}",
			i ? "," : "", fl[i].device_id, fl[i].pasid, fl[i].addr,
			access_name(fl[i].access), reason_name(fl[i].reason));
	}
	fputc(']', t.json);
	return text_close(&t, ans, "faults", false);
}

static void exec_faults(struct ioasidctl_shell *sh,
			const struct ioasidctl_shell_cmd *cmd,
			struct ioasidctl_answer *ans)
{
	struct ioasid_client_fault fl[FAULTS_PER_COMMAND];
	uint64_t lost = 0;
	int n = ioasid_client_fault_read(sh->c, cmd->a, fl, FAULTS_PER_COMMAND,
					 &lost);

	if (n < 0) {
		ioasidctl_answer_fail(ans, cmd, n);
		return;
	}
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("count", (uint64_t)n));
	add(ans, (struct ioasidctl_field)IOASIDCTL_F_U64("lost", lost));
	if (faults_list(ans, fl, n, sh->o->json) < 0) {
		ans->n = 0;
		ioasidctl_answer_fail(ans, cmd, -ENOMEM);
	}
}

void ioasidctl_shell_iommu(struct ioasidctl_shell *sh,
			   const struct ioasidctl_shell_cmd *cmd,
			   struct ioasidctl_answer *ans)
{
	struct ioasid_client *c = sh->c;

	switch (cmd->op) {
	case IOASIDCTL_SH_GROUP_CLAIM:
		exec_claim(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_GROUP_RELEASE:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_group_release(c, cmd->a));
		break;
	case IOASIDCTL_SH_CONTAINER_NEW:
		exec_container_new(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_CONTAINER_ATTACH:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_container_attach_group(
						c, cmd->a, cmd->b));
		break;
	case IOASIDCTL_SH_CONTAINER_DETACH:
		exec_container_detach(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_CONTAINER_ATTACH_PASID:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_container_attach_pasid(
						c, cmd->a, cmd->b, cmd->c));
		break;
	case IOASIDCTL_SH_CONTAINER_DETACH_PASID:
		ioasidctl_answer_result(ans, cmd,
					ioasid_client_container_detach_pasid(
						c, cmd->a, cmd->b, cmd->c));
		break;
	case IOASIDCTL_SH_CONTAINER_INFO:
		exec_container_info(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_CONTAINER_DESTROY:
		exec_container_destroy(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_TRANSLATE:
	case IOASIDCTL_SH_TRANSLATE_DEV:
		exec_translate(sh, cmd, ans);
		break;
	case IOASIDCTL_SH_FAULTS:
		exec_faults(sh, cmd, ans);
		break;
	default:
		ioasidctl_answer_fail(ans, cmd, -ENOTTY);
		break;
	}
}
