// SPDX-License-Identifier: MIT
/*
 * `ioasidctl host-groups` on fixture trees the test builds: the real binary
 * (no daemon is involved) is run with --sysfs-root pointing at a directory
 * laid out as the kernel lays out /sys/kernel/iommu_groups. Checked: the
 * plain table and the JSON array on a tree with several groups (numeric
 * order, names, types, multi-device groups, reserved regions, entries that
 * are not groups), the empty directory, the missing one (ENOENT, exit 1,
 * the path named), a malformed reserved_regions file (EIO) and usage
 * errors (exit 2).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define OUT_MAX 16384

struct fixture {
	char root[64]; /* plays /sys */
	char out[OUT_MAX], err[OUT_MAX];
};

/* ---- building the tree ---- */

static void path_fmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	assert_true(n > 0 && (size_t)n < size);
}

static void mkdir_f(const char *fmt, ...)
{
	char p[512];
	va_list ap;

	va_start(ap, fmt);
	path_fmt(p, sizeof(p), fmt, ap);
	va_end(ap);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void write_f(const char *text, const char *fmt, ...)
{
	char p[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	path_fmt(p, sizeof(p), fmt, ap);
	va_end(ap);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void link_f(const char *target, const char *fmt, ...)
{
	char p[512];
	va_list ap;

	va_start(ap, fmt);
	path_fmt(p, sizeof(p), fmt, ap);
	va_end(ap);
	assert_int_equal(symlink(target, p), 0);
}

static void groups_dir(struct fixture *f)
{
	mkdir_f("%s/kernel", f->root);
	mkdir_f("%s/kernel/iommu_groups", f->root);
}

/* One group: its directory, type and devices directory. */
static void group_make(struct fixture *f, unsigned int id, const char *type)
{
	mkdir_f("%s/kernel/iommu_groups/%u", f->root, id);
	mkdir_f("%s/kernel/iommu_groups/%u/devices", f->root, id);
	write_f(type, "%s/kernel/iommu_groups/%u/type", f->root, id);
	write_f("", "%s/kernel/iommu_groups/%u/reserved_regions", f->root, id);
}

static void device_link(struct fixture *f, unsigned int id, const char *name)
{
	char target[256];

	snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s",
		 name);
	link_f(target, "%s/kernel/iommu_groups/%u/devices/%s", f->root, id,
	       name);
}

/*
 * The kernel's layout on a small x86 machine: group 0 a GPU with the MSI
 * window, group 1 a named two-function device, group 10 (after 2 in
 * numeric order) identity with no device, group 2 with a direct-mapped
 * region; a stray file that is not a group.
 */
static void tree_populate(struct fixture *f)
{
	groups_dir(f);
	group_make(f, 0, "DMA-FQ\n");
	device_link(f, 0, "0000:00:02.0");
	write_f("0x00000000fee00000 0x00000000feefffff msi\n",
		"%s/kernel/iommu_groups/0/reserved_regions", f->root);
	group_make(f, 1, "DMA\n");
	device_link(f, 1, "0000:00:1f.3");
	device_link(f, 1, "0000:00:1f.0");
	write_f("pch\n", "%s/kernel/iommu_groups/1/name", f->root);
	group_make(f, 10, "identity\n");
	group_make(f, 2, "DMA\n");
	device_link(f, 2, "0000:00:14.0");
	write_f("0x00000000a0000000 0x00000000a00fffff direct\n"
		"0x00000000fee00000 0x00000000feefffff msi\n",
		"%s/kernel/iommu_groups/2/reserved_regions", f->root);
	write_f("x", "%s/kernel/iommu_groups/notagroup", f->root);
}

/* ---- running ioasidctl ---- */

static void drain(int fd_out, int fd_err, char *out, char *err)
{
	struct pollfd p[2] = { { .fd = fd_out, .events = POLLIN },
			       { .fd = fd_err, .events = POLLIN } };
	size_t len[2] = { 0, 0 };

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		assert_true(poll(p, 2, 10000) > 0);
		for (int i = 0; i < 2; i++) {
			char *buf = i ? err : out;
			ssize_t r;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			r = read(p[i].fd, buf + len[i], OUT_MAX - 1 - len[i]);
			if (r <= 0)
				p[i].fd = -1;
			else
				len[i] += (size_t)r;
		}
	}
	out[len[0]] = '\0';
	err[len[1]] = '\0';
}

/* Run ioasidctl with the NULL-terminated arguments; its exit status. */
static int run(struct fixture *f, ...)
{
	const char *argv[16] = { IOASIDCTL_BIN };
	int po[2], pe[2], status, n = 1;
	va_list ap;
	pid_t pid;

	va_start(ap, f);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	drain(po[0], pe[0], f->out, f->err);
	close(po[0]);
	close(pe[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- fixture ---- */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->root, "/tmp/ioasidctl-hg-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* ---- tests ---- */

static void test_host_groups_plain_table(void **state)
{
	struct fixture *f = *state;

	tree_populate(f);
	assert_int_equal(run(f, "host-groups", "--sysfs-root", f->root, NULL), 0);
	assert_string_equal(f->err, "");
	assert_string_equal(
		f->out,
		"GROUP  TYPE      NAME  DEVICES                    RESERVED\n"
		"0      DMA-FQ    -     0000:00:02.0               "
		"0xfee00000-0xfeefffff:msi\n"
		"1      DMA       pch   0000:00:1f.0,0000:00:1f.3  -\n"
		"2      DMA       -     0000:00:14.0               "
		"0xa0000000-0xa00fffff:direct,0xfee00000-0xfeefffff:msi\n"
		"10     identity  -     -                          -\n");
}

static void test_host_groups_json_array(void **state)
{
	struct fixture *f = *state;
	char opt[128];

	tree_populate(f);
	snprintf(opt, sizeof(opt), "--sysfs-root=%s", f->root);
	assert_int_equal(run(f, "--json", "host-groups", opt, NULL), 0);
	assert_string_equal(f->err, "");
	assert_string_equal(
		f->out,
		"[{\"group\":0,\"type\":\"DMA-FQ\",\"name\":null,\"devices\":"
		"[{\"name\":\"0000:00:02.0\",\"target\":\"../../../../devices/"
		"pci0000:00/0000:00:02.0\"}],\"reserved\":[{\"start\":4276092928,"
		"\"last\":4277141503,\"type\":\"msi\"}]},"
		"{\"group\":1,\"type\":\"DMA\",\"name\":\"pch\",\"devices\":"
		"[{\"name\":\"0000:00:1f.0\",\"target\":\"../../../../devices/"
		"pci0000:00/0000:00:1f.0\"},{\"name\":\"0000:00:1f.3\",\"target\":"
		"\"../../../../devices/pci0000:00/0000:00:1f.3\"}],\"reserved\":[]},"
		"{\"group\":2,\"type\":\"DMA\",\"name\":null,\"devices\":"
		"[{\"name\":\"0000:00:14.0\",\"target\":\"../../../../devices/"
		"pci0000:00/0000:00:14.0\"}],\"reserved\":[{\"start\":2684354560,"
		"\"last\":2685403135,\"type\":\"direct\"},{\"start\":4276092928,"
		"\"last\":4277141503,\"type\":\"msi\"}]},"
		"{\"group\":10,\"type\":\"identity\",\"name\":null,\"devices\":[],"
		"\"reserved\":[]}]\n");
}

static void test_host_groups_empty_directory(void **state)
{
	struct fixture *f = *state;
	char want[256];

	groups_dir(f);
	assert_int_equal(run(f, "host-groups", "--sysfs-root", f->root, NULL), 0);
	assert_string_equal(f->out, "GROUP  TYPE  NAME  DEVICES  RESERVED\n");
	snprintf(want, sizeof(want), "ioasidctl: host-groups: %s/kernel/"
		 "iommu_groups lists no group: no IOMMU driver registered a "
		 "group on this machine\n", f->root);
	assert_string_equal(f->err, want);
	assert_int_equal(run(f, "-j", "host-groups", "--sysfs-root", f->root,
			     NULL), 0);
	assert_string_equal(f->out, "[]\n");
}

static void test_host_groups_missing_directory_is_enoent(void **state)
{
	struct fixture *f = *state;
	char want[512];

	assert_int_equal(run(f, "host-groups", "--sysfs-root", f->root, NULL), 1);
	assert_string_equal(f->out, "");
	snprintf(want, sizeof(want), "ioasidctl: host-groups: ENOENT: "
		 "%s/kernel/iommu_groups does not exist: this machine exposes "
		 "no IOMMU groups (no IOMMU, the IOMMU disabled, or no sysfs "
		 "mounted at %s)\n", f->root, f->root);
	assert_string_equal(f->err, want);
	assert_int_equal(run(f, "--json", "host-groups", "--sysfs-root",
			     f->root, NULL), 1);
	assert_string_equal(f->out, "");
	assert_string_equal(f->err, want);
}

static void test_host_groups_malformed_reserved_is_eio(void **state)
{
	struct fixture *f = *state;
	char want[256];

	groups_dir(f);
	group_make(f, 3, "DMA\n");
	write_f("0xfee00000 msi\n", "%s/kernel/iommu_groups/3/reserved_regions",
		f->root);
	assert_int_equal(run(f, "host-groups", "--sysfs-root", f->root, NULL), 1);
	assert_string_equal(f->out, "");
	snprintf(want, sizeof(want), "ioasidctl: host-groups: EIO: %s/kernel/"
		 "iommu_groups/3/reserved_regions is malformed\n", f->root);
	assert_string_equal(f->err, want);
}

static void test_host_groups_usage_errors(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run(f, "host-groups", "extra", NULL), 2);
	assert_string_equal(f->err, "ioasidctl: host-groups: usage: host-groups "
				    "[--sysfs-root DIR]\nTry 'ioasidctl --help'.\n");
	assert_int_equal(run(f, "host-groups", "--sysfs-root", NULL), 2);
	assert_int_equal(run(f, "host-groups", "--sysfs-root=", NULL), 2);
	assert_int_equal(run(f, "host-groups", "--sysfs-root", "a", "--sysfs-root",
			     "b", NULL), 2);
	assert_string_equal(f->out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_groups_plain_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_groups_json_array, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_groups_empty_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_groups_missing_directory_is_enoent,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_groups_malformed_reserved_is_eio,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_groups_usage_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
