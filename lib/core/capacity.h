/* SPDX-License-Identifier: MIT */
/* Capacity accounting shared by sets' quotas (namespace lock held). */
#ifndef IOASID_CORE_CAPACITY_H
#define IOASID_CORE_CAPACITY_H

#include <stdint.h>

#include <ioasid/core.h>

void ioasid__capacity_init(struct ioasid_ns *ns);
/* Take count from available capacity: 0 or -ENOSPC. */
int ioasid__capacity_take(struct ioasid_ns *ns, uint32_t count);
void ioasid__capacity_give(struct ioasid_ns *ns, uint32_t count);

#endif /* IOASID_CORE_CAPACITY_H */
