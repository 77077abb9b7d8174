// SPDX-License-Identifier: MIT
/*
 * The sysfs-style export of the platform's groups (layout in
 * ioasid/iommu/sysfs.h).
 *
 * Export runs in two phases: a snapshot of groups and devices taken under
 * the platform lock (plain memory, so the sweeps can fail any allocation
 * of it), then the file-system writes with no lock held. A failed write
 * removes the two trees the export created, and root/kernel and root
 * itself if the export made them, so a failed export leaves the file
 * system as it found it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ioasid/iommu/sysfs.h>

#include "iommu/platform_internal.h"
#include "util/alloc.h"

struct snap_dev {
	char *path; /* "[PARENT/]NAME", relative to root/devices */
	char *link; /* link name in the group, NULL if in none */
	int group; /* group ID or -1 */
};

struct snap_group {
	unsigned int id;
	char *name; /* NULL if unnamed */
	enum ioasid_group_type type;
	unsigned int nr_resv;
	struct ioasid_iova_range *resv; /* sorted, merged */
};

struct snapshot {
	struct snap_group *groups;
	unsigned int nr_groups;
	struct snap_dev *devs;
	unsigned int nr_devs;
};

static void snapshot_free(struct snapshot *s)
{
	for (unsigned int i = 0; i < s->nr_groups; i++) {
		ioasid__free(s->groups[i].name);
		ioasid__free(s->groups[i].resv);
	}
	for (unsigned int i = 0; i < s->nr_devs; i++) {
		ioasid__free(s->devs[i].path);
		ioasid__free(s->devs[i].link);
	}
	ioasid__free(s->groups);
	ioasid__free(s->devs);
}

static char *device_path_dup(const struct ioasid_device *dev)
{
	char buf[3 * IOASID_NAME_MAX + 2];

	if (dev->parent)
		snprintf(buf, sizeof(buf), "%s/%s", dev->parent, dev->name);
	else
		snprintf(buf, sizeof(buf), "%s", dev->name);
	return ioasid__strdup(buf);
}

static int range_cmp(const void *a, const void *b)
{
	const struct ioasid_iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort and merge overlapping or adjacent ranges in place; returns the new
 * count. */
static unsigned int ranges_merge(struct ioasid_iova_range *r, unsigned int nr)
{
	unsigned int out = 0;

	if (!nr)
		return 0;
	qsort(r, nr, sizeof(*r), range_cmp);
	for (unsigned int i = 1; i < nr; i++) {
		if (r[out].last != UINT64_MAX && r[i].start <= r[out].last + 1) {
			if (r[i].last > r[out].last)
				r[out].last = r[i].last;
		} else {
			r[++out] = r[i];
		}
	}
	return out + 1;
}

/* Does an earlier device of g (before stop) sit on the same IOMMU? */
static bool group_iommu_seen(struct ioasid_group *g, struct ioasid_device *stop)
{
	struct ioasid_device *dev;

	cds_list_for_each_entry(dev, &g->devices, group_node) {
		if (dev == stop)
			return false;
		if (dev->iommu == stop->iommu)
			return true;
	}
	return false;
}

/* The reserved ranges of the IOMMUs of the group's devices. */
static int snap_group_resv(struct ioasid_group *g, struct snap_group *sg)
{
	const struct ioasid_iommu_caps *caps;
	struct ioasid_device *dev;
	unsigned int nr = 0;

	cds_list_for_each_entry(dev, &g->devices, group_node)
		if (!group_iommu_seen(g, dev))
			nr += ioasid_iommu_caps(dev->iommu)->nr_reserved;
	if (!nr)
		return 0;
	sg->resv = ioasid__calloc(nr, sizeof(*sg->resv));
	if (!sg->resv)
		return -ENOMEM;
	cds_list_for_each_entry(dev, &g->devices, group_node) {
		if (group_iommu_seen(g, dev))
			continue;
		caps = ioasid_iommu_caps(dev->iommu);
		for (unsigned int i = 0; i < caps->nr_reserved; i++)
			sg->resv[sg->nr_resv++] = caps->reserved[i];
	}
	sg->nr_resv = ranges_merge(sg->resv, sg->nr_resv);
	return 0;
}

static int snap_add_device(struct snapshot *s, struct ioasid_device *dev)
{
	struct snap_dev *sd = &s->devs[s->nr_devs];

	sd->group = dev->group ? (int)dev->group->id : -1;
	sd->path = device_path_dup(dev);
	if (!sd->path)
		return -ENOMEM;
	if (dev->group) {
		sd->link = ioasid__strdup(dev->link_name);
		if (!sd->link) {
			ioasid__free(sd->path);
			return -ENOMEM;
		}
	}
	s->nr_devs++;
	return 0;
}

static int snap_add_group(struct snapshot *s, struct ioasid_group *g)
{
	struct snap_group *sg = &s->groups[s->nr_groups];
	int ret;

	sg->id = g->id;
	sg->type = g->type;
	if (g->name) {
		sg->name = ioasid__strdup(g->name);
		if (!sg->name)
			return -ENOMEM;
	}
	ret = snap_group_resv(g, sg);
	if (ret) {
		ioasid__free(sg->name);
		return ret;
	}
	s->nr_groups++;
	return 0;
}

static int snapshot_take_locked(struct ioasid_platform *p, struct snapshot *s)
{
	struct ioasid_device *dev;
	int ret = 0;

	s->groups = ioasid__calloc(p->nr_groups + 1, sizeof(*s->groups));
	s->devs = ioasid__calloc(p->nr_devices + 1, sizeof(*s->devs));
	if (!s->groups || !s->devs)
		return -ENOMEM;
	for (unsigned int id = 0; id < p->nr_slots && !ret; id++)
		if (p->groups[id])
			ret = snap_add_group(s, p->groups[id]);
	for (unsigned int id = 0; id < p->nr_slots && !ret; id++) {
		if (!p->groups[id])
			continue;
		cds_list_for_each_entry(dev, &p->groups[id]->devices, group_node)
			if (!ret)
				ret = snap_add_device(s, dev);
	}
	cds_list_for_each_entry(dev, &p->devices, node)
		if (!ret && !dev->group)
			ret = snap_add_device(s, dev);
	return ret;
}

/* ------------------------------------------------------------------------
 * Writing
 */

static int path_join(char *buf, const char *a, const char *b)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", a, b);

	return n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static int path_join3(char *buf, const char *a, const char *b, const char *c)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s/%s", a, b, c);

	return n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	size_t len = strlen(text), done = 0;
	int fd, ret = path_join(path, dir, name);

	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0) {
			ret = -errno;
			break;
		}
		done += (size_t)n;
	}
	close(fd);
	return ret;
}

static int make_dir(const char *path)
{
	return mkdir(path, 0755) ? -errno : 0;
}

/* mkdir -p of rel under base (base exists). */
static int make_dirs(const char *base, const char *rel)
{
	char path[PATH_MAX];
	int ret = path_join(path, base, rel);
	size_t start = strlen(base) + 1;

	if (ret)
		return ret;
	for (char *c = path + start;; c++) {
		if (*c != '/' && *c)
			continue;
		char saved = *c;

		*c = '\0';
		ret = make_dir(path);
		*c = saved;
		if (ret && ret != -EEXIST)
			return ret;
		if (!saved)
			return 0;
	}
}

static const char *resv_type_name(const struct ioasid_iova_range *r)
{
	if (r->start == IOASID_MSI_WINDOW_START && r->last == IOASID_MSI_WINDOW_LAST)
		return "msi";
	return "reserved";
}

static int write_resv(const char *dir, const struct snap_group *sg)
{
	size_t cap = (size_t)sg->nr_resv * 64 + 1, len = 0;
	char *text = ioasid__malloc(cap);
	int ret;

	if (!text)
		return -ENOMEM;
	text[0] = '\0';
	for (unsigned int i = 0; i < sg->nr_resv; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"0x%016llx 0x%016llx %s\n",
					(unsigned long long)sg->resv[i].start,
					(unsigned long long)sg->resv[i].last,
					resv_type_name(&sg->resv[i]));
	ret = write_file(dir, "reserved_regions", text);
	ioasid__free(text);
	return ret;
}

static int write_group_link(const char *gdir, const struct snap_dev *sd)
{
	char link[PATH_MAX], target[PATH_MAX];
	int ret = path_join3(link, gdir, "devices", sd->link);

	if (ret)
		return ret;
	if (snprintf(target, sizeof(target), "../../../../devices/%s",
		     sd->path) >= (int)sizeof(target))
		return -ENAMETOOLONG;
	return symlink(target, link) ? -errno : 0;
}

static int write_group(const char *groups_dir, const struct snap_group *sg,
		       const struct snapshot *s)
{
	char dir[PATH_MAX], sub[PATH_MAX], text[IOASID_NAME_MAX + 2];
	int ret;

	snprintf(text, sizeof(text), "%u", sg->id);
	ret = path_join(dir, groups_dir, text);
	if (!ret)
		ret = make_dir(dir);
	if (!ret)
		ret = path_join(sub, dir, "devices");
	if (!ret)
		ret = make_dir(sub);
	snprintf(text, sizeof(text), "%s\n", ioasid_group_type_name(sg->type));
	if (!ret)
		ret = write_file(dir, "type", text);
	snprintf(text, sizeof(text), "%s\n", sg->name ? sg->name : "");
	if (!ret && sg->name)
		ret = write_file(dir, "name", text);
	if (!ret)
		ret = write_resv(dir, sg);
	for (unsigned int i = 0; i < s->nr_devs && !ret; i++)
		if (s->devs[i].group == (int)sg->id)
			ret = write_group_link(dir, &s->devs[i]);
	return ret;
}

/* root/devices/PATH/ and its iommu_group link back to the group. */
static int write_device(const char *devices_dir, const struct snap_dev *sd)
{
	char link[PATH_MAX], target[PATH_MAX] = "";
	int ret = make_dirs(devices_dir, sd->path);
	size_t len = 0;

	if (ret || sd->group < 0)
		return ret;
	/* One "../" for devices/ and one per component of the path. */
	for (const char *c = sd->path;; c++) {
		if (*c == '/' || !*c)
			len += (size_t)snprintf(target + len, sizeof(target) - len, "../");
		if (!*c)
			break;
	}
	if (snprintf(target + len, sizeof(target) - len,
		     "../kernel/iommu_groups/%d", sd->group) >=
	    (int)(sizeof(target) - len))
		return -ENAMETOOLONG;
	ret = path_join3(link, devices_dir, sd->path, "iommu_group");
	if (ret)
		return ret;
	return symlink(target, link) ? -errno : 0;
}

/* What export_write() made that was not there before, for undoing it. */
struct export_made {
	bool root;
	bool kernel;
};

/* mkdir that tells whether it made the directory; an existing one is fine. */
static int make_dir_if_missing(const char *path, bool *made)
{
	int ret = make_dir(path);

	*made = !ret;
	return ret == -EEXIST ? 0 : ret;
}

static int remove_tree(const char *path);

/* Remove what a failed export made, and nothing the caller had before. */
static void export_undo(const char *root, const char *kernel,
			const char *groups, const char *devices,
			const struct export_made *made)
{
	remove_tree(groups);
	remove_tree(devices);
	if (made->kernel)
		rmdir(kernel);
	if (made->root)
		rmdir(root);
}

static int export_write(const char *root, const struct snapshot *s)
{
	char kernel[PATH_MAX], groups[PATH_MAX], devices[PATH_MAX];
	struct export_made made = { false, false };
	int ret = path_join(kernel, root, "kernel");

	if (!ret)
		ret = path_join(groups, kernel, "iommu_groups");
	if (!ret)
		ret = path_join(devices, root, "devices");
	if (ret)
		return ret;
	/* A previous export is the caller's: refuse it without touching it. */
	if (!access(groups, F_OK) || !access(devices, F_OK))
		return -EEXIST;
	/* From here on, a failure removes what was created. */
	ret = make_dir_if_missing(root, &made.root);
	if (!ret)
		ret = make_dir_if_missing(kernel, &made.kernel);
	if (!ret)
		ret = make_dir(groups);
	if (!ret)
		ret = make_dir(devices);
	for (unsigned int i = 0; i < s->nr_groups && !ret; i++)
		ret = write_group(groups, &s->groups[i], s);
	for (unsigned int i = 0; i < s->nr_devs && !ret; i++)
		ret = write_device(devices, &s->devs[i]);
	if (ret)
		export_undo(root, kernel, groups, devices, &made);
	return ret;
}

int ioasid_sysfs_export(struct ioasid_platform *p, const char *root)
{
	struct snapshot s = { 0 };
	int ret;

	if (!root || !root[0])
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	ret = snapshot_take_locked(p, &s);
	pthread_mutex_unlock(&p->lock);
	if (!ret)
		ret = export_write(root, &s);
	snapshot_free(&s);
	return ret;
}

/* ------------------------------------------------------------------------
 * Removal
 */

/* nftw callback: returns a positive errno to stop the walk. */
static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	return remove(path) ? errno : 0;
}

static int remove_tree(const char *path)
{
	int ret;

	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	ret = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (ret == -1)
		return -errno; /* nftw itself failed */
	return -ret;
}

int ioasid_sysfs_remove(const char *root)
{
	char kernel[PATH_MAX], path[PATH_MAX];
	int ret;

	if (!root || !root[0])
		return -EINVAL;
	ret = path_join(kernel, root, "kernel");
	if (!ret)
		ret = path_join(path, kernel, "iommu_groups");
	if (!ret)
		ret = remove_tree(path);
	if (!ret)
		ret = path_join(path, root, "devices");
	if (!ret)
		ret = remove_tree(path);
	if (!ret && rmdir(kernel) && errno != ENOENT && errno != ENOTEMPTY &&
	    errno != EEXIST)
		ret = -errno;
	return ret;
}
