// SPDX-License-Identifier: MIT
/*
 * ioasidctl devices: the devices of the daemon's platform (DEVICES) as a
 * table. BINDING is none, native (DRIVER names the native driver) or owner
 * (DRIVER is the owning handle, "ioasidd:PID"); SSID_BITS is the PASID
 * capability (0: none). A device in no group, without a parent or a
 * driver, or not owned shows "-" (JSON null) there.
 */
#include <errno.h>
#include <stdlib.h>

#include <ioasid/iommu/group.h>

#include "ioasidctl.h"
#include "output.h"

#define DEVICES_COLS 9

static const char *binding_name(enum ioasid_driver_kind k)
{
	switch (k) {
	case IOASID_DRIVER_NONE:
		return "none";
	case IOASID_DRIVER_NATIVE:
		return "native";
	case IOASID_DRIVER_OWNER:
		return "owner";
	}
	return "unknown";
}

static const char *str_or_none(const char *s)
{
	return s[0] ? s : NULL;
}

static void row_fill(struct ioasidctl_field *row, const void *entry)
{
	const struct ioasid_client_device_entry *e = entry;
	const struct ioasidctl_field r[DEVICES_COLS] = {
		IOASIDCTL_F_U64("device", e->id),
		IOASIDCTL_F_STR("name", e->name),
		IOASIDCTL_F_STR("parent", str_or_none(e->parent)),
		IOASIDCTL_F_ID("group", e->group_id), /* ID_NONE prints "-" */
		IOASIDCTL_F_U64("iommu", e->iommu),
		IOASIDCTL_F_U64("ssid_bits", e->ssid_bits),
		IOASIDCTL_F_STR("binding", binding_name(e->driver_kind)),
		IOASIDCTL_F_STR("driver", str_or_none(e->driver)),
		IOASIDCTL_F_ID("owner_pid", e->owner_pid ? e->owner_pid
							 : IOASID_INVALID),
	};

	for (int i = 0; i < DEVICES_COLS; i++)
		row[i] = r[i];
}

static int fetch(struct ioasid_client *c, void **entries, size_t *n)
{
	struct ioasid_client_device_entry *e;
	int r = ioasid_client_devices(c, &e, n);

	if (r >= 0)
		*entries = e; /* the caller frees it with ioasid_client_array_free */
	return r;
}

int ioasidctl_devices(const struct ioasidctl_opts *o, int argc, char **argv)
{
	static const struct ioasidctl_listing listing = {
		.cmd = "devices",
		.cols = DEVICES_COLS,
		.entry_size = sizeof(struct ioasid_client_device_entry),
		.fetch = fetch,
		.row_fill = row_fill,
	};

	(void)argv;
	return ioasidctl_listing_run(o, argc, &listing);
}
