// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

int plat_setup(void **state)
{
	struct plat_fixture *f = calloc(1, sizeof(*f));
	struct ioasid_iommu_caps caps;

	assert_non_null(f);
	ioasid_iommu_caps_init(&caps);
	caps.name = "dmar0";
	assert_int_equal(ioasid_platform_alloc(&f->p), 0);
	assert_int_equal(ioasid_iommu_alloc(&caps, &f->iommu), 0);
	assert_int_equal(ioasid_platform_add_iommu(f->p, f->iommu), 0);
	*state = f;
	return 0;
}

int plat_teardown(void **state)
{
	struct plat_fixture *f = *state;
	struct ioasid_platform_info info;

	ioasid_platform_query(f->p, &info);
	assert_int_equal(info.nr_groups, 0);
	assert_int_equal(info.nr_devices, 0);
	assert_int_equal(info.nr_owned_groups, 0);
	assert_int_equal(info.nr_attached, 0);
	ioasid_platform_free(f->p);
	free(f);
	return 0;
}

struct ioasid_device *plat_device(struct plat_fixture *f, const char *name,
				  const char *parent, unsigned int ssid_bits)
{
	struct ioasid_device_desc desc = {
		.name = name,
		.parent = parent,
		.iommu = f->iommu,
		.ssid_bits = ssid_bits,
	};
	struct ioasid_device *dev = NULL;

	assert_int_equal(ioasid_device_alloc(f->p, &desc, &dev), 0);
	return dev;
}

struct ioasid_group *plat_group(struct plat_fixture *f, const char *name)
{
	struct ioasid_group *g = NULL;

	assert_int_equal(ioasid_group_alloc(f->p, name, IOASID_GROUP_TYPE_DMA, &g),
			 0);
	return g;
}

static void log_append(char *text, size_t cap, const char *word)
{
	size_t len = strlen(text);

	snprintf(text + len, cap - len, "%s%s", len ? " " : "", word);
}

void event_log_fn(const struct ioasid_group_event_data *ev, void *arg)
{
	struct event_log *log = arg;
	char word[256];

	if (ev->driver)
		snprintf(word, sizeof(word), "%s(%s,%s)",
			 ioasid_group_event_name(ev->event), ev->link_name,
			 ev->driver);
	else
		snprintf(word, sizeof(word), "%s(%s)",
			 ioasid_group_event_name(ev->event), ev->link_name);
	/* The event carries the group and device it names. */
	assert_int_equal(ev->group_id, ioasid_group_id(ev->group));
	assert_int_equal(ev->device_id, ioasid_device_id(ev->dev));
	log_append(log->text, sizeof(log->text), word);
}

void event_log_clear(struct event_log *log)
{
	log->text[0] = '\0';
}

static void owner_added(struct ioasid_owner *owner, struct ioasid_group *g,
			struct ioasid_device *dev)
{
	struct test_owner *o = (struct test_owner *)owner;
	char word[128];

	snprintf(word, sizeof(word), "added(%s)", ioasid_device_name(dev));
	log_append(o->calls, sizeof(o->calls), word);
}

static void owner_removed(struct ioasid_owner *owner, struct ioasid_group *g,
			  struct ioasid_device *dev)
{
	struct test_owner *o = (struct test_owner *)owner;
	char word[128];

	snprintf(word, sizeof(word), "removed(%s)", ioasid_device_name(dev));
	log_append(o->calls, sizeof(o->calls), word);
}

void test_owner_init(struct test_owner *o, const char *name)
{
	memset(o, 0, sizeof(*o));
	o->owner.name = name;
	o->owner.device_added = owner_added;
	o->owner.device_removed = owner_removed;
}
