// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the resource controller's text parsers: the
 * /proc/PID/cgroup parser, the path validator and the limit parser. Any
 * input must be handled without a crash or leak, and what the parsers
 * accept must be consistent: a parsed placement path is a valid group path
 * that a tree accepts, and a parsed limit formats back to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/cgroup.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_placement(const uint8_t *data, size_t size)
{
	char path[IOASID_CGROUP_PATH_MAX];
	struct ioasid_cgroup_tree *tree;
	struct ioasid_cgroup *cg;
	int ret;

	if (ioasid_cgroup_proc_parse((const char *)data, size, path, sizeof(path)))
		return;
	ret = ioasid_cgroup_path_valid(path);
	fuzz_check(ret == 0, "parsed placement \"%s\" is no valid path: %s",
		   path, strerror(-ret));
	ret = ioasid_cgroup_tree_new(IOASID_CGROUP_MAX, &tree);
	fuzz_check(ret == 0, "tree_new: %s", strerror(-ret));
	ret = ioasid_cgroup_lookup(tree, path, IOASID_CGROUP_CREATE, &cg);
	fuzz_check(ret == 0, "creating parsed placement \"%s\": %s", path,
		   strerror(-ret));
	fuzz_check(strcmp(ioasid_cgroup_path(cg), path) == 0,
		   "group created as \"%s\" is named \"%s\"", path,
		   ioasid_cgroup_path(cg));
	ret = ioasid_cgroup_charge(cg, 1);
	fuzz_check(ret == 0, "charge 1 to \"%s\": %s", path, strerror(-ret));
	ret = ioasid_cgroup_uncharge(cg, 1);
	fuzz_check(ret == 0, "uncharge 1 from \"%s\": %s", path,
		   strerror(-ret));
	ioasid_cgroup_put(cg);
	ioasid_cgroup_tree_free(tree);
}

/* A limit s parsed as val formats to text that parses back to val. */
static void check_limit(const char *s, uint64_t val)
{
	char out[IOASID_CGROUP_LIMIT_STRLEN];
	uint64_t back;
	int ret;

	ret = ioasid_cgroup_limit_format(val, out, sizeof(out));
	fuzz_check(ret >= 0, "format of limit %llu: %s",
		   (unsigned long long)val, strerror(-ret));
	ret = ioasid_cgroup_limit_parse(out, &back);
	fuzz_check(ret == 0,
		   "limit %llu formatted as \"%s\" does not parse: %s",
		   (unsigned long long)val, out, strerror(-ret));
	fuzz_check(back == val, "limit %llu formatted as \"%s\" parses as %llu",
		   (unsigned long long)val, out, (unsigned long long)back);
	/* Canonical text formats back to itself ("max" for UINT64_MAX). */
	fuzz_check(val == IOASID_CGROUP_MAX || strcmp(out, s) == 0,
		   "\"%s\" parsed as %llu formats as \"%s\"", s,
		   (unsigned long long)val, out);
}

static void check_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	uint64_t val;

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ioasid_cgroup_limit_parse(s, &val) == 0)
		check_limit(s, val);
	ioasid_cgroup_path_valid(s);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_placement(data, size);
	check_text(data, size);
	return 0;
}
