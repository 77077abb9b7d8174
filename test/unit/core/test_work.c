// SPDX-License-Identifier: MIT
/* Unit tests of the namespace's ordered work queue. */
#include <pthread.h>
#include <unistd.h>

#include "fixture.h"

struct job {
	struct ioasid_work work;
	int tag;
	int *order;
	atomic_int *next;
	int requeue; /* times to queue itself again */
	struct ioasid_ns *ns;
};

static void job_run(struct ioasid_work *work)
{
	struct job *j = ioasid__container_of(work, struct job, work);

	j->order[atomic_fetch_add(j->next, 1)] = j->tag;
	if (j->requeue-- > 0)
		assert_true(ioasid_work_queue(j->ns, &j->work));
}

static void test_work_runs_in_queue_order(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct job jobs[50];
	int order[50];
	atomic_int next = 0;

	for (int i = 0; i < 50; i++) {
		jobs[i] = (struct job){ .tag = i, .order = order, .next = &next };
		ioasid_work_init(&jobs[i].work, job_run);
		assert_true(ioasid_work_queue(ns, &jobs[i].work));
	}
	ioasid_work_flush(ns);
	assert_int_equal(atomic_load(&next), 50);
	for (int i = 0; i < 50; i++)
		assert_int_equal(order[i], i);
}

struct gate {
	struct ioasid_work work;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int open, started;
};

static void gate_run(struct ioasid_work *work)
{
	struct gate *g = ioasid__container_of(work, struct gate, work);

	pthread_mutex_lock(&g->lock);
	g->started = 1;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void gate_init(struct gate *g)
{
	*g = (struct gate){ 0 };
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	ioasid_work_init(&g->work, gate_run);
}

static void gate_wait_started(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->started)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = 1;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static void test_work_queue_twice_before_start(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct gate g;
	struct job j;
	int order[4];
	atomic_int next = 0;

	gate_init(&g);
	j = (struct job){ .tag = 7, .order = order, .next = &next };
	ioasid_work_init(&j.work, job_run);
	assert_true(ioasid_work_queue(ns, &g.work));
	gate_wait_started(&g);
	/* The gate is running: it may be queued again, once. */
	assert_true(ioasid_work_queue(ns, &j.work));
	assert_false(ioasid_work_queue(ns, &j.work));
	assert_true(ioasid_work_queue(ns, &g.work));
	assert_false(ioasid_work_queue(ns, &g.work));
	gate_open(&g);
	ioasid_work_flush(ns);
	assert_int_equal(atomic_load(&next), 1);
	assert_int_equal(order[0], 7);
	pthread_cond_destroy(&g.cond);
	pthread_mutex_destroy(&g.lock);
}

static void test_work_may_requeue_itself(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	int order[8];
	atomic_int next = 0;
	struct job j = { .tag = 3, .order = order, .next = &next, .requeue = 4,
			 .ns = ns };

	ioasid_work_init(&j.work, job_run);
	assert_true(ioasid_work_queue(ns, &j.work));
	while (atomic_load(&next) < 5)
		ioasid_work_flush(ns);
	ioasid_work_flush(ns);
	assert_int_equal(atomic_load(&next), 5);
}

struct flusher {
	struct ioasid_ns *ns;
	atomic_int done;
};

static void *flush_thread(void *arg)
{
	struct flusher *f = arg;

	ioasid_work_flush(f->ns);
	atomic_store(&f->done, 1);
	return NULL;
}

/* A flush does not return while work queued before it has not run. */
static void test_work_flush_waits(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct flusher f = { ns, 0 };
	struct gate g;
	pthread_t t;

	gate_init(&g);
	assert_true(ioasid_work_queue(ns, &g.work));
	gate_wait_started(&g);
	assert_int_equal(pthread_create(&t, NULL, flush_thread, &f), 0);
	usleep(20000);
	assert_int_equal(atomic_load(&f.done), 0);
	gate_open(&g);
	pthread_join(t, NULL);
	assert_int_equal(atomic_load(&f.done), 1);
	ioasid_work_flush(ns); /* nothing queued: returns at once */
	pthread_cond_destroy(&g.cond);
	pthread_mutex_destroy(&g.lock);
}

static void test_work_ns_free_drains(void **state)
{
	struct ioasid_ns *ns;
	struct job jobs[10];
	int order[20];
	atomic_int next = 0;

	(void)state;
	assert_int_equal(ioasid_ns_new(&ns), 0);
	for (int i = 0; i < 10; i++) {
		jobs[i] = (struct job){ .tag = i, .order = order, .next = &next,
					.requeue = i == 9, .ns = ns };
		ioasid_work_init(&jobs[i].work, job_run);
		assert_true(ioasid_work_queue(ns, &jobs[i].work));
	}
	ioasid_ns_free(ns);
	/* Work queued by work while draining ran too. */
	assert_int_equal(atomic_load(&next), 11);
	for (int i = 0; i < 10; i++)
		assert_int_equal(order[i], i);
	assert_int_equal(order[10], 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_work_runs_in_queue_order),
		CORE_TEST(test_work_queue_twice_before_start),
		CORE_TEST(test_work_may_requeue_itself),
		CORE_TEST(test_work_flush_waits),
		cmocka_unit_test(test_work_ns_free_drains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
