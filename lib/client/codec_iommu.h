/* SPDX-License-Identifier: MIT */
/*
 * lib/client/codec_iommu.h - decoding of the IOMMU operations' replies
 * (ioasid/proto.h, 0x300 range) into the public structs of
 * ioasid/client.h, with no I/O and no state.
 *
 * As in codec.h, every decoder takes untrusted bytes: lengths are checked
 * before anything is read, fields are copied out with memcpy, wire strings
 * that are not NUL-terminated are cut rather than overrun, and anything the
 * protocol does not allow is -EPROTO.
 */
#ifndef IOASID_CLIENT_CODEC_IOMMU_H
#define IOASID_CLIENT_CODEC_IOMMU_H

#include <stddef.h>
#include <stdint.h>

#include <ioasid/client.h>

#include "client/codec.h"

/* Size of one wire entry of GROUPS and of DEVICES. */
size_t ioasid__codec_group_entry_size(void);
size_t ioasid__codec_device_entry_size(void);

/* Decode one wire entry (entry size bytes at raw) into the public struct. */
void ioasid__codec_group_entry(const unsigned char *raw,
			       struct ioasid_client_group_entry *e);
void ioasid__codec_device_entry(const unsigned char *raw,
				struct ioasid_client_device_entry *e);

/*
 * ioasid__codec_container_info - a CONTAINER_INFO reply into *info.
 * nr_iova_ranges is the daemon's total; only the first
 * IOASID_CLIENT_IOVA_RANGES_MAX ranges travel and are copied.
 * Errors: -EPROTO short body.
 */
int ioasid__codec_container_info(const struct ioasid__reply *rep,
				 struct ioasid_client_container_info *info);

/* ioasid__codec_translation - a TRANSLATE reply into *t. Errors: -EPROTO. */
int ioasid__codec_translation(const struct ioasid__reply *rep,
			      struct ioasid_client_translation *t);

/*
 * ioasid__codec_faults - a FAULT_READ reply: at most max entries into
 * faults[], their number into *count, the lost count into *lost.
 * Errors: -EPROTO short body, fewer entries than the count says, or more
 * than max.
 */
int ioasid__codec_faults(const struct ioasid__reply *rep,
			 struct ioasid_client_fault *faults, uint32_t max,
			 uint32_t *count, uint64_t *lost);

#endif /* IOASID_CLIENT_CODEC_IOMMU_H */
