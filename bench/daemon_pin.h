/* SPDX-License-Identifier: MIT */
/*
 * daemon_pin.h - put ioasid-bench and its server processes on one CPU for
 * the duration of a measurement.
 *
 * A round trip between two processes costs very different amounts
 * depending on where the scheduler puts them: on one CPU it is two context
 * switches; across CPUs each message is a cross-CPU wake-up, which on a
 * virtual machine with an idle sibling can take tens of microseconds, and
 * the placement changes with whatever else runs on the machine. Subject
 * and peer would then not be timed under the same conditions (one run of
 * the daemon figures saw the echo at 4 us and the daemon at 50 us per round
 * trip, another the other way round). Pinning the measuring process and
 * its servers (the echo process, the daemons) to the CPU it runs on makes
 * every round trip, daemon or echo, pay exactly two same-CPU context
 * switches. The previous affinities are restored afterwards.
 */
#ifndef IOASID_BENCH_DAEMON_PIN_H
#define IOASID_BENCH_DAEMON_PIN_H

#include <sched.h>
#include <stddef.h>
#include <sys/types.h>

#define DAEMON_PIN_MAX 4

struct daemon_pin {
	int cpu; /* the CPU everything runs on; -1 when not pinned */
	size_t n; /* pid[0..n-1] are pinned */
	pid_t pid[DAEMON_PIN_MAX]; /* 0 is this process */
	cpu_set_t old[DAEMON_PIN_MAX];
};

/*
 * daemon_pin_start - pin this process and the n processes in pids (n <
 * DAEMON_PIN_MAX) to the CPU this process is running on. Returns 0, or
 * -errno with nothing pinned (e.g. a cpuset forbids it).
 */
int daemon_pin_start(struct daemon_pin *p, const pid_t *pids, size_t n);

/* daemon_pin_stop - restore the affinities saved by daemon_pin_start(). */
void daemon_pin_stop(struct daemon_pin *p);

#endif /* IOASID_BENCH_DAEMON_PIN_H */
