// SPDX-License-Identifier: MIT
/*
 * The platform lines of ioasidd's configuration (see config.h):
 *
 *     iommu NAME  = [pasid_bits=N] [addr_width=39|48|57] [pgsizes=4K,2M,1G]
 *                   [aperture=START-LAST] [reserved=START-LAST|none ...]
 *                   [caps=pri,nesting|none] [iotlb=N]
 *     group NAME  = [type=DMA|DMA-FQ|identity|blocked|unmanaged]
 *     device NAME = [iommu=NAME] [group=NAME] [parent=PATH] [ssid_bits=N]
 *                   [driver=NAME]
 *
 * Options are blank-separated option=value words; numbers are decimal or
 * 0x-prefixed hexadecimal. Each line is parsed into a local description,
 * checked against the rules ioasid_iommu_alloc(), ioasid_group_alloc() and
 * ioasid_device_alloc() apply, and only then appended, so a bad line
 * changes nothing and the daemon can build the platform from any
 * description the parser accepted (an allocation failure aside).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "util/alloc.h"
#include "util/name.h"
#include "util/parse.h"

#define WORD_MAX 256

/* ---- words and numbers ---- */

/*
 * next_word - copy the next blank-separated word of *sp to word: 1, or 0
 * at the end of the text, or -EINVAL for a word longer than size - 1.
 */
static int next_word(const char **sp, char *word, size_t size,
		     const char **why)
{
	const char *s = *sp;
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return 0;
	while (s[n] && s[n] != ' ' && s[n] != '\t')
		n++;
	if (n >= size) {
		*why = "option too long";
		return -EINVAL;
	}
	memcpy(word, s, n);
	word[n] = '\0';
	*sp = s + n;
	return 1;
}

/*
 * parse_u32_max - a number (ioasid__parse_u64()) no larger than max. A
 * value too large for 64 bits is as wrong as a typo here: both -EINVAL.
 */
static int parse_u32_max(const char *s, uint32_t max, uint32_t *valp)
{
	uint64_t v;

	if (ioasid__parse_u64(s, &v) || v > max)
		return -EINVAL;
	*valp = (uint32_t)v;
	return 0;
}

/* parse_range - "START-LAST", inclusive. */
static int parse_range(const char *s, struct ioasid_iova_range *r)
{
	char first[WORD_MAX];
	const char *dash = strchr(s, '-');
	size_t n;

	if (!dash)
		return -EINVAL;
	n = (size_t)(dash - s);
	if (n >= sizeof(first))
		return -EINVAL;
	memcpy(first, s, n);
	first[n] = '\0';
	if (ioasid__parse_u64(first, &r->start) ||
	    ioasid__parse_u64(dash + 1, &r->last))
		return -EINVAL;
	return r->start <= r->last ? 0 : -EINVAL;
}

/* option_split - "key=value" into word (key) and *valuep. */
static int option_split(char *word, const char **valuep, const char **why)
{
	char *eq = strchr(word, '=');

	if (!eq || eq == word) {
		*why = "options are option=value words";
		return -EINVAL;
	}
	*eq = '\0';
	*valuep = eq + 1;
	return 0;
}

/* ---- iommu lines ---- */

static int parse_pgsizes(const char *s, uint64_t *bitmap)
{
	static const struct {
		const char *name;
		uint64_t size;
	} sizes[] = { { "4K", IOASID_PAGE_SIZE_4K },
		      { "2M", IOASID_PAGE_SIZE_2M },
		      { "1G", IOASID_PAGE_SIZE_1G } };
	uint64_t v = 0;

	while (*s) {
		size_t n = strcspn(s, ",");
		size_t i;

		for (i = 0; i < 3; i++)
			if (strlen(sizes[i].name) == n &&
			    !strncmp(s, sizes[i].name, n))
				break;
		if (i == 3)
			return -EINVAL;
		v |= sizes[i].size;
		s += n + (s[n] == ',');
	}
	if (!(v & IOASID_PAGE_SIZE_4K))
		return -EINVAL;
	*bitmap = v;
	return 0;
}

static int parse_caps(const char *s, uint32_t *flags)
{
	uint32_t v = 0;

	if (!strcmp(s, "none")) {
		*flags = 0;
		return 0;
	}
	while (*s) {
		size_t n = strcspn(s, ",");

		if (n == 3 && !strncmp(s, "pri", 3))
			v |= IOASID_IOMMU_CAP_PRI;
		else if (n == 7 && !strncmp(s, "nesting", 7))
			v |= IOASID_IOMMU_CAP_NESTING;
		else
			return -EINVAL;
		s += n + (s[n] == ',');
	}
	*flags = v;
	return v ? 0 : -EINVAL;
}

static int iommu_add_reserved(struct ioasidd_iommu_desc *io, bool *replaced,
			      const char *value)
{
	struct ioasid_iova_range r;

	if (!*replaced) {
		io->nr_reserved = 0; /* the first reserved= drops the default */
		*replaced = true;
	}
	if (!strcmp(value, "none"))
		return 0;
	if (parse_range(value, &r) || io->nr_reserved >= IOASIDD_RESERVED_MAX)
		return -EINVAL;
	io->reserved[io->nr_reserved++] = r;
	return 0;
}

static int iommu_option(struct ioasidd_iommu_desc *io, bool *replaced,
			const char *key, const char *value, const char **why)
{
	*why = "bad iommu option value";
	if (!strcmp(key, "pasid_bits"))
		return parse_u32_max(value, IOASID_IOMMU_PASID_BITS_MAX,
				     &io->pasid_bits);
	if (!strcmp(key, "addr_width"))
		return parse_u32_max(value, 64, &io->addr_width);
	if (!strcmp(key, "pgsizes"))
		return parse_pgsizes(value, &io->pgsizes);
	if (!strcmp(key, "aperture"))
		return parse_range(value, &io->aperture);
	if (!strcmp(key, "reserved"))
		return iommu_add_reserved(io, replaced, value);
	if (!strcmp(key, "caps"))
		return parse_caps(value, &io->flags);
	if (!strcmp(key, "iotlb"))
		return parse_u32_max(value, 1u << 20, &io->iotlb_entries);
	*why = "unknown iommu option";
	return -EINVAL;
}

static bool granular(uint64_t start, uint64_t last)
{
	return !(start & (IOASID_PAGE_SIZE_4K - 1)) &&
	       !((last + 1) & (IOASID_PAGE_SIZE_4K - 1));
}

/* iommu_check - what ioasid_iommu_alloc() refuses, as a reason. */
static const char *iommu_check(const struct ioasidd_iommu_desc *io)
{
	uint32_t w = io->addr_width;
	uint32_t t = io->iotlb_entries;

	if (w != 39 && w != 48 && w != 57)
		return "addr_width must be 39, 48 or 57";
	if (io->aperture.last &&
	    (!granular(io->aperture.start, io->aperture.last) ||
	     io->aperture.last >> w))
		return "aperture must be 4K granular and inside addr_width";
	for (uint32_t i = 0; i < io->nr_reserved; i++)
		if (!granular(io->reserved[i].start, io->reserved[i].last))
			return "reserved ranges must be 4K granular";
	if (t && (t < 4 || (t & (t - 1))))
		return "iotlb must be a power of two from 4";
	return NULL;
}

static void iommu_defaults(struct ioasidd_iommu_desc *io, const char *name)
{
	struct ioasid_iommu_caps caps;

	ioasid_iommu_caps_init(&caps);
	memset(io, 0, sizeof(*io));
	snprintf(io->name, sizeof(io->name), "%s", name);
	io->pasid_bits = caps.pasid_bits;
	io->addr_width = caps.addr_width;
	io->pgsizes = caps.pgsize_bitmap;
	io->flags = caps.flags;
	io->nr_reserved = caps.nr_reserved < IOASIDD_RESERVED_MAX
				  ? caps.nr_reserved
				  : IOASIDD_RESERVED_MAX;
	memcpy(io->reserved, caps.reserved,
	       io->nr_reserved * sizeof(io->reserved[0]));
}

/* ---- lookups by name ---- */

static int iommu_index(const struct ioasidd_platform_desc *pd, const char *n)
{
	for (uint32_t i = 0; i < pd->nr_iommus; i++)
		if (!strcmp(pd->iommus[i].name, n))
			return (int)i;
	return -1;
}

static int group_index(const struct ioasidd_platform_desc *pd, const char *n)
{
	for (uint32_t i = 0; i < pd->nr_groups; i++)
		if (!strcmp(pd->groups[i].name, n))
			return (int)i;
	return -1;
}

static bool device_exists(const struct ioasidd_platform_desc *pd,
			  const struct ioasidd_device_desc *dev)
{
	for (uint32_t i = 0; i < pd->nr_devices; i++)
		if (!strcmp(pd->devices[i].name, dev->name) &&
		    !strcmp(pd->devices[i].parent, dev->parent))
			return true;
	return false;
}

/* ---- appending ---- */

/* array_append - grow *arrayp (nr elements of size) by one copy of elem. */
static int array_append(void **arrayp, uint32_t *nr, size_t size,
			const void *elem)
{
	char *grown = ioasid__realloc(*arrayp, (*nr + 1) * size);

	if (!grown)
		return -ENOMEM;
	memcpy(grown + *nr * size, elem, size);
	*arrayp = grown;
	(*nr)++;
	return 0;
}

static int iommu_line(struct ioasidd_platform_desc *pd, const char *name,
		      const char *value, const char **why)
{
	struct ioasidd_iommu_desc io;
	char word[WORD_MAX];
	const char *v;
	bool replaced = false;
	int ret;

	if (iommu_index(pd, name) >= 0) {
		*why = "iommu declared twice";
		return -EINVAL;
	}
	if (pd->nr_iommus >= IOASIDD_PLATFORM_IOMMUS_MAX) {
		*why = "too many iommu lines";
		return -EINVAL;
	}
	iommu_defaults(&io, name);
	while ((ret = next_word(&value, word, sizeof(word), why)) > 0) {
		if (option_split(word, &v, why) ||
		    iommu_option(&io, &replaced, word, v, why))
			return -EINVAL;
	}
	if (ret)
		return ret;
	*why = iommu_check(&io);
	if (*why)
		return -EINVAL;
	return array_append((void **)&pd->iommus, &pd->nr_iommus, sizeof(io),
			    &io);
}

static int parse_group_type(const char *s, enum ioasid_group_type *typep)
{
	for (int t = IOASID_GROUP_TYPE_DMA; t <= IOASID_GROUP_TYPE_UNMANAGED;
	     t++) {
		if (!strcmp(s, ioasid_group_type_name((enum ioasid_group_type)t))) {
			*typep = (enum ioasid_group_type)t;
			return 0;
		}
	}
	return -EINVAL;
}

static int group_line(struct ioasidd_platform_desc *pd, const char *name,
		      const char *value, const char **why)
{
	struct ioasidd_group_desc g = { .type = IOASID_GROUP_TYPE_DMA };
	char word[WORD_MAX];
	const char *v;
	int ret;

	if (group_index(pd, name) >= 0) {
		*why = "group declared twice";
		return -EINVAL;
	}
	if (pd->nr_groups >= IOASIDD_PLATFORM_GROUPS_MAX) {
		*why = "too many group lines";
		return -EINVAL;
	}
	snprintf(g.name, sizeof(g.name), "%s", name);
	while ((ret = next_word(&value, word, sizeof(word), why)) > 0) {
		if (option_split(word, &v, why))
			return -EINVAL;
		*why = "unknown group option";
		if (strcmp(word, "type"))
			return -EINVAL;
		*why = "group type must be DMA, DMA-FQ, identity, blocked or "
		       "unmanaged";
		if (parse_group_type(v, &g.type))
			return -EINVAL;
	}
	if (ret)
		return ret;
	return array_append((void **)&pd->groups, &pd->nr_groups, sizeof(g), &g);
}

static int device_ref(const struct ioasidd_platform_desc *pd, bool iommu,
		      const char *v, int32_t *idx, const char **why)
{
	int i = iommu ? iommu_index(pd, v) : group_index(pd, v);

	if (i < 0) {
		*why = iommu ? "device names an iommu not declared before it"
			     : "device names a group not declared before it";
		return -EINVAL;
	}
	*idx = i;
	return 0;
}

static int device_option(const struct ioasidd_platform_desc *pd,
			 struct ioasidd_device_desc *dev, const char *key,
			 const char *v, const char **why)
{
	int32_t idx;

	if (!strcmp(key, "iommu")) {
		if (device_ref(pd, true, v, &idx, why))
			return -EINVAL;
		dev->iommu = (uint32_t)idx;
		return 0;
	}
	if (!strcmp(key, "group"))
		return device_ref(pd, false, v, &dev->group, why);
	*why = "bad device option value";
	if (!strcmp(key, "ssid_bits"))
		return parse_u32_max(v, IOASID_IOMMU_PASID_BITS_MAX,
				     &dev->ssid_bits);
	if (!strcmp(key, "parent") &&
	    !ioasid__name_path_check(v, sizeof(dev->parent))) {
		snprintf(dev->parent, sizeof(dev->parent), "%s", v);
		return 0;
	}
	if (!strcmp(key, "driver") &&
	    !ioasid__name_check(v, sizeof(dev->driver))) {
		snprintf(dev->driver, sizeof(dev->driver), "%s", v);
		return 0;
	}
	if (strcmp(key, "parent") && strcmp(key, "driver"))
		*why = "unknown device option";
	return -EINVAL;
}

static int device_line(struct ioasidd_platform_desc *pd, const char *name,
		       const char *value, const char **why)
{
	struct ioasidd_device_desc dev = { .group = -1 };
	char word[WORD_MAX];
	const char *v;
	int ret;

	if (!pd->nr_iommus) {
		*why = "a device needs an iommu declared before it";
		return -EINVAL;
	}
	if (pd->nr_devices >= IOASIDD_PLATFORM_DEVICES_MAX) {
		*why = "too many device lines";
		return -EINVAL;
	}
	snprintf(dev.name, sizeof(dev.name), "%s", name);
	while ((ret = next_word(&value, word, sizeof(word), why)) > 0) {
		if (option_split(word, &v, why) ||
		    device_option(pd, &dev, word, v, why))
			return -EINVAL;
	}
	if (ret)
		return ret;
	if (device_exists(pd, &dev)) {
		*why = "device declared twice (same parent and name)";
		return -EINVAL;
	}
	return array_append((void **)&pd->devices, &pd->nr_devices, sizeof(dev),
			    &dev);
}

/* ---- entry points ---- */

const char *ioasid__config_platform_kind(const char *key, const char **namep)
{
	static const char *const kinds[] = { "iommu", "group", "device" };

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(kinds[i]);

		if (!strncmp(key, kinds[i], n) &&
		    (key[n] == ' ' || key[n] == '\t' || !key[n])) {
			key += n;
			while (*key == ' ' || *key == '\t')
				key++;
			*namep = key;
			return kinds[i];
		}
	}
	return NULL;
}

int ioasid__config_platform_line(struct ioasidd_platform_desc *pd,
				 const char *kind, const char *name,
				 const char *value, const char **why)
{
	*why = "bad name: 1-63 printable characters, no blank or '/'";
	if (ioasid__name_check(name, IOASID_NAME_MAX))
		return -EINVAL;
	if (!strcmp(kind, "iommu"))
		return iommu_line(pd, name, value, why);
	if (!strcmp(kind, "group"))
		return group_line(pd, name, value, why);
	return device_line(pd, name, value, why);
}

static int array_clone(void **dst, const void *src, uint32_t nr, size_t size)
{
	*dst = NULL;
	if (!nr)
		return 0;
	*dst = ioasid__malloc(nr * size);
	if (!*dst)
		return -ENOMEM;
	memcpy(*dst, src, nr * size);
	return 0;
}

int ioasid__config_platform_clone(struct ioasidd_platform_desc *dst,
				  const struct ioasidd_platform_desc *src)
{
	*dst = *src;
	dst->iommus = NULL;
	dst->groups = NULL;
	dst->devices = NULL;
	if (array_clone((void **)&dst->iommus, src->iommus, src->nr_iommus,
			sizeof(*src->iommus)) ||
	    array_clone((void **)&dst->groups, src->groups, src->nr_groups,
			sizeof(*src->groups)) ||
	    array_clone((void **)&dst->devices, src->devices, src->nr_devices,
			sizeof(*src->devices))) {
		ioasid__config_platform_release(dst);
		return -ENOMEM;
	}
	return 0;
}

void ioasid__config_platform_release(struct ioasidd_platform_desc *pd)
{
	ioasid__free(pd->iommus);
	ioasid__free(pd->groups);
	ioasid__free(pd->devices);
	memset(pd, 0, sizeof(*pd));
}
