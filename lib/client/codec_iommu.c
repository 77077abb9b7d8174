// SPDX-License-Identifier: MIT
/*
 * Decoding of the IOMMU operations' replies (codec_iommu.h). The wire
 * structs of ioasid/proto.h are translated field by field into the public
 * ones, so that the wire layout never leaks to callers.
 */
#include <errno.h>
#include <string.h>

#include <ioasid/proto.h>

#include "client/codec_iommu.h"

size_t ioasid__codec_group_entry_size(void)
{
	return sizeof(struct ioasid_group_entry);
}

size_t ioasid__codec_device_entry_size(void)
{
	return sizeof(struct ioasid_device_entry);
}

void ioasid__codec_group_entry(const unsigned char *raw,
			       struct ioasid_client_group_entry *e)
{
	struct ioasid_group_entry w;

	memcpy(&w, raw, sizeof(w));
	memset(e, 0, sizeof(*e));
	e->id = w.id;
	e->type = (enum ioasid_group_type)w.type;
	e->nr_devices = w.nr_devices;
	e->owner_pid = w.owner_pid;
	e->container_id = w.container_id;
	e->flags = w.flags;
	ioasid__codec_string(e->name, sizeof(e->name), w.name, sizeof(w.name));
}

void ioasid__codec_device_entry(const unsigned char *raw,
				struct ioasid_client_device_entry *e)
{
	struct ioasid_device_entry w;

	memcpy(&w, raw, sizeof(w));
	memset(e, 0, sizeof(*e));
	e->id = w.id;
	e->group_id = w.group_id;
	e->driver_kind = (enum ioasid_driver_kind)w.driver_kind;
	e->ssid_bits = w.ssid_bits;
	e->iommu = w.iommu;
	e->owner_pid = w.owner_pid;
	ioasid__codec_string(e->name, sizeof(e->name), w.name, sizeof(w.name));
	ioasid__codec_string(e->parent, sizeof(e->parent), w.parent,
			     sizeof(w.parent));
	ioasid__codec_string(e->driver, sizeof(e->driver), w.driver,
			     sizeof(w.driver));
}

int ioasid__codec_container_info(const struct ioasid__reply *rep,
				 struct ioasid_client_container_info *info)
{
	struct ioasid_rep_container_info w;
	uint32_t n;

	if (ioasid__codec_body(rep, sizeof(w), &w, sizeof(w)))
		return -EPROTO;
	memset(info, 0, sizeof(*info));
	info->type = w.type;
	info->flags = w.flags;
	info->nr_groups = w.nr_groups;
	info->nr_mappings = w.nr_mappings;
	info->mapped_bytes = w.mapped_bytes;
	info->pgsizes = w.pgsizes;
	info->dma_avail = w.dma_avail;
	info->dma32_window_start = w.dma32_window_start;
	info->dma32_window_size = w.dma32_window_size;
	info->nr_iova_ranges = w.nr_iova_ranges;
	n = w.nr_iova_ranges < IOASID_CLIENT_IOVA_RANGES_MAX ?
		    w.nr_iova_ranges : IOASID_CLIENT_IOVA_RANGES_MAX;
	for (uint32_t i = 0; i < n; i++) {
		info->iova_ranges[i].start = w.iova_ranges[i].start;
		info->iova_ranges[i].last = w.iova_ranges[i].last;
	}
	return 0;
}

int ioasid__codec_translation(const struct ioasid__reply *rep,
			      struct ioasid_client_translation *t)
{
	struct ioasid_rep_translate w;

	if (ioasid__codec_body(rep, sizeof(w), &w, sizeof(w)))
		return -EPROTO;
	memset(t, 0, sizeof(*t));
	t->offset = w.offset;
	t->map_iova = w.map_iova;
	t->map_length = w.map_length;
	t->prot = w.prot;
	t->container_id = w.container_id;
	return 0;
}

int ioasid__codec_faults(const struct ioasid__reply *rep,
			 struct ioasid_client_fault *faults, uint32_t max,
			 uint32_t *count, uint64_t *lost)
{
	struct ioasid_rep_faults head;
	struct ioasid_fault_entry w;
	const unsigned char *raw;

	if (ioasid__codec_body(rep, sizeof(head), &head, sizeof(head)))
		return -EPROTO;
	if (head.count > max ||
	    (rep->body_len - sizeof(head)) / sizeof(w) < head.count)
		return -EPROTO;
	raw = rep->body + sizeof(head);
	for (uint32_t i = 0; i < head.count; i++) {
		memcpy(&w, raw + (size_t)i * sizeof(w), sizeof(w));
		memset(&faults[i], 0, sizeof(faults[i]));
		faults[i].device_id = w.device_id;
		faults[i].pasid = w.pasid;
		faults[i].addr = w.addr;
		faults[i].access = w.access;
		faults[i].reason = (enum ioasid_fault_reason)w.reason;
	}
	*count = head.count;
	*lost = head.lost;
	return 0;
}
