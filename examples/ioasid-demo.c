// SPDX-License-Identifier: MIT
/*
 * ioasid-demo - a short tour of the IOASID core, one line per step.
 *
 * A VM gets a set of host PASIDs and maps its guest PASIDs (SPIDs) to them;
 * a device driver, subscribed by the VM's token before the VM's set even
 * exists, binds one of them. The VM then frees that PASID while the driver
 * still uses it (free before unbind): the PASID is parked FREE_PENDING, the
 * driver hears about it, queues its cleanup on the work queue, and its
 * final put returns the PASID to the pool.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <ioasid/core.h>

#define VM_TOKEN 0x564d31ull /* "VM1" */

static int step_nr;

static void step(const char *fmt, ...)
{
	va_list ap;

	printf("step %2d: ", ++step_nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout); /* the worker thread prints too */
}

static void check(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "ioasid-demo: %s: %s (%s)\n", what,
			ioasid_errname(ret), ioasid_strerror(ret));
		exit(1);
	}
}

static void describe(struct ioasid_ns *ns, ioasid_t id, const char *who)
{
	struct ioasid_info info;

	check(ioasid_query(ns, id, &info), "query");
	if (info.spid == IOASID_INVALID)
		step("%s: PASID %u is %s, %u reference(s), no guest PASID", who,
		     id, ioasid_state_name(info.state), info.refs);
	else
		step("%s: PASID %u is %s, %u reference(s), guest PASID %u", who,
		     id, ioasid_state_name(info.state), info.refs, info.spid);
}

/*
 * The device driver: holds one PASID and cleans up from the work queue.
 * So that the output reads in order, its cleanup waits until main() has
 * shown the parked PASID (a real driver would not wait for anything).
 */
struct driver {
	struct ioasid_ns *ns;
	struct ioasid_set *vm;
	struct ioasid_work cleanup;
	ioasid_t pasid;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool go;
};

static void driver_wait_go(struct driver *d)
{
	pthread_mutex_lock(&d->lock);
	while (!d->go)
		pthread_cond_wait(&d->cond, &d->lock);
	pthread_mutex_unlock(&d->lock);
}

static void driver_let_go(struct driver *d)
{
	pthread_mutex_lock(&d->lock);
	d->go = true;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

static void driver_cleanup(struct ioasid_work *work)
{
	struct driver *d = (struct driver *)((char *)work -
					     offsetof(struct driver, cleanup));

	driver_wait_go(d);
	describe(d->ns, d->pasid, "driver work");
	check(ioasid_spid_detach(d->vm, d->pasid), "spid detach");
	check(ioasid_put(d->ns, d->vm, d->pasid), "put");
	step("driver work: unbound the guest PASID and put PASID %u",
	     d->pasid);
	d->pasid = IOASID_INVALID; /* the driver holds nothing any more */
}

static void driver_notify(const struct ioasid_event_data *ev, void *arg)
{
	struct driver *d = arg;

	step("driver notified: %s of PASID %u (set %llu)",
	     ioasid_event_name(ev->event), ev->id, (unsigned long long)ev->set_id);
	if (ev->event == IOASID_EVENT_FREE && ev->id == d->pasid &&
	    ioasid_work_queue(d->ns, &d->cleanup))
		step("driver notified: cleanup of PASID %u queued (not done "
		     "inside the notifier)", ev->id);
}

int main(void)
{
	struct driver d = {
		.pasid = IOASID_INVALID,
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct ioasid_set *vm, *proc, *again;
	struct ioasid_notifier *sub;
	struct ioasid_set_info info;
	ioasid_t ids[4], found;
	int ret;

	check(ioasid_ns_new(&d.ns), "namespace");
	step("namespace: capacity %u IDs (ID 0 reserved), %u available",
	     ioasid_capacity_total(d.ns), ioasid_capacity_available(d.ns));
	check(ioasid_capacity_reserve(d.ns, 1024), "reserve");
	step("host pool: reserved 1024, %u available",
	     ioasid_capacity_available(d.ns));

	ioasid_work_init(&d.cleanup, driver_cleanup);
	check(ioasid_notifier_register_token(d.ns, IOASID_SET_TYPE_GUEST,
					     VM_TOKEN, driver_notify, &d, &sub),
	      "subscribe");
	step("driver: subscribed to the VM's token before its set exists");

	check(ioasid_set_alloc(d.ns, IOASID_SET_TYPE_GUEST, VM_TOKEN, 3, &vm),
	      "VM set");
	d.vm = vm;
	ioasid_set_query(vm, &info);
	step("VM: set %llu with quota %u, %u available",
	     (unsigned long long)info.id, info.quota,
	     ioasid_capacity_available(d.ns));
	check(ioasid_set_alloc(d.ns, IOASID_SET_TYPE_PROCESS,
			       (uint64_t)getpid(), 4, &proc), "process set");
	check(ioasid_set_alloc(d.ns, IOASID_SET_TYPE_PROCESS,
			       (uint64_t)getpid(), 4, &again), "process set");
	ioasid_set_query(proc, &info);
	step("process: a second set for the same process is the same set "
	     "(%s), %u references", proc == again ? "yes" : "no", info.refs);
	ioasid_set_put(again);

	for (int i = 0; i < 3; i++)
		check(ioasid_alloc(vm, 100, 200, NULL, &ids[i]), "alloc");
	step("VM: allocated PASIDs %u, %u, %u (lowest free in [100, 200])",
	     ids[0], ids[1], ids[2]);
	ret = ioasid_alloc(vm, 100, 200, NULL, &ids[3]);
	step("VM: a fourth allocation fails with %s (quota 3)",
	     ioasid_errname(ret));

	check(ioasid_spid_attach(vm, ids[0], 5), "attach");
	check(ioasid_spid_attach(vm, ids[1], 6), "attach");
	ret = ioasid_spid_attach(vm, ids[2], 6);
	step("VM: mapping guest PASID 6 to a second host PASID fails with %s",
	     ioasid_errname(ret));
	check(ioasid_spid_attach(vm, ids[2], 7), "attach");
	step("VM: guest PASIDs 5, 6, 7 map to host PASIDs %u, %u, %u", ids[0],
	     ids[1], ids[2]);
	check(ioasid_spid_find(vm, 7, false, &found), "spid find");
	step("VM: guest PASID 7 -> host PASID %u, looked up without a lock",
	     found);

	check(ioasid_spid_find(vm, 6, true, &found), "spid find");
	d.pasid = found;
	step("driver: bound guest PASID 6 -> host PASID %u, with a reference",
	     found);
	describe(d.ns, found, "driver");

	check(ioasid_free(vm, found), "free");
	step("VM: freed PASID %u while the driver still uses it", found);
	describe(d.ns, found, "after free");
	ret = ioasid_get(d.ns, NULL, found);
	step("anyone: a new reference on PASID %u fails with %s", found,
	     ioasid_errname(ret));

	driver_let_go(&d);
	ioasid_work_flush(d.ns);
	describe(d.ns, found, "after cleanup");
	check(ioasid_alloc(vm, 100, 200, NULL, &ids[3]), "alloc");
	step("VM: the pool hands PASID %u out again", ids[3]);

	step("VM: freed %d PASIDs on exit", ioasid_set_free_all(vm));
	check(ioasid_set_free(vm), "free VM set");
	check(ioasid_set_free(proc), "free process set");
	ioasid_notifier_unregister(sub);
	check(ioasid_capacity_return(d.ns, 1024), "return");
	step("namespace: %u of %u available again",
	     ioasid_capacity_available(d.ns), ioasid_capacity_total(d.ns));
	ioasid_ns_free(d.ns);
	return 0;
}
