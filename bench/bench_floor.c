/* SPDX-License-Identifier: MIT */
/*
 * bench_floor.c - the physical floors on their own, so that the table
 * shows what the machine can do before any ioasid figure is read:
 *
 *   floor.memcpy.4K          ns per 4 KiB memcpy
 *   floor.memcpy.bw.1M/64M   memcpy bandwidth, GB/s (1 MiB in cache, 64 MiB
 *                            mostly not)
 *   floor.vm_readv.4K        ns per 4 KiB process_vm_readv() from this
 *                            process, beside memcpy: the system call's cost
 *   floor.vm_readv.bw.1M     its bandwidth beside memcpy's, GB/s
 *   floor.load.1M/32M        ns per dependent random load over 1 MiB (in
 *                            cache) and 32 MiB (the size of the core's ID
 *                            table at 2^20 IDs): memory latency
 *   floor.store_lock.1M/8M   ns per store to a random line of 1 MiB / 8 MiB
 *                            (the core's slot array) followed by a lock
 *                            taken and dropped: the least an allocation at
 *                            a random ID costs
 *   floor.echo.64B/4K        ns per SOCK_SEQPACKET echo round trip
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "bench.h"
#include "floor.h"

/* Sample a copy series as bandwidth: bytes per nanosecond is GB/s. */
static double sample_gbps(struct bench_ctx *ctx, struct bench_series *s)
{
	const struct bench_floor_copy *f = s->arg;

	return (double)f->len / bench_ns_per_op(ctx, s);
}

/*
 * One copy size: memcpy, and unless memcpy_only process_vm_readv beside
 * it, in ns/op or, for bandwidth, GB/s.
 */
static void run_copy(struct bench_ctx *ctx, size_t len, const char *size,
		     bool bandwidth, bool memcpy_only)
{
	struct bench_floor_copy f;
	char name[64], vm_name[64];
	bench_sample_fn sample = bandwidth ? sample_gbps : NULL;
	const char *unit = bandwidth ? "GB/s" : "ns/op";
	const char *kind = bandwidth ? "bw." : "";
	size_t n = memcpy_only ? 1 : 2;

	snprintf(name, sizeof(name), "floor.memcpy.%s%s", kind, size);
	snprintf(vm_name, sizeof(vm_name), "floor.vm_readv.%s%s", kind, size);
	if (!bench_want(ctx, name) && (memcpy_only || !bench_want(ctx, vm_name)))
		return;
	if (bench_floor_copy_init(&f, len)) {
		bench_fail(ctx, "%s: out of memory", name);
		return;
	}
	struct bench_series s[] = {
		{ .name = name, .batch = bench_floor_memcpy_batch,
		  .sample = sample, .arg = &f },
		{ .name = vm_name, .batch = bench_floor_vm_readv_batch,
		  .sample = sample, .arg = &f },
	};
	bench_measure(ctx, s, n);
	bench_report(ctx, &(struct bench_row){ .name = name, .unit = unit,
					       .value = s[0].median });
	if (!memcpy_only)
		bench_report(ctx, &(struct bench_row){
			.name = vm_name, .unit = unit, .value = s[1].median,
			.peer = "memcpy", .peer_value = s[0].median });
	bench_floor_copy_fini(&f);
}

static void run_echo(struct bench_ctx *ctx, size_t len, const char *size)
{
	struct bench_floor_echo e;
	char name[64];
	int err;

	snprintf(name, sizeof(name), "floor.echo.%s", size);
	if (!bench_want(ctx, name))
		return;
	err = bench_floor_echo_start(&e, len);
	if (err) {
		bench_fail(ctx, "%s: cannot start the echo: %d", name, err);
		return;
	}
	struct bench_series s[] = {
		{ .name = name, .batch = bench_floor_echo_batch, .arg = &e },
	};
	bench_measure(ctx, s, 1);
	bench_report(ctx, &(struct bench_row){ .name = name, .unit = "ns/op",
					       .value = s[0].median });
	bench_floor_echo_stop(&e);
}

static void run_load(struct bench_ctx *ctx, size_t len, const char *size)
{
	struct bench_floor_chase c;
	char name[64];

	snprintf(name, sizeof(name), "floor.load.%s", size);
	if (!bench_want(ctx, name))
		return;
	if (bench_floor_chase_init(&c, len)) {
		bench_fail(ctx, "%s: out of memory", name);
		return;
	}
	struct bench_series s[] = {
		{ .name = name, .batch = bench_floor_chase_batch, .arg = &c },
	};
	bench_measure(ctx, s, 1);
	bench_report(ctx, &(struct bench_row){ .name = name, .unit = "ns/op",
					       .value = s[0].median });
	bench_floor_chase_fini(&c);
}

static void run_store_lock(struct bench_ctx *ctx, size_t len,
			   const char *size)
{
	struct bench_floor_storelock f;
	char name[64];

	snprintf(name, sizeof(name), "floor.store_lock.%s", size);
	if (!bench_want(ctx, name))
		return;
	if (bench_floor_storelock_init(&f, len)) {
		bench_fail(ctx, "%s: out of memory", name);
		return;
	}
	struct bench_series s[] = {
		{ .name = name, .batch = bench_floor_storelock_batch, .arg = &f },
	};
	bench_measure(ctx, s, 1);
	bench_report(ctx, &(struct bench_row){ .name = name, .unit = "ns/op",
					       .value = s[0].median });
	bench_floor_storelock_fini(&f);
}

static void floor_run(struct bench_ctx *ctx)
{
	run_copy(ctx, 4096, "4K", false, false);
	run_copy(ctx, 1u << 20, "1M", true, false);
	run_copy(ctx, 64u << 20, "64M", true, true);
	run_load(ctx, 1u << 20, "1M");
	run_load(ctx, 32u << 20, "32M");
	run_store_lock(ctx, 1u << 20, "1M");
	run_store_lock(ctx, 8u << 20, "8M");
	run_echo(ctx, 64, "64B");
	run_echo(ctx, 4096, "4K");
}

const struct bench_module bench_module_floor = {
	.name = "floor",
	.summary = "physical floors: memcpy, process_vm_readv, memory latency, SOCK_SEQPACKET echo",
	.run = floor_run,
};
