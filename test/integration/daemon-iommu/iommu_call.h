/* SPDX-License-Identifier: MIT */
/*
 * iommu_call.h - the IOMMU operations of the wire protocol as one call
 * each, for the daemon's integration tests, on top of raw.h.
 *
 * Every helper sends one request and returns the reply's result (0 or
 * -errno); out structs are filled only on success. Forked children, which
 * must not use cmocka, call raw_try() and raw_try_fd() of raw.h instead.
 */
#ifndef IOASID_TEST_IOMMU_CALL_H
#define IOASID_TEST_IOMMU_CALL_H

#include <stdint.h>

#include <ioasid/proto.h>

#include "raw.h"

/* Groups and devices of the default platform (platform.c). */
enum { G_NIC = 0, G_MFD = 1, G_DSA = 2, G_ACCEL = 3 };
enum { D_NIC = 1, D_MFD0 = 2, D_MFD1 = 3, D_DSA = 4, D_ACCEL = 5 };

#define PAGE 4096ull
#define MIB (1ull << 20)

int ic_claim(int fd, uint32_t group, uint32_t flags);
int ic_release(int fd, uint32_t group);
int ic_create(int fd, uint32_t type, uint32_t *id);
int ic_attach(int fd, uint32_t container, uint32_t group);
int ic_detach(int fd, uint32_t container, uint32_t group);
int ic_pasid(int fd, uint32_t op, uint32_t container, uint32_t device,
	     uint32_t pasid);
int ic_info(int fd, uint32_t container, struct ioasid_rep_container_info *rep);
int ic_destroy(int fd, uint32_t id);
int ic_map(int fd, uint32_t container, uint64_t iova, uint64_t length,
	   uint64_t offset, uint32_t flags, int memfd);
int ic_unmap(int fd, uint32_t container, uint64_t iova, uint64_t length,
	     uint32_t flags, uint64_t *unmapped);
int ic_translate(int fd, uint32_t flags, uint32_t id, uint32_t pasid,
		 uint64_t iova, uint32_t access, struct ioasid_rep_translate *rep);
/* ic_faults - FAULT_READ; returns the count (>= 0) or -errno. */
int ic_faults(int fd, uint32_t container, uint32_t max,
	      struct ioasid_fault_entry *out, uint64_t *lost);
/* ic_group / ic_device - the listing entry of one ID (start = id,
 * max_entries 1); -ENOENT if the listing has no such ID. */
int ic_group(int fd, uint32_t id, struct ioasid_group_entry *e);
int ic_device(int fd, uint32_t id, struct ioasid_device_entry *e);

/* ic_memfd - a memfd named name of size bytes. */
int ic_memfd(const char *name, uint64_t size);

/* ic_daemon_maps - the daemon (pid) has a mapping of the memfd name. */
int ic_daemon_maps(pid_t pid, const char *name);

#endif /* IOASID_TEST_IOMMU_CALL_H */
