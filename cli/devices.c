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

static void row_fill(struct ioasidctl_field *row,
		     const struct ioasid_client_device_entry *e)
{
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

int ioasidctl_devices(const struct ioasidctl_opts *o, int argc, char **argv)
{
	static const struct ioasid_client_device_entry none;
	struct ioasid_client_device_entry *e;
	struct ioasidctl_field *cells;
	struct ioasid_client *c;
	size_t n;
	int r;

	(void)argv;
	if (argc != 1)
		return ioasidctl_usage_error("devices: takes no argument");
	r = ioasidctl_open(o, "devices", &c);
	if (r)
		return r;
	r = ioasid_client_devices(c, &e, &n);
	ioasid_client_close(c);
	if (r < 0)
		return ioasidctl_fail("devices", r);
	cells = calloc(n * DEVICES_COLS + DEVICES_COLS, sizeof(*cells));
	if (!cells) {
		ioasid_client_array_free(e);
		return ioasidctl_fail("devices", -ENOMEM);
	}
	for (size_t i = 0; i < n; i++)
		row_fill(cells + i * DEVICES_COLS, &e[i]);
	if (n == 0) /* the header still needs the keys */
		row_fill(cells, &none);
	ioasidctl_print_table(stdout, o->json, cells, n, DEVICES_COLS);
	free(cells);
	ioasid_client_array_free(e);
	return IOASIDCTL_OK;
}
