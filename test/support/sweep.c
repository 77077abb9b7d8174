// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sweep.h"
#include "util/alloc.h"

/* Bound on the sweep: a step making more allocations than this is a bug. */
#define SWEEP_MAX 100000UL

unsigned long sweep_alloc_failures(sweep_step_fn step, sweep_check_fn check,
				   void *arg)
{
	unsigned long n;

	for (n = 1; n < SWEEP_MAX; n++) {
		int ret, fired;

		ioasid__alloc_fail_nth(n);
		ret = step(arg);
		fired = ioasid__alloc_fault_fired();
		ioasid__alloc_fail_nth(0);
		check(ret, fired, arg);
		if (!fired)
			return n - 1;
	}
	fail_msg("allocation sweep did not converge after %lu steps", n);
	return n;
}
