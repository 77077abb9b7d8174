// SPDX-License-Identifier: MIT
/*
 * The host reader: the real machine's /sys/kernel/iommu_groups, or the same
 * layout under any root (tests use fixture trees; ioasid_sysfs_export()
 * writes one).
 *
 * The reader trusts nothing it reads: file sizes are bounded, a group
 * directory must be named by a decimal number below 2^31 (anything else is
 * ignored, as a person listing the directory would), and reserved_regions
 * is parsed strictly by ioasid__host_parse_resv(), which the fuzz harness
 * exercises.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ioasid/iommu/sysfs.h>

#include "iommu/platform_internal.h"
#include "util/alloc.h"
#include "util/readall.h"

/* Largest file read: "name" and "type" are a line; reserved_regions a few
 * lines per range. */
#define HOST_FILE_MAX (64 * 1024)

static void host_msg(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	if (!msglen)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------------
 * reserved_regions: "0x%016llx 0x%016llx TYPE\n" per line.
 */

static int parse_hex(const char **pp, const char *end, uint64_t *v)
{
	const char *p = *pp;
	unsigned int digits = 0;

	if (end - p < 3 || p[0] != '0' || p[1] != 'x')
		return -EINVAL;
	p += 2;
	*v = 0;
	for (; p < end && digits <= 16; p++, digits++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		*v = (*v << 4) | (uint64_t)d;
	}
	if (digits == 0 || digits > 16)
		return -EINVAL;
	*pp = p;
	return 0;
}

static bool resv_type_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static int parse_resv_line(const char *p, const char *end,
			   struct ioasid_host_resv *r)
{
	size_t n = 0;

	if (parse_hex(&p, end, &r->start) || p == end || *p++ != ' ')
		return -EINVAL;
	if (parse_hex(&p, end, &r->last) || p == end || *p++ != ' ')
		return -EINVAL;
	while (p + n < end && resv_type_char(p[n]))
		n++;
	if (n == 0 || n >= sizeof(r->type) || p + n != end)
		return -EINVAL;
	memcpy(r->type, p, n);
	r->type[n] = '\0';
	return r->start <= r->last ? 0 : -EINVAL;
}

static unsigned int count_lines(const char *buf, size_t len)
{
	unsigned int nr = 0;

	for (size_t i = 0; i < len; i++)
		nr += buf[i] == '\n';
	return nr + (len && buf[len - 1] != '\n');
}

int ioasid__host_parse_resv(const char *buf, size_t len,
			    struct ioasid_host_resv **out, unsigned int *nr)
{
	unsigned int max = count_lines(buf, len), n = 0;
	struct ioasid_host_resv *r = NULL;
	const char *p = buf, *end = buf + len;

	if (max) {
		r = ioasid__calloc(max, sizeof(*r));
		if (!r)
			return -ENOMEM;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if (parse_resv_line(p, eol, &r[n])) {
			ioasid__free(r);
			return -EINVAL;
		}
		n++;
		p = eol + 1;
	}
	*out = r;
	*nr = n;
	return 0;
}

/* ------------------------------------------------------------------------
 * Files and directories
 */

/* Read a whole small file into a NUL-terminated buffer; -EFBIG if it
 * holds more than HOST_FILE_MAX bytes. */
static int read_small(const char *path, char **bufp, size_t *lenp)
{
	char *buf = ioasid__malloc(HOST_FILE_MAX + 1);
	size_t len;
	int fd, ret;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto free_buf;
	}
	/* One byte more than accepted, to see a file that is too big. */
	ret = ioasid__read_all(fd, buf, HOST_FILE_MAX + 1, IOASID__READ_AT_POS,
			       &len);
	close(fd);
	if (!ret && len > HOST_FILE_MAX)
		ret = -EFBIG;
	if (ret)
		goto free_buf;
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
free_buf:
	ioasid__free(buf);
	return ret;
}

/* Read dir/name whole; a missing file is no error and leaves *bufp NULL. */
static int read_optional(const char *dir, const char *name, char **bufp,
			 size_t *lenp)
{
	char path[PATH_MAX];
	int ret;

	*bufp = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	ret = read_small(path, bufp, lenp);
	return ret == -ENOENT ? 0 : ret;
}

/* The first line of an optional one-line file; *out NULL if missing. */
static int read_line_file(const char *dir, const char *name, char **out)
{
	char *buf;
	size_t len;
	int ret = read_optional(dir, name, &buf, &len);

	*out = NULL;
	if (ret || !buf)
		return ret;
	buf[strcspn(buf, "\n")] = '\0';
	*out = ioasid__strdup(buf);
	ioasid__free(buf);
	return *out ? 0 : -ENOMEM;
}

static int read_resv_file(const char *dir, struct ioasid_host_group *hg)
{
	char *buf;
	size_t len;
	int ret = read_optional(dir, "reserved_regions", &buf, &len);

	if (ret || !buf)
		return ret;
	ret = ioasid__host_parse_resv(buf, len, &hg->resv, &hg->nr_resv);
	ioasid__free(buf);
	return ret == -EINVAL ? -EIO : ret;
}

static int host_device_fill(const char *devdir, const char *name,
			    struct ioasid_host_device *hd)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/%s", devdir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	hd->name = ioasid__strdup(name);
	if (!hd->name)
		return -ENOMEM;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return errno == EINVAL ? 0 : -errno; /* EINVAL: not a link */
	target[n] = '\0';
	hd->target = ioasid__strdup(target);
	return hd->target ? 0 : -ENOMEM;
}

static int host_device_cmp(const void *a, const void *b)
{
	const struct ioasid_host_device *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Append one entry slot to a growing array. */
static void *array_grow(void *arr, unsigned int nr, unsigned int *cap,
			size_t size)
{
	unsigned int ncap;
	void *grown;

	if (nr < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 8;
	grown = ioasid__realloc(arr, (size_t)ncap * size);
	if (!grown)
		return NULL;
	memset((char *)grown + (size_t)*cap * size, 0,
	       (size_t)(ncap - *cap) * size);
	*cap = ncap;
	return grown;
}

static int read_devices_dir(DIR *d, const char *devdir,
			    struct ioasid_host_group *hg)
{
	unsigned int cap = 0;
	struct dirent *e;
	int ret = 0;

	for (errno = 0; (e = readdir(d)); errno = 0) {
		struct ioasid_host_device *arr;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		arr = array_grow(hg->devices, hg->nr_devices, &cap, sizeof(*arr));
		if (!arr)
			return -ENOMEM;
		hg->devices = arr;
		ret = host_device_fill(devdir, e->d_name, &arr[hg->nr_devices++]);
		if (ret)
			return ret;
	}
	return errno ? -errno : 0;
}

static int read_devices(const char *dir, struct ioasid_host_group *hg)
{
	char devdir[PATH_MAX];
	DIR *d;
	int ret;

	if (snprintf(devdir, sizeof(devdir), "%s/devices", dir) >= (int)sizeof(devdir))
		return -ENAMETOOLONG;
	d = opendir(devdir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	ret = read_devices_dir(d, devdir, hg);
	closedir(d);
	if (!ret && hg->nr_devices)
		qsort(hg->devices, hg->nr_devices, sizeof(*hg->devices),
		      host_device_cmp);
	return ret;
}

static void host_group_clear(struct ioasid_host_group *hg)
{
	for (unsigned int i = 0; i < hg->nr_devices; i++) {
		ioasid__free(hg->devices[i].name);
		ioasid__free(hg->devices[i].target);
	}
	ioasid__free(hg->devices);
	ioasid__free(hg->resv);
	ioasid__free(hg->name);
	ioasid__free(hg->type);
}

static int read_group(const char *groups_dir, unsigned int id,
		      struct ioasid_host_group *hg, char *msg, size_t msglen)
{
	char dir[PATH_MAX];
	int ret;

	hg->id = id;
	if (snprintf(dir, sizeof(dir), "%s/%u", groups_dir, id) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	ret = read_line_file(dir, "name", &hg->name);
	if (!ret)
		ret = read_line_file(dir, "type", &hg->type);
	if (!ret) {
		ret = read_resv_file(dir, hg);
		if (ret == -EIO)
			host_msg(msg, msglen, "%s/reserved_regions is malformed",
				 dir);
	}
	if (!ret)
		ret = read_devices(dir, hg);
	if (ret && ret != -EIO)
		host_msg(msg, msglen, "cannot read %s: %s", dir, strerror(-ret));
	return ret;
}

/* A group directory name: decimal, no sign, no leading zero, < 2^31. */
static bool group_dir_id(const char *name, unsigned int *idp)
{
	unsigned long v = 0;

	if (!name[0] || (name[0] == '0' && name[1]))
		return false;
	for (const char *c = name; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > INT_MAX)
			return false;
	}
	*idp = (unsigned int)v;
	return true;
}

static int host_group_cmp(const void *a, const void *b)
{
	const struct ioasid_host_group *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int read_groups_dir(DIR *d, const char *groups_dir,
			   struct ioasid_host_groups *hg, char *msg,
			   size_t msglen)
{
	unsigned int cap = 0, id;
	struct dirent *e;
	int ret = 0;

	for (errno = 0; (e = readdir(d)); errno = 0) {
		struct ioasid_host_group *arr;

		if (!group_dir_id(e->d_name, &id))
			continue;
		arr = array_grow(hg->groups, hg->nr, &cap, sizeof(*arr));
		if (!arr)
			return -ENOMEM;
		hg->groups = arr;
		ret = read_group(groups_dir, id, &arr[hg->nr++], msg, msglen);
		if (ret)
			return ret;
	}
	ret = -errno;
	if (ret)
		host_msg(msg, msglen, "cannot list %s: %s", groups_dir,
			 strerror(-ret));
	return ret;
}

static int open_groups_dir(const char *root, char *dir, DIR **dp, char *msg,
			   size_t msglen)
{
	if (snprintf(dir, PATH_MAX, "%s/kernel/iommu_groups", root) >= PATH_MAX)
		return -ENAMETOOLONG;
	int ret;

	*dp = opendir(dir);
	if (*dp)
		return 0;
	ret = -errno;
	if (ret == -ENOENT)
		host_msg(msg, msglen,
			 "%s does not exist: this machine exposes no IOMMU "
			 "groups (no IOMMU, the IOMMU disabled, or no sysfs "
			 "mounted at %s)", dir, root);
	else
		host_msg(msg, msglen, "cannot open %s: %s", dir, strerror(-ret));
	return ret;
}

static int host_groups_read(const char *root, struct ioasid_host_groups **out,
			    char *msg, size_t msglen)
{
	char dir[PATH_MAX];
	struct ioasid_host_groups *hg;
	DIR *d;
	int ret;

	host_msg(msg, msglen, "%s", "");
	if (!root)
		root = IOASID_SYSFS_ROOT_DEFAULT;
	ret = open_groups_dir(root, dir, &d, msg, msglen);
	if (ret)
		return ret;
	hg = ioasid__calloc(1, sizeof(*hg));
	ret = hg ? read_groups_dir(d, dir, hg, msg, msglen) : -ENOMEM;
	closedir(d);
	if (ret == -ENOMEM)
		host_msg(msg, msglen, "out of memory reading %s", dir);
	if (ret) {
		ioasid_host_groups_free(hg);
		return ret;
	}
	if (hg->nr)
		qsort(hg->groups, hg->nr, sizeof(*hg->groups), host_group_cmp);
	*out = hg;
	return 0;
}

/*
 * readdir() reports its errors only through errno, which the walk therefore
 * sets and reads; the caller's errno is given back untouched.
 */
int ioasid_host_groups_read(const char *root, struct ioasid_host_groups **out,
			    char *msg, size_t msglen)
{
	int saved_errno = errno;
	int ret = host_groups_read(root, out, msg, msglen);

	errno = saved_errno; /* The library never reports through errno. */
	return ret;
}

void ioasid_host_groups_free(struct ioasid_host_groups *hg)
{
	if (!hg)
		return;
	for (unsigned int i = 0; i < hg->nr; i++)
		host_group_clear(&hg->groups[i]);
	ioasid__free(hg->groups);
	ioasid__free(hg);
}
