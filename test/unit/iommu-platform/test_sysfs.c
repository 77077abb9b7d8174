// SPDX-License-Identifier: MIT
/* The sysfs-style export and the host reader. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "iommu/platform_internal.h"
#include "sweep.h"
#include "util/alloc.h"

struct sfix {
	struct plat_fixture pf;
	char root[64];
	char out[96]; /* where the sweeps export: root or a directory in it */
	bool kernel_before; /* out/kernel existed before the sweep */
	struct ioasid_group *mfd, *ident;
	struct ioasid_device *fn0, *fn1, *gpu, *loose;
};

static void rm_rf(const char *path)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static int sfix_setup(void **state)
{
	struct sfix *x = calloc(1, sizeof(*x));
	void *pf;

	assert_non_null(x);
	plat_setup(&pf);
	x->pf = *(struct plat_fixture *)pf;
	free(pf);
	strcpy(x->root, "/tmp/ioasid-sysfs-XXXXXX");
	assert_non_null(mkdtemp(x->root));
	strcpy(x->out, x->root);
	x->mfd = plat_group(&x->pf, "mfd");
	assert_int_equal(ioasid_group_alloc(x->pf.p, NULL, IOASID_GROUP_TYPE_IDENTITY,
					    &x->ident), 0);
	x->fn0 = plat_device(&x->pf, "fn", "pci0000:00", 0);
	x->fn1 = plat_device(&x->pf, "fn", "pci0000:01/0000:01:00.0", 0);
	x->gpu = plat_device(&x->pf, "gpu", NULL, 0);
	x->loose = plat_device(&x->pf, "loose", "platform", 0);
	assert_int_equal(ioasid_group_add_device(x->mfd, x->fn0), 0);
	assert_int_equal(ioasid_group_add_device(x->mfd, x->fn1), 0);
	assert_int_equal(ioasid_group_add_device(x->ident, x->gpu), 0);
	*state = x;
	return 0;
}

static int sfix_teardown(void **state)
{
	struct sfix *x = *state;
	struct plat_fixture *pf = malloc(sizeof(*pf));
	void *st = pf;

	ioasid_device_free(x->fn0);
	ioasid_device_free(x->fn1);
	ioasid_device_free(x->gpu);
	ioasid_device_free(x->loose);
	ioasid_group_put(x->mfd);
	ioasid_group_put(x->ident);
	rm_rf(x->root);
	*pf = x->pf;
	free(x);
	return plat_teardown(&st);
}

static void read_text(const char *root, const char *rel, char *buf, size_t cap)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, cap - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void read_link(const char *root, const char *rel, char *buf)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	n = readlink(path, buf, PATH_MAX - 1);
	assert_true(n > 0);
	buf[n] = '\0';
}

/* realpath of root/rel must be realpath of root/want. */
static void assert_resolves(const char *root, const char *rel, const char *want)
{
	char a[PATH_MAX], b[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];

	snprintf(a, sizeof(a), "%s/%s", root, rel);
	snprintf(b, sizeof(b), "%s/%s", root, want);
	assert_non_null(realpath(a, ra));
	assert_non_null(realpath(b, rb));
	assert_string_equal(ra, rb);
}

static bool exists(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return lstat(path, &st) == 0;
}

static void test_sysfs_export_layout(void **state)
{
	struct sfix *x = *state;
	char buf[PATH_MAX];

	assert_int_equal(ioasid_sysfs_export(x->pf.p, x->root), 0);
	read_text(x->root, "kernel/iommu_groups/0/name", buf, sizeof(buf));
	assert_string_equal(buf, "mfd\n");
	read_text(x->root, "kernel/iommu_groups/0/type", buf, sizeof(buf));
	assert_string_equal(buf, "DMA\n");
	read_text(x->root, "kernel/iommu_groups/0/reserved_regions", buf,
		  sizeof(buf));
	assert_string_equal(buf, "0x00000000fee00000 0x00000000feefffff msi\n");
	read_link(x->root, "kernel/iommu_groups/0/devices/fn", buf);
	assert_string_equal(buf, "../../../../devices/pci0000:00/fn");
	read_link(x->root, "kernel/iommu_groups/0/devices/fn.0", buf);
	assert_string_equal(buf, "../../../../devices/pci0000:01/0000:01:00.0/fn");
	assert_resolves(x->root, "kernel/iommu_groups/0/devices/fn.0",
			"devices/pci0000:01/0000:01:00.0/fn");
	assert_resolves(x->root, "devices/pci0000:01/0000:01:00.0/fn/iommu_group",
			"kernel/iommu_groups/0");
	assert_resolves(x->root, "devices/gpu/iommu_group", "kernel/iommu_groups/1");
	/* The unnamed identity group has no name file. */
	assert_false(exists(x->root, "kernel/iommu_groups/1/name"));
	read_text(x->root, "kernel/iommu_groups/1/type", buf, sizeof(buf));
	assert_string_equal(buf, "identity\n");
	/* A device in no group exists, without an iommu_group link. */
	assert_true(exists(x->root, "devices/platform/loose"));
	assert_false(exists(x->root, "devices/platform/loose/iommu_group"));
	assert_false(exists(x->root, "kernel/iommu_groups/2"));
}

static void test_sysfs_export_twice_and_remove(void **state)
{
	struct sfix *x = *state;
	char marker[PATH_MAX];
	int fd;

	/* Something of the caller's beside the export survives removal. */
	snprintf(marker, sizeof(marker), "%s/kernel", x->root);
	assert_int_equal(mkdir(marker, 0755), 0);
	snprintf(marker, sizeof(marker), "%s/kernel/mm", x->root);
	fd = open(marker, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ioasid_sysfs_export(x->pf.p, x->root), 0);
	assert_int_equal(ioasid_sysfs_export(x->pf.p, x->root), -EEXIST);
	/* The refused export left the previous one as it was. */
	assert_true(exists(x->root, "kernel/iommu_groups/0/devices/fn"));
	assert_true(exists(x->root, "devices/platform/loose"));
	assert_int_equal(ioasid_sysfs_remove(x->root), 0);
	assert_false(exists(x->root, "kernel/iommu_groups"));
	assert_false(exists(x->root, "devices"));
	assert_true(exists(x->root, "kernel/mm"));
	assert_int_equal(ioasid_sysfs_remove(x->root), 0); /* nothing there */
	/* A changed platform exports its new state. */
	assert_int_equal(ioasid_group_remove_device(x->fn1), 0);
	assert_int_equal(ioasid_sysfs_export(x->pf.p, x->root), 0);
	assert_false(exists(x->root, "kernel/iommu_groups/0/devices/fn.0"));
	assert_true(exists(x->root, "kernel/iommu_groups/0/devices/fn"));
	assert_int_equal(ioasid_sysfs_export(x->pf.p, NULL), -EINVAL);
	assert_int_equal(ioasid_sysfs_export(x->pf.p, ""), -EINVAL);
	assert_int_equal(ioasid_sysfs_remove(NULL), -EINVAL);
}

/* The reader reads back what the export wrote. */
static void test_sysfs_host_reader_reads_export(void **state)
{
	struct sfix *x = *state;
	struct ioasid_host_groups *hg;
	const struct ioasid_host_group *g;
	char msg[256];

	assert_int_equal(ioasid_sysfs_export(x->pf.p, x->root), 0);
	assert_int_equal(ioasid_host_groups_read(x->root, &hg, msg, sizeof(msg)), 0);
	assert_int_equal(hg->nr, 2);
	g = &hg->groups[0];
	assert_int_equal(g->id, 0);
	assert_string_equal(g->name, "mfd");
	assert_string_equal(g->type, "DMA");
	assert_int_equal(g->nr_devices, 2);
	assert_string_equal(g->devices[0].name, "fn");
	assert_string_equal(g->devices[0].target, "../../../../devices/pci0000:00/fn");
	assert_string_equal(g->devices[1].name, "fn.0");
	assert_int_equal(g->nr_resv, 1);
	assert_int_equal(g->resv[0].start, IOASID_MSI_WINDOW_START);
	assert_int_equal(g->resv[0].last, IOASID_MSI_WINDOW_LAST);
	assert_string_equal(g->resv[0].type, "msi");
	g = &hg->groups[1];
	assert_int_equal(g->id, 1);
	assert_null(g->name);
	assert_string_equal(g->type, "identity");
	assert_int_equal(g->nr_devices, 1);
	assert_string_equal(g->devices[0].name, "gpu");
	ioasid_host_groups_free(hg);
	ioasid_host_groups_free(NULL);
}

static void write_at(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void mkdir_at(const char *root, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* A fixture tree written the way a real kernel lays it out. */
static void test_sysfs_host_reader_fixture_tree(void **state)
{
	struct sfix *x = *state;
	struct ioasid_host_groups *hg;
	char path[PATH_MAX], msg[256];

	mkdir_at(x->root, "kernel");
	mkdir_at(x->root, "kernel/iommu_groups");
	mkdir_at(x->root, "kernel/iommu_groups/12");
	mkdir_at(x->root, "kernel/iommu_groups/12/devices");
	snprintf(path, sizeof(path),
		 "%s/kernel/iommu_groups/12/devices/0000:00:1f.3", x->root);
	assert_int_equal(symlink("../../../../devices/pci0000:00/0000:00:1f.3",
				 path), 0);
	snprintf(path, sizeof(path),
		 "%s/kernel/iommu_groups/12/devices/0000:00:1f.0", x->root);
	assert_int_equal(symlink("../../../../devices/pci0000:00/0000:00:1f.0",
				 path), 0);
	write_at(x->root, "kernel/iommu_groups/12/type", "DMA-FQ\n");
	write_at(x->root, "kernel/iommu_groups/12/reserved_regions",
		 "0x0000000000000000 0x0000000000ffffff direct-relaxable\n"
		 "0x00000000fee00000 0x00000000feefffff msi\n");
	/* An old kernel's group: no type file, no reserved_regions. */
	mkdir_at(x->root, "kernel/iommu_groups/2");
	mkdir_at(x->root, "kernel/iommu_groups/2/devices");
	write_at(x->root, "kernel/iommu_groups/2/devices/plainfile", "");
	/* A group without a devices directory. */
	mkdir_at(x->root, "kernel/iommu_groups/3");
	write_at(x->root, "kernel/iommu_groups/3/name", "named");
	/* Not groups: ignored. */
	mkdir_at(x->root, "kernel/iommu_groups/007");
	mkdir_at(x->root, "kernel/iommu_groups/-1");
	mkdir_at(x->root, "kernel/iommu_groups/99999999999");
	write_at(x->root, "kernel/iommu_groups/README", "x");

	assert_int_equal(ioasid_host_groups_read(x->root, &hg, msg, sizeof(msg)), 0);
	assert_int_equal(hg->nr, 3);
	assert_int_equal(hg->groups[0].id, 2);
	assert_null(hg->groups[0].type);
	assert_int_equal(hg->groups[0].nr_devices, 1);
	assert_string_equal(hg->groups[0].devices[0].name, "plainfile");
	assert_null(hg->groups[0].devices[0].target);
	assert_int_equal(hg->groups[0].nr_resv, 0);
	assert_int_equal(hg->groups[1].id, 3);
	assert_string_equal(hg->groups[1].name, "named"); /* no newline: fine */
	assert_int_equal(hg->groups[1].nr_devices, 0);
	assert_int_equal(hg->groups[2].id, 12);
	assert_string_equal(hg->groups[2].type, "DMA-FQ");
	assert_int_equal(hg->groups[2].nr_devices, 2);
	assert_string_equal(hg->groups[2].devices[0].name, "0000:00:1f.0");
	assert_string_equal(hg->groups[2].devices[1].target,
			    "../../../../devices/pci0000:00/0000:00:1f.3");
	assert_int_equal(hg->groups[2].nr_resv, 2);
	assert_string_equal(hg->groups[2].resv[0].type, "direct-relaxable");
	assert_int_equal(hg->groups[2].resv[0].last, 0xffffff);
	ioasid_host_groups_free(hg);

	/* A malformed reserved_regions is an error that names the file. */
	write_at(x->root, "kernel/iommu_groups/12/reserved_regions",
		 "0x10 0x0f msi\n");
	hg = NULL;
	assert_int_equal(ioasid_host_groups_read(x->root, &hg, msg, sizeof(msg)),
			 -EIO);
	assert_null(hg);
	assert_non_null(strstr(msg, "12/reserved_regions is malformed"));
}

/* A file of 64 KiB is read whole; one byte more is refused, not cut. */
static void test_sysfs_host_reader_file_too_big(void **state)
{
	struct sfix *x = *state;
	struct ioasid_host_groups *hg;
	size_t max = 64 * 1024;
	char *name = malloc(max + 2);
	char msg[256];

	assert_non_null(name);
	memset(name, 'n', max + 1);
	name[max] = '\0';
	mkdir_at(x->root, "kernel");
	mkdir_at(x->root, "kernel/iommu_groups");
	mkdir_at(x->root, "kernel/iommu_groups/1");
	write_at(x->root, "kernel/iommu_groups/1/name", name);
	assert_int_equal(ioasid_host_groups_read(x->root, &hg, msg, sizeof(msg)), 0);
	assert_int_equal(hg->nr, 1);
	assert_int_equal(strlen(hg->groups[0].name), max);
	ioasid_host_groups_free(hg);

	name[max] = 'n';
	name[max + 1] = '\0';
	write_at(x->root, "kernel/iommu_groups/1/name", name);
	hg = NULL;
	assert_int_equal(ioasid_host_groups_read(x->root, &hg, msg, sizeof(msg)),
			 -EFBIG);
	assert_null(hg);
	assert_non_null(strstr(msg, "iommu_groups/1"));
	free(name);
}

static void test_sysfs_host_reader_missing_root(void **state)
{
	struct sfix *x = *state;
	struct ioasid_host_groups *hg = NULL;
	char path[PATH_MAX], msg[512];

	assert_int_equal(ioasid_host_groups_read(x->root, &hg, msg, sizeof(msg)),
			 -ENOENT);
	assert_null(hg);
	snprintf(path, sizeof(path), "%s/kernel/iommu_groups does not exist",
		 x->root);
	assert_non_null(strstr(msg, path));
	assert_non_null(strstr(msg, "no IOMMU groups"));
	/* A root that is a file. */
	write_at(x->root, "kernel", "");
	assert_int_equal(ioasid_host_groups_read(x->root, &hg, msg, sizeof(msg)),
			 -ENOTDIR);
	assert_non_null(strstr(msg, "cannot open"));
	assert_int_equal(ioasid_host_groups_read(x->root, &hg, NULL, 0), -ENOTDIR);
}

/* The reader walks directories with readdir(), yet leaves errno alone. */
static void test_sysfs_host_reader_keeps_errno(void **state)
{
	struct sfix *x = *state;
	struct ioasid_host_groups *hg = NULL;

	errno = EXDEV;
	assert_int_equal(ioasid_host_groups_read(x->root, &hg, NULL, 0), -ENOENT);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(ioasid_sysfs_export(x->pf.p, x->root), 0);
	errno = EXDEV;
	assert_int_equal(ioasid_host_groups_read(x->root, &hg, NULL, 0), 0);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(hg->nr, 2);
	ioasid_host_groups_free(hg);
}

/* The machine's own /sys: whatever it holds, the answer agrees with it. */
static void test_sysfs_host_reader_real_machine(void **state)
{
	struct ioasid_host_groups *hg = NULL;
	char msg[512];
	int ret = ioasid_host_groups_read(NULL, &hg, msg, sizeof(msg));

	if (access("/sys/kernel/iommu_groups", F_OK)) {
		assert_int_equal(ret, -ENOENT);
		assert_non_null(strstr(msg, "/sys/kernel/iommu_groups does not exist"));
	} else {
		assert_int_equal(ret, 0);
		ioasid_host_groups_free(hg);
	}
}

static void test_sysfs_parse_resv(void **state)
{
	struct ioasid_host_resv *r;
	unsigned int nr;
	const char *good = "0x00000000fee00000 0x00000000feefffff msi\n"
			   "0x1 0xABCDEF reserved";

	assert_int_equal(ioasid__host_parse_resv(good, strlen(good), &r, &nr), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(r[1].start, 1);
	assert_int_equal(r[1].last, 0xabcdef);
	assert_string_equal(r[1].type, "reserved");
	ioasid__free(r);
	assert_int_equal(ioasid__host_parse_resv("", 0, &r, &nr), 0);
	assert_int_equal(nr, 0);
	assert_null(r);
	static const char *const bad[] = {
		"0x1 0x2\n", "1 0x2 msi\n", "0x1  0x2 msi\n", "0x1 0x2 msi \n",
		"0x2 0x1 msi\n", "0x 0x1 msi\n", "0x1 0x11111111111111111 msi\n",
		"0x1 0x2 MSI\n", "\n", "0x1 0x2 msi\n\n",
		"0x1 0x2 aaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ioasid__host_parse_resv(bad[i], strlen(bad[i]), &r,
							 &nr), -EINVAL);
}

/* ------------------------------------------------------------------------
 * Allocation failures: an export that fails leaves nothing behind.
 */

static int export_step(void *arg)
{
	struct sfix *x = arg;
	int ret = ioasid_sysfs_export(x->pf.p, x->out);

	if (!ret) {
		assert_int_equal(ioasid_sysfs_remove(x->out), 0);
		if (strcmp(x->out, x->root))
			assert_int_equal(rmdir(x->out), 0);
	}
	return ret;
}

static void export_check(int ret, int fired, void *arg)
{
	struct sfix *x = arg;

	if (!fired) {
		assert_int_equal(ret, 0);
		return;
	}
	assert_int_equal(ret, -ENOMEM);
	assert_false(exists(x->out, "kernel/iommu_groups"));
	assert_false(exists(x->out, "devices"));
	/* What the caller had stays; what the export made goes. */
	assert_int_equal(exists(x->out, "kernel"), x->kernel_before);
	assert_int_equal(exists(x->out, ""), strcmp(x->out, x->root) == 0);
}

static void test_sysfs_export_alloc_sweep(void **state)
{
	assert_true(sweep_alloc_failures(export_step, export_check, *state) > 5);
}

/* A failed export into a root it had to create removes the root too. */
static void test_sysfs_export_alloc_sweep_new_root(void **state)
{
	struct sfix *x = *state;

	snprintf(x->out, sizeof(x->out), "%s/fresh", x->root);
	assert_true(sweep_alloc_failures(export_step, export_check, x) > 5);
	assert_false(exists(x->root, "fresh"));
}

/* A failed export keeps an (empty) root/kernel that was there before. */
static void test_sysfs_export_alloc_sweep_kernel_kept(void **state)
{
	struct sfix *x = *state;
	char kernel[PATH_MAX];

	snprintf(kernel, sizeof(kernel), "%s/kernel", x->root);
	assert_int_equal(mkdir(kernel, 0755), 0);
	x->kernel_before = true;
	assert_true(sweep_alloc_failures(export_step, export_check, x) > 5);
}

static int read_step(void *arg)
{
	struct ioasid_host_groups *hg = NULL;
	int ret = ioasid_host_groups_read(arg, &hg, NULL, 0);

	ioasid_host_groups_free(hg);
	return ret;
}

static void read_check(int ret, int fired, void *arg)
{
	assert_int_equal(ret, fired ? -ENOMEM : 0);
}

static void test_sysfs_host_reader_alloc_sweep(void **state)
{
	struct sfix *x = *state;

	assert_int_equal(ioasid_sysfs_export(x->pf.p, x->root), 0);
	assert_true(sweep_alloc_failures(read_step, read_check, x->root) > 5);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, sfix_setup, sfix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sysfs_export_layout),
		T(test_sysfs_export_twice_and_remove),
		T(test_sysfs_host_reader_reads_export),
		T(test_sysfs_host_reader_fixture_tree),
		T(test_sysfs_host_reader_file_too_big),
		T(test_sysfs_host_reader_missing_root),
		T(test_sysfs_host_reader_keeps_errno),
		cmocka_unit_test(test_sysfs_host_reader_real_machine),
		cmocka_unit_test(test_sysfs_parse_resv),
		T(test_sysfs_export_alloc_sweep),
		T(test_sysfs_export_alloc_sweep_new_root),
		T(test_sysfs_export_alloc_sweep_kernel_kept),
		T(test_sysfs_host_reader_alloc_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
