/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the platform tests: a platform with one IOMMU of the
 * default capabilities, an event recorder for group notifiers, and a
 * teardown that asserts nothing was left behind.
 */
#ifndef IOASID_TEST_IOMMU_PLATFORM_FIXTURE_H
#define IOASID_TEST_IOMMU_PLATFORM_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ioasid/iommu.h>

struct plat_fixture {
	struct ioasid_platform *p;
	struct ioasid_iommu *iommu; /* index 0: default capabilities */
};

/* cmocka setup/teardown. Teardown fails the test if any group, device,
 * claim or attachment is left on the platform, then frees it. */
int plat_setup(void **state);
int plat_teardown(void **state);

/* A device on the fixture's IOMMU; asserts success. */
struct ioasid_device *plat_device(struct plat_fixture *f, const char *name,
				  const char *parent, unsigned int ssid_bits);
/* A group; asserts success. */
struct ioasid_group *plat_group(struct plat_fixture *f, const char *name);

/* Event recorder: a group notifier appending "EVENT(link[,driver])" words
 * separated by spaces. */
struct event_log {
	char text[4096];
};
void event_log_fn(const struct ioasid_group_event_data *ev, void *arg);
void event_log_clear(struct event_log *log);

/* An owner recording its callbacks as "added(link) removed(link)". */
struct test_owner {
	struct ioasid_owner owner;
	char calls[1024];
};
void test_owner_init(struct test_owner *o, const char *name);

#endif
