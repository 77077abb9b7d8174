// SPDX-License-Identifier: MIT
/*
 * ioasidctl host-groups [--sysfs-root DIR]: the real machine's IOMMU groups.
 *
 * No daemon is involved: the listing is read from DIR/kernel/iommu_groups
 * (DIR defaults to /sys) by libioasid's host reader,
 * ioasid_host_groups_read() of ioasid/iommu/sysfs.h, which is why
 * ioasidctl links libioasid as well as libioasid-client. --sysfs-root lets
 * a fixture tree play /sys.
 *
 * Plain output is a table, one row per group: ID, type, name, the device
 * link names (comma-separated) and the reserved IOVA regions
 * ("START-LAST:TYPE", comma-separated). JSON is an array of objects whose
 * devices and reserved regions are arrays of objects, so nothing is lost
 * to the comma joining (device link targets are only in JSON).
 *
 * A machine without the directory (no IOMMU, the IOMMU disabled, no sysfs)
 * is an operation that failed: the reader's sentence naming the path goes
 * to stderr with ENOENT, and the exit status is 1. An empty directory (the
 * IOMMU core is there but no IOMMU driver registered a group) is an empty
 * listing, exit status 0, with a note on stderr saying so.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/iommu/sysfs.h>

#include "ioasidctl.h"
#include "output.h"

#define HOST_COLS 5

/* The strings of one plain row, joined by open_memstream. */
struct row_text {
	char *devices;
	char *resv;
};

static int devices_join(const struct ioasid_host_group *g, char **out)
{
	size_t len;
	FILE *m = open_memstream(out, &len);

	if (!m)
		return -ENOMEM;
	for (unsigned int i = 0; i < g->nr_devices; i++)
		fprintf(m, "%s%s", i ? "," : "", g->devices[i].name);
	if (g->nr_devices == 0)
		fputc('-', m);
	return fclose(m) ? -ENOMEM : 0;
}

static int resv_join(const struct ioasid_host_group *g, char **out)
{
	size_t len;
	FILE *m = open_memstream(out, &len);

	if (!m)
		return -ENOMEM;
	for (unsigned int i = 0; i < g->nr_resv; i++)
		fprintf(m, "%s0x%" PRIx64 "-0x%" PRIx64 ":%s", i ? "," : "",
			g->resv[i].start, g->resv[i].last, g->resv[i].type);
	if (g->nr_resv == 0)
		fputc('-', m);
	return fclose(m) ? -ENOMEM : 0;
}

static void texts_free(struct row_text *t, unsigned int n)
{
	for (unsigned int i = 0; t && i < n; i++) {
		free(t[i].devices);
		free(t[i].resv);
	}
	free(t);
}

static void row_fill(struct ioasidctl_field *row,
		     const struct ioasid_host_group *g, const struct row_text *t)
{
	const struct ioasidctl_field r[HOST_COLS] = {
		IOASIDCTL_F_U64("group", g->id),
		IOASIDCTL_F_STR("type", g->type ? g->type : "-"),
		IOASIDCTL_F_STR("name", g->name ? g->name : "-"),
		IOASIDCTL_F_STR("devices", t->devices),
		IOASIDCTL_F_STR("reserved", t->resv),
	};

	for (int i = 0; i < HOST_COLS; i++)
		row[i] = r[i];
}

static int print_plain(const struct ioasid_host_groups *hg)
{
	static const struct ioasid_host_group none;
	static const struct row_text none_text = { "", "" };
	struct ioasidctl_field *cells;
	struct row_text *t;
	int r = 0;

	t = calloc(hg->nr + 1, sizeof(*t));
	cells = calloc((hg->nr + 1) * HOST_COLS, sizeof(*cells));
	if (!t || !cells) {
		r = -ENOMEM;
		goto free_all;
	}
	for (unsigned int i = 0; i < hg->nr && r == 0; i++) {
		r = devices_join(&hg->groups[i], &t[i].devices);
		if (r == 0)
			r = resv_join(&hg->groups[i], &t[i].resv);
		if (r == 0)
			row_fill(cells + i * HOST_COLS, &hg->groups[i], &t[i]);
	}
	if (r == 0 && hg->nr == 0) /* the header still needs the keys */
		row_fill(cells, &none, &none_text);
	if (r == 0)
		ioasidctl_print_table(stdout, false, cells, hg->nr, HOST_COLS);
free_all:
	free(cells);
	texts_free(t, hg->nr + 1);
	return r;
}

/* A JSON string, or null for NULL. */
static void json_str_or_null(FILE *f, const char *s)
{
	if (s)
		ioasidctl_json_string(f, s);
	else
		fputs("null", f);
}

static void group_json(FILE *f, const struct ioasid_host_group *g)
{
	fprintf(f, "{\"group\":%u,\"type\":", g->id);
	json_str_or_null(f, g->type);
	fputs(",\"name\":", f);
	json_str_or_null(f, g->name);
	fputs(",\"devices\":[", f);
	for (unsigned int i = 0; i < g->nr_devices; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		ioasidctl_json_string(f, g->devices[i].name);
		fputs(",\"target\":", f);
		json_str_or_null(f, g->devices[i].target);
		fputc('}', f);
	}
	fputs("],\"reserved\":[", f);
	for (unsigned int i = 0; i < g->nr_resv; i++) {
		fprintf(f, "%s{\"start\":%" PRIu64 ",\"last\":%" PRIu64
			   ",\"type\":", i ? "," : "", g->resv[i].start,
			g->resv[i].last);
		ioasidctl_json_string(f, g->resv[i].type);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void print_json(const struct ioasid_host_groups *hg)
{
	fputc('[', stdout);
	for (unsigned int i = 0; i < hg->nr; i++) {
		if (i)
			fputc(',', stdout);
		group_json(stdout, &hg->groups[i]);
	}
	fputs("]\n", stdout);
}

/* --sysfs-root DIR or --sysfs-root=DIR; root stays NULL without it. */
static int args_parse(int argc, char **argv, const char **root)
{
	static const char opt[] = "--sysfs-root";
	size_t len = sizeof(opt) - 1;

	*root = NULL;
	for (int i = 1; i < argc; i++) {
		if (*root || strncmp(argv[i], opt, len) != 0)
			return ioasidctl_usage_error("host-groups: usage: "
						     "host-groups [--sysfs-root DIR]");
		if (argv[i][len] == '=')
			*root = argv[i] + len + 1;
		else if (argv[i][len] == '\0' && i + 1 < argc)
			*root = argv[++i];
		else
			return ioasidctl_usage_error("host-groups: --sysfs-root "
						     "needs a directory");
		if (**root == '\0')
			return ioasidctl_usage_error("host-groups: --sysfs-root "
						     "needs a directory");
	}
	return IOASIDCTL_OK;
}

/* The errno's name; file-system errnos outside ioasid/error.h's table
 * (ENOTDIR, ELOOP, ...) are named by libc. */
static const char *err_name(int err)
{
	const char *name = ioasid_errname(err);

	if (strcmp(name, "EUNKNOWN") == 0 && strerrorname_np(-err))
		name = strerrorname_np(-err);
	return name;
}

int ioasidctl_host_groups(const struct ioasidctl_opts *o, int argc, char **argv)
{
	struct ioasid_host_groups *hg;
	const char *root;
	char msg[512];
	int r;

	r = args_parse(argc, argv, &root);
	if (r)
		return r;
	r = ioasid_host_groups_read(root, &hg, msg, sizeof(msg));
	if (r < 0) {
		fprintf(stderr, "ioasidctl: host-groups: %s: %s\n",
			err_name(r), msg[0] ? msg : strerror(-r));
		return IOASIDCTL_FAILED;
	}
	if (hg->nr == 0) /* an empty listing is a fact, but say what it means */
		fprintf(stderr, "ioasidctl: host-groups: %s/kernel/iommu_groups "
			"lists no group: no IOMMU driver registered a group on "
			"this machine\n", root ? root : IOASID_SYSFS_ROOT_DEFAULT);
	if (o->json)
		print_json(hg);
	else
		r = print_plain(hg);
	ioasid_host_groups_free(hg);
	return r < 0 ? ioasidctl_fail("host-groups", r) : IOASIDCTL_OK;
}
