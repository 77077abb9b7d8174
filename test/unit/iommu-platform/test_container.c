// SPDX-License-Identifier: MIT
/* VFIO-style containers: TYPE1v2 and SPAPR-TCE, every errno row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define R IOASID_DMA_MAP_FLAG_READ
#define W IOASID_DMA_MAP_FLAG_WRITE
#define K4 0x1000ull
#define M2 0x200000ull

struct cfix {
	struct plat_fixture pf;
	struct ioasid_group *g[2];
	struct ioasid_device *d[2];
	struct ioasid_container *c;
};

static int cfix_setup(void **state)
{
	struct cfix *x = calloc(1, sizeof(*x));
	void *pf;
	char name[16];

	assert_non_null(x);
	plat_setup(&pf);
	x->pf = *(struct plat_fixture *)pf;
	free(pf);
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "dev%d", i);
		x->g[i] = plat_group(&x->pf, NULL);
		x->d[i] = plat_device(&x->pf, name, NULL, 8);
		assert_int_equal(ioasid_group_add_device(x->g[i], x->d[i]), 0);
	}
	assert_int_equal(ioasid_container_alloc(x->pf.p, NULL, &x->c), 0);
	*state = x;
	return 0;
}

static int cfix_teardown(void **state)
{
	struct cfix *x = *state;
	struct plat_fixture *pf = malloc(sizeof(*pf));
	void *st = pf;

	ioasid_container_free(x->c);
	for (int i = 0; i < 2; i++) {
		ioasid_device_free(x->d[i]);
		ioasid_group_put(x->g[i]);
	}
	*pf = x->pf;
	free(x);
	return plat_teardown(&st);
}

static int map(struct ioasid_container *c, uint32_t flags, uint64_t iova,
	       uint64_t vaddr, uint64_t size)
{
	struct ioasid_dma_map m = { .flags = flags, .vaddr = vaddr, .iova = iova,
				    .size = size };

	return ioasid_container_map_dma(c, &m);
}

static int unmap(struct ioasid_container *c, uint32_t flags, uint64_t iova,
		 uint64_t size, uint64_t *bytes)
{
	struct ioasid_dma_unmap u = { .flags = flags, .iova = iova, .size = size };

	return ioasid_container_unmap_dma(c, &u, bytes);
}

static uint64_t xlate(struct ioasid_device *dev, uint64_t iova, int *err)
{
	uint64_t phys = 0;

	*err = ioasid_device_translate(dev, 0, iova, IOASID_ACCESS_READ, &phys);
	return phys;
}

static void type1_ready(struct cfix *x)
{
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[0]), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c, IOASID_VFIO_TYPE1v2_IOMMU),
			 0);
}

/* ------------------------------------------------------------------------
 * Model selection and groups
 */

static void test_container_before_set_iommu(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container_info info;
	uint64_t bytes = 7;

	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_TYPE1v2_IOMMU), 1);
	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_SPAPR_TCE_IOMMU), 1);
	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_UNMAP_ALL), 1);
	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_TYPE1_IOMMU), 0);
	assert_int_equal(ioasid_container_check_extension(x->c, 42), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c, IOASID_VFIO_TYPE1v2_IOMMU),
			 -EINVAL); /* no group */
	assert_int_equal(ioasid_container_get_info(x->c, &info), -EINVAL);
	assert_int_equal(map(x->c, R, 0, 0, K4), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0, K4, &bytes), -EINVAL);
	assert_int_equal(bytes, 0);
	assert_int_equal(ioasid_container_set_dma_limit(x->c, 0), -EINVAL);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[0]), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c, IOASID_VFIO_TYPE1_IOMMU),
			 -ENODEV);
	assert_int_equal(ioasid_container_set_iommu(x->c, 8), -ENODEV);
	assert_int_equal(ioasid_container_get_info(x->c, &info), -EINVAL);
}

static void test_container_attach_group_rules(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container *other;
	struct ioasid_platform *p2;
	struct ioasid_group *foreign;
	struct ioasid_device_info di;
	struct ioasid_group *empty = plat_group(&x->pf, NULL);

	assert_int_equal(ioasid_device_bind_driver(x->d[1], "ixgbe"), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[1]), -EBUSY);
	assert_int_equal(ioasid_device_unbind_driver(x->d[1]), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[0]), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[0]), -EEXIST);
	ioasid_device_query(x->d[0], &di);
	assert_int_equal(di.driver_kind, IOASID_DRIVER_OWNER);
	assert_string_equal(di.driver, "vfio-container");
	/* A group in one container is not viable for another. */
	assert_int_equal(ioasid_container_alloc(x->pf.p, NULL, &other), 0);
	assert_int_equal(ioasid_container_attach_group(other, x->g[0]), -EBUSY);
	assert_int_equal(ioasid_container_detach_group(other, x->g[0]), -ENOENT);
	ioasid_container_free(other);
	/* A group of another platform. */
	assert_int_equal(ioasid_platform_alloc(&p2), 0);
	assert_int_equal(ioasid_group_alloc(p2, NULL, IOASID_GROUP_TYPE_DMA,
					    &foreign), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, foreign), -EINVAL);
	ioasid_group_put(foreign);
	ioasid_platform_free(p2);
	/* TYPE1v2 needs a device to tell which IOMMU a group is behind. */
	assert_int_equal(ioasid_container_set_iommu(x->c, IOASID_VFIO_TYPE1v2_IOMMU),
			 0);
	assert_int_equal(ioasid_container_attach_group(x->c, empty), -EINVAL);
	assert_int_equal(ioasid_group_viable(empty, NULL), 1);
	ioasid_group_put(empty);
	assert_int_equal(ioasid_container_set_iommu(x->c, IOASID_VFIO_TYPE1v2_IOMMU),
			 -EINVAL); /* set already */
	assert_int_equal(ioasid_container_set_dma_limit(x->c, 10), -EBUSY);
	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_SPAPR_TCE_IOMMU), 0);
	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_UNMAP_ALL), 1);
}

static void test_container_type1_info(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container_info info;

	type1_ready(x);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.type, IOASID_VFIO_TYPE1v2_IOMMU);
	assert_int_equal(info.flags, IOASID_CONTAINER_INFO_PGSIZES |
				     IOASID_CONTAINER_INFO_IOVA_RANGES |
				     IOASID_CONTAINER_INFO_DMA_AVAIL);
	assert_int_equal(info.iova_pgsizes, K4 | M2 | (1ull << 30));
	/* The aperture (48 bits) minus the MSI window. */
	assert_int_equal(info.nr_iova_ranges, 2);
	assert_int_equal(info.iova_ranges[0].start, 0);
	assert_int_equal(info.iova_ranges[0].last, IOASID_MSI_WINDOW_START - 1);
	assert_int_equal(info.iova_ranges[1].start, IOASID_MSI_WINDOW_LAST + 1);
	assert_int_equal(info.iova_ranges[1].last, (1ull << 48) - 1);
	assert_int_equal(info.dma_avail, IOASID_CONTAINER_DMA_LIMIT_DEFAULT);
	assert_int_equal(info.nr_groups, 1);
	assert_int_equal(map(x->c, R | W, 0x10000, 0x40000, 3 * K4), 0);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.dma_avail, IOASID_CONTAINER_DMA_LIMIT_DEFAULT - 1);
	assert_int_equal(info.nr_mappings, 1);
	assert_int_equal(info.mapped_bytes, 3 * K4);
}

/* ------------------------------------------------------------------------
 * TYPE1v2 MAP_DMA / UNMAP_DMA
 */

static void test_container_type1_map_errors(void **state)
{
	struct cfix *x = *state;
	int err;

	type1_ready(x);
	assert_int_equal(map(x->c, R | (1u << 2), 0x10000, 0, K4), -EOPNOTSUPP);
	assert_int_equal(map(x->c, 0, 0x10000, 0, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0x10000, 0, 0), -EINVAL);
	assert_int_equal(map(x->c, R, 0x10800, 0, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0x10000, 0x800, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0x10000, 0, K4 + 1), -EINVAL);
	assert_int_equal(map(x->c, R, ~0ull - K4 + 1, 0, 2 * K4), -EOVERFLOW);
	assert_int_equal(map(x->c, R, 0x10000, ~0ull - K4 + 1, 2 * K4),
			 -EOVERFLOW);
	assert_int_equal(map(x->c, R, 0x10000, IOASID_PHYS_LIMIT, K4), -EINVAL);
	assert_int_equal(map(x->c, R, IOASID_MSI_WINDOW_START - K4, 0, 2 * K4),
			 -EINVAL); /* into the reserved MSI window */
	assert_int_equal(map(x->c, R, 1ull << 48, 0, K4), -EINVAL);
	assert_int_equal(map(x->c, R | W, 0x10000, 0x80000, 4 * K4), 0);
	/* A vaddr range ending at 2^64 is above the limit, checked before
	 * the overlap. */
	assert_int_equal(map(x->c, R, 0x10000, ~0ull - K4 + 1, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0x10000, 0, 4 * K4), -EEXIST);
	assert_int_equal(map(x->c, R, 0xf000, 0, 2 * K4), -EEXIST);
	assert_int_equal(map(x->c, R, 0x13000, 0, 2 * K4), -EEXIST);
	assert_int_equal(map(x->c, R, 0x11000, 0, K4), -EEXIST);
	assert_int_equal(map(x->c, R, 0x8000, 0, 0x10000), -EEXIST);
	/* The failed calls left only the one mapping, which devices use. */
	assert_int_equal(xlate(x->d[0], 0x12345, &err), 0x82345);
	assert_int_equal(err, 0);
	xlate(x->d[0], 0xf000, &err);
	assert_int_equal(err, -EFAULT);
	xlate(x->d[0], 0x14000, &err);
	assert_int_equal(err, -EFAULT);
}

static void test_container_type1_unmap_rules(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container_info info;
	uint64_t bytes;
	int err;

	type1_ready(x);
	/* A container that never held a mapping unmaps nothing, either way. */
	bytes = 7;
	assert_int_equal(unmap(x->c, 0, 0x10000, K4, &bytes), 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(unmap(x->c, IOASID_DMA_UNMAP_FLAG_ALL, 0, 0, &bytes), 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(map(x->c, R, 0x10000, 0x100000, 4 * K4), 0);
	assert_int_equal(map(x->c, R, 0x20000, 0x200000, 2 * K4), 0);
	assert_int_equal(map(x->c, R, 0x30000, 0x300000, K4), 0);
	assert_int_equal(unmap(x->c, 1u << 0, 0x10000, K4, &bytes), -EOPNOTSUPP);
	assert_int_equal(unmap(x->c, 1u << 2, 0x10000, K4, &bytes), -EOPNOTSUPP);
	assert_int_equal(unmap(x->c, 0, 0x10800, K4, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x10000, 0, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x10000, 0x800, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, ~0ull - K4 + 1, 2 * K4, &bytes),
			 -EOVERFLOW);
	/* Splitting a mapping at either end is refused. */
	assert_int_equal(unmap(x->c, 0, 0x11000, K4, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x10000, K4, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x8000, 0x9000, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x11000, 3 * K4, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x12000, 0x20000, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x20000, K4, &bytes), -EINVAL);
	assert_int_equal(bytes, 0);
	/* A range holding nothing succeeds with 0 bytes. */
	bytes = 7;
	assert_int_equal(unmap(x->c, 0, 0x40000, 0x10000, &bytes), 0);
	assert_int_equal(bytes, 0);
	/* A range covering two mappings and holes removes both. */
	assert_int_equal(unmap(x->c, 0, 0x8000, 0x20000, &bytes), 0);
	assert_int_equal(bytes, 6 * K4);
	xlate(x->d[0], 0x10000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(xlate(x->d[0], 0x30000, &err), 0x300000);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.nr_mappings, 1);
	/* UNMAP_ALL: iova and size must be 0. */
	assert_int_equal(unmap(x->c, IOASID_DMA_UNMAP_FLAG_ALL, K4, 0, &bytes),
			 -EINVAL);
	assert_int_equal(unmap(x->c, IOASID_DMA_UNMAP_FLAG_ALL, 0, K4, &bytes),
			 -EINVAL);
	assert_int_equal(map(x->c, W, 1ull << 40, 1ull << 30, 1ull << 30), 0);
	assert_int_equal(unmap(x->c, IOASID_DMA_UNMAP_FLAG_ALL, 0, 0, &bytes), 0);
	assert_int_equal(bytes, K4 + (1ull << 30));
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.nr_mappings, 0);
	assert_int_equal(info.dma_avail, IOASID_CONTAINER_DMA_LIMIT_DEFAULT);
	assert_int_equal(unmap(x->c, 0, 0x30000, K4, NULL), 0);
}

static void test_container_type1_mapping_limit(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container_info info;
	uint64_t bytes;

	assert_int_equal(ioasid_container_set_dma_limit(x->c, 3), 0);
	type1_ready(x);
	for (int i = 0; i < 3; i++)
		assert_int_equal(map(x->c, R, (uint64_t)i * 0x10000, 0, K4), 0);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.dma_avail, 0);
	assert_int_equal(map(x->c, R, 0x100000, 0, K4), -ENOSPC);
	/* Overlap is reported before the limit, as the kernel does. */
	assert_int_equal(map(x->c, R, 0, 0, K4), -EEXIST);
	assert_int_equal(unmap(x->c, 0, 0x10000, K4, &bytes), 0);
	assert_int_equal(map(x->c, R, 0x100000, 0, K4), 0);
}

static void test_container_type1_groups_share_mappings(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container_info info;
	struct ioasid_device *hot;
	int err;

	type1_ready(x);
	assert_int_equal(map(x->c, R | W, 0x10000, 0x500000, K4), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[1]), 0);
	assert_int_equal(xlate(x->d[1], 0x10000, &err), 0x500000);
	assert_int_equal(err, 0);
	assert_int_equal(map(x->c, R, 0x20000, 0x600000, K4), 0);
	assert_int_equal(xlate(x->d[0], 0x20000, &err), 0x600000);
	assert_int_equal(xlate(x->d[1], 0x20000, &err), 0x600000);
	/* A device hot-added to a group of the container translates too. */
	hot = plat_device(&x->pf, "hot", NULL, 0);
	assert_int_equal(ioasid_group_add_device(x->g[1], hot), 0);
	assert_int_equal(xlate(hot, 0x20000, &err), 0x600000);
	ioasid_device_free(hot);
	/* Detaching one group leaves the other working. */
	assert_int_equal(ioasid_container_detach_group(x->c, x->g[0]), 0);
	xlate(x->d[0], 0x10000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(xlate(x->d[1], 0x10000, &err), 0x500000);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.nr_groups, 1);
	assert_int_equal(info.nr_mappings, 2);
	/* The last group out releases the model and its mappings. */
	assert_int_equal(ioasid_container_detach_group(x->c, x->g[1]), 0);
	assert_int_equal(ioasid_container_get_info(x->c, &info), -EINVAL);
	assert_int_equal(ioasid_group_viable(x->g[1], NULL), 1);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[1]), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c, IOASID_VFIO_TYPE1v2_IOMMU),
			 0);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.nr_mappings, 0);
	xlate(x->d[1], 0x10000, &err);
	assert_int_equal(err, -EFAULT);
}

/* A group behind another IOMMU gets its own domain with every mapping
 * replayed; one whose IOMMU cannot hold the mappings is refused. */
static void test_container_type1_second_iommu(void **state)
{
	struct cfix *x = *state;
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *wide, *small;
	struct ioasid_device_desc desc = { .name = "w" };
	struct ioasid_device *dw, *ds;
	struct ioasid_group *gw = plat_group(&x->pf, NULL);
	struct ioasid_group *gs = plat_group(&x->pf, NULL);
	struct ioasid_container_info info;
	struct ioasid_iova_range resv = { 0x40000000, 0x4fffffff };
	int err;

	ioasid_iommu_caps_init(&caps);
	caps.pgsize_bitmap = K4 | M2; /* no 1 GiB pages */
	caps.nr_reserved = 1;
	caps.reserved = &resv;
	assert_int_equal(ioasid_iommu_alloc(&caps, &wide), 0);
	assert_int_equal(ioasid_platform_add_iommu(x->pf.p, wide), 0);
	ioasid_iommu_caps_init(&caps);
	caps.addr_width = 39;
	caps.aperture.last = (1ull << 32) - 1;
	assert_int_equal(ioasid_iommu_alloc(&caps, &small), 0);
	assert_int_equal(ioasid_platform_add_iommu(x->pf.p, small), 0);
	desc.iommu = wide;
	assert_int_equal(ioasid_device_alloc(x->pf.p, &desc, &dw), 0);
	desc.name = "s";
	desc.iommu = small;
	assert_int_equal(ioasid_device_alloc(x->pf.p, &desc, &ds), 0);
	assert_int_equal(ioasid_group_add_device(gw, dw), 0);
	assert_int_equal(ioasid_group_add_device(gs, ds), 0);
	struct ioasid_device_info di;

	ioasid_device_query(ds, &di);
	assert_int_equal(di.iommu_index, 2);

	type1_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0x700000, K4), 0);
	assert_int_equal(map(x->c, R, 1ull << 40, 0x800000, K4), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, gw), 0);
	assert_int_equal(xlate(dw, 0x10000, &err), 0x700000);
	assert_int_equal(xlate(dw, 1ull << 40, &err), 0x800000);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.iova_pgsizes, K4 | M2);
	assert_int_equal(info.nr_iova_ranges, 3); /* the new reserved range */
	assert_int_equal(info.iova_ranges[0].last, 0x3fffffff);
	assert_int_equal(map(x->c, R, 0x40000000, 0, K4), -EINVAL);
	/* The 32-bit IOMMU cannot hold the mapping at 2^40. */
	assert_int_equal(ioasid_container_attach_group(x->c, gs), -EINVAL);
	assert_int_equal(ioasid_group_viable(gs, NULL), 1);
	assert_int_equal(unmap(x->c, 0, 1ull << 40, K4, NULL), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, gs), 0);
	assert_int_equal(xlate(ds, 0x10000, &err), 0x700000);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.iova_ranges[info.nr_iova_ranges - 1].last,
			 (1ull << 32) - 1);
	/* Leaving, the small IOMMU's domain goes and the range widens. */
	assert_int_equal(ioasid_container_detach_group(x->c, gs), 0);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.iova_ranges[info.nr_iova_ranges - 1].last,
			 (1ull << 48) - 1);
	ioasid_container_free(x->c); /* with groups and mappings */
	x->c = NULL;
	ioasid_device_free(dw);
	ioasid_device_free(ds);
	ioasid_group_put(gw);
	ioasid_group_put(gs);
}

/* A daemon handle as owner: it may hold its own claim on the group. */
static void test_container_external_owner(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container *c;
	struct ioasid_group_info gi;
	struct test_owner handle;

	test_owner_init(&handle, "handle3");
	assert_int_equal(ioasid_group_claim(x->g[0], &handle.owner, 0), 0);
	assert_int_equal(ioasid_container_alloc(x->pf.p, &handle.owner, &c), 0);
	assert_int_equal(ioasid_container_attach_group(c, x->g[0]), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[0]), -EBUSY);
	ioasid_group_query(x->g[0], &gi);
	assert_int_equal(gi.owner_claims, 2);
	assert_int_equal(ioasid_container_set_iommu(c, IOASID_VFIO_TYPE1v2_IOMMU), 0);
	ioasid_container_free(c);
	ioasid_group_query(x->g[0], &gi);
	assert_ptr_equal(gi.owner, &handle.owner);
	assert_int_equal(gi.owner_claims, 1);
	assert_null(gi.domain);
	assert_int_equal(ioasid_group_release(x->g[0], &handle.owner), 0);
	handle.owner.name = "";
	assert_int_equal(ioasid_container_alloc(x->pf.p, &handle.owner, &c),
			 -EINVAL);
}

/*
 * The container's domains are its own, as VFIO type1's are never handed
 * to user space: whoever reaches one through ioasid_device_domain() and
 * owns groups of its own (here a daemon handle that is also the
 * container's owner) cannot attach anything else to it, so the container
 * can always free it when its last group leaves.
 */
static void test_container_domain_refuses_outside_attach(void **state)
{
	static struct test_owner handle; /* outlives a failed test's container */
	struct cfix *x = *state;
	struct ioasid_platform_info pi;
	struct ioasid_domain_info di;
	struct ioasid_device_info dev;
	struct ioasid_group_info gi;
	struct ioasid_domain *dom;

	test_owner_init(&handle, "handle5");
	ioasid_container_free(x->c);
	assert_int_equal(ioasid_container_alloc(x->pf.p, &handle.owner, &x->c), 0);
	type1_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0x900000, K4), 0);
	dom = ioasid_device_domain(x->d[0], 0);
	assert_non_null(dom);
	assert_int_equal(ioasid_group_claim(x->g[1], &handle.owner, 0), 0);
	/* Another device, another PASID of the container's own device, and
	 * another group, all owned by the container's owner. */
	assert_int_equal(ioasid_device_attach_pasid(x->d[1], &handle.owner, 5, dom),
			 -EPERM);
	assert_int_equal(ioasid_device_attach_pasid(x->d[0], &handle.owner, 5, dom),
			 -EPERM);
	assert_int_equal(ioasid_group_attach(x->g[1], &handle.owner, dom), -EPERM);
	/* A native attachment of a group nobody owns. */
	assert_int_equal(ioasid_group_release(x->g[1], &handle.owner), 0);
	assert_int_equal(ioasid_device_attach_pasid(x->d[1], NULL, 5, dom), -EPERM);
	assert_int_equal(ioasid_group_attach(x->g[1], NULL, dom), -EPERM);
	/* The refused calls changed nothing. */
	ioasid_domain_query(dom, &di);
	assert_int_equal(di.attachments, 2); /* g[0] and its one device */
	assert_null(ioasid_device_domain(x->d[0], 5));
	assert_null(ioasid_device_domain(x->d[1], 5));
	assert_null(ioasid_device_domain(x->d[1], 0));
	ioasid_device_query(x->d[1], &dev);
	assert_int_equal(dev.nr_pasids, 0);
	ioasid_group_query(x->g[1], &gi);
	assert_null(gi.domain);
	assert_null(gi.owner);
	/* The container's own PASID attachment still goes through. */
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 5), 0);
	assert_ptr_equal(ioasid_device_domain(x->d[0], 5), dom);
	/* Freeing the container leaves nothing attached. */
	ioasid_container_free(x->c);
	x->c = NULL;
	ioasid_platform_query(x->pf.p, &pi);
	assert_int_equal(pi.nr_attached, 0);
	assert_null(ioasid_device_domain(x->d[0], 0));
	assert_null(ioasid_device_domain(x->d[0], 5));
}

/* Nor can anyone but the container detach its domain, or release the
 * container's claim under it, which would let a caller free the domain
 * under the container. */
static void test_container_domain_refuses_outside_detach(void **state)
{
	static struct test_owner handle;
	struct cfix *x = *state;
	struct ioasid_group_info gi;
	struct ioasid_domain *dom;
	int err;

	test_owner_init(&handle, "handle6");
	ioasid_container_free(x->c);
	assert_int_equal(ioasid_container_alloc(x->pf.p, &handle.owner, &x->c), 0);
	type1_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0x900000, K4), 0);
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 5), 0);
	dom = ioasid_device_domain(x->d[0], 0);
	assert_int_equal(ioasid_group_detach(x->g[0], &handle.owner), -EPERM);
	assert_int_equal(ioasid_device_detach_pasid(x->d[0], &handle.owner, 5),
			 -EPERM);
	/* The handle's own claim goes; the container's last one stays. */
	assert_int_equal(ioasid_group_claim(x->g[0], &handle.owner, 0), 0);
	assert_int_equal(ioasid_group_release(x->g[0], &handle.owner), 0);
	assert_int_equal(ioasid_group_release(x->g[0], &handle.owner), -EBUSY);
	assert_int_equal(ioasid_domain_free(dom), -EBUSY);
	ioasid_group_query(x->g[0], &gi);
	assert_ptr_equal(gi.domain, dom);
	assert_ptr_equal(gi.owner, &handle.owner);
	assert_int_equal(gi.owner_claims, 1);
	assert_ptr_equal(ioasid_device_domain(x->d[0], 5), dom);
	assert_int_equal(xlate(x->d[0], 0x10000, &err), 0x900000);
	assert_int_equal(ioasid_container_detach_pasid(x->c, x->d[0], 5), 0);
	assert_int_equal(ioasid_container_detach_group(x->c, x->g[0]), 0);
	assert_null(ioasid_device_domain(x->d[0], 0));
}

/* What a refused call must leave as it was: the domain's mappings, tables
 * and attachments (faults aside: translations in the tests add some). */
static void domain_snapshot(struct ioasid_domain *dom,
			    struct ioasid_domain_info *di)
{
	ioasid_domain_query(dom, di);
	di->faults_pending = 0;
}

/*
 * Nor can anyone change the container's page tables behind it: a map or
 * unmap through the generic domain calls would put the domain out of step
 * with the container's own list of MAP_DMA ranges (a mapping UNMAP_DMA
 * never removes, or one the container still counts but that is gone).
 */
static void test_container_domain_refuses_outside_map(void **state)
{
	struct cfix *x = *state;
	struct ioasid_domain_info before, after;
	struct ioasid_container_info info;
	struct ioasid_domain *dom;
	int err;

	type1_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0x900000, K4), 0);
	dom = ioasid_device_domain(x->d[0], 0);
	assert_non_null(dom);
	domain_snapshot(dom, &before);
	/* A free range, an overlapping one and an argument error alike. */
	assert_int_equal(ioasid_domain_map(dom, 0x20000, 0xa00000, K4,
					   IOASID_PROT_READ, 0), -EPERM);
	assert_int_equal(ioasid_domain_map(dom, 0x10000, 0xa00000, K4,
					   IOASID_PROT_READ, 0), -EPERM);
	assert_int_equal(ioasid_domain_map(dom, 0x20000, 0xa00000, 0,
					   IOASID_PROT_READ, 0), -EPERM);
	domain_snapshot(dom, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	xlate(x->d[0], 0x20000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(xlate(x->d[0], 0x10000, &err), 0x900000);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.nr_mappings, 1);
	/* The container's own map of the range still goes through. */
	assert_int_equal(map(x->c, R, 0x20000, 0xb00000, K4), 0);
	assert_int_equal(xlate(x->d[0], 0x20000, &err), 0xb00000);
}

static void test_container_domain_refuses_outside_unmap(void **state)
{
	struct cfix *x = *state;
	struct ioasid_domain_info before, after;
	struct ioasid_container_info info;
	struct ioasid_domain *dom;
	uint64_t bytes = 7;
	int err;

	type1_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0x900000, 2 * K4), 0);
	dom = ioasid_device_domain(x->d[0], 0);
	assert_non_null(dom);
	domain_snapshot(dom, &before);
	assert_int_equal(ioasid_domain_unmap(dom, 0x10000, 2 * K4, 0, &bytes),
			 -EPERM);
	assert_int_equal(bytes, 0);
	bytes = 7;
	assert_int_equal(ioasid_domain_unmap(dom, 0x11000, K4,
					     IOASID_UNMAP_SPLIT, &bytes), -EPERM);
	assert_int_equal(bytes, 0);
	assert_int_equal(ioasid_domain_unmap(dom, 0, UINT64_MAX, 0, NULL),
			 -EPERM);
	/* Attached, so freeing it is refused as before. */
	assert_int_equal(ioasid_domain_free(dom), -EBUSY);
	domain_snapshot(dom, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(xlate(x->d[0], 0x11000, &err), 0x901000);
	assert_int_equal(err, 0);
	/* The container's own unmap removes what it mapped, as before. */
	assert_int_equal(unmap(x->c, 0, 0x10000, 2 * K4, &bytes), 0);
	assert_int_equal(bytes, 2 * K4);
	xlate(x->d[0], 0x10000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.nr_mappings, 0);
	ioasid_domain_query(dom, &after);
	assert_int_equal(after.mapped_bytes, 0);
	assert_int_equal(after.nr_areas, 0);
}

/* The faults of the container's domains are the container's to read. */
static void test_container_domain_refuses_outside_fault_read(void **state)
{
	struct cfix *x = *state;
	struct ioasid_domain_info di;
	struct ioasid_domain *dom;
	struct ioasid_fault f[2];
	uint64_t lost = 7;
	int err;

	type1_ready(x);
	dom = ioasid_device_domain(x->d[0], 0);
	assert_non_null(dom);
	xlate(x->d[0], 0x30000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(ioasid_domain_fault_read(dom, f, 2, &lost), -EPERM);
	assert_int_equal(lost, 7);
	ioasid_domain_query(dom, &di);
	assert_int_equal(di.faults_pending, 1);
	assert_int_equal(ioasid_container_fault_read(x->c, f, 2, &lost), 1);
	assert_int_equal(f[0].addr, 0x30000);
	assert_int_equal(f[0].devid, ioasid_device_id(x->d[0]));
	assert_int_equal(lost, 0);
}

/* ------------------------------------------------------------------------
 * DMA through a container: PASIDs, translations, faults
 */

static void test_container_pasid_attach(void **state)
{
	struct cfix *x = *state;
	uint64_t phys;
	int err;

	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 5), -EINVAL);
	type1_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0x900000, K4), 0);
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 0), -EINVAL);
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 256), -EINVAL);
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[1], 5), -ENOENT);
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 5), 0);
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 5), -EBUSY);
	assert_int_equal(ioasid_device_translate(x->d[0], 5, 0x10000,
						 IOASID_ACCESS_READ, &phys), 0);
	assert_int_equal(phys, 0x900000);
	assert_int_equal(ioasid_container_detach_pasid(x->c, x->d[0], 5), 0);
	assert_int_equal(ioasid_container_detach_pasid(x->c, x->d[0], 5), -ENOENT);
	assert_int_equal(ioasid_device_translate(x->d[0], 5, 0x10000,
						 IOASID_ACCESS_READ, &phys), -EFAULT);
	/* A device leaving its group loses the PASID; the record goes. */
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 6), 0);
	assert_int_equal(ioasid_group_remove_device(x->d[0]), 0);
	assert_null(ioasid_device_domain(x->d[0], 6));
	assert_int_equal(ioasid_container_detach_pasid(x->c, x->d[0], 6), -ENOENT);
	assert_int_equal(ioasid_group_add_device(x->g[0], x->d[0]), 0);
	xlate(x->d[0], 0x10000, &err);
	assert_int_equal(err, 0);
	/* The group leaving the container takes its PASIDs along. */
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 7), 0);
	assert_int_equal(ioasid_container_detach_group(x->c, x->g[0]), 0);
	assert_null(ioasid_device_domain(x->d[0], 7));
	/* SPAPR has no PASIDs. */
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[0]), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c,
				IOASID_VFIO_SPAPR_TCE_IOMMU), 0);
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 5), -EINVAL);
	/* A container freed with PASIDs attached detaches them. */
	assert_int_equal(ioasid_container_detach_group(x->c, x->g[0]), 0);
	type1_ready(x);
	assert_int_equal(ioasid_container_attach_pasid(x->c, x->d[0], 9), 0);
	ioasid_container_free(x->c);
	x->c = NULL;
	assert_null(ioasid_device_domain(x->d[0], 9));
}

static void test_container_translate_and_faults(void **state)
{
	struct cfix *x = *state;
	struct ioasid_fault f[4];
	uint64_t phys, lost = 9;
	int err;

	assert_int_equal(ioasid_container_translate(x->c, 0x10000,
						    IOASID_ACCESS_READ, &phys),
			 -EINVAL);
	assert_int_equal(ioasid_container_fault_read(x->c, f, 4, &lost), 0);
	assert_int_equal(lost, 0);
	type1_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0x900000, 2 * K4), 0);
	assert_int_equal(ioasid_container_translate(x->c, 0x11008,
						    IOASID_ACCESS_READ, &phys), 0);
	assert_int_equal(phys, 0x901008);
	assert_int_equal(ioasid_container_translate(x->c, 0x11008,
						    IOASID_ACCESS_WRITE, &phys),
			 -EACCES);
	assert_int_equal(ioasid_container_translate(x->c, 0x20000,
						    IOASID_ACCESS_READ, &phys),
			 -EFAULT);
	assert_int_equal(ioasid_container_translate(x->c, 0x10000, 0, &phys),
			 -EINVAL);
	xlate(x->d[0], 0x30000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(ioasid_container_fault_read(x->c, f, 4, &lost), 3);
	assert_int_equal(lost, 0);
	assert_int_equal(f[0].devid, IOASID_CONTAINER_DEVID);
	assert_int_equal(f[0].reason, IOASID_FAULT_PERMISSION);
	assert_int_equal(f[1].addr, 0x20000);
	assert_int_equal(f[2].devid, ioasid_device_id(x->d[0]));
	assert_int_equal(ioasid_container_fault_read(x->c, f, 4, NULL), 0);
}

/* ------------------------------------------------------------------------
 * SPAPR-TCE
 */

static void spapr_ready(struct cfix *x)
{
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[0]), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c,
				IOASID_VFIO_SPAPR_TCE_IOMMU), 0);
}

static void test_container_spapr_one_group(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container_info info;

	assert_int_equal(ioasid_container_attach_group(x->c, x->g[0]), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[1]), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c,
				IOASID_VFIO_SPAPR_TCE_IOMMU), -EBUSY);
	assert_int_equal(ioasid_container_get_info(x->c, &info), -EINVAL);
	assert_int_equal(ioasid_container_detach_group(x->c, x->g[1]), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c,
				IOASID_VFIO_SPAPR_TCE_IOMMU), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, x->g[1]), -EBUSY);
	assert_int_equal(ioasid_group_viable(x->g[1], NULL), 1);
	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_SPAPR_TCE_IOMMU), 1);
	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(ioasid_container_check_extension(x->c,
				IOASID_VFIO_UNMAP_ALL), 0);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.type, IOASID_VFIO_SPAPR_TCE_IOMMU);
	assert_true(info.flags & IOASID_CONTAINER_INFO_DMA32_WINDOW);
	assert_false(info.flags & IOASID_CONTAINER_INFO_DMA_AVAIL);
	assert_int_equal(info.dma32_window_start, 0);
	assert_int_equal(info.dma32_window_size, 0x80000000u);
	assert_int_equal(info.iova_pgsizes, K4);
	assert_int_equal(info.nr_iova_ranges, 1);
	assert_int_equal(info.iova_ranges[0].last, 0x7fffffffull);
}

static void test_container_spapr_map_rules(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container_info info;
	uint64_t bytes;
	int err;

	spapr_ready(x);
	assert_int_equal(map(x->c, R | (1u << 2), 0, 0, K4), -EOPNOTSUPP);
	assert_int_equal(map(x->c, 0, 0, 0, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0, 0, 0), -EINVAL);
	/* Misaligned requests are refused, never rounded. */
	assert_int_equal(map(x->c, R, 0x800, 0, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0, 0x800, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0, 0, K4 - 1), -EINVAL);
	assert_int_equal(map(x->c, R, 0, ~0ull - K4 + 1, 2 * K4), -EOVERFLOW);
	assert_int_equal(map(x->c, R, 0x80000000ull, 0, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0x7ffff000ull, 0, 2 * K4), -EINVAL);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.nr_mappings, 0);
	assert_int_equal(map(x->c, R | W, 0x100000, 0x900000, 4 * K4), 0);
	assert_int_equal(map(x->c, R, 0x103000, ~0ull - K4 + 1, K4), -EINVAL);
	assert_int_equal(map(x->c, R, 0x103000, 0, K4), -EEXIST);
	assert_int_equal(xlate(x->d[0], 0x102000, &err), 0x902000);
	/* TCEs clear page by page: a hole may be cut in a mapping. */
	assert_int_equal(unmap(x->c, IOASID_DMA_UNMAP_FLAG_ALL, 0, 0, &bytes),
			 -EOPNOTSUPP);
	assert_int_equal(unmap(x->c, 0, 0x101800, K4, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x101000, 0, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, 0x80000000ull, K4, &bytes), -EINVAL);
	assert_int_equal(unmap(x->c, 0, ~0ull - K4 + 1, 2 * K4, &bytes),
			 -EOVERFLOW);
	assert_int_equal(unmap(x->c, 0, 0x101000, K4, &bytes), 0);
	assert_int_equal(bytes, K4);
	xlate(x->d[0], 0x101000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(xlate(x->d[0], 0x102000, &err), 0x902000);
	assert_int_equal(xlate(x->d[0], 0x100000, &err), 0x900000);
	assert_int_equal(ioasid_container_get_info(x->c, &info), 0);
	assert_int_equal(info.nr_mappings, 3);
	/* Clearing clear TCEs: nothing, and no error. */
	assert_int_equal(unmap(x->c, 0, 0x200000, 8 * K4, &bytes), 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(unmap(x->c, 0, 0, 0x80000000ull, &bytes), 0);
	assert_int_equal(bytes, 3 * K4);
}

/* Detaching clears every TCE, so the next user sees none. */
static void test_container_spapr_detach_clears_tces(void **state)
{
	struct cfix *x = *state;
	struct ioasid_container_info info;
	struct ioasid_container *next;
	int err;

	spapr_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0xa00000, 16 * K4), 0);
	assert_int_equal(xlate(x->d[0], 0x10000, &err), 0xa00000);
	assert_int_equal(ioasid_container_detach_group(x->c, x->g[0]), 0);
	xlate(x->d[0], 0x10000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(ioasid_container_alloc(x->pf.p, NULL, &next), 0);
	assert_int_equal(ioasid_container_attach_group(next, x->g[0]), 0);
	assert_int_equal(ioasid_container_set_iommu(next,
				IOASID_VFIO_SPAPR_TCE_IOMMU), 0);
	assert_int_equal(ioasid_container_get_info(next, &info), 0);
	assert_int_equal(info.nr_mappings, 0);
	xlate(x->d[0], 0x10000, &err);
	assert_int_equal(err, -EFAULT);
	ioasid_container_free(next);
}

/* An IOMMU whose reserved ranges cut the window cannot do SPAPR. */
static void test_container_spapr_window_unusable(void **state)
{
	struct cfix *x = *state;
	struct ioasid_iommu_caps caps;
	struct ioasid_iommu *iommu;
	struct ioasid_iova_range resv = { 0x10000000, 0x1fffffff };
	struct ioasid_device_desc desc = { .name = "p" };
	struct ioasid_device *dev;
	struct ioasid_group *g = plat_group(&x->pf, NULL);

	ioasid_iommu_caps_init(&caps);
	caps.nr_reserved = 1;
	caps.reserved = &resv;
	assert_int_equal(ioasid_iommu_alloc(&caps, &iommu), 0);
	assert_int_equal(ioasid_platform_add_iommu(x->pf.p, iommu), 0);
	desc.iommu = iommu;
	assert_int_equal(ioasid_device_alloc(x->pf.p, &desc, &dev), 0);
	assert_int_equal(ioasid_group_add_device(g, dev), 0);
	assert_int_equal(ioasid_container_attach_group(x->c, g), 0);
	assert_int_equal(ioasid_container_set_iommu(x->c,
				IOASID_VFIO_SPAPR_TCE_IOMMU), -EINVAL);
	assert_int_equal(ioasid_container_set_iommu(x->c, IOASID_VFIO_TYPE1v2_IOMMU),
			 0);
	assert_int_equal(ioasid_container_detach_group(x->c, g), 0);
	ioasid_device_free(dev);
	ioasid_group_put(g);
}

/* The SPAPR TCE table is the container's too. */
static void test_container_spapr_table_refuses_outside_attach(void **state)
{
	struct cfix *x = *state;
	struct ioasid_domain_info di;
	struct ioasid_domain *table;

	spapr_ready(x);
	table = ioasid_device_domain(x->d[0], 0);
	assert_non_null(table);
	assert_int_equal(ioasid_group_attach(x->g[1], NULL, table), -EPERM);
	assert_int_equal(ioasid_device_attach_pasid(x->d[1], NULL, 5, table),
			 -EPERM);
	ioasid_domain_query(table, &di);
	assert_int_equal(di.attachments, 2);
}

/* Its TCEs are set and cleared, and its faults read, through the
 * container alone. */
static void test_container_spapr_table_refuses_outside_map_unmap(void **state)
{
	struct cfix *x = *state;
	struct ioasid_domain_info before, after;
	struct ioasid_domain *table;
	struct ioasid_fault f[2];
	uint64_t bytes = 7;
	int err;

	spapr_ready(x);
	assert_int_equal(map(x->c, R, 0x10000, 0x900000, 2 * K4), 0);
	table = ioasid_device_domain(x->d[0], 0);
	assert_non_null(table);
	domain_snapshot(table, &before);
	assert_int_equal(ioasid_domain_map(table, 0x20000, 0xa00000, K4,
					   IOASID_PROT_READ, 0), -EPERM);
	assert_int_equal(ioasid_domain_unmap(table, 0x11000, K4,
					     IOASID_UNMAP_SPLIT, &bytes), -EPERM);
	assert_int_equal(bytes, 0);
	assert_int_equal(ioasid_domain_unmap(table, 0, UINT64_MAX, 0, NULL),
			 -EPERM);
	domain_snapshot(table, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(xlate(x->d[0], 0x11000, &err), 0x901000);
	xlate(x->d[0], 0x20000, &err);
	assert_int_equal(err, -EFAULT);
	/* The container clears a TCE as before. */
	assert_int_equal(unmap(x->c, 0, 0x11000, K4, &bytes), 0);
	assert_int_equal(bytes, K4);
	xlate(x->d[0], 0x11000, &err);
	assert_int_equal(err, -EFAULT);
	assert_int_equal(xlate(x->d[0], 0x10000, &err), 0x900000);
	/* The two faults are the container's to read. */
	assert_int_equal(ioasid_domain_fault_read(table, f, 2, NULL), -EPERM);
	assert_int_equal(ioasid_container_fault_read(x->c, f, 2, NULL), 2);
	assert_int_equal(f[0].addr, 0x20000);
	assert_int_equal(f[1].addr, 0x11000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_container_before_set_iommu,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_attach_group_rules,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_type1_info,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_type1_map_errors,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_type1_unmap_rules,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_type1_mapping_limit,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_type1_groups_share_mappings, cfix_setup,
			cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_type1_second_iommu,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_external_owner,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_pasid_attach,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_domain_refuses_outside_attach, cfix_setup,
			cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_domain_refuses_outside_detach, cfix_setup,
			cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_domain_refuses_outside_map, cfix_setup,
			cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_domain_refuses_outside_unmap, cfix_setup,
			cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_domain_refuses_outside_fault_read,
			cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_spapr_table_refuses_outside_attach,
			cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_spapr_table_refuses_outside_map_unmap,
			cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_translate_and_faults,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_spapr_one_group,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(test_container_spapr_map_rules,
						cfix_setup, cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_spapr_detach_clears_tces, cfix_setup,
			cfix_teardown),
		cmocka_unit_test_setup_teardown(
			test_container_spapr_window_unusable, cfix_setup,
			cfix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
