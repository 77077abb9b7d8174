// SPDX-License-Identifier: MIT
/*
 * The per-domain fault ring.
 *
 * A refused DMA is recorded in a ring of IOASID_DOMAIN_FAULT_RING entries
 * that the domain's owner drains. As a hardware fault log does, a full
 * ring keeps the oldest faults and counts the new ones it drops. Faults are
 * the slow path of translation, so the ring simply takes its own mutex; it
 * is a leaf lock (nothing is called while holding it). The faults of a
 * domain private to a holder (domain_internal.h) are the holder's to read:
 * the public read refuses them with -EPERM.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "iommu/domain_internal.h"
#include "iommu/iommu_priv.h"

int ioasid__fault_ring_init(struct ioasid__fault_ring *ring)
{
	memset(ring, 0, sizeof(*ring));
	return -pthread_mutex_init(&ring->lock, NULL);
}

void ioasid__fault_ring_destroy(struct ioasid__fault_ring *ring)
{
	pthread_mutex_destroy(&ring->lock);
}

uint32_t ioasid__fault_ring_pending(struct ioasid__fault_ring *ring)
{
	uint32_t n;

	pthread_mutex_lock(&ring->lock);
	n = ring->count;
	pthread_mutex_unlock(&ring->lock);
	return n;
}

static void fault_ring_push(struct ioasid__fault_ring *ring, const struct ioasid_fault *f)
{
	pthread_mutex_lock(&ring->lock);
	if (ring->count == IOASID_DOMAIN_FAULT_RING) {
		ring->lost++;
	} else {
		ring->slots[(ring->head + ring->count) % IOASID_DOMAIN_FAULT_RING] = *f;
		ring->count++;
	}
	pthread_mutex_unlock(&ring->lock);
}

void ioasid__domain_fault_record(struct ioasid_domain *dom,
				 const struct ioasid_fault *fault)
{
	fault_ring_push(&dom->faults, fault);
}

int ioasid__domain_fault(struct ioasid_domain *dom, uint32_t devid, uint32_t pasid,
			 uint64_t iova, uint32_t access, uint32_t reason, int err)
{
	struct ioasid_fault f = {
		.devid = devid,
		.pasid = pasid,
		.addr = iova,
		.access = access,
		.reason = reason,
	};

	fault_ring_push(&dom->faults, &f);
	return err;
}

int ioasid__domain_fault_read_held(struct ioasid_domain *dom,
				   struct ioasid_fault *faults, uint32_t max,
				   uint64_t *lost, const void *holder)
{
	struct ioasid__fault_ring *ring = &dom->faults;
	uint32_t n;

	if (ioasid__domain_holder(dom) != holder)
		return -EPERM;
	pthread_mutex_lock(&ring->lock);
	for (n = 0; n < max && ring->count; n++) {
		faults[n] = ring->slots[ring->head];
		ring->head = (ring->head + 1) % IOASID_DOMAIN_FAULT_RING;
		ring->count--;
	}
	if (lost) {
		*lost = ring->lost;
		ring->lost = 0;
	}
	pthread_mutex_unlock(&ring->lock);
	return (int)n;
}

int ioasid_domain_fault_read(struct ioasid_domain *dom, struct ioasid_fault *faults,
			     uint32_t max, uint64_t *lost)
{
	return ioasid__domain_fault_read_held(dom, faults, max, lost, NULL);
}
