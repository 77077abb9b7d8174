// SPDX-License-Identifier: MIT
/*
 * End-to-end flows of the kernel documentation, through the public API.
 *
 * Free before unbind: a VM (the owner) frees a PASID while a device driver
 * still holds a reference to it with a guest PASID bound. The FREE
 * notification reaches the driver, which must not clean up inside the
 * notifier: it queues work that unbinds the SPID and puts its reference,
 * and that put completes the free.
 */
#include <pthread.h>

#include "fixture.h"

struct driver {
	struct ioasid_ns *ns;
	struct ioasid_set *set;
	struct ioasid_notifier *n;
	struct ioasid_work work;
	ioasid_t id; /* the PASID the driver holds, or IOASID_INVALID */
	int frees_seen;
	enum ioasid_state state_in_notifier;
	enum ioasid_state state_in_work;
	int unbinds;
	/* The test holds the cleanup back until it has looked at the ID. */
	pthread_mutex_t gate_lock;
	pthread_cond_t gate_cond;
	bool gate_open;
};

static void driver_gate_wait(struct driver *d)
{
	pthread_mutex_lock(&d->gate_lock);
	while (!d->gate_open)
		pthread_cond_wait(&d->gate_cond, &d->gate_lock);
	pthread_mutex_unlock(&d->gate_lock);
}

static void driver_gate_open(struct driver *d)
{
	pthread_mutex_lock(&d->gate_lock);
	d->gate_open = true;
	pthread_cond_broadcast(&d->gate_cond);
	pthread_mutex_unlock(&d->gate_lock);
}

static void driver_cleanup(struct ioasid_work *work)
{
	struct driver *d = ioasid__container_of(work, struct driver, work);
	struct ioasid_info info;

	driver_gate_wait(d);
	assert_int_equal(ioasid_query(d->ns, d->id, &info), 0);
	d->state_in_work = info.state;
	assert_int_equal(ioasid_spid_detach(d->set, d->id), 0);
	assert_int_equal(ioasid_put(d->ns, d->set, d->id), 0);
	d->id = IOASID_INVALID;
}

static void driver_notify(const struct ioasid_event_data *ev, void *arg)
{
	struct driver *d = arg;
	struct ioasid_info info;

	if (ev->event == IOASID_EVENT_UNBIND)
		d->unbinds++;
	if (ev->event != IOASID_EVENT_FREE || ev->id != d->id)
		return;
	d->frees_seen++;
	assert_int_equal(ioasid_query(d->ns, ev->id, &info), 0);
	d->state_in_notifier = info.state;
	assert_true(ioasid_work_queue(d->ns, &d->work));
}

static void test_flow_free_before_unbind(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *vm = core_set(ns, IOASID_SET_TYPE_GUEST, 0x5a, 16);
	struct driver d = { .ns = ns, .set = vm, .id = IOASID_INVALID };
	ioasid_t pasid, found;

	pthread_mutex_init(&d.gate_lock, NULL);
	pthread_cond_init(&d.gate_cond, NULL);
	ioasid_work_init(&d.work, driver_cleanup);
	assert_int_equal(ioasid_notifier_register_token(
				 ns, IOASID_SET_TYPE_GUEST, 0x5a, driver_notify,
				 &d, &d.n), 0);
	assert_int_equal(ioasid_alloc(vm, 1, 1000, NULL, &pasid), 0);
	assert_int_equal(ioasid_spid_attach(vm, pasid, 7), 0);
	/* The driver binds: a reference through the guest PASID. */
	assert_int_equal(ioasid_spid_find(vm, 7, true, &found), 0);
	assert_int_equal(found, pasid);
	d.id = pasid;

	assert_int_equal(ioasid_free(vm, pasid), 0);
	assert_int_equal(d.frees_seen, 1);
	assert_int_equal(d.state_in_notifier, IOASID_STATE_FREE_PENDING);
	/* Parked until the driver's work has run. */
	assert_int_equal(ioasid_get(ns, NULL, pasid), -EBUSY);
	assert_int_equal(ioasid_alloc(vm, pasid, pasid, NULL, &found), -ENOSPC);

	driver_gate_open(&d);
	ioasid_work_flush(ns);
	assert_int_equal(d.state_in_work, IOASID_STATE_FREE_PENDING);
	assert_int_equal(d.unbinds, 1);
	assert_int_equal(d.id, IOASID_INVALID);
	assert_int_equal(core_state(ns, pasid), IOASID_STATE_IDLE);
	assert_int_equal(ioasid_spid_find(vm, 7, false, &found), -ENOENT);
	/* Back in the pool: the same PASID is handed out again. */
	assert_int_equal(ioasid_alloc(vm, 1, 1000, NULL, &found), 0);
	assert_int_equal(found, pasid);
	assert_int_equal(ioasid_free(vm, found), 0);
	ioasid_notifier_unregister(d.n);
	assert_int_equal(ioasid_set_free(vm), 0);
	pthread_cond_destroy(&d.gate_cond);
	pthread_mutex_destroy(&d.gate_lock);
}

/* A handle going away: the set is freed with an ID still in use elsewhere. */
static void test_flow_owner_exits_while_shared(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *proc = core_set(ns, IOASID_SET_TYPE_PROCESS, 100, 4);
	struct ioasid_set *found;
	ioasid_t a, b;

	assert_int_equal(ioasid_alloc(proc, 1, 100, NULL, &a), 0);
	assert_int_equal(ioasid_alloc(proc, 1, 100, NULL, &b), 0);
	assert_int_equal(ioasid_get_if_owned(ns, 100, b), 0);
	assert_int_equal(ioasid_set_free_all(proc), 2);
	assert_int_equal(ioasid_set_free(proc), -EBUSY);
	ioasid_set_put(proc);
	/* The process's token still names the set while b is pending. */
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_PROCESS, 100,
					   &found), 0);
	assert_ptr_equal(found, proc);
	ioasid_set_put(found);
	assert_int_equal(ioasid_put(ns, NULL, b), 0);
	assert_int_equal(ioasid_set_lookup(ns, IOASID_SET_TYPE_PROCESS, 100,
					   &found), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_flow_free_before_unbind),
		CORE_TEST(test_flow_owner_exits_while_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
