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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_placement(const uint8_t *data, size_t size)
{
	char path[IOASID_CGROUP_PATH_MAX];
	struct ioasid_cgroup_tree *tree;
	struct ioasid_cgroup *cg;

	if (ioasid_cgroup_proc_parse((const char *)data, size, path, sizeof(path)))
		return;
	if (ioasid_cgroup_path_valid(path) != 0)
		abort();
	if (ioasid_cgroup_tree_new(IOASID_CGROUP_MAX, &tree))
		abort();
	if (ioasid_cgroup_lookup(tree, path, IOASID_CGROUP_CREATE, &cg))
		abort();
	if (strcmp(ioasid_cgroup_path(cg), path) != 0)
		abort();
	if (ioasid_cgroup_charge(cg, 1) || ioasid_cgroup_uncharge(cg, 1))
		abort();
	ioasid_cgroup_put(cg);
	ioasid_cgroup_tree_free(tree);
}

static void check_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[IOASID_CGROUP_LIMIT_STRLEN];
	uint64_t val, back;

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ioasid_cgroup_limit_parse(s, &val) == 0) {
		if (ioasid_cgroup_limit_format(val, out, sizeof(out)) < 0)
			abort();
		if (ioasid_cgroup_limit_parse(out, &back) || back != val)
			abort();
		/* Canonical text formats back to itself ("max" for UINT64_MAX). */
		if (val != IOASID_CGROUP_MAX && strcmp(out, s) != 0)
			abort();
	}
	ioasid_cgroup_path_valid(s);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_placement(data, size);
	check_text(data, size);
	return 0;
}
