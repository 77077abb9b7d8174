/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture for the core's public-API tests: a fresh namespace per
 * test, and a teardown that asserts nothing leaked - no set left, no
 * reservation or quota left (capacity whole), every ID of the table IDLE
 * and the free-ID bitmap empty but for ID 0.
 */
#ifndef IOASID_TEST_CORE_FIXTURE_H
#define IOASID_TEST_CORE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ioasid/core.h>

#include "core/ns.h"
#include "core/set.h"
#include "util/alloc.h"

struct core_fixture {
	struct ioasid_ns *ns;
};

static inline int core_setup(void **state)
{
	struct core_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(ioasid_ns_new(&f->ns), 0);
	*state = f;
	return 0;
}

static inline int count_set(struct ioasid_set *set, void *arg)
{
	(void)set;
	(*(int *)arg)++;
	return 0;
}

/* Assert the namespace holds nothing: what every teardown checks. */
static inline void core_assert_empty(struct ioasid_ns *ns)
{
	uint32_t total = ioasid_capacity_total(ns);
	int nr_sets = 0;

	ioasid_work_flush(ns);
	assert_int_equal(ioasid_ns_for_each_set(ns, count_set, &nr_sets), 0);
	assert_int_equal(nr_sets, 0);
	assert_int_equal(ioasid_capacity_available(ns), total - 1);
	for (uint32_t id = 1; id < total; id++) {
		uint64_t w = atomic_load(&ns->view.table[id].word);

		if (ioasid__word_state(w) != IOASID_STATE_IDLE ||
		    ioasid__word_refs(w) || atomic_load(&ns->view.slots[id]) ||
		    ioasid__entry_spid(&ns->view.table[id],
				       memory_order_relaxed) != IOASID_INVALID)
			fail_msg("ID %u not IDLE at teardown", id);
	}
	assert_int_equal(ns->bitmap->l0[0], 1);
	for (uint32_t i = 1; i < IOASID__BM_L0_WORDS; i++)
		if (ns->bitmap->l0[i])
			fail_msg("bitmap word %u not empty at teardown", i);
}

static inline int core_teardown(void **state)
{
	struct core_fixture *f = *state;

	core_assert_empty(f->ns);
	ioasid_ns_free(f->ns);
	free(f);
	return 0;
}

#define CORE_TEST(fn) cmocka_unit_test_setup_teardown(fn, core_setup, core_teardown)

static inline struct ioasid_ns *core_ns(void **state)
{
	return ((struct core_fixture *)*state)->ns;
}

/* A GUEST or NONE set with the given quota; asserts success. */
static inline struct ioasid_set *core_set(struct ioasid_ns *ns,
					  enum ioasid_set_type type,
					  uint64_t token, uint32_t quota)
{
	struct ioasid_set *set = NULL;

	assert_int_equal(ioasid_set_alloc(ns, type, token, quota, &set), 0);
	assert_non_null(set);
	return set;
}

static inline enum ioasid_state core_state(struct ioasid_ns *ns, ioasid_t id)
{
	struct ioasid_info info;

	assert_int_equal(ioasid_query(ns, id, &info), 0);
	return info.state;
}

static inline uint32_t core_refs(struct ioasid_ns *ns, ioasid_t id)
{
	struct ioasid_info info;

	assert_int_equal(ioasid_query(ns, id, &info), 0);
	return info.refs;
}

#endif /* IOASID_TEST_CORE_FIXTURE_H */
