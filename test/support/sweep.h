/* SPDX-License-Identifier: MIT */
/*
 * Fail-the-Nth-allocation sweep.
 *
 * sweep_alloc_failures() runs step() with allocation 1 failing, then
 * allocation 2, and so on, until a run completes without the armed fault
 * firing. After every run, check() is called with the step's result and
 * whether the fault fired; it asserts that a failed step returned -ENOMEM
 * and left nothing behind. Returns the number of failure points exercised.
 */
#ifndef IOASID_TEST_SWEEP_H
#define IOASID_TEST_SWEEP_H

typedef int (*sweep_step_fn)(void *arg);
typedef void (*sweep_check_fn)(int ret, int fault_fired, void *arg);

unsigned long sweep_alloc_failures(sweep_step_fn step, sweep_check_fn check,
				   void *arg);

#endif
