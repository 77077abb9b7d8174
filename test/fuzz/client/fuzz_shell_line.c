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
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/client.h>

#include "shell_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The IOMMU commands' arguments are within what the executor relies on. */
static bool iommu_args_ok(const struct ioasidctl_shell_cmd *c)
{
	const uint32_t rw = IOASID_CLIENT_DMA_READ | IOASID_CLIENT_DMA_WRITE;

	switch (c->op) {
	case IOASIDCTL_SH_MAP:
		return c->access && !(c->access & ~rw) && c->fill >= -1 &&
		       c->fill <= 255;
	case IOASIDCTL_SH_TRANSLATE:
	case IOASIDCTL_SH_TRANSLATE_DEV:
		return c->access && !(c->access & ~rw);
	case IOASIDCTL_SH_READ:
		return c->size >= 1 && c->size <= IOASIDCTL_DMA_BYTES_MAX;
	case IOASIDCTL_SH_WRITE:
		return c->nbytes >= 1 && c->nbytes <= IOASIDCTL_DMA_BYTES_MAX &&
		       c->size == c->nbytes;
	default:
		return true;
	}
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
	if (r == 0 && (strlen(cmd.file) >= sizeof(cmd.file) ||
		       strlen(cmd.text) >= sizeof(cmd.text) ||
		       (cmd.op == IOASIDCTL_SH_ALLOC && cmd.a > cmd.b)))
		abort();
	if (r == 0 && !iommu_args_ok(&cmd))
		abort();
	if (r < 0 && (r != -EINVAL || err[0] == '\0'))
		abort();
	if (r > 1)
		abort();
	free(line);
	return 0;
}
