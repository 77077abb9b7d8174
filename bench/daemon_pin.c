/* SPDX-License-Identifier: MIT */
/*
 * daemon_pin.c - one CPU for the measuring process and its servers
 * (daemon_pin.h). sched_setaffinity() on a pid sets the affinity of that
 * thread only; ioasidd and the echo process are single-threaded, and
 * ioasid-bench runs its measurements from its main thread.
 */
#include <errno.h>
#include <string.h>

#include "daemon_pin.h"

static int pin_one(struct daemon_pin *p, pid_t pid, const cpu_set_t *one)
{
	size_t i = p->n;

	if (sched_getaffinity(pid, sizeof(p->old[i]), &p->old[i]) < 0)
		return -errno;
	if (sched_setaffinity(pid, sizeof(*one), one) < 0)
		return -errno;
	p->pid[i] = pid;
	p->n++;
	return 0;
}

int daemon_pin_start(struct daemon_pin *p, const pid_t *pids, size_t n)
{
	cpu_set_t one;
	int err;

	memset(p, 0, sizeof(*p));
	p->cpu = sched_getcpu();
	if (p->cpu < 0 || n >= DAEMON_PIN_MAX) {
		err = p->cpu < 0 ? -errno : -E2BIG;
		p->cpu = -1;
		return err;
	}
	CPU_ZERO(&one);
	CPU_SET(p->cpu, &one);
	err = pin_one(p, 0, &one);
	for (size_t i = 0; i < n && !err; i++)
		err = pin_one(p, pids[i], &one);
	if (err)
		daemon_pin_stop(p);
	return err;
}

void daemon_pin_stop(struct daemon_pin *p)
{
	/* Servers first, this process last: it may then move again. */
	while (p->n > 0) {
		p->n--;
		(void)sched_setaffinity(p->pid[p->n], sizeof(p->old[p->n]),
					&p->old[p->n]);
	}
	p->cpu = -1;
}
