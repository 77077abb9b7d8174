// SPDX-License-Identifier: MIT
/*
 * libioasid-client end to end against the real ioasidd: every operation,
 * export/import between two processes, events, and reconnect-and-reclaim
 * after kill -9 of the daemon under load.
 *
 * The daemon is started per test in a temporary directory (the daemon
 * tests' raw.c fixture). One caution shapes these tests: the daemon binds
 * a handle to a process, so after a restart any connection from this
 * process would claim its journaled IDs. The fixture's readiness probe
 * (rawd_wait_ready) connects from this process; after a kill -9 the test
 * therefore restarts the daemon without probing and lets the library's
 * reconnect schedule find it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <ioasid/client.h>

#include "raw.h"

struct fixture {
	struct rawd d;
	struct ioasid_client *c;
	struct ioasid_client_event ev[512];
	size_t nev;
};

static void collect(struct ioasid_client *c, const struct ioasid_client_event *ev,
		    void *arg)
{
	struct fixture *f = arg;

	(void)c;
	if (f->nev < sizeof(f->ev) / sizeof(f->ev[0]))
		f->ev[f->nev++] = *ev;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	rawd_start(&f->d, NULL, true);
	assert_int_equal(ioasid_client_open(f->d.sock, &f->c), 0);
	ioasid_client_event_handler_set(f->c, collect, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ioasid_client_close(f->c);
	rawd_cleanup(&f->d);
	free(f);
	return 0;
}

/* Dispatch until want NOTIFY events have come (or 5 s of silence). */
static size_t notify_wait(struct fixture *f, size_t want)
{
	struct pollfd p = { .fd = ioasid_client_fd(f->c), .events = POLLIN };
	size_t n = 0;

	for (;;) {
		n = 0;
		for (size_t i = 0; i < f->nev; i++)
			n += f->ev[i].type == IOASID_CLIENT_EV_NOTIFY;
		if (n >= want || poll(&p, 1, 5000) != 1)
			return n;
		ioasid_client_dispatch(f->c);
	}
}

static bool has_id(const ioasid_t *ids, size_t n, ioasid_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void test_client_e2e_handle_ops(void **state)
{
	struct fixture *f = *state;
	struct ioasid_client_info info;
	ioasid_t a, b, found, *ids;
	size_t n;

	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	assert_int_equal(info.version, 1);
	assert_int_equal(info.capacity, 1u << 20);
	assert_int_equal(info.nr_ids, 0);
	assert_true(info.flags & IOASID_CLIENT_INFO_ADMIN); /* the daemon's uid */
	assert_false(info.flags & IOASID_CLIENT_INFO_RECLAIMED);
	assert_int_equal(info.cgroup[0], '/');

	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &a), 0);
	assert_int_equal(a, 1);
	assert_int_equal(ioasid_client_alloc(f->c, 100, 200, &b), 0);
	assert_int_equal(b, 100);
	assert_int_equal(ioasid_client_alloc(f->c, 5, 3, &b), -EINVAL);
	assert_int_equal(ioasid_client_alloc(f->c, 100, 100, &b), -ENOSPC);

	assert_int_equal(ioasid_client_spid_attach(f->c, 100, 7), 0);
	assert_int_equal(ioasid_client_spid_attach(f->c, 1, 7), -EEXIST);
	assert_int_equal(ioasid_client_spid_attach(f->c, 100, 8), -EBUSY);
	assert_int_equal(ioasid_client_spid_find(f->c, 7, 0, &found), 0);
	assert_int_equal(found, 100);
	assert_int_equal(ioasid_client_spid_find(f->c, 7, IOASID_CLIENT_FIND_GET,
						 &found), 0);
	assert_int_equal(ioasid_client_put(f->c, 100), 0);
	assert_int_equal(ioasid_client_spid_find(f->c, 9, 0, &found), -ENOENT);
	assert_int_equal(ioasid_client_spid_find(f->c, 7, 0x80, &found),
			 -EOPNOTSUPP);
	assert_int_equal(ioasid_client_spid_detach(f->c, 100), 0);
	assert_int_equal(ioasid_client_spid_detach(f->c, 100), -ENOENT);

	assert_int_equal(ioasid_client_get(f->c, 1), 0);
	assert_int_equal(ioasid_client_put(f->c, 1), 0);
	assert_int_equal(ioasid_client_put(f->c, 1), -EINVAL);
	assert_int_equal(ioasid_client_get(f->c, 999), -ENOENT);

	assert_int_equal(ioasid_client_free(f->c, 1), 0);
	assert_int_equal(ioasid_client_free(f->c, 1), -ENOENT);
	assert_int_equal(ioasid_client_ids(f->c, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 100);
	ioasid_client_array_free(ids);
}

static void test_client_e2e_queries_and_admin(void **state)
{
	struct fixture *f = *state;
	struct ioasid_client_set_entry *sets;
	struct ioasid_client_id_entry *e;
	struct ioasid_client_status st;
	struct ioasid_client_limit lim;
	struct ioasid_client_info info;
	ioasid_t id;
	size_t n;

	for (int i = 0; i < 3; i++)
		assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	assert_int_equal(st.version, 1);
	assert_int_equal(st.daemon_pid, f->d.pid);
	assert_int_equal(st.nr_ids, 3);
	assert_true(st.nr_handles >= 1);
	assert_true(st.journal_bytes > 0);

	assert_int_equal(ioasid_client_list(f->c, &e, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(e[i].id, i + 1);
		assert_int_equal(e[i].state, IOASID_STATE_ACTIVE);
		assert_int_equal(e[i].set_id, info.set_id);
		assert_int_equal(e[i].owner_pid, getpid());
	}
	ioasid_client_array_free(e);
	assert_int_equal(ioasid_client_reclaim(f->c, &e, &n), 0);
	assert_int_equal(n, 3);
	ioasid_client_array_free(e);

	assert_int_equal(ioasid_client_sets(f->c, &sets, &n), 0);
	bool mine = false;
	for (size_t i = 0; i < n; i++)
		if (sets[i].set_id == info.set_id) {
			mine = true;
			assert_int_equal(sets[i].type, IOASID_SET_TYPE_PROCESS);
			assert_int_equal(sets[i].nr_ids, 3);
			assert_int_equal(sets[i].owner_pid, getpid());
		}
	assert_true(mine);
	ioasid_client_array_free(sets);

	/* Quota: this handle's set holds 3; 4 lets one more in. */
	assert_int_equal(ioasid_client_quota_set(f->c, getpid(), 4), 0);
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), -EDQUOT);
	assert_int_equal(ioasid_client_quota_set(f->c, getpid(), 0), -EINVAL);
	assert_int_equal(ioasid_client_quota_set(f->c, 999999, 4), -ENOENT);

	/* Limits of the resource controller. */
	assert_int_equal(ioasid_client_limit_set(f->c, "/test/vm1", 2), 0);
	assert_int_equal(ioasid_client_limit_get(f->c, "/test/vm1", &lim), 0);
	assert_int_equal(lim.max, 2);
	assert_int_equal(lim.current, 0);
	assert_int_equal(ioasid_client_limit_set(f->c, "/test/vm1",
						 IOASID_CLIENT_LIMIT_MAX), 0);
	assert_int_equal(ioasid_client_limit_get(f->c, "/test/vm1", &lim), 0);
	assert_int_equal(lim.max, IOASID_CLIENT_LIMIT_MAX);
	assert_int_equal(ioasid_client_limit_set(f->c, "/", 5), -EINVAL);
	assert_int_equal(ioasid_client_limit_get(f->c, "/", &lim), 0);
	assert_true(lim.capacity > 0);
	assert_int_equal(lim.current, 4);
	assert_int_equal(ioasid_client_limit_get(f->c, "no-slash", &lim), -EINVAL);
}

static void test_client_e2e_second_handle_is_ebusy(void **state)
{
	struct fixture *f = *state;
	struct ioasid_client *c2 = NULL;

	assert_int_equal(ioasid_client_open(f->d.sock, &c2), -EBUSY);
	assert_null(c2);
}

static void test_client_e2e_events(void **state)
{
	struct fixture *f = *state;
	static const enum ioasid_event want[] = {
		IOASID_EVENT_ALLOC, IOASID_EVENT_BIND, IOASID_EVENT_UNBIND,
		IOASID_EVENT_FREE,
	};
	struct ioasid_client_info info;
	ioasid_t id;
	size_t k = 0;

	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	assert_int_equal(ioasid_client_subscribe(f->c, IOASID_CLIENT_SUB_ALL), 0);
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_spid_attach(f->c, id, 42), 0);
	assert_int_equal(ioasid_client_spid_detach(f->c, id), 0);
	assert_int_equal(ioasid_client_free(f->c, id), 0);
	assert_int_equal(notify_wait(f, 4), 4);
	for (size_t i = 0; i < f->nev; i++) {
		if (f->ev[i].type != IOASID_CLIENT_EV_NOTIFY)
			continue;
		assert_int_equal(f->ev[i].event, want[k]);
		assert_int_equal(f->ev[i].id, id);
		assert_int_equal(f->ev[i].set_id, info.set_id);
		k++;
	}
	assert_int_equal(f->ev[1].spid, 42);
	/* Unsubscribed: nothing more comes (checked after a round trip). */
	assert_int_equal(ioasid_client_subscribe(f->c, 0), 0);
	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	ioasid_client_dispatch(f->c);
	assert_int_equal(notify_wait(f, 4), 4);
	assert_int_equal(ioasid_client_subscribe(f->c, 0x10), -EOPNOTSUPP);
}

/* ---- export / import between processes ---- */

struct importer {
	const char *sock;
	int fd; /* the export descriptor, inherited */
	ioasid_t id;
	int sync;
};

/* A child: its own handle imports the descriptor (no cmocka here). */
static int importer_main(void *arg)
{
	struct importer *im = arg;
	struct ioasid_client *c;
	ioasid_t id;
	int ret = 0, fd;

	if (ioasid_client_open(im->sock, &c))
		return 10;
	if (ioasid_client_import(c, im->fd, &id) || id != im->id)
		ret = 11;
	else if (ioasid_client_get(c, id) || ioasid_client_put(c, id))
		ret = 12; /* an imported ID may be referenced again */
	else if (ioasid_client_free(c, id) != -EPERM)
		ret = 13; /* but not freed: it is not ours */
	else if (ioasid_client_export(c, id, &fd) != -EPERM)
		ret = 14; /* nor exported further */
	sync_put(im->sync, ret ? ret : 1);
	/* Hold the reference until the parent has freed the ID. */
	if (ret == 0 && sync_get(im->sync) != 2)
		ret = 15;
	ioasid_client_close(c);
	return ret;
}

static bool id_gone(void *arg)
{
	struct fixture *f = arg;
	struct ioasid_client_id_entry *e;
	size_t n;

	if (ioasid_client_list(f->c, &e, &n))
		return false;
	ioasid_client_array_free(e);
	return n == 0;
}

static void test_client_e2e_export_import_two_processes(void **state)
{
	struct fixture *f = *state;
	struct ioasid_client_id_entry *e;
	struct importer im = { .sock = f->d.sock };
	int sv[2], fd;
	size_t n;
	pid_t pid;

	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &im.id), 0);
	assert_int_equal(ioasid_client_export(f->c, im.id, &fd), 0);
	assert_int_equal(ioasid_client_export(f->c, 77, &im.fd), -ENOENT);
	im.fd = fd;
	sync_pair(sv);
	im.sync = sv[1];
	pid = child_spawn(importer_main, &im);
	assert_int_equal(sync_get(sv[0]), 1);
	/* Freed while the importer holds a reference: FREE_PENDING. */
	assert_int_equal(ioasid_client_free(f->c, im.id), 0);
	assert_int_equal(ioasid_client_list(f->c, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].state, IOASID_STATE_FREE_PENDING);
	ioasid_client_array_free(e);
	sync_put(sv[0], 2);
	assert_int_equal(child_wait(pid), 0);
	/* The importer's close dropped the last reference. */
	assert_true(wait_until(id_gone, f));
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

static void test_client_e2e_import_rejects_non_export(void **state)
{
	struct fixture *f = *state;
	ioasid_t id;
	int p[2];

	assert_int_equal(pipe(p), 0);
	/* ioasidd cannot tell a descriptor that never was an export from
	 * one whose export ended: both are ENOENT. */
	assert_int_equal(ioasid_client_import(f->c, p[0], &id), -ENOENT);
	close(p[0]);
	close(p[1]);
	assert_int_equal(ioasid_client_import(f->c, p[0], &id), -EBADF);
}

/* ---- reconnect and reclaim ---- */

#define OWNED 20

struct load {
	struct ioasid_client *c;
	atomic_bool stop;
	atomic_ulong rounds;
	atomic_int failures;
	atomic_int last_error;
};

/* Allocate and free as fast as the daemon answers, through the restart. */
static void *load_thread(void *arg)
{
	struct load *l = arg;
	ioasid_t id;
	int r;

	while (!atomic_load(&l->stop)) {
		r = ioasid_client_alloc(l->c, 0, 0, &id);
		if (r == 0)
			r = ioasid_client_free(l->c, id);
		if (r) {
			atomic_fetch_add(&l->failures, 1);
			atomic_store(&l->last_error, r);
		}
		atomic_fetch_add(&l->rounds, 1);
	}
	return NULL;
}

struct other {
	const char *sock;
	int sync;
};

/*
 * Another process under the same load: it too reconnects and must get
 * back exactly its own IDs. Exit status 0, or which check failed.
 */
static int other_main(void *arg)
{
	struct other *o = arg;
	struct ioasid_client_id_entry *e;
	struct ioasid_client *c;
	struct pollfd p = { .fd = o->sync, .events = POLLIN };
	ioasid_t keep[5], id, *ids;
	size_t n, ni;
	int ret = 0;

	if (ioasid_client_open(o->sock, &c))
		return 20;
	for (int i = 0; i < 5; i++)
		if (ioasid_client_alloc(c, 500000, 600000, &keep[i]))
			return 21;
	sync_put(o->sync, 1);
	while (poll(&p, 1, 0) == 0)
		if (ioasid_client_alloc(c, 500000, 600000, &id) ||
		    ioasid_client_free(c, id))
			ret = 22;
	if (ret || ioasid_client_reclaim(c, &e, &n))
		return ret ? ret : 23;
	if (n != 5)
		ret = 24;
	for (size_t i = 0; !ret && i < n; i++)
		if (e[i].id != keep[i])
			ret = 24;
	ioasid_client_array_free(e);
	if (!ret && (ioasid_client_ids(c, &ids, &ni) || ni != 5))
		ret = 25;
	if (!ret)
		ioasid_client_array_free(ids);
	ioasid_client_close(c);
	return ret;
}

static void owned_check(struct fixture *f, const ioasid_t *mine)
{
	struct ioasid_client_id_entry *e;
	ioasid_t *ids;
	size_t n, ni;

	assert_int_equal(ioasid_client_reclaim(f->c, &e, &n), 0);
	assert_int_equal(ioasid_client_ids(f->c, &ids, &ni), 0);
	assert_int_equal(n, OWNED);
	assert_int_equal(ni, OWNED);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(e[i].id, mine[i]);
		assert_int_equal(ids[i], mine[i]);
		assert_int_equal(e[i].spid, i % 2 ? IOASID_INVALID : 1000 + i);
	}
	ioasid_client_array_free(e);
	ioasid_client_array_free(ids);
}

/* Every live ID appears once, and none of ours in another set. */
static void namespace_check(struct fixture *f, uint64_t my_set,
			    const ioasid_t *mine)
{
	struct ioasid_client_id_entry *e;
	size_t n;

	assert_int_equal(ioasid_client_list(f->c, &e, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			assert_true(e[i - 1].id < e[i].id);
		if (has_id(mine, OWNED, e[i].id))
			assert_int_equal(e[i].set_id, my_set);
		else
			assert_int_not_equal(e[i].set_id, my_set);
	}
	ioasid_client_array_free(e);
}

static void test_client_e2e_reconnect_after_kill9_under_load(void **state)
{
	struct fixture *f = *state;
	struct other o = { .sock = f->d.sock };
	struct ioasid_client_info info;
	struct load l = { .c = f->c };
	ioasid_t mine[OWNED];
	pthread_t t;
	pid_t pid;
	int sv[2];

	for (size_t i = 0; i < OWNED; i++) {
		assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &mine[i]), 0);
		if (i % 2 == 0)
			assert_int_equal(ioasid_client_spid_attach(f->c, mine[i],
								   1000 + i), 0);
	}
	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	sync_pair(sv);
	o.sync = sv[1];
	pid = child_spawn(other_main, &o);
	assert_int_equal(sync_get(sv[0]), 1);
	assert_int_equal(pthread_create(&t, NULL, load_thread, &l), 0);
	while (atomic_load(&l.rounds) < 50)
		usleep(1000);

	rawd_kill(&f->d);
	{
		const char *args[] = { "--foreground", "--socket", f->d.sock,
				       "--config", f->d.conf, "--state-dir",
				       f->d.state, NULL };

		rawd_spawn(&f->d, args); /* no probe: see the file's comment */
	}
	unsigned long before = atomic_load(&l.rounds);
	while (atomic_load(&l.rounds) < before + 200)
		usleep(1000);
	atomic_store(&l.stop, true);
	pthread_join(t, NULL);
	sync_put(sv[0], 2);
	assert_int_equal(child_wait(pid), 0);
	close(sv[0]);
	close(sv[1]);

	/* Allocations and frees in flight were settled, none failed. */
	assert_int_equal(atomic_load(&l.failures), 0);
	ioasid_client_dispatch(f->c);
	bool reconnected = false;
	for (size_t i = 0; i < f->nev; i++) {
		assert_int_not_equal(f->ev[i].type, IOASID_CLIENT_EV_LOST);
		assert_int_not_equal(f->ev[i].type, IOASID_CLIENT_EV_ADOPTED);
		assert_int_not_equal(f->ev[i].type, IOASID_CLIENT_EV_SPID);
		reconnected |= f->ev[i].type == IOASID_CLIENT_EV_RECONNECTED;
	}
	assert_true(reconnected);
	assert_int_equal(ioasid_client_info(f->c, &info), 0);
	assert_true(info.flags & IOASID_CLIENT_INFO_RECLAIMED);
	owned_check(f, mine);
	namespace_check(f, info.set_id, mine);
}

static void test_client_e2e_daemon_gone_then_back(void **state)
{
	struct fixture *f = *state;
	struct ioasid_client_status st;
	ioasid_t id, *ids;
	size_t n;

	assert_int_equal(ioasid_client_alloc(f->c, 0, 0, &id), 0);
	assert_int_equal(ioasid_client_reconnect_set(f->c, 3, 1, 2), 0);
	rawd_kill(&f->d);
	assert_int_equal(ioasid_client_status(f->c, &st), -EPIPE);
	f->nev = 0;
	ioasid_client_dispatch(f->c);
	assert_true(f->nev >= 1);
	assert_int_equal(f->ev[f->nev - 1].type, IOASID_CLIENT_EV_DISCONNECTED);
	assert_int_equal(f->ev[f->nev - 1].error, -ECONNREFUSED);
	{
		const char *args[] = { "--foreground", "--socket", f->d.sock,
				       "--config", f->d.conf, "--state-dir",
				       f->d.state, NULL };

		rawd_spawn(&f->d, args);
	}
	assert_int_equal(ioasid_client_reconnect_set(f->c, 50, 10, 100), 0);
	/* The next call starts the schedule again and reclaims. */
	assert_int_equal(ioasid_client_status(f->c, &st), 0);
	assert_int_equal(st.daemon_pid, f->d.pid);
	assert_int_equal(ioasid_client_ids(f->c, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], id);
	ioasid_client_array_free(ids);
	assert_int_equal(ioasid_client_free(f->c, id), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_client_e2e_handle_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_e2e_queries_and_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_e2e_second_handle_is_ebusy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_e2e_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_e2e_export_import_two_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_e2e_import_rejects_non_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_e2e_reconnect_after_kill9_under_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_e2e_daemon_gone_then_back, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
