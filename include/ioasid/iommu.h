/* SPDX-License-Identifier: MIT */
/*
 * ioasid/iommu.h - the IOMMU platform model, in one include.
 *
 * Address spaces (ioasid/iommu/domain.h): IOMMU instances and their
 * capabilities, domains with multi-level I/O page tables, the IOTLB and the
 * fault log. Platform (ioasid/iommu/group.h): IOMMU groups, devices,
 * drivers and DMA ownership, and their sysfs-style view
 * (ioasid/iommu/sysfs.h). Containers (ioasid/iommu/container.h):
 * VFIO-style TYPE1v2 and SPAPR-TCE containers.
 */
#ifndef IOASID_IOMMU_H
#define IOASID_IOMMU_H

#include <ioasid/iommu/domain.h>
#include <ioasid/iommu/group.h>
#include <ioasid/iommu/sysfs.h>
#include <ioasid/iommu/container.h>

#endif /* IOASID_IOMMU_H */
