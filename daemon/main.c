// SPDX-License-Identifier: MIT
/*
 * ioasidd - the /dev/ioasid service.
 *
 * main() reads the command line and the config file, daemonizes unless
 * --foreground is given (or systemd started us: socket activation or
 * NOTIFY_SOCKET, where the service manager wants the process it started),
 * builds the daemon, tells systemd it is ready, and serves until
 * SIGTERM/SIGINT. Exit status: 0 after a clean stop, 1 when start-up or
 * the loop fails, 2 for a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ioasid/proto.h>

#include "config.h"
#include "ioasidd.h"
#include "log.h"
#include "systemd.h"
#include "util/alloc.h"

#ifndef IOASIDD_VERSION
#define IOASIDD_VERSION "0"
#endif

struct args {
	const char *socket_path;
	const char *state_dir;
	const char *config;
	const char *capacity;
	const char *log_level;
	bool foreground;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ioasidd [--socket PATH] [--state-dir DIR] [--capacity N]\n"
		"               [--config FILE] [--log-level LEVEL] [--foreground]\n"
		"       ioasidd --help | --version\n"
		"\n"
		"  -s, --socket PATH     listen here (default $XDG_RUNTIME_DIR/ioasid.sock,\n"
		"                        /run/ioasid.sock for root)\n"
		"  -d, --state-dir DIR   keep the journal in DIR (default: no journal)\n"
		"  -c, --capacity N      namespace capacity, 2..%u (default %u)\n"
		"  -f, --config FILE     read settings from FILE (see ioasidd(8))\n"
		"  -l, --log-level L     err, warn, info (default) or debug\n"
		"  -F, --foreground      do not detach; log to stderr\n",
		IOASID_CAPACITY_MAX, IOASID_CAPACITY_DEFAULT);
}

/* args_parse - 0, or 2 (usage error), or -1 (help/version printed). */
static int args_parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "capacity", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'f' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:d:c:f:l:FhV", opts, NULL)) != -1) {
		switch (c) {
		case 's': a->socket_path = optarg; break;
		case 'd': a->state_dir = optarg; break;
		case 'c': a->capacity = optarg; break;
		case 'f': a->config = optarg; break;
		case 'l': a->log_level = optarg; break;
		case 'F': a->foreground = true; break;
		case 'h': usage(stdout); return -1;
		case 'V': printf("ioasidd %s (protocol %u)\n", IOASIDD_VERSION,
				 IOASID_PROTO_VERSION);
			return -1;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ioasidd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	return 0;
}

/* config_override - command-line settings go through the file parser. */
static int config_override(struct ioasidd_config *cfg, const char *key,
			   const char *value)
{
	char line[4200], err[128];
	int n;

	if (!value)
		return 0;
	n = snprintf(line, sizeof(line), "%s = %s", key, value);
	if (n < 0 || (size_t)n >= sizeof(line) || strchr(value, '\n') ||
	    ioasid__config_parse(cfg, line, (size_t)n, err, sizeof(err))) {
		fprintf(stderr, "ioasidd: bad --%s '%s'\n", key, value);
		return 2;
	}
	return 0;
}

static int default_socket(struct ioasidd_config *cfg)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	char path[4096];

	if (cfg->socket_path)
		return 0;
	if (geteuid() == 0)
		dir = "/run";
	if (!dir || !*dir) {
		fprintf(stderr, "ioasidd: XDG_RUNTIME_DIR is not set; "
				"use --socket PATH\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/ioasid.sock", dir);
	return ioasid__config_set_string(&cfg->socket_path, path) ? 1 : 0;
}

static int config_build(const struct args *a, struct ioasidd_config *cfg)
{
	char err[256];
	int ret;

	ioasid__config_defaults(cfg);
	if (a->config && ioasid__config_load(cfg, a->config, err, sizeof(err))) {
		fprintf(stderr, "ioasidd: %s: %s\n", a->config, err);
		return 2;
	}
	ret = config_override(cfg, "socket", a->socket_path);
	if (!ret)
		ret = config_override(cfg, "state_dir", a->state_dir);
	if (!ret)
		ret = config_override(cfg, "capacity", a->capacity);
	if (!ret)
		ret = config_override(cfg, "log_level", a->log_level);
	return ret;
}

/*
 * daemonize - fork; the parent waits on a pipe until the child says it is
 * ready (1 byte) or fails (EOF), and exits accordingly. Returns the
 * child's end of the pipe in the child.
 */
static int daemonize(int *ready_fd)
{
	int pipefd[2];
	pid_t pid;
	char c;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid > 0) {
		close(pipefd[1]);
		exit(read(pipefd[0], &c, 1) == 1 ? 0 : 1);
	}
	close(pipefd[0]);
	if (setsid() < 0 || chdir("/"))
		return -errno;
	*ready_fd = pipefd[1];
	return 0;
}

/* detach_stdio - point stdin/stdout/stderr at /dev/null once ready. */
static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

static int serve(struct ioasidd_config *cfg, int listen_fd, int ready_fd)
{
	struct ioasidd *d;
	int ret;

	ret = ioasid__daemon_new(cfg, listen_fd, &d);
	if (ret) {
		log_err("start-up failed: %s", strerror(-ret));
		return 1;
	}
	log_info("listening on %s (capacity %u, quota %u)",
		 listen_fd >= 0 ? "the socket systemd passed" : d->cfg.socket_path,
		 d->cfg.capacity, d->default_quota);
	ioasid__systemd_notify("READY=1");
	if (ready_fd >= 0) {
		ioasid__log_setup(d->cfg.log_level, true);
		detach_stdio();
		if (write(ready_fd, "", 1) != 1)
			log_warn("could not signal readiness to the parent");
		close(ready_fd);
	}
	ret = ioasid__daemon_run(d);
	if (ret)
		log_err("event loop failed: %s", strerror(-ret));
	ioasid__daemon_free(d);
	log_info("stopped");
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct ioasidd_config cfg;
	struct args a = { 0 };
	int ret, listen_fd = -1, ready_fd = -1;
	bool under_systemd;

	ret = args_parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	ret = config_build(&a, &cfg);
	if (!ret) {
		ret = ioasid__systemd_listen_fd(&listen_fd);
		if (ret && ret != -ENOENT) {
			fprintf(stderr, "ioasidd: socket activation: %s\n",
				strerror(-ret));
			ret = 1;
		} else {
			ret = listen_fd >= 0 ? 0 : default_socket(&cfg);
		}
	}
	if (ret) {
		ioasid__config_release(&cfg);
		return ret;
	}
	ioasid__log_setup(cfg.log_level, false);
	under_systemd = listen_fd >= 0 || getenv("NOTIFY_SOCKET");
	if (!a.foreground && !under_systemd) {
		ret = daemonize(&ready_fd);
		if (ret) {
			log_err("cannot daemonize: %s", strerror(-ret));
			ioasid__config_release(&cfg);
			return 1;
		}
	}
	ret = serve(&cfg, listen_fd, ready_fd);
	ioasid__config_release(&cfg);
	return ret;
}
