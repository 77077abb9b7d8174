// SPDX-License-Identifier: MIT
/*
 * ioasidd integration: EXPORT/IMPORT, the right to one PASID carried by a
 * descriptor, across real processes. A PASID number alone grants nothing;
 * an export ends with its ID or its exporter's handle; imported references
 * are the importer's and go when it closes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <ioasid/core.h>

#include "raw.h"

static struct rawd daemon_;

static int group_setup(void **state)
{
	rawd_start(&daemon_, "capacity = 4096\nmax_exports = 3\n", false);
	return 0;
}

static int group_teardown(void **state)
{
	int status = rawd_stop(&daemon_);

	rawd_cleanup(&daemon_);
	return status == 0 ? 0 : -1;
}

static int export_id(int fd, uint32_t id, int *exported)
{
	struct ioasid_req_id req = { sizeof(req), 0, id, 0 };
	struct ioasid_rep_id rep = { 0 };
	int ret;

	ret = raw_call_fd(fd, IOASID_OP_EXPORT, &req, sizeof(req), -1, &rep,
			  sizeof(rep), exported);
	if (!ret) {
		assert_int_equal(rep.id, id);
		assert_true(*exported >= 0);
	} else {
		assert_int_equal(*exported, -1);
	}
	return ret;
}

/* A descriptor over a socketpair, for the children. */
static int fd_recv(int sock)
{
	uint8_t buf[8];
	int fd = -1;

	raw_recv(sock, buf, sizeof(buf), &fd);
	return fd;
}

static int try_import(int handle, int fd, uint32_t *id)
{
	struct ioasid_req_empty req = { sizeof(req), 0 };
	struct {
		struct ioasid_msg_hdr hdr;
		struct ioasid_req_empty req;
	} msg = { { sizeof(msg), IOASID_OP_IMPORT, raw_seq() }, req };
	uint8_t buf[64];
	struct ioasid_reply_hdr rh;
	struct ioasid_rep_id rep;

	raw_send(handle, &msg, sizeof(msg), fd);
	do {
		if (raw_recv(handle, buf, sizeof(buf), NULL) < sizeof(rh))
			return RAW_BROKEN;
		memcpy(&rh, buf, sizeof(rh));
	} while (rh.seq == 0);
	if (!rh.result) {
		memcpy(&rep, buf + sizeof(rh), sizeof(rep));
		*id = rep.id;
	}
	return rh.result;
}

struct importer {
	int sync;
	uint32_t id;
};

/*
 * Imports the descriptor it is sent, references the ID again, waits for
 * the owner's FREE event, and puts both references.
 */
static int child_imports(void *arg)
{
	struct importer *im = arg;
	struct ioasid_req_subscribe sub = { sizeof(sub), IOASID_SUB_FREE };
	int handle = raw_try_connect(daemon_.sock), fd = fd_recv(im->sync);
	struct ioasid_evt_notify evt;
	uint32_t id = 0, op;

	if (handle < 0 || fd < 0)
		return 1;
	if (raw_try_id_op(handle, IOASID_OP_GET, im->id) != -EPERM)
		return 2; /* the number alone grants nothing */
	if (try_import(handle, fd, &id) || id != im->id)
		return 3;
	close(fd);
	if (raw_try_id_op(handle, IOASID_OP_GET, id))
		return 4; /* now a reference may be taken again */
	if (raw_try(handle, IOASID_OP_SUBSCRIBE, &sub, sizeof(sub), NULL, 0))
		return 5;
	sync_put(im->sync, 1);
	if (!raw_event(handle, &op, &evt, sizeof(evt), 5000) ||
	    op != IOASID_EVT_NOTIFY || evt.event != IOASID_EVENT_FREE ||
	    evt.id != id)
		return 6;
	if (raw_try_id_op(handle, IOASID_OP_PUT, id) ||
	    raw_try_id_op(handle, IOASID_OP_PUT, id))
		return 7;
	if (raw_try_id_op(handle, IOASID_OP_PUT, id) != -ENOENT)
		return 8; /* the last put returned it to the pool */
	close(handle);
	return 0;
}

static void test_export_import_across_processes(void **state)
{
	int handle = raw_connect(daemon_.sock), sv[2], exported;
	struct importer im;
	struct ioasid_list_entry e;
	pid_t pid;

	assert_int_equal(raw_alloc(handle, 0, 0, &im.id), 0);
	assert_int_equal(export_id(handle, im.id, &exported), 0);
	sync_pair(sv);
	im.sync = sv[1];
	pid = child_spawn(child_imports, &im);
	raw_send(sv[0], "x", 1, exported);
	close(exported);
	assert_int_equal(sync_get(sv[0]), 1);
	assert_true(raw_list_entry(handle, im.id, &e));
	assert_int_equal(e.refs, 3);
	/* The owner frees it: parked until the importer's references go. */
	assert_int_equal(raw_id_op(handle, IOASID_OP_FREE, im.id), 0);
	assert_int_equal(child_wait(pid), 0);
	assert_false(raw_list_entry(handle, im.id, &e));
	close(sv[0]);
	close(sv[1]);
	close(handle);
}

static int child_imports_and_dies(void *arg)
{
	struct importer *im = arg;
	int handle = raw_try_connect(daemon_.sock), fd = fd_recv(im->sync);
	uint32_t id;

	if (handle < 0 || fd < 0 || try_import(handle, fd, &id) || id != im->id)
		return 1;
	if (try_import(handle, fd, &id))
		return 2; /* the same descriptor may be used again */
	sync_put(im->sync, 1);
	return 0; /* dies holding two references */
}

struct refs_probe {
	int fd;
	uint32_t id, refs;
};

static bool refs_reach(void *arg)
{
	struct refs_probe *p = arg;
	struct ioasid_list_entry e;

	return raw_list_entry(p->fd, p->id, &e) && e.refs == p->refs;
}

static void test_import_released_at_death(void **state)
{
	int handle = raw_connect(daemon_.sock), sv[2], exported;
	struct refs_probe probe = { handle, 0, 1 };
	struct importer im;
	struct ioasid_list_entry e;
	pid_t pid;

	assert_int_equal(raw_alloc(handle, 0, 0, &im.id), 0);
	probe.id = im.id;
	assert_int_equal(export_id(handle, im.id, &exported), 0);
	sync_pair(sv);
	im.sync = sv[1];
	pid = child_spawn(child_imports_and_dies, &im);
	raw_send(sv[0], "x", 1, exported);
	close(exported);
	assert_int_equal(sync_get(sv[0]), 1);
	assert_int_equal(child_wait(pid), 0);
	/* Its references went with its handle: the ID frees at once. */
	assert_true(wait_until(refs_reach, &probe));
	assert_int_equal(raw_id_op(handle, IOASID_OP_FREE, im.id), 0);
	assert_false(raw_list_entry(handle, im.id, &e));
	close(sv[0]);
	close(sv[1]);
	close(handle);
}

static int child_import_fails(void *arg)
{
	struct importer *im = arg;
	int handle = raw_try_connect(daemon_.sock), fd = fd_recv(im->sync);
	int fake = memfd_create("fake", MFD_CLOEXEC), pipefd[2];
	uint32_t id;

	if (handle < 0 || fd < 0 || fake < 0 || pipe(pipefd))
		return 1;
	if (try_import(handle, fd, &id) != -ENOENT)
		return 2; /* the export has ended */
	if (try_import(handle, fake, &id) != -ENOENT)
		return 3; /* a memfd of our own names nothing */
	if (try_import(handle, pipefd[0], &id) != -ENOENT)
		return 4;
	return 0;
}

static void run_failing_importer(int exported)
{
	struct importer im = { 0 };
	int sv[2];
	pid_t pid;

	sync_pair(sv);
	im.sync = sv[1];
	pid = child_spawn(child_import_fails, &im);
	raw_send(sv[0], "x", 1, exported);
	assert_int_equal(child_wait(pid), 0);
	close(sv[0]);
	close(sv[1]);
}

static void test_export_ends_with_id(void **state)
{
	int handle = raw_connect(daemon_.sock), exported;
	uint32_t id;

	assert_int_equal(raw_alloc(handle, 0, 0, &id), 0);
	assert_int_equal(export_id(handle, id, &exported), 0);
	assert_int_equal(raw_id_op(handle, IOASID_OP_FREE, id), 0);
	/* Reallocating the same number does not revive the export. */
	assert_int_equal(raw_alloc(handle, id, id, &id), 0);
	run_failing_importer(exported);
	close(exported);
	close(handle);
}

static void test_export_ends_with_handle(void **state)
{
	int handle = raw_connect(daemon_.sock), exported;
	uint32_t id;

	assert_int_equal(raw_alloc(handle, 0, 0, &id), 0);
	assert_int_equal(export_id(handle, id, &exported), 0);
	close(handle);
	run_failing_importer(exported);
	close(exported);
}

static void test_export_rules(void **state)
{
	int handle = raw_connect(daemon_.sock), fds[4];
	uint32_t id;

	assert_int_equal(raw_alloc(handle, 0, 0, &id), 0);
	/* At most max_exports (3) live exports per handle. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(export_id(handle, id, &fds[i]), 0);
	assert_int_equal(export_id(handle, id, &fds[3]), -EDQUOT);
	/* Each export is a distinct descriptor. */
	assert_int_not_equal(fds[0], fds[1]);
	assert_int_equal(raw_id_op(handle, IOASID_OP_GET, id), 0);
	assert_int_equal(raw_id_op(handle, IOASID_OP_FREE, id), 0);
	/* FREE_PENDING (and every export ended by the free). */
	assert_int_equal(export_id(handle, id, &fds[3]), -ENOENT);
	assert_int_equal(raw_id_op(handle, IOASID_OP_PUT, id), 0);
	assert_int_equal(raw_alloc(handle, 0, 0, &id), 0);
	assert_int_equal(export_id(handle, id, &fds[3]), 0);
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	close(handle);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_import_across_processes),
		cmocka_unit_test(test_import_released_at_death),
		cmocka_unit_test(test_export_ends_with_id),
		cmocka_unit_test(test_export_ends_with_handle),
		cmocka_unit_test(test_export_rules),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
