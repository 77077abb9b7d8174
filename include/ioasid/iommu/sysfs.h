/* SPDX-License-Identifier: MIT */
/*
 * ioasid/iommu/sysfs.h - the sysfs view of IOMMU groups: exporting the
 * platform's groups as the kernel lays them out, and reading the real
 * machine's.
 *
 * Layout (the kernel's, Documentation/ABI/testing/sysfs-kernel-iommu_groups),
 * under a root directory that plays /sys:
 *
 *   kernel/iommu_groups/N/                      one directory per group ID
 *   kernel/iommu_groups/N/devices/LINK          symlink to the device,
 *                            "../../../../devices/[PARENT/]NAME"
 *   kernel/iommu_groups/N/name                  "NAME\n", only if named
 *   kernel/iommu_groups/N/type                  "DMA\n", "identity\n", ...
 *   kernel/iommu_groups/N/reserved_regions      "0x%016llx 0x%016llx TYPE\n"
 *                                               per reserved IOVA range
 *   devices/[PARENT/]NAME/                      one directory per device
 *   devices/[PARENT/]NAME/iommu_group           symlink back to the group
 *
 * LINK is the device's link name in its group ("NAME" or "NAME.N").
 * Reserved ranges are those of the IOMMUs of the group's devices, sorted
 * and merged; the x86 MSI window reads "msi", others "reserved".
 *
 * Errors: 0 or a negative errno; nothing sets errno. File-system errors are
 * passed through as -errno (some, such as ENOTDIR or EROFS, have no entry
 * in ioasid/error.h's table).
 */
#ifndef IOASID_IOMMU_SYSFS_H
#define IOASID_IOMMU_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#include <ioasid/iommu/group.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Export
 */

/*
 * ioasid_sysfs_export - write a snapshot of the platform's groups and
 * devices under root (created if missing, parents must exist). The
 * snapshot is taken under the platform lock; the files are written after
 * it is dropped. root/kernel/iommu_groups and root/devices must not exist
 * yet. On failure everything the call created is removed again: the two
 * trees, and root/kernel and root if they did not exist before.
 * Errors: -EINVAL root NULL or empty; -EEXIST a previous export is there
 * (ioasid_sysfs_remove() it first); -ENOMEM; -errno from the file system.
 */
int ioasid_sysfs_export(struct ioasid_platform *p, const char *root);

/*
 * ioasid_sysfs_remove - delete root/kernel/iommu_groups and root/devices
 * with everything below them (symbolic links are removed, never followed),
 * and root/kernel if that leaves it empty. Missing parts are not an error.
 * Errors: -EINVAL root NULL or empty; -errno from the file system.
 */
int ioasid_sysfs_remove(const char *root);

/* ------------------------------------------------------------------------
 * Host reader
 */

#define IOASID_SYSFS_ROOT_DEFAULT "/sys"

struct ioasid_host_resv {
	uint64_t start;
	uint64_t last; /* inclusive */
	char type[24]; /* "msi", "direct", "direct-relaxable", "reserved" */
};

struct ioasid_host_device {
	char *name; /* the link name in the group */
	char *target; /* the link's target as stored, NULL if not a link */
};

struct ioasid_host_group {
	unsigned int id;
	char *name; /* contents of "name" without the newline, or NULL */
	char *type; /* contents of "type" without the newline, or NULL */
	unsigned int nr_devices;
	struct ioasid_host_device *devices; /* sorted by name */
	unsigned int nr_resv;
	struct ioasid_host_resv *resv; /* as listed */
};

struct ioasid_host_groups {
	unsigned int nr;
	struct ioasid_host_group *groups; /* ascending ID */
};

/*
 * ioasid_host_groups_read - list the IOMMU groups of root/kernel/iommu_groups
 * (root NULL: IOASID_SYSFS_ROOT_DEFAULT, the machine's). Entries whose name
 * is not a group number are ignored; a group without a "devices" directory
 * has no devices, without "name" or "type" those are NULL. On failure a
 * sentence for a person is written to msg (if msglen > 0), e.g. that the
 * machine exposes no IOMMU groups.
 * Errors: -ENOENT root/kernel/iommu_groups does not exist (no IOMMU, IOMMU
 * disabled, or no sysfs there); -EIO a malformed reserved_regions file;
 * -EFBIG a file larger than 64 KiB; -ENOMEM; -errno from the file system (-EACCES, -ENOTDIR, ...).
 */
int ioasid_host_groups_read(const char *root, struct ioasid_host_groups **out,
			    char *msg, size_t msglen);

/* ioasid_host_groups_free - free a listing. Accepts NULL. */
void ioasid_host_groups_free(struct ioasid_host_groups *hg);

#ifdef __cplusplus
}
#endif
#endif /* IOASID_IOMMU_SYSFS_H */
