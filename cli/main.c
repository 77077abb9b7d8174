// SPDX-License-Identifier: MIT
/*
 * ioasidctl [-s SOCKET] [--json] COMMAND [ARGS]: the command-line front
 * end of ioasidd (DESIGN.md §6, docs/cli.md, ioasidctl(1)).
 *
 * main() parses the global options (they come before the command; the
 * command's own arguments are left alone, "+" in the option string) and
 * hands over to one subcommand. Exit status: 0 success, 1 an operation
 * failed, 2 usage.
 */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "ioasidctl.h"

#ifndef IOASIDCTL_VERSION
#define IOASIDCTL_VERSION "unknown"
#endif

struct command {
	const char *name;
	ioasidctl_cmd_fn fn;
};

static const struct command commands[] = {
	{ "status", ioasidctl_status },
	{ "list", ioasidctl_list },
	{ "sets", ioasidctl_sets },
	{ "limit", ioasidctl_limit },
	{ "shell", ioasidctl_shell },
	{ "groups", ioasidctl_groups },
	{ "devices", ioasidctl_devices },
	{ "host-groups", ioasidctl_host_groups },
};

static void usage(FILE *f)
{
	fputs("Usage: ioasidctl [-s SOCKET] [--json] COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n"
	      "  status                  the daemon's status\n"
	      "  list                    every live IOASID\n"
	      "  sets                    every IOASID set\n"
	      "  limit show [CGROUP]     a resource-controller group (default /)\n"
	      "  limit set CGROUP N|max  set a group's max (admin)\n"
	      "  groups                  the daemon's IOMMU groups\n"
	      "  devices                 the daemon's devices\n"
	      "  shell                   one handle driven by commands on stdin\n"
	      "  host-groups [--sysfs-root DIR]\n"
	      "                          this machine's IOMMU groups (no daemon;\n"
	      "                          DIR/kernel/iommu_groups, DIR default /sys)\n"
	      "\n"
	      "Options:\n"
	      "  -s, --socket SOCKET     the daemon's socket (default\n"
	      "                          $XDG_RUNTIME_DIR/ioasid.sock, or\n"
	      "                          /run/ioasid.sock for root)\n"
	      "  -j, --json              JSON output\n"
	      "  -h, --help              this help\n"
	      "  -V, --version           the version\n"
	      "\n"
	      "Exit status: 0 success, 1 an operation failed, 2 usage.\n"
	      "See ioasidctl(1) and docs/cli.md.\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ioasidctl_opts o = { 0 };
	int ch;

	/* A reader that goes away must not kill us mid-line: writes fail. */
	signal(SIGPIPE, SIG_IGN);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+s:jhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.socket = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			usage(stdout);
			return IOASIDCTL_OK;
		case 'V':
			printf("ioasidctl %s\n", IOASIDCTL_VERSION);
			return IOASIDCTL_OK;
		default:
			return ioasidctl_usage_error("bad option '%s'",
						     argv[optind - 1]);
		}
	}
	if (optind == argc)
		return ioasidctl_usage_error("no command");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			return commands[i].fn(&o, argc - optind, argv + optind);
	return ioasidctl_usage_error("unknown command '%s'", argv[optind]);
}
