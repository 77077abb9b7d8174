// SPDX-License-Identifier: MIT
/*
 * The quiet free's closing protocol (lib/core/idtable.h): a free of an ID
 * only its owner holds marks the entry closing, takes the namespace lock
 * and decides there; reference takers that find a mark give their
 * reference back and wait. The steps another thread would take in the
 * middle are done by hand here: the lock held, a mark stored, a reference
 * added to the word.
 */
#include <pthread.h>
#include <sched.h>

#include "fixture.h"

#include "core/id.h"

struct closing_call {
	struct ioasid_ns *ns;
	struct ioasid_set *set;
	ioasid_t id;
	int ret;
};

static void *closing_free_thread(void *arg)
{
	struct closing_call *c = arg;

	c->ret = ioasid_free(c->set, c->id);
	return NULL;
}

static void *closing_get_thread(void *arg)
{
	struct closing_call *c = arg;

	c->ret = ioasid_get(c->ns, NULL, c->id);
	return NULL;
}

static uint32_t closing_of(struct ioasid_ns *ns, ioasid_t id)
{
	return atomic_load(&ns->view.table[id].closing);
}

static void closing_store(struct ioasid_ns *ns, ioasid_t id, uint32_t mark)
{
	atomic_store(&ns->view.table[id].closing, mark);
}

/* The mark the owner's free of id stores, from the entry's word now. */
static uint32_t closing_mark_now(struct ioasid_ns *ns, ioasid_t id)
{
	return ioasid__closing_mark(atomic_load(&ns->view.table[id].word));
}

/*
 * Start c's ioasid_free() in a thread and return once it has stored its
 * mark: it is then waiting for the namespace lock, which the caller holds.
 */
static void closing_free_start(struct closing_call *c, pthread_t *t)
{
	ioasid__lock_acquire(&c->ns->lock);
	assert_int_equal(pthread_create(t, NULL, closing_free_thread, c), 0);
	while (!closing_of(c->ns, c->id))
		sched_yield();
}

/* Let the free stopped by closing_free_start() go on, and wait for it. */
static void closing_free_finish(struct closing_call *c, pthread_t t)
{
	ioasid__lock_release(&c->ns->lock);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(c->ret, 0);
	assert_int_equal(closing_of(c->ns, c->id), 0);
}

static void test_closing_quiet_free_leaves_no_mark(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &id), 0);
	assert_int_equal(closing_of(ns, id), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(closing_of(ns, id), 0);
	assert_int_equal(core_state(ns, id), IOASID_STATE_IDLE);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * A mark left by another free (here one of an older generation) sends the
 * owner's free the compare-and-swap way; the release clears it.
 */
static void test_closing_stray_mark_free_still_frees(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &id), 0);
	closing_store(ns, id, closing_mark_now(ns, id) - 1);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_find(ns, NULL, id, NULL), -ENOENT);
	assert_int_equal(closing_of(ns, id), 0);
	assert_int_equal(core_state(ns, id), IOASID_STATE_IDLE);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * A taker whose compare-and-swap went through but who then finds the
 * entry closing gives its reference back and asks to be called again.
 */
static void test_closing_ref_backs_out_of_marked_entry(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct ioasid__entry_snap snap;
	ioasid_t id;

	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &id), 0);
	assert_true(ioasid__entry_snapshot(&ns->view, id, &snap));
	assert_false(snap.closing);
	closing_store(ns, id, closing_mark_now(ns, id));
	assert_int_equal(ioasid__id_ref(ns, id, &snap), -EAGAIN);
	assert_int_equal(core_state(ns, id), IOASID_STATE_ACTIVE);
	assert_int_equal(core_refs(ns, id), 1);

	/* Seen in the snapshot already, the mark stops it before the CAS. */
	assert_true(ioasid__entry_snapshot(&ns->view, id, &snap));
	assert_true(snap.closing);
	assert_int_equal(ioasid__id_ref(ns, id, &snap), -EAGAIN);
	assert_int_equal(core_refs(ns, id), 1);

	closing_store(ns, id, 0);
	assert_true(ioasid__entry_snapshot(&ns->view, id, &snap));
	assert_int_equal(ioasid__id_ref(ns, id, &snap), 0);
	assert_int_equal(core_refs(ns, id), 2);
	assert_int_equal(ioasid_put(ns, set, id), 0);
	assert_int_equal(ioasid_free(set, id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * The free marks the entry and waits for the lock, held here; meanwhile a
 * reference is added to the word. Once it has the lock the free sees it,
 * takes its mark back and leaves the ID FREE_PENDING for that reference.
 */
static void test_closing_free_sees_reference_taken_meanwhile(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct closing_call c = { .ns = ns, .set = set };
	pthread_t t;

	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &c.id), 0);
	closing_free_start(&c, &t);
	atomic_fetch_add(&ns->view.table[c.id].word, 1); /* a taker's reference */
	closing_free_finish(&c, t);
	assert_int_equal(core_state(ns, c.id), IOASID_STATE_FREE_PENDING);
	assert_int_equal(core_refs(ns, c.id), 1);
	assert_int_equal(ioasid_find(ns, NULL, c.id, NULL), 0);
	assert_int_equal(ioasid_put(ns, NULL, c.id), 0);
	assert_int_equal(ioasid_find(ns, NULL, c.id, NULL), -ENOENT);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * The same free, with nothing taken meanwhile: once it has the lock the ID
 * goes straight back to the pool.
 */
static void test_closing_free_waits_for_lock_then_releases(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct closing_call c = { .ns = ns, .set = set };
	pthread_t t;

	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &c.id), 0);
	closing_free_start(&c, &t);
	closing_free_finish(&c, t);
	assert_int_equal(core_state(ns, c.id), IOASID_STATE_IDLE);
	assert_int_equal(ioasid_set_free(set), 0);
}

/*
 * A get that finds the entry closing waits for the free to end; here the
 * mark is taken back by hand, as a free that lost would, and the get then
 * takes its reference. (The mark may also go before the get first looks:
 * either way the get must end with one reference, not -EBUSY or none.)
 */
static void test_closing_get_waits_for_mark_to_go(void **state)
{
	struct ioasid_ns *ns = core_ns(state);
	struct ioasid_set *set = core_set(ns, IOASID_SET_TYPE_NONE, 0, 10);
	struct closing_call c = { .ns = ns, .set = set, .ret = 1 };
	pthread_t t;

	assert_int_equal(ioasid_alloc(set, 7, 7, NULL, &c.id), 0);
	closing_store(ns, c.id, closing_mark_now(ns, c.id));
	assert_int_equal(pthread_create(&t, NULL, closing_get_thread, &c), 0);
	sched_yield();
	closing_store(ns, c.id, 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(c.ret, 0);
	assert_int_equal(core_refs(ns, c.id), 2);
	assert_int_equal(ioasid_put(ns, NULL, c.id), 0);
	assert_int_equal(ioasid_free(set, c.id), 0);
	assert_int_equal(ioasid_set_free(set), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_closing_quiet_free_leaves_no_mark),
		CORE_TEST(test_closing_stray_mark_free_still_frees),
		CORE_TEST(test_closing_ref_backs_out_of_marked_entry),
		CORE_TEST(test_closing_free_sees_reference_taken_meanwhile),
		CORE_TEST(test_closing_free_waits_for_lock_then_releases),
		CORE_TEST(test_closing_get_waits_for_mark_to_go),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
