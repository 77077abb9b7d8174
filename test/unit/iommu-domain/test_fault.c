// SPDX-License-Identifier: MIT
/*
 * The per-domain fault ring: contents of a record, oldest-first partial
 * reads, overflow keeping the oldest and counting the lost, faults recorded
 * by the platform layer on a device's behalf.
 */
#include "helpers.h"
#include "iommu/domain_internal.h"

static int teardown(void **state)
{
	return dom_fixture_free(*state);
}

/* A refused read by device devid of page i (nothing is mapped). */
static void refuse(struct dom_fixture *f, uint32_t devid, uint64_t i)
{
	uint64_t phys;

	assert_int_equal(ioasid_iommu_translate(f->iommu, f->dom, devid, (uint32_t)i % 16,
						i * KIB(4), IOASID_ACCESS_READ, &phys),
			 -EFAULT);
}

static uint32_t pending(struct ioasid_domain *dom)
{
	struct ioasid_domain_info info;

	ioasid_domain_query(dom, &info);
	return info.faults_pending;
}

static void test_fault_ring_reads_oldest_first(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_fault buf[8];
	uint64_t lost = 99, i;

	assert_int_equal(ioasid_domain_fault_read(f->dom, buf, 8, &lost), 0);
	assert_int_equal(lost, 0);
	for (i = 0; i < 5; i++)
		refuse(f, 100 + (uint32_t)i, i);
	assert_int_equal(pending(f->dom), 5);
	assert_int_equal(ioasid_domain_fault_read(f->dom, buf, 2, NULL), 2);
	assert_int_equal(buf[0].devid, 100);
	assert_int_equal(buf[1].devid, 101);
	assert_int_equal(buf[1].pasid, 1);
	assert_int_equal(buf[1].addr, KIB(4));
	assert_int_equal(buf[1].access, IOASID_ACCESS_READ);
	assert_int_equal(buf[1].reason, IOASID_FAULT_UNMAPPED);
	assert_int_equal(ioasid_domain_fault_read(f->dom, buf, 8, &lost), 3);
	assert_int_equal(buf[0].devid, 102);
	assert_int_equal(buf[2].devid, 104);
	assert_int_equal(lost, 0);
	assert_int_equal(pending(f->dom), 0);
}

static void test_fault_ring_overflow_counts_lost(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_fault buf[IOASID_DOMAIN_FAULT_RING];
	uint64_t lost = 0, i;

	for (i = 0; i < IOASID_DOMAIN_FAULT_RING + 44; i++)
		refuse(f, (uint32_t)i, i);
	assert_int_equal(pending(f->dom), IOASID_DOMAIN_FAULT_RING);
	/* A read that does not ask for the lost count leaves it alone. */
	assert_int_equal(ioasid_domain_fault_read(f->dom, buf, 1, NULL), 1);
	assert_int_equal(buf[0].devid, 0);
	refuse(f, 7777, 1);
	assert_int_equal(ioasid_domain_fault_read(f->dom, buf, IOASID_DOMAIN_FAULT_RING, &lost),
			 IOASID_DOMAIN_FAULT_RING);
	assert_int_equal(lost, 44);
	/* The oldest were kept; the one that found room after the read is last. */
	assert_int_equal(buf[0].devid, 1);
	assert_int_equal(buf[IOASID_DOMAIN_FAULT_RING - 2].devid, IOASID_DOMAIN_FAULT_RING - 1);
	assert_int_equal(buf[IOASID_DOMAIN_FAULT_RING - 1].devid, 7777);
	assert_int_equal(ioasid_domain_fault_read(f->dom, buf, 4, &lost), 0);
	assert_int_equal(lost, 0);
}

static void test_fault_recorded_by_platform(void **state)
{
	struct dom_fixture *f = *state;
	struct ioasid_fault in = { .devid = 3, .pasid = 77, .addr = 0x1234,
				   .access = IOASID_ACCESS_WRITE,
				   .reason = IOASID_FAULT_NO_DOMAIN };
	struct ioasid_fault out;

	ioasid__domain_fault_record(f->dom, &in);
	assert_int_equal(ioasid_domain_fault_read(f->dom, &out, 1, NULL), 1);
	assert_memory_equal(&in, &out, sizeof(in));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, dom_fixture_setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fault_ring_reads_oldest_first),
		T(test_fault_ring_overflow_counts_lost),
		T(test_fault_recorded_by_platform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
