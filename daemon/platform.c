// SPDX-License-Identifier: MIT
/*
 * The hosted IOMMU platform (see platform.h): built from a description in
 * declaration order — IOMMU instances, then groups, then devices (each
 * added to its group and bound to its native driver) — and torn down by
 * the library's ioasid_platform_free() once the daemon's group references
 * are dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ioasidd.h"
#include "log.h"
#include "platform.h"
#include "util/alloc.h"

/*
 * Two emulated IOMMUs. dmar0: 48-bit input, 4K/2M/1G pages, 20 PASID bits,
 * the MSI window reserved, PRI and nesting. dmar1: 39-bit input, 4K/2M
 * pages, 8 PASID bits. Groups: "nic" (a NIC with no PASID capability,
 * bound to a native driver), "mfd" (a two-function device whose function
 * 0 is bound to a native driver), "dsa" (free), "accel" (free, behind
 * dmar1).
 */
const char ioasid__default_platform[] =
	"iommu dmar0 = pasid_bits=20 addr_width=48 pgsizes=4K,2M,1G "
	"reserved=0xfee00000-0xfeefffff caps=pri,nesting\n"
	"iommu dmar1 = pasid_bits=8 addr_width=39 pgsizes=4K,2M "
	"reserved=0xfee00000-0xfeefffff caps=none\n"
	"group nic = type=DMA\n"
	"group mfd = type=DMA\n"
	"group dsa = type=DMA\n"
	"group accel = type=DMA\n"
	"device 0000:00:02.0 = iommu=dmar0 group=nic parent=pci0000:00 "
	"driver=e1000e\n"
	"device 0000:00:03.0 = iommu=dmar0 group=mfd parent=pci0000:00 "
	"ssid_bits=20 driver=idxd\n"
	"device 0000:00:03.1 = iommu=dmar0 group=mfd parent=pci0000:00 "
	"ssid_bits=20\n"
	"device 0000:00:04.0 = iommu=dmar0 group=dsa parent=pci0000:00 "
	"ssid_bits=20\n"
	"device 0000:80:01.0 = iommu=dmar1 group=accel parent=pci0000:80 "
	"ssid_bits=8\n";

static int build_iommu(struct ioasidd_platform *pl,
		       const struct ioasidd_iommu_desc *io)
{
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *iommu;
	int ret;

	ioasid_iommu_caps_init(&caps);
	caps.name = io->name;
	caps.pasid_bits = io->pasid_bits;
	caps.addr_width = io->addr_width;
	caps.pgsize_bitmap = io->pgsizes;
	caps.aperture = io->aperture;
	caps.nr_reserved = io->nr_reserved;
	caps.reserved = io->reserved;
	caps.flags = io->flags;
	caps.iotlb_entries = io->iotlb_entries;
	ret = ioasid_iommu_alloc(&caps, &iommu);
	if (ret)
		return ret;
	ret = ioasid_platform_add_iommu(pl->p, iommu);
	if (ret)
		ioasid_iommu_free(iommu);
	return ret;
}

static int build_device(struct ioasidd_platform *pl,
			const struct ioasidd_device_desc *dd)
{
	struct ioasid_device_desc desc = {
		.name = dd->name,
		.parent = dd->parent,
		.iommu = ioasid_platform_iommu(pl->p, dd->iommu),
		.ssid_bits = dd->ssid_bits,
	};
	struct ioasid_device *dev;
	int ret;

	ret = ioasid_device_alloc(pl->p, &desc, &dev);
	if (ret)
		return ret;
	if (dd->group >= 0)
		ret = ioasid_group_add_device(pl->groups[dd->group], dev);
	if (!ret && dd->driver[0])
		ret = ioasid_device_bind_driver(dev, dd->driver);
	if (ret)
		ioasid_device_free(dev);
	return ret;
}

/* build_all - every line of pd in order; *what names the one that failed. */
static int build_all(struct ioasidd_platform *pl,
		     const struct ioasidd_platform_desc *pd, const char **kind,
		     const char **what)
{
	int ret;

	*kind = "iommu";
	for (uint32_t i = 0; i < pd->nr_iommus; i++) {
		*what = pd->iommus[i].name;
		ret = build_iommu(pl, &pd->iommus[i]);
		if (ret)
			return ret;
	}
	*kind = "group";
	for (uint32_t i = 0; i < pd->nr_groups; i++) {
		*what = pd->groups[i].name;
		ret = ioasid_group_alloc(pl->p, pd->groups[i].name,
					 pd->groups[i].type, &pl->groups[i]);
		if (ret)
			return ret;
		pl->nr_groups++;
	}
	*kind = "device";
	for (uint32_t i = 0; i < pd->nr_devices; i++) {
		*what = pd->devices[i].name;
		ret = build_device(pl, &pd->devices[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int platform_build_desc(const struct ioasidd_platform_desc *pd,
			       struct ioasidd_platform **plp, char *err,
			       size_t errlen)
{
	struct ioasidd_platform *pl = ioasid__calloc(1, sizeof(*pl));
	const char *kind = "platform", *what = "";
	int ret = -ENOMEM;

	if (!pl)
		goto fail;
	ioasid__hmap_init(&pl->attached);
	pl->max_containers = 64;
	pl->dma_entry_limit = IOASID_CONTAINER_DMA_LIMIT_DEFAULT;
	if (pd->nr_groups) {
		pl->groups = ioasid__calloc(pd->nr_groups, sizeof(*pl->groups));
		if (!pl->groups)
			goto free_pl;
	}
	ret = ioasid_platform_alloc(&pl->p);
	if (ret)
		goto free_pl;
	ret = build_all(pl, pd, &kind, &what);
	if (ret)
		goto free_pl;
	*plp = pl;
	return 0;
free_pl:
	ioasid__platform_free(pl);
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s %s: %s", kind, what, strerror(-ret));
	return ret;
}

int ioasid__platform_build(const struct ioasidd_platform_desc *pd,
			   struct ioasidd_platform **plp, char *err,
			   size_t errlen)
{
	struct ioasidd_config def;
	int ret;

	if (pd->nr_iommus)
		return platform_build_desc(pd, plp, err, errlen);
	ioasid__config_defaults(&def);
	ret = ioasid__config_parse(&def, ioasid__default_platform,
				   strlen(ioasid__default_platform), err,
				   errlen);
	if (!ret)
		ret = platform_build_desc(&def.platform, plp, err, errlen);
	ioasid__config_release(&def);
	return ret;
}

void ioasid__platform_free(struct ioasidd_platform *pl)
{
	if (!pl)
		return;
	for (uint32_t i = 0; i < pl->nr_groups; i++)
		ioasid_group_put(pl->groups[i]);
	ioasid_platform_free(pl->p);
	ioasid__free(pl->groups);
	ioasid__hmap_destroy(&pl->attached);
	ioasid__free(pl);
}

int ioasid__platform_open(struct ioasidd *d)
{
	char err[192];
	int ret;

	ret = ioasid__platform_build(&d->cfg.platform, &d->platform, err,
				     sizeof(err));
	if (ret) {
		log_err("IOMMU platform: %s", err);
		return ret;
	}
	d->platform->max_containers = d->cfg.max_containers;
	d->platform->dma_entry_limit = d->cfg.dma_entry_limit;
	return 0;
}

uint32_t ioasid__platform_object_id(struct ioasidd_platform *pl)
{
	if (!++pl->next_object_id)
		pl->next_object_id = 1; /* 2^32 creations: wrap past 0 */
	return pl->next_object_id;
}

uint32_t ioasid__platform_group_container(const struct ioasidd_platform *pl,
					  unsigned int group_id)
{
	uint64_t *v = ioasid__hmap_find(&pl->attached, group_id);

	return v ? (uint32_t)*v : 0;
}

int ioasid__platform_group_attached(struct ioasidd_platform *pl,
				    unsigned int group_id,
				    uint32_t container_id)
{
	return ioasid__hmap_put(&pl->attached, group_id, container_id);
}

void ioasid__platform_group_detached(struct ioasidd_platform *pl,
				     unsigned int group_id)
{
	ioasid__hmap_del(&pl->attached, group_id);
}
