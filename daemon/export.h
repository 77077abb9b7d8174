/* SPDX-License-Identifier: MIT */
/*
 * daemon/export.h - descriptors that carry the right to one PASID.
 *
 * EXPORT creates a memfd in the daemon and sends the client a copy. The
 * daemon keeps its own copy open, so the memfd's inode cannot be freed and
 * its (st_dev, st_ino) cannot be reused while the export lives: that pair
 * is the export's unforgeable name. IMPORT fstat()s the descriptor it
 * receives and looks the pair up. A PASID number alone never names an
 * export. An export ends when its ID is freed by its owner or when the
 * exporting handle closes; descriptors still held by clients then name
 * nothing (-ENOENT on import).
 */
#ifndef IOASIDD_EXPORT_H
#define IOASIDD_EXPORT_H

#include <stdint.h>
#include <sys/types.h>

#include <ioasid/core.h>

struct ioasidd;
struct session;

struct ioasidd_export {
	int fd; /* the daemon's copy of the memfd */
	dev_t dev;
	ino_t ino;
	ioasid_t id;
	struct session *owner;
	struct ioasidd_export *next; /* in owner's list */
};

/*
 * ioasid__export_new - export s's ACTIVE id; *fdp is the daemon's copy to
 * send (it stays owned by the export). Errors: -EDQUOT the handle has
 * max_exports exports; -ENOMEM; -errno from memfd_create/fstat.
 */
int ioasid__export_new(struct ioasidd *d, struct session *s, ioasid_t id,
		       int *fdp);

/*
 * ioasid__export_lookup - the export that fd names.
 * Errors: -EBADF fstat() refuses fd; -ENOENT it names no live export.
 */
int ioasid__export_lookup(struct ioasidd *d, int fd,
			  struct ioasidd_export **ep);

/* ioasid__export_drop_id - end every export of id (its owner freed it). */
void ioasid__export_drop_id(struct ioasidd *d, ioasid_t id);

/* ioasid__export_drop_all - end every export of a closing handle. */
void ioasid__export_drop_all(struct ioasidd *d, struct session *owner);

#endif /* IOASIDD_EXPORT_H */
