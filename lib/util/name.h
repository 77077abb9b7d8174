/* SPDX-License-Identifier: MIT */
/*
 * The naming rule of the IOMMU platform (include/ioasid/iommu/group.h,
 * IOASID_NAME_MAX): group, device and driver names and device parents, as
 * the library checks them on allocation and ioasidd checks them in its
 * configuration before it asks the library.
 */
#ifndef IOASID_UTIL_NAME_H
#define IOASID_UTIL_NAME_H

#include <stddef.h>

/*
 * ioasid__name_check - whether s is one name shorter than size bytes:
 * 1 .. size - 1 bytes of printable ASCII other than blank and '/' ('!' to
 * '~'), and neither "." nor "..". s is read no further than size bytes.
 * Returns 0 or -EINVAL.
 */
int ioasid__name_check(const char *s, size_t size);

/*
 * ioasid__name_path_check - whether s is one or more names joined by
 * single '/' (none leading, trailing or doubled): each name as
 * ioasid__name_check() takes it but for its length, as only the whole is
 * bounded, to size - 1 bytes. s is read no further than size bytes.
 * Returns 0 or -EINVAL.
 */
int ioasid__name_path_check(const char *s, size_t size);

#endif /* IOASID_UTIL_NAME_H */
