// SPDX-License-Identifier: MIT
/*
 * ioasidctl's IOMMU half end to end: the real binary against the real
 * ioasidd on its embedded default platform.
 *
 *  - `ioasidctl groups` and `ioasidctl devices`, plain and JSON, exactly;
 *    and what they show while a shell owns a group;
 *  - shell sessions driven by shell-iommu-plain.txt and
 *    shell-iommu-json.txt (claims, containers of both models, mappings,
 *    translation, DMA read/write, faults, PASID attach, and the errors of
 *    each), compared line by line;
 *  - two shells: another handle's container is ENOENT and its claimed group
 *    EBUSY / EPERM, and closing a shell releases everything, so the second
 *    shell can claim the same group afterwards;
 *  - a shell living through kill -9 and restart of the daemon: its claims,
 *    containers and mappings are gone, and it starts again from nothing.
 *
 * Script format (as test/integration/client's): "> LINE" is sent to the
 * shell; "##" lines are notes; every other line is an expected answer,
 * where '*' matches any run of characters. These sessions subscribe to no
 * event (and see no reconnect), so every output line is an answer.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "raw.h"

#define LINES_MAX 512

/* ---- fixture ---- */

struct fixture {
	struct rawd d;
	char out[OUT_MAX], err[OUT_MAX];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	rawd_start(&f->d, NULL, false); /* the embedded default platform */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rawd_cleanup(&f->d);
	free(f);
	return 0;
}

/* ioasidctl -s SOCK [--json] WHAT; asserts exit 0 and an empty stderr. */
static const char *query(struct fixture *f, bool json, const char *what)
{
	const char *args[] = { "-s", f->d.sock, json ? "--json" : what,
			       json ? what : NULL, NULL };

	assert_int_equal(run(args, NULL, f->out, f->err), 0);
	assert_string_equal(f->err, "");
	return f->out;
}

/* ---- groups and devices ---- */

static void test_ioasidctl_groups_default_platform(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(query(f, false, "groups"),
		"GROUP  NAME   TYPE  DEVICES  OWNER_PID  CONTAINER  VIABLE\n"
		"0      nic    DMA   1        -          -          no\n"
		"1      mfd    DMA   2        -          -          no\n"
		"2      dsa    DMA   1        -          -          yes\n"
		"3      accel  DMA   1        -          -          yes\n");
	assert_string_equal(query(f, true, "groups"),
		"[{\"group\":0,\"name\":\"nic\",\"type\":\"DMA\",\"devices\":1,"
		"\"owner_pid\":null,\"container\":null,\"viable\":false},"
		"{\"group\":1,\"name\":\"mfd\",\"type\":\"DMA\",\"devices\":2,"
		"\"owner_pid\":null,\"container\":null,\"viable\":false},"
		"{\"group\":2,\"name\":\"dsa\",\"type\":\"DMA\",\"devices\":1,"
		"\"owner_pid\":null,\"container\":null,\"viable\":true},"
		"{\"group\":3,\"name\":\"accel\",\"type\":\"DMA\",\"devices\":1,"
		"\"owner_pid\":null,\"container\":null,\"viable\":true}]\n");
}

static void test_ioasidctl_devices_default_platform(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(query(f, false, "devices"),
		"DEVICE  NAME          PARENT      GROUP  IOMMU  SSID_BITS  "
		"BINDING  DRIVER  OWNER_PID\n"
		"1       0000:00:02.0  pci0000:00  0      0      0          "
		"native   e1000e  -\n"
		"2       0000:00:03.0  pci0000:00  1      0      20         "
		"native   idxd    -\n"
		"3       0000:00:03.1  pci0000:00  1      0      20         "
		"none     -       -\n"
		"4       0000:00:04.0  pci0000:00  2      0      20         "
		"none     -       -\n"
		"5       0000:80:01.0  pci0000:80  3      1      8          "
		"none     -       -\n");
	assert_string_equal(query(f, true, "devices"),
		"[{\"device\":1,\"name\":\"0000:00:02.0\",\"parent\":\"pci0000:00\","
		"\"group\":0,\"iommu\":0,\"ssid_bits\":0,\"binding\":\"native\","
		"\"driver\":\"e1000e\",\"owner_pid\":null},"
		"{\"device\":2,\"name\":\"0000:00:03.0\",\"parent\":\"pci0000:00\","
		"\"group\":1,\"iommu\":0,\"ssid_bits\":20,\"binding\":\"native\","
		"\"driver\":\"idxd\",\"owner_pid\":null},"
		"{\"device\":3,\"name\":\"0000:00:03.1\",\"parent\":\"pci0000:00\","
		"\"group\":1,\"iommu\":0,\"ssid_bits\":20,\"binding\":\"none\","
		"\"driver\":null,\"owner_pid\":null},"
		"{\"device\":4,\"name\":\"0000:00:04.0\",\"parent\":\"pci0000:00\","
		"\"group\":2,\"iommu\":0,\"ssid_bits\":20,\"binding\":\"none\","
		"\"driver\":null,\"owner_pid\":null},"
		"{\"device\":5,\"name\":\"0000:80:01.0\",\"parent\":\"pci0000:80\","
		"\"group\":3,\"iommu\":1,\"ssid_bits\":8,\"binding\":\"none\","
		"\"driver\":null,\"owner_pid\":null}]\n");
}

static void test_ioasidctl_groups_usage_and_no_daemon(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run((const char *[]){ "-s", f->d.sock, "groups", "x",
					       NULL }, NULL, f->out, f->err), 2);
	assert_true(match("ioasidctl: groups: takes no argument\n*", f->err));
	assert_int_equal(run((const char *[]){ "-s", f->d.sock, "devices", "x",
					       NULL }, NULL, f->out, f->err), 2);
	assert_int_equal(run((const char *[]){ "-s", "/nonexistent/ioasid.sock",
					       "devices", NULL },
			     NULL, f->out, f->err), 1);
	assert_string_equal(f->err, "ioasidctl: devices: ECONNREFUSED: "
				    "connection refused\n");
	assert_string_equal(f->out, "");
}

/* ---- scripted sessions ---- */

/* Split text (modified) at newlines. */
static size_t lines_split(char *text, char **line)
{
	size_t n = 0;
	char *save;

	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		assert_true(n < LINES_MAX);
		line[n++] = l;
	}
	return n;
}

static void script_run(struct fixture *f, const char *name, bool json)
{
	static char input[OUT_MAX], expected[OUT_MAX];
	static char *want[LINES_MAX], *got[LINES_MAX];
	const char *args[] = { "-s", f->d.sock, json ? "--json" : "shell",
			       json ? "shell" : NULL, NULL };
	size_t nw, ng;

	script_load(SCRIPT_DIR, name, input, expected);
	assert_int_equal(run(args, input, f->out, f->err), 0);
	assert_string_equal(f->err, "");
	nw = lines_split(expected, want);
	ng = lines_split(f->out, got);
	for (size_t i = 0; i < nw && i < ng; i++)
		if (!match(want[i], got[i]))
			fail_msg("answer %zu: expected '%s', got '%s'", i, want[i],
				 got[i]);
	if (nw != ng)
		fail_msg("expected %zu answers, got %zu", nw, ng);
}

static void test_ioasidctl_iommu_script_plain(void **state)
{
	script_run(*state, "shell-iommu-plain.txt", false);
}

static void test_ioasidctl_iommu_script_json(void **state)
{
	script_run(*state, "shell-iommu-json.txt", true);
}

/* ---- interactive shells ---- */

struct unowned {
	struct fixture *f;
	unsigned int group;
};

/* Whether `ioasidctl --json groups` shows the group without an owner. */
static bool group_unowned(void *arg)
{
	struct unowned *u = arg;
	char pat[128];

	snprintf(pat, sizeof(pat), "*{\"group\":%u,*\"owner_pid\":null,*",
		 u->group);
	return match(pat, query(u->f, true, "groups"));
}

static void test_ioasidctl_shell_ownership_and_close(void **state)
{
	struct fixture *f = *state;
	struct unowned u = { .f = f, .group = 1 };
	char pat[256];
	struct shell a, b;

	shell_start(&a, f->d.sock);
	shell_start(&b, f->d.sock);
	assert_string_equal(shell_ask(&a, "group claim 1 detach"), "ok");
	assert_string_equal(shell_ask(&a, "container new type1"), "ok 1");
	assert_string_equal(shell_ask(&a, "container attach 1 1"), "ok");
	assert_string_equal(shell_ask(&a, "map 1 0x100000 0x2000 rw 0x5a"), "ok");
	/* Listings show the owner: the pid of shell a's handle. */
	snprintf(pat, sizeof(pat), "*\n1      mfd    DMA   2        %-9d  1"
		 "          no\n*", (int)a.p.pid);
	assert_true(match(pat, query(f, false, "groups")));
	snprintf(pat, sizeof(pat), "*\n2 * 1      0      20         owner    "
		 "ioasidd:%d  %d\n3 * owner    ioasidd:%d  %d\n*", (int)a.p.pid,
		 (int)a.p.pid, (int)a.p.pid, (int)a.p.pid);
	assert_true(match(pat, query(f, false, "devices")));
	/* Shell b can neither claim a's group, nor release it, nor use a's
	 * container (which it cannot tell from one that does not exist). */
	assert_string_equal(shell_ask(&b, "group claim 1 detach"),
			    "error EBUSY: group claim 1 detach: object busy or "
			    "still in use");
	assert_string_equal(shell_ask(&b, "group release 1"),
			    "error EPERM: group release 1: owned by another set "
			    "or handle");
	assert_string_equal(shell_ask(&b, "container info 1"),
			    "error ENOENT: container info 1: no such object");
	assert_string_equal(shell_ask(&b, "translate 1 0x100000"),
			    "error ENOENT: translate 1 0x100000: no such object");
	assert_string_equal(shell_ask(&b, "translate dev 3 0x100000"),
			    "error EPERM: translate dev 3 0x100000: owned by "
			    "another set or handle");
	/* Closing a releases its container, mapping and claim. */
	assert_string_equal(shell_ask(&a, "read 1 0x101fff 1"), "ok bytes=5a");
	assert_string_equal(shell_ask(&a, "quit"), "ok");
	assert_int_equal(proc_wait(&a.p), 0);
	assert_true(wait_until(group_unowned, &u));
	/* The claim had detached idxd; nothing rebinds it, so b claims the
	 * group without detach. Object IDs are not reused. */
	assert_string_equal(shell_ask(&b, "group claim 1"), "ok");
	assert_string_equal(shell_ask(&b, "container info 1"),
			    "error ENOENT: container info 1: no such object");
	assert_string_equal(shell_ask(&b, "container new type1"), "ok 2");
	assert_string_equal(shell_ask(&b, "container attach 2 1"), "ok");
	assert_string_equal(shell_ask(&b, "translate 2 0x100000"),
			    "error EFAULT: translate 2 0x100000: bad address");
	assert_string_equal(shell_ask(&b, "quit"), "ok");
	assert_int_equal(proc_wait(&b.p), 0);
	u.group = 1;
	assert_true(wait_until(group_unowned, &u));
	assert_true(match("*\n2 * none     -       -\n3 * none     -       -\n*",
			  query(f, false, "devices")));
}

/* None of a handle's IOMMU state survives a daemon restart. */
static void test_ioasidctl_shell_iommu_after_daemon_restart(void **state)
{
	struct fixture *f = *state;
	struct shell a;

	shell_start(&a, f->d.sock);
	assert_string_equal(shell_ask(&a, "group claim 2"), "ok");
	assert_string_equal(shell_ask(&a, "container new type1"), "ok 1");
	assert_string_equal(shell_ask(&a, "container attach 1 2"), "ok");
	assert_string_equal(shell_ask(&a, "map 1 0x100000 0x1000 rw 0x33"), "ok");
	rawd_kill(&f->d);
	rawd_restart(&f->d, false);
	/* The shell reconnects; the new handle has no container, the new
	 * daemon no claim, and it hands out object IDs from 1 again. */
	assert_string_equal(shell_ask(&a, "container info 1"),
			    "error ENOENT: container info 1: no such object");
	assert_string_equal(a.events, "event RECONNECTED ids=0\n");
	assert_string_equal(shell_ask(&a, "container new type1"), "ok 1");
	assert_string_equal(shell_ask(&a, "container attach 1 2"),
			    "error EPERM: container attach 1 2: owned by another "
			    "set or handle");
	assert_string_equal(shell_ask(&a, "group claim 2"), "ok");
	assert_string_equal(shell_ask(&a, "container attach 1 2"), "ok");
	assert_string_equal(shell_ask(&a, "read 1 0x100000 1"),
			    "error EFAULT: read 1 0x100000 1: bad address");
	assert_string_equal(shell_ask(&a, "map 1 0x100000 0x1000 rw 0x44"), "ok");
	assert_string_equal(shell_ask(&a, "read 1 0x100000 1"), "ok bytes=44");
	assert_string_equal(shell_ask(&a, "quit"), "ok");
	assert_int_equal(proc_wait(&a.p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ioasidctl_groups_default_platform,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_devices_default_platform,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_groups_usage_and_no_daemon,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_iommu_script_plain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_iommu_script_json, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_shell_ownership_and_close,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioasidctl_shell_iommu_after_daemon_restart,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
