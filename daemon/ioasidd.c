// SPDX-License-Identifier: MIT
/*
 * The daemon object (see ioasidd.h): set-up in dependency order, the
 * event loop's hooks, and teardown.
 *
 * Shutdown keeps what the journal says: the journal is synced and closed
 * before the handles are torn down, so a clean stop (SIGTERM) followed by
 * a start behaves like a crash followed by a start for the clients, whose
 * live processes reconnect and reclaim their IDs.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "dispatch.h"
#include "ioasidd.h"
#include "listener.h"
#include "log.h"
#include "platform.h"
#include "session.h"
#include "state.h"
#include "systemd.h"
#include "util/alloc.h"

bool ioasid__daemon_is_admin(const struct ioasidd *d, uid_t uid)
{
	return uid == 0 || uid == d->owner_uid;
}

struct session *ioasid__daemon_session_by_pid(struct ioasidd *d, pid_t pid)
{
	uint64_t *v = ioasid__hmap_find(&d->sessions_by_pid, (uint64_t)pid);

	return v ? (struct session *)(uintptr_t)*v : NULL;
}

static void signals_on_event(struct loop_source *src, uint32_t events)
{
	struct ioasidd *d = (struct ioasidd *)((char *)src -
					       offsetof(struct ioasidd, signals));
	struct signalfd_siginfo si;

	while (read(src->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			log_info("signal %u: shutting down", si.ssi_signo);
			ioasid__systemd_notify("STOPPING=1");
			d->loop.stop = true;
		}
	}
}

/*
 * signals_block - route SIGTERM/SIGINT to a signalfd. Done before the core
 * starts its worker thread, which inherits the mask, so that no thread
 * ever takes these signals' default action.
 */
static int signals_block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	return sigprocmask(SIG_BLOCK, set, NULL) ? -errno : 0;
}

static int signals_open(struct ioasidd *d, const sigset_t *set)
{
	int fd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	d->signals = (struct loop_source){ .fd = fd, .fn = signals_on_event };
	return ioasid__loop_add(&d->loop, &d->signals, EPOLLIN);
}

static void on_after_batch(void *arg)
{
	struct ioasidd *d = arg;

	ioasid__state_tick(d);
	ioasid__session_flush_dirty(d);
	while (d->closed) {
		struct session *s = d->closed;

		d->closed = s->next;
		ioasid__session_free(s);
	}
}

static int on_next_timeout(void *arg)
{
	return ioasid__state_timeout(arg);
}

/* limits_apply - the config file's "limit PATH = N" lines. */
static int limits_apply(struct ioasidd *d)
{
	for (size_t i = 0; i < d->cfg.nr_limits; i++) {
		struct ioasid_cgroup *cg;
		int ret;

		ret = ioasid_cgroup_lookup(d->cgroups, d->cfg.limits[i].path,
					   IOASID_CGROUP_CREATE, &cg);
		if (ret)
			return ret;
		ret = ioasid_cgroup_max_set(cg, d->cfg.limits[i].max);
		ioasid_cgroup_put(cg);
		if (ret)
			return ret;
	}
	return 0;
}

static int core_open(struct ioasidd *d)
{
	int ret = ioasid_ns_new(&d->ns);

	if (ret)
		return ret;
	if (d->cfg.capacity != ioasid_capacity_total(d->ns)) {
		ret = ioasid_capacity_install(d->ns, d->cfg.capacity);
		if (ret)
			return ret;
	}
	ret = ioasid_cgroup_tree_new(d->cfg.capacity - 1, &d->cgroups);
	if (ret)
		return ret;
	ret = ioasid__ids_init(d);
	return ret ? ret : limits_apply(d);
}

static struct ioasidd *daemon_alloc(struct ioasidd_config *cfg)
{
	struct ioasidd *d = ioasid__aligned_alloc(64, sizeof(*d));

	if (!d)
		return NULL;
	memset(d, 0, offsetof(struct ioasidd, rx));
	d->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg)); /* moved */
	d->loop.epfd = d->listener.fd = d->signals.fd = -1;
	d->default_quota = d->cfg.quota;
	d->owner_uid = geteuid();
	d->pid = getpid();
	d->start_ms = ioasid__now_ms();
	ioasid__hmap_init(&d->sessions_by_pid);
	ioasid__hmap_init(&d->exports);
	return d;
}

int ioasid__daemon_new(struct ioasidd_config *cfg, int listen_fd,
		       struct ioasidd **dp)
{
	struct ioasidd *d;
	sigset_t sigs;
	int ret;

	ret = ioasid__dispatch_init();
	if (ret)
		return ret;
	d = daemon_alloc(cfg);
	if (!d)
		return -ENOMEM;
	ret = signals_block(&sigs);
	if (!ret)
		ret = ioasid__loop_init(&d->loop);
	if (!ret)
		ret = core_open(d);
	if (!ret)
		ret = ioasid__platform_open(d);
	if (!ret)
		ret = listen_fd >= 0 ? ioasid__listener_adopt(d, listen_fd)
				     : ioasid__listener_bind(d, d->cfg.socket_path);
	if (!ret)
		ret = ioasid__state_open(d);
	if (!ret)
		ret = signals_open(d, &sigs);
	if (ret) {
		ioasid__daemon_free(d);
		return ret;
	}
	d->loop.after_batch = on_after_batch;
	d->loop.next_timeout = on_next_timeout;
	d->loop.arg = d;
	*dp = d;
	return 0;
}

int ioasid__daemon_run(struct ioasidd *d)
{
	return ioasid__loop_run(&d->loop);
}

void ioasid__daemon_free(struct ioasidd *d)
{
	if (!d)
		return;
	ioasid__listener_close(d);
	ioasid__state_close(d); /* first: teardown below is not journaled */
	while (d->sessions)
		ioasid__session_close(d->sessions);
	on_after_batch(d);
	ioasid__platform_free(d->platform); /* after the handles' claims */
	ioasid__hmap_destroy(&d->sessions_by_pid);
	ioasid__hmap_destroy(&d->exports);
	ioasid__ids_destroy(d);
	ioasid_ns_free(d->ns);
	ioasid_cgroup_tree_free(d->cgroups);
	if (d->signals.fd >= 0)
		close(d->signals.fd);
	ioasid__loop_destroy(&d->loop);
	ioasid__config_release(&d->cfg);
	ioasid__free(d);
}
