// SPDX-License-Identifier: MIT
/*
 * The shell parser's IOMMU commands (group, container, map, unmap,
 * translate, faults, read, write): what each line becomes, and the
 * message of every syntax error.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ioasidctl.h"
#include "shell_parse.h"

static struct ioasidctl_shell_cmd cmd;
static char err[256];

#define RW (IOASID_CLIENT_DMA_READ | IOASID_CLIENT_DMA_WRITE)

static int parse(const char *line)
{
	err[0] = '\0';
	return ioasidctl_shell_parse(line, &cmd, err, sizeof(err));
}

static void good(const char *line, enum ioasidctl_shell_op op)
{
	assert_int_equal(parse(line), 0);
	assert_int_equal(cmd.op, op);
}

static void bad(const char *line, const char *msg)
{
	assert_int_equal(parse(line), -EINVAL);
	assert_string_equal(err, msg);
}

static void test_shell_parse_group_commands(void **state)
{
	(void)state;
	good("group claim 3", IOASIDCTL_SH_GROUP_CLAIM);
	assert_int_equal(cmd.a, 3);
	assert_false(cmd.flag);
	good("group claim 0x1 detach", IOASIDCTL_SH_GROUP_CLAIM);
	assert_int_equal(cmd.a, 1);
	assert_true(cmd.flag);
	good("group release 2", IOASIDCTL_SH_GROUP_RELEASE);
	assert_int_equal(cmd.a, 2);
	bad("group", "group: expects claim or release");
	bad("group own 1", "group: expects claim or release");
	bad("group claim", "group claim: usage: group claim G [detach]");
	bad("group claim 1 force", "group claim: expected 'detach', not 'force'");
	bad("group claim x", "group claim: G 'x' is not a number");
	bad("group release 1 2", "group release: usage: group release G");
}

static void test_shell_parse_container_commands(void **state)
{
	(void)state;
	good("container new type1", IOASIDCTL_SH_CONTAINER_NEW);
	assert_int_equal(cmd.a, IOASID_CLIENT_CONTAINER_TYPE1V2);
	good("container new type1v2", IOASIDCTL_SH_CONTAINER_NEW);
	assert_int_equal(cmd.a, IOASID_CLIENT_CONTAINER_TYPE1V2);
	good("container new spapr", IOASIDCTL_SH_CONTAINER_NEW);
	assert_int_equal(cmd.a, IOASID_CLIENT_CONTAINER_SPAPR_TCE);
	good("container new 1", IOASIDCTL_SH_CONTAINER_NEW);
	assert_int_equal(cmd.a, 1);
	good("container attach 4 2", IOASIDCTL_SH_CONTAINER_ATTACH);
	assert_int_equal(cmd.a, 4);
	assert_int_equal(cmd.b, 2);
	good("container detach 4 2", IOASIDCTL_SH_CONTAINER_DETACH);
	good("container attach-pasid 4 3 0x10", IOASIDCTL_SH_CONTAINER_ATTACH_PASID);
	assert_int_equal(cmd.a, 4);
	assert_int_equal(cmd.b, 3);
	assert_int_equal(cmd.c, 16);
	good("container detach-pasid 4 3 16", IOASIDCTL_SH_CONTAINER_DETACH_PASID);
	good("container info 4", IOASIDCTL_SH_CONTAINER_INFO);
	assert_int_equal(cmd.a, 4);
	good("container destroy 4", IOASIDCTL_SH_CONTAINER_DESTROY);
	bad("container", "container: expects new, attach, detach, attach-pasid, "
			 "detach-pasid, info or destroy");
	bad("container new vfio", "container new: type 'vfio' is not type1, "
				  "spapr or a number");
	bad("container attach 1", "container attach: usage: container attach C G");
	bad("container attach 1 g", "container attach: G 'g' is not a number");
	bad("container attach-pasid 1 2 x",
	    "container attach-pasid: PASID 'x' is not a number");
	bad("container info", "container info: usage: container info C");
}

static void test_shell_parse_map_and_unmap(void **state)
{
	(void)state;
	good("map 1 0x100000 0x4000", IOASIDCTL_SH_MAP);
	assert_int_equal(cmd.a, 1);
	assert_int_equal(cmd.iova, 0x100000);
	assert_int_equal(cmd.size, 0x4000);
	assert_int_equal(cmd.access, RW);
	assert_int_equal(cmd.fill, IOASID_CLIENT_FILL_NONE);
	good("map 1 0 4096 r", IOASIDCTL_SH_MAP);
	assert_int_equal(cmd.access, IOASID_CLIENT_DMA_READ);
	assert_int_equal(cmd.fill, IOASID_CLIENT_FILL_NONE);
	good("map 1 0 4096 0xa5", IOASIDCTL_SH_MAP);
	assert_int_equal(cmd.access, RW);
	assert_int_equal(cmd.fill, 0xa5);
	good("map 1 0xffffffffffff0000 4096 w 0", IOASIDCTL_SH_MAP);
	assert_int_equal(cmd.iova, 0xffffffffffff0000ull);
	assert_int_equal(cmd.access, IOASID_CLIENT_DMA_WRITE);
	assert_int_equal(cmd.fill, 0);
	bad("map 1 0 4096 x", "map: FILL 'x' is not a number");
	bad("map 1 0 4096 256", "map: FILL 256 is not a byte (0-255)");
	bad("map 1 0 4096 5 r", "map: usage: map C IOVA SIZE [r|w|rw] [FILL]");
	bad("map 1 0", "map: usage: map C IOVA SIZE [r|w|rw] [FILL]");
	bad("map 1 0x10000000000000000 1", "map: IOVA 0x10000000000000000 is out "
					   "of range");
	good("unmap 2 0x1000 0x2000", IOASIDCTL_SH_UNMAP);
	assert_int_equal(cmd.a, 2);
	assert_int_equal(cmd.iova, 0x1000);
	assert_int_equal(cmd.size, 0x2000);
	assert_false(cmd.flag);
	good("unmap 2 all", IOASIDCTL_SH_UNMAP);
	assert_true(cmd.flag);
	bad("unmap 2 some", "unmap: usage: unmap C IOVA SIZE | unmap C all");
	bad("unmap 2", "unmap: usage: unmap C IOVA SIZE | unmap C all");
}

static void test_shell_parse_translate(void **state)
{
	(void)state;
	good("translate 1 0x1234", IOASIDCTL_SH_TRANSLATE);
	assert_int_equal(cmd.a, 1);
	assert_int_equal(cmd.iova, 0x1234);
	assert_int_equal(cmd.access, IOASID_CLIENT_DMA_READ);
	good("translate 1 0x1234 rw", IOASIDCTL_SH_TRANSLATE);
	assert_int_equal(cmd.access, RW);
	bad("translate 1 0x1234 x", "translate: access 'x' is not r, w or rw");
	good("translate dev 3 0x1000", IOASIDCTL_SH_TRANSLATE_DEV);
	assert_int_equal(cmd.a, 3);
	assert_int_equal(cmd.c, 0);
	assert_int_equal(cmd.iova, 0x1000);
	assert_int_equal(cmd.access, IOASID_CLIENT_DMA_READ);
	good("translate dev 3 0x1000 w", IOASIDCTL_SH_TRANSLATE_DEV);
	assert_int_equal(cmd.c, 0);
	assert_int_equal(cmd.iova, 0x1000);
	assert_int_equal(cmd.access, IOASID_CLIENT_DMA_WRITE);
	good("translate dev 3 7 0x1000", IOASIDCTL_SH_TRANSLATE_DEV);
	assert_int_equal(cmd.c, 7);
	assert_int_equal(cmd.iova, 0x1000);
	assert_int_equal(cmd.access, IOASID_CLIENT_DMA_READ);
	good("translate dev 3 7 0x1000 rw", IOASIDCTL_SH_TRANSLATE_DEV);
	assert_int_equal(cmd.c, 7);
	assert_int_equal(cmd.access, RW);
	bad("translate dev 3 r", "translate dev: usage: translate dev DEV "
				 "[PASID] IOVA [r|w|rw]");
	bad("translate dev 3 7 x", "translate dev: IOVA 'x' is not a number");
	bad("translate", "translate: usage: translate C IOVA [r|w|rw]");
}

static void test_shell_parse_faults_read_write(void **state)
{
	(void)state;
	good("faults 3", IOASIDCTL_SH_FAULTS);
	assert_int_equal(cmd.a, 3);
	good("read 1 0x1000 16", IOASIDCTL_SH_READ);
	assert_int_equal(cmd.iova, 0x1000);
	assert_int_equal(cmd.size, 16);
	good("read 1 0 1024", IOASIDCTL_SH_READ);
	bad("read 1 0 0", "read: LEN 0 is not in 1-1024");
	bad("read 1 0 1025", "read: LEN 1025 is not in 1-1024");
	good("write 1 0x1000 00fFa5", IOASIDCTL_SH_WRITE);
	assert_int_equal(cmd.nbytes, 3);
	assert_int_equal(cmd.bytes[0], 0x00);
	assert_int_equal(cmd.bytes[1], 0xff);
	assert_int_equal(cmd.bytes[2], 0xa5);
	bad("write 1 0 abc", "write: HEX is not 1-1024 bytes as pairs of hex digits");
	bad("write 1 0 zz", "write: HEX 'zz' is not hex digits");
	bad("write 1 0 a50g", "write: HEX 'a50g' is not hex digits");
	bad("write 1 0 +1", "write: HEX '+1' is not hex digits");
	bad("write 1 0", "write: usage: write C IOVA HEX");
}

static void test_shell_parse_help_lists_iommu(void **state)
{
	char help[2048];
	size_t len = ioasidctl_shell_help(help, sizeof(help));

	(void)state;
	assert_true(len < sizeof(help));
	assert_int_equal(strlen(help), len);
	assert_non_null(strstr(help, "group claim G [detach]"));
	assert_non_null(strstr(help, "map C IOVA SIZE [r|w|rw] [FILL]"));
	assert_non_null(strstr(help, "translate dev DEV [PASID] IOVA"));
	assert_non_null(strstr(help, "; help; quit"));
	/* A short buffer gets the start, cut, and the whole length back. */
	assert_int_equal(ioasidctl_shell_help(help, 8), len);
	assert_string_equal(help, "alloc [");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_parse_group_commands),
		cmocka_unit_test(test_shell_parse_container_commands),
		cmocka_unit_test(test_shell_parse_map_and_unmap),
		cmocka_unit_test(test_shell_parse_translate),
		cmocka_unit_test(test_shell_parse_faults_read_write),
		cmocka_unit_test(test_shell_parse_help_lists_iommu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
