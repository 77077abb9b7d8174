// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: handles and processes. One handle per process
 * (EBUSY), requests through an inherited or passed handle (EPERM, owner
 * untouched), other processes' IDs (EPERM), release at close or death,
 * clients that vanish mid-request, and connection churn.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/core.h>

#include "raw.h"

static struct rawd daemon_;

static int group_setup(void **state)
{
	rawd_start(&daemon_, "capacity = 65536\nquota = 256\n", false);
	return 0;
}

static int group_teardown(void **state)
{
	int status = rawd_stop(&daemon_);

	rawd_cleanup(&daemon_);
	return status == 0 ? 0 : -1;
}

/* ns_ids - live IDs in the namespace, asked through a handle of ours. */
static uint32_t ns_ids(int fd)
{
	struct ioasid_rep_status st;

	assert_int_equal(raw_status(fd, &st), 0);
	return st.nr_ids;
}

struct ids_probe {
	int fd;
	uint32_t want;
};

static bool ids_reach(void *arg)
{
	struct ids_probe *p = arg;

	return ns_ids(p->fd) == p->want;
}

static void test_session_second_handle_ebusy(void **state)
{
	struct ioasid_rep_get_info info;
	uint8_t buf[64];
	int a = raw_connect(daemon_.sock), b;

	assert_int_equal(raw_info(a, &info), 0);
	b = raw_connect(daemon_.sock);
	assert_int_equal(raw_info(b, &info) == -EBUSY, 1);
	/* The refused connection is closed after its answer. */
	assert_int_equal(raw_recv(b, buf, sizeof(buf), NULL), 0);
	close(b);
	/* The first handle is untouched. */
	assert_int_equal(raw_info(a, &info), 0);
	close(a);
	/* Once it is closed, the process may open a handle again at once. */
	a = raw_connect(daemon_.sock);
	assert_int_equal(raw_info(a, &info), 0);
	close(a);
}

struct foreign_args {
	int handle; /* the parent's handle, inherited */
	int sync;
	uint32_t id;
};

/* Uses the parent's handle: every request must be refused. */
static int child_uses_inherited(void *arg)
{
	struct foreign_args *a = arg;
	struct ioasid_req_empty empty = { sizeof(empty), 0 };
	uint32_t id;

	if (raw_try_alloc(a->handle, &id) != -EPERM)
		return 1;
	if (raw_try_id_op(a->handle, IOASID_OP_FREE, a->id) != -EPERM)
		return 2;
	if (raw_try_id_op(a->handle, IOASID_OP_GET, a->id) != -EPERM)
		return 3;
	if (raw_try(a->handle, IOASID_OP_GET_INFO, &empty, sizeof(empty),
		    NULL, 0) != -EPERM)
		return 4;
	return 0;
}

/* Receives a handle over a socketpair, then uses it. */
static int child_uses_passed(void *arg)
{
	struct foreign_args *a = arg;
	char c;
	int fd = -1;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;

	if (recvmsg(a->sync, &mh, 0) != 1 || !(cm = CMSG_FIRSTHDR(&mh)))
		return 10;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	a->handle = fd;
	return child_uses_inherited(a);
}

static void test_session_transferred_handle_eperm(void **state)
{
	struct foreign_args a = { .handle = raw_connect(daemon_.sock) };
	struct ioasid_rep_get_info info;
	struct ioasid_list_entry e;
	int sv[2];
	pid_t pid;

	assert_int_equal(raw_alloc(a.handle, 0, 0, &a.id), 0);
	/* Inherited over fork. */
	pid = child_spawn(child_uses_inherited, &a);
	assert_int_equal(child_wait(pid), 0);
	/* Passed with SCM_RIGHTS to a process that existed before. */
	sync_pair(sv);
	a.sync = sv[1];
	pid = child_spawn(child_uses_passed, &a);
	raw_send(sv[0], "h", 1, a.handle);
	assert_int_equal(child_wait(pid), 0);
	close(sv[0]);
	close(sv[1]);
	/* The owner's state is exactly as it was. */
	assert_int_equal(raw_info(a.handle, &info), 0);
	assert_int_equal(info.nr_ids, 1);
	assert_true(raw_list_entry(a.handle, a.id, &e));
	assert_int_equal(e.state, IOASID_STATE_ACTIVE);
	assert_int_equal(e.refs, 1);
	assert_int_equal(raw_id_op(a.handle, IOASID_OP_FREE, a.id), 0);
	close(a.handle);
}

/* A second process with its own handle and one ID with SPID 77. */
static int child_owns_id(void *arg)
{
	struct foreign_args *a = arg;
	struct ioasid_req_attach_spid at = { sizeof(at), 0, 0, 77 };
	int fd = raw_try_connect(daemon_.sock);
	uint32_t id;

	if (fd < 0 || raw_try_alloc(fd, &id))
		return 1;
	at.id = id;
	if (raw_try(fd, IOASID_OP_ATTACH_SPID, &at, sizeof(at), NULL, 0))
		return 2;
	sync_put(a->sync, id);
	if (sync_get(a->sync) != 1) /* the parent has tried everything */
		return 3;
	/* Still ours, with its SPID. */
	if (raw_try_id_op(fd, IOASID_OP_DETACH_SPID, id) ||
	    raw_try_id_op(fd, IOASID_OP_FREE, id))
		return 4;
	close(fd);
	return 0;
}

static void test_session_foreign_ids_eperm(void **state)
{
	struct foreign_args a;
	int fd = raw_connect(daemon_.sock), sv[2];
	uint32_t id, found;
	pid_t pid;

	sync_pair(sv);
	a.sync = sv[1];
	pid = child_spawn(child_owns_id, &a);
	id = sync_get(sv[0]);
	assert_int_not_equal(id, UINT32_MAX);
	assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, id), -EPERM);
	assert_int_equal(raw_id_op(fd, IOASID_OP_GET, id), -EPERM);
	assert_int_equal(raw_id_op(fd, IOASID_OP_PUT, id), -EPERM);
	assert_int_equal(raw_id_op(fd, IOASID_OP_DETACH_SPID, id), -EPERM);
	assert_int_equal(raw_id_op(fd, IOASID_OP_EXPORT, id), -EPERM);
	assert_int_equal(raw_spid_attach(fd, id, 78), -EPERM);
	/* SPIDs are private to their set. */
	assert_int_equal(raw_spid_find(fd, 77, 0, &found), -ENOENT);
	sync_put(sv[0], 1);
	assert_int_equal(child_wait(pid), 0);
	close(sv[0]);
	close(sv[1]);
	close(fd);
}

/* Allocates n IDs, reports them, then dies holding them. */
static int child_allocs_and_dies(void *arg)
{
	struct foreign_args *a = arg;
	int fd = raw_try_connect(daemon_.sock);
	uint32_t id;

	for (uint32_t i = 0; i < a->id; i++)
		if (fd < 0 || raw_try_alloc(fd, &id))
			return 1;
	sync_put(a->sync, a->id);
	return 0; /* exit without closing: the kernel closes the handle */
}

static void test_session_death_releases(void **state)
{
	struct foreign_args a = { .id = 10 };
	int fd = raw_connect(daemon_.sock), sv[2];
	struct ids_probe probe = { fd, 0 };
	pid_t pid;

	assert_int_equal(ns_ids(fd), 0);
	sync_pair(sv);
	a.sync = sv[1];
	pid = child_spawn(child_allocs_and_dies, &a);
	assert_int_equal(sync_get(sv[0]), 10);
	assert_int_equal(child_wait(pid), 0);
	assert_true(wait_until(ids_reach, &probe));
	close(sv[0]);
	close(sv[1]);
	close(fd);
}

/* Sends requests and vanishes without reading a single reply. */
static int child_disconnects_mid_request(void *arg)
{
	struct {
		struct ioasid_msg_hdr hdr;
		struct ioasid_req_alloc req;
	} msg = { { sizeof(msg), IOASID_OP_ALLOC, 0 },
		  { sizeof(msg.req), 0, 0, 0 } };
	int fd = raw_try_connect(daemon_.sock);

	if (fd < 0)
		return 1;
	for (int i = 0; i < 50; i++) {
		msg.hdr.seq = (uint64_t)i + 1;
		if (send(fd, &msg, sizeof(msg), MSG_NOSIGNAL) != sizeof(msg))
			return 2;
	}
	shutdown(fd, SHUT_RDWR);
	close(fd);
	return 0;
}

static void test_session_disconnect_mid_request(void **state)
{
	int fd = raw_connect(daemon_.sock);
	struct ids_probe probe = { fd, 0 };
	uint32_t id;

	for (int round = 0; round < 5; round++)
		assert_int_equal(child_wait(child_spawn(
					 child_disconnects_mid_request, NULL)), 0);
	/* Whatever the daemon served before noticing, it released. */
	assert_true(wait_until(ids_reach, &probe));
	assert_int_equal(raw_alloc(fd, 0, 0, &id), 0);
	assert_int_equal(raw_id_op(fd, IOASID_OP_FREE, id), 0);
	close(fd);
}

static void test_session_connect_churn(void **state)
{
	struct ioasid_rep_status st;
	uint32_t id;
	int fd;

	for (int i = 0; i < 1000; i++) {
		fd = raw_connect(daemon_.sock);
		if (i % 2)
			assert_int_equal(raw_alloc(fd, 0, 0, &id), 0);
		close(fd);
	}
	/* The last close may still be in flight: the next connect waits. */
	fd = raw_connect(daemon_.sock);
	assert_int_equal(raw_status(fd, &st), 0);
	assert_int_equal(st.nr_handles, 1);
	assert_int_equal(st.nr_ids, 0);
	assert_int_equal(st.nr_sets, 1);
	close(fd);
}

/* Opens a handle and reports the first answer; holds it until told. */
static int child_holds_handle(void *arg)
{
	struct foreign_args *a = arg;
	struct ioasid_req_empty empty = { sizeof(empty), 0 };
	struct ioasid_rep_get_info info;
	int fd = raw_try_connect(daemon_.sock);
	int ret;

	if (fd < 0)
		return 1;
	ret = raw_try(fd, IOASID_OP_GET_INFO, &empty, sizeof(empty), &info,
		      sizeof(info));
	sync_put(a->sync, (uint32_t)-ret);
	sync_get(a->sync);
	return 0;
}

/* Each set's quota comes out of the capacity: handles are bounded by it. */
static void test_session_capacity_bounds_handles(void **state)
{
	struct foreign_args a[2];
	struct ioasid_rep_get_info info;
	struct rawd saved = daemon_;
	int sv[2][2], fd;
	pid_t pid[2];

	rawd_start(&daemon_, "capacity = 9\nquota = 4\n", false);
	fd = raw_connect(daemon_.sock);
	assert_int_equal(raw_info(fd, &info), 0);
	assert_int_equal(info.available, 4);
	for (int i = 0; i < 2; i++) {
		sync_pair(sv[i]);
		a[i].sync = sv[i][1];
		pid[i] = child_spawn(child_holds_handle, &a[i]);
		assert_int_equal(sync_get(sv[i][0]), i == 0 ? 0 : ENOSPC);
	}
	for (int i = 0; i < 2; i++) {
		sync_put(sv[i][0], 1);
		assert_int_equal(child_wait(pid[i]), 0);
		close(sv[i][0]);
		close(sv[i][1]);
	}
	close(fd);
	assert_int_equal(rawd_stop(&daemon_), 0);
	rawd_cleanup(&daemon_);
	daemon_ = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_second_handle_ebusy),
		cmocka_unit_test(test_session_transferred_handle_eperm),
		cmocka_unit_test(test_session_foreign_ids_eperm),
		cmocka_unit_test(test_session_death_releases),
		cmocka_unit_test(test_session_disconnect_mid_request),
		cmocka_unit_test(test_session_connect_churn),
		cmocka_unit_test(test_session_capacity_bounds_handles),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
