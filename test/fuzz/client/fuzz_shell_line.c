// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the line parser of `ioasidctl shell`
 * (cli/shell_parse.c, with the number parsing of cli/common.c). The input
 * is one line. The parser must never overrun, and its result must be one
 * of: no command, a command with a bounded file and text (and, for the
 * IOMMU commands, arguments in the ranges the executor relies on), or
 * EINVAL with a message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/client.h>

#include "fuzz_check.h"
#include "shell_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An IOMMU command's access is READ, WRITE or both. */
static void access_check(const struct ioasidctl_shell_cmd *c)
{
	const uint32_t rw = IOASID_CLIENT_DMA_READ | IOASID_CLIENT_DMA_WRITE;

	fuzz_check(c->access != 0 && !(c->access & ~rw),
		   "\"%s\" (op %d): access %#x", c->text, (int)c->op,
		   c->access);
}

/* The IOMMU commands' arguments are within what the executor relies on. */
static void iommu_args_check(const struct ioasidctl_shell_cmd *c)
{
	switch (c->op) {
	case IOASIDCTL_SH_MAP:
		access_check(c);
		fuzz_check(c->fill >= -1 && c->fill <= 255, "\"%s\": fill %d",
			   c->text, c->fill);
		break;
	case IOASIDCTL_SH_TRANSLATE:
	case IOASIDCTL_SH_TRANSLATE_DEV:
		access_check(c);
		break;
	case IOASIDCTL_SH_READ:
		fuzz_check(c->size >= 1 && c->size <= IOASIDCTL_DMA_BYTES_MAX,
			   "\"%s\": size %llu", c->text,
			   (unsigned long long)c->size);
		break;
	case IOASIDCTL_SH_WRITE:
		fuzz_check(c->nbytes >= 1 &&
			   c->nbytes <= IOASIDCTL_DMA_BYTES_MAX,
			   "\"%s\": %zu bytes", c->text, c->nbytes);
		fuzz_check(c->size == c->nbytes,
			   "\"%s\": size %llu for %zu bytes", c->text,
			   (unsigned long long)c->size, c->nbytes);
		break;
	default:
		break;
	}
}

/* A parsed command's strings are terminated and its arguments in range. */
static void cmd_check(const struct ioasidctl_shell_cmd *c)
{
	fuzz_check(strlen(c->file) < sizeof(c->file),
		   "op %d: file not terminated in %zu bytes", (int)c->op,
		   sizeof(c->file));
	fuzz_check(strlen(c->text) < sizeof(c->text),
		   "op %d: text not terminated in %zu bytes", (int)c->op,
		   sizeof(c->text));
	fuzz_check(c->op != IOASIDCTL_SH_ALLOC || c->a <= c->b,
		   "\"%s\": min %u > max %u", c->text, c->a, c->b);
	iommu_args_check(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioasidctl_shell_cmd cmd;
	char *line = malloc(size + 1);
	char err[256];
	int r;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0'; /* the shell splits at '\n'; a NUL ends a line too */
	err[0] = '\0';
	r = ioasidctl_shell_parse(line, &cmd, err, sizeof(err));
	if (r == 0)
		cmd_check(&cmd);
	if (r < 0) {
		fuzz_check(r == -EINVAL, "refused with %s (\"%.*s\")",
			   strerror(-r), (int)sizeof(err), err);
		fuzz_check(err[0] != '\0', "EINVAL with no message");
	}
	fuzz_check(r <= 1, "returned %d", r);
	free(line);
	return 0;
}
