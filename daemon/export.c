// SPDX-License-Identifier: MIT
/*
 * Exported PASID rights (see export.h).
 *
 * Exports live in two places: the owner handle's list (to end them all at
 * close) and the daemon's map from inode number to export (to find one at
 * import; the device number is compared after the lookup). Each export
 * keeps the daemon's memfd open: that pins the inode, so no other file can
 * come to carry the same (st_dev, st_ino) while the export exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "ioasidd.h"
#include "session.h"
#include "util/alloc.h"

static int memfd_open(int *fdp, struct stat *st)
{
	int fd = memfd_create("ioasid-export", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	/* Nobody may write to it or resize it: it carries no data. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
					   F_SEAL_WRITE) ||
	    fstat(fd, st)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	*fdp = fd;
	return 0;
}

int ioasid__export_new(struct ioasidd *d, struct session *s, ioasid_t id,
		       int *fdp)
{
	struct ioasidd_export *e;
	struct stat st;
	int ret;

	if (s->nr_exports >= d->cfg.max_exports)
		return -EDQUOT;
	e = ioasid__calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	ret = ioasid__hmap_reserve(&d->exports, 1);
	if (ret)
		goto free_export;
	ret = memfd_open(&e->fd, &st);
	if (ret)
		goto free_export;
	*e = (struct ioasidd_export){
		.fd = e->fd, .dev = st.st_dev, .ino = st.st_ino,
		.id = id, .owner = s, .next = s->exports,
	};
	/* Cannot fail: room was reserved above. */
	(void)ioasid__hmap_put(&d->exports, (uint64_t)st.st_ino,
			       (uint64_t)(uintptr_t)e);
	s->exports = e;
	s->nr_exports++;
	d->slots[id].exports++;
	*fdp = e->fd;
	return 0;
free_export:
	ioasid__free(e);
	return ret;
}

int ioasid__export_lookup(struct ioasidd *d, int fd, struct ioasidd_export **ep)
{
	struct ioasidd_export *e;
	struct stat st;
	uint64_t *v;

	if (fstat(fd, &st))
		return -EBADF;
	v = ioasid__hmap_find(&d->exports, (uint64_t)st.st_ino);
	if (!v)
		return -ENOENT;
	e = (struct ioasidd_export *)(uintptr_t)*v;
	if (e->dev != st.st_dev)
		return -ENOENT;
	*ep = e;
	return 0;
}

static void export_destroy(struct ioasidd *d, struct ioasidd_export *e)
{
	ioasid__hmap_del(&d->exports, (uint64_t)e->ino);
	d->slots[e->id].exports--;
	e->owner->nr_exports--;
	close(e->fd);
	ioasid__free(e);
}

/* drop_matching - end the exports of owner's list that match id (or all). */
static void drop_matching(struct ioasidd *d, struct session *owner,
			  bool all, ioasid_t id)
{
	struct ioasidd_export **link = &owner->exports;

	while (*link) {
		struct ioasidd_export *e = *link;

		if (all || e->id == id) {
			*link = e->next;
			export_destroy(d, e);
		} else {
			link = &e->next;
		}
	}
}

void ioasid__export_drop_id(struct ioasidd *d, ioasid_t id)
{
	struct session *owner = NULL;
	struct hmap_entry *en;
	size_t cursor = 0;

	/* Exports of one ID all belong to its owner's handle: find it once. */
	while ((en = ioasid__hmap_next(&d->exports, &cursor))) {
		struct ioasidd_export *e = (void *)(uintptr_t)en->val;

		if (e->id == id) {
			owner = e->owner;
			break;
		}
		cursor++;
	}
	if (owner)
		drop_matching(d, owner, false, id);
}

void ioasid__export_drop_all(struct ioasidd *d, struct session *owner)
{
	drop_matching(d, owner, true, 0);
}
