/* SPDX-License-Identifier: MIT */
/*
 * main.c - ioasid-bench: run the benchmark modules, print one table and
 * optionally write the JSON of DESIGN.md §7.
 *
 *   ioasid-bench [--filter SUBSTR] [--runs N] [--quick] [--json FILE]
 *   ioasid-bench --list
 *   ioasid-bench --child MODULE ARGS...   (internal: see bench_child_run)
 *
 * Exit status: 0 when every figure was measured (goals missed or not: a
 * MISS is a result, not an error), 1 when a figure could not be measured
 * or the JSON could not be written, 2 usage (including a filter that
 * matches nothing).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules.h"
#include "rows.h"

#define RUNS_DEFAULT 5
#define RUNS_QUICK 3
#define BATCH_NS_DEFAULT 5e6
#define BATCH_NS_QUICK 5e5

struct options {
	const char *json;
	FILE *json_file; /* opened before anything runs, written at the end */
	bool list;
	int runs; /* 0: not given */
};

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: ioasid-bench [--filter SUBSTR] [--runs N] [--quick] [--json FILE]\n"
		"       ioasid-bench --list\n"
		"  --filter SUBSTR  only figures whose module or name contains SUBSTR\n"
		"  --runs N         samples per figure, the median is reported (default %d)\n"
		"  --quick          short batches and %d runs: a smoke run, not a measurement\n"
		"  --json FILE      also write the rows as a JSON array to FILE\n"
		"  --list           list the modules\n",
		RUNS_DEFAULT, RUNS_QUICK);
}

static int parse_runs(const char *arg, int *runs)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < 1 || v > 1000)
		return -1;
	*runs = (int)v;
	return 0;
}

/* Returns 0, or the exit status to leave with. */
static int parse_options(int argc, char **argv, struct bench_ctx *ctx,
			 struct options *opt)
{
	static const struct option longopts[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "filter", required_argument, NULL, 'f' },
		{ "runs", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "j:f:r:qlh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': opt->json = optarg; break;
		case 'f': ctx->filter = optarg; break;
		case 'q': ctx->quick = true; break;
		case 'l': opt->list = true; break;
		case 'h': print_usage(stdout); exit(0);
		case 'r':
			if (parse_runs(optarg, &opt->runs) == 0)
				break;
			fprintf(stderr, "ioasid-bench: --runs wants 1..1000\n");
			return 2;
		default: print_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ioasid-bench: unexpected argument %s\n", argv[optind]);
		return 2;
	}
	return 0;
}

static void apply_defaults(struct bench_ctx *ctx, const struct options *opt)
{
	ctx->runs = opt->runs ? opt->runs :
		    ctx->quick ? RUNS_QUICK : RUNS_DEFAULT;
	ctx->batch_ns = ctx->quick ? BATCH_NS_QUICK : BATCH_NS_DEFAULT;
	ctx->self = "/proc/self/exe";
}

static const struct bench_module *find_module(const char *name)
{
	for (size_t i = 0; i < bench_modules_nr; i++)
		if (strcmp(bench_modules[i]->name, name) == 0)
			return bench_modules[i];
	return NULL;
}

/* ioasid-bench --child MODULE ARGS...: a fresh process for one module. */
static int run_child(int argc, char **argv)
{
	const struct bench_module *m = argc >= 3 ? find_module(argv[2]) : NULL;

	if (!m || !m->child) {
		fprintf(stderr, "ioasid-bench: --child: no such module entry\n");
		return 2;
	}
	return m->child(argc - 3, argv + 3);
}

static void list_modules(void)
{
	for (size_t i = 0; i < bench_modules_nr; i++)
		printf("%-10s %s\n", bench_modules[i]->name,
		       bench_modules[i]->summary);
}

static void run_modules(struct bench_ctx *ctx)
{
	for (size_t i = 0; i < bench_modules_nr; i++) {
		ctx->module = bench_modules[i]->name;
		fprintf(stderr, "[%s] %s\n", ctx->module, bench_modules[i]->summary);
		bench_modules[i]->run(ctx);
	}
	ctx->module = "harness";
}

static void print_header(const struct bench_ctx *ctx)
{
	printf("ioasid-bench: median of %d run(s) per figure, batches >= %.1f ms%s%s%s\n",
	       ctx->runs, ctx->batch_ns / 1e6, ctx->quick ? ", QUICK (smoke run)" : "",
	       ctx->filter ? ", filter " : "", ctx->filter ? ctx->filter : "");
}

/* Open the JSON file first, so that a bad path fails before the run. */
static int open_json(struct options *opt)
{
	if (!opt->json)
		return 0;
	opt->json_file = fopen(opt->json, "we");
	if (opt->json_file)
		return 0;
	fprintf(stderr, "ioasid-bench: %s: %s\n", opt->json, strerror(errno));
	return 1;
}

static int write_json(const struct options *opt, const struct bench_ctx *ctx)
{
	int err = rows_write_json(ctx->rows, opt->json_file);

	if (fclose(opt->json_file) && !err)
		err = -errno;
	if (err)
		fprintf(stderr, "ioasid-bench: writing %s: %s\n", opt->json,
			strerror(-err));
	return err;
}

static int finish(struct bench_ctx *ctx, const struct options *opt)
{
	int status = 0;

	print_header(ctx);
	rows_print_table(ctx->rows, stdout);
	if (opt->json_file && write_json(opt, ctx))
		status = 1;
	if (ctx->failures) {
		fprintf(stderr, "ioasid-bench: %d measurement(s) failed, see above\n",
			ctx->failures);
		status = 1;
	}
	if (ctx->rows->nr == 0 && ctx->filter) {
		fprintf(stderr, "ioasid-bench: no figure matches filter \"%s\"\n",
			ctx->filter);
		status = 2;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct bench_rows rows = { 0 };
	struct bench_ctx ctx = { .rows = &rows, .module = "harness" };
	struct options opt = { 0 };
	int status;

	if (argc >= 2 && strcmp(argv[1], "--child") == 0)
		return run_child(argc, argv);
	status = parse_options(argc, argv, &ctx, &opt);
	if (status)
		return status;
	if (opt.list) {
		list_modules();
		return 0;
	}
	if (open_json(&opt))
		return 1;
	apply_defaults(&ctx, &opt);
	run_modules(&ctx);
	status = finish(&ctx, &opt);
	rows_free(&rows);
	return status;
}
