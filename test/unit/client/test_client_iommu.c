// SPDX-License-Identifier: MIT
/*
 * libioasid-client's IOMMU operations against the fake daemon: the bytes
 * each request puts on the wire (ioasid/proto.h, 0x300 range), the memfd
 * that travels with MAP_DMA, the decoding of every reply (paged listings,
 * unterminated strings, container info, translation, faults), errors passed
 * through unchanged, malformed replies refused with EPROTO, the retry
 * policy (listings sent again after a reconnect, everything else -EPIPE),
 * and a fail-the-Nth-allocation sweep over the listings.
 *
 * The fake daemon answers these ops through a hook (hook_iommu) steered by
 * struct iommu_fake: the result to answer with and the data to return. The
 * hook runs on the fake's thread; the lock protects what it shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ioasid/client.h>
#include <ioasid/proto.h>

#include "fake_daemon.h"
#include "sweep.h"

#define NGROUPS 3

/* What the hook answers with; lock protects every field. */
struct iommu_fake {
	pthread_mutex_t lock;
	int32_t result; /* for every IOMMU op; 0: success */
	uint32_t container_id; /* CONTAINER_CREATE's answer */
	uint32_t nr_iova_ranges; /* CONTAINER_INFO */
	uint32_t fault_count; /* FAULT_READ: entries claimed in the header */
	uint32_t fault_sent; /* FAULT_READ: entries actually sent */
	bool send_fd; /* attach a descriptor to every successful reply */
	/* Hang up instead of answering a request of this op (once). The
	 * fake's own hangup_after_op knob does not apply to hooked ops. */
	uint32_t hangup_op;
	/* MAP_DMA: what the memfd that came held. */
	off_t map_fd_size;
	unsigned char map_fd_first, map_fd_last;
	/* MAP_DMA: a byte the "device" writes at offset 0 of the memfd. */
	int dma_write;
};

struct fixture {
	struct fake_daemon *fake;
	struct ioasid_client *c;
	struct iommu_fake x;
};

/* ---- the fake's answers ---- */

static void answer_groups(struct fake_daemon *d, const struct fake_req *r)
{
	struct ioasid_req_page q = { 0 };
	struct {
		struct ioasid_rep_page page;
		struct ioasid_group_entry e;
	} rep = { .page = { .size = sizeof(rep), .count = 1 } };

	memcpy(&q, r->body, r->body_len < sizeof(q) ? r->body_len : sizeof(q));
	/* One group per page: the library must follow next. */
	rep.e.id = (uint32_t)q.start;
	rep.e.type = 1; /* DMA-FQ */
	rep.e.nr_devices = 2;
	rep.e.owner_pid = q.start == 1 ? 4242 : 0;
	rep.e.container_id = q.start == 1 ? 9 : 0;
	rep.e.flags = q.start == 0 ? IOASID_GROUP_F_VIABLE : 0;
	if (q.start == 2) /* unterminated: must be cut, not overrun */
		memset(rep.e.name, 'g', sizeof(rep.e.name));
	else
		snprintf(rep.e.name, sizeof(rep.e.name), "grp%u", rep.e.id);
	rep.page.next = q.start + 1 < NGROUPS ? q.start + 1 : 0;
	fake_send_reply(d, r, 0, &rep, sizeof(rep), -1);
}

static void answer_devices(struct fake_daemon *d, const struct fake_req *r)
{
	struct {
		struct ioasid_rep_page page;
		struct ioasid_device_entry e[2];
	} rep = { .page = { .size = sizeof(rep), .count = 2 } };

	rep.e[0] = (struct ioasid_device_entry){ .id = 1, .group_id = 0,
						 .driver_kind = 2, .ssid_bits = 20,
						 .iommu = 0, .owner_pid = 4242 };
	strcpy(rep.e[0].name, "dsa0");
	strcpy(rep.e[0].parent, "pci0000:00");
	strcpy(rep.e[0].driver, "ioasidd:4242");
	rep.e[1] = (struct ioasid_device_entry){ .id = 7,
						 .group_id = IOASID_ID_NONE,
						 .driver_kind = 1, .iommu = 1 };
	memset(rep.e[1].name, 'n', sizeof(rep.e[1].name));
	memset(rep.e[1].parent, 'p', sizeof(rep.e[1].parent));
	memset(rep.e[1].driver, 'd', sizeof(rep.e[1].driver));
	fake_send_reply(d, r, 0, &rep, sizeof(rep), -1);
}

static void answer_info(struct fake_daemon *d, const struct fake_req *r,
			uint32_t nr_ranges)
{
	struct ioasid_rep_container_info w = {
		.size = sizeof(w), .type = 3, .flags = 7, .nr_groups = 1,
		.pgsizes = 0x40201000, .mapped_bytes = 0x3000,
		.nr_mappings = 2, .dma_avail = 65533,
		.nr_iova_ranges = nr_ranges,
	};

	for (uint32_t i = 0; i < IOASID_CONTAINER_RANGES_MAX; i++) {
		w.iova_ranges[i].start = (uint64_t)i << 32;
		w.iova_ranges[i].last = ((uint64_t)i << 32) + 0xfff;
	}
	fake_send_reply(d, r, 0, &w, sizeof(w), -1);
}

static void answer_translate(struct fake_daemon *d, const struct fake_req *r)
{
	struct ioasid_req_translate q;
	struct ioasid_rep_translate w = { .size = sizeof(w), .prot = 3,
					  .map_iova = 0x100000,
					  .map_length = 0x4000,
					  .container_id = 9 };

	memcpy(&q, r->body, sizeof(q));
	w.offset = q.iova - 0x100000;
	fake_send_reply(d, r, 0, &w, sizeof(w), -1);
}

static void answer_faults(struct fake_daemon *d, const struct fake_req *r,
			  uint32_t count, uint32_t sent)
{
	struct {
		struct ioasid_rep_faults head;
		struct ioasid_fault_entry e[4];
	} rep = { .head = { .count = count, .lost = 5 } };
	size_t len = sizeof(rep.head) + sent * sizeof(rep.e[0]);

	for (uint32_t i = 0; i < 4; i++)
		rep.e[i] = (struct ioasid_fault_entry){ .device_id = i, .pasid = 0,
							.addr = 0x1000 * (i + 1),
							.access = 2, .reason = 1 + i };
	rep.head.size = (uint32_t)len;
	fake_send_reply(d, r, 0, &rep, len, -1);
}

/* MAP_DMA: look at the memfd that came, and play a device writing to it. */
static void answer_map(struct fake_daemon *d, const struct fake_req *r, int fd,
		       struct iommu_fake *x)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fake_send_reply(d, r, -EBADF, NULL, 0, -1);
		return;
	}
	x->map_fd_size = st.st_size;
	if (st.st_size > 0) {
		pread(fd, &x->map_fd_first, 1, 0);
		pread(fd, &x->map_fd_last, 1, st.st_size - 1);
	}
	if (x->dma_write >= 0) {
		unsigned char b = (unsigned char)x->dma_write;

		pwrite(fd, &b, 1, 0);
	}
	fake_send_reply(d, r, 0, NULL, 0, -1);
}

static void answer_ok(struct fake_daemon *d, const struct fake_req *r,
		      struct iommu_fake *x)
{
	struct ioasid_rep_id id = { .size = sizeof(id), .id = x->container_id };
	struct ioasid_rep_unmap_dma un = { .size = sizeof(un), .unmapped = 0x2000 };
	int p[2] = { -1, -1 };

	if (x->send_fd && pipe(p) < 0)
		abort();
	if (r->op == IOASID_OP_CONTAINER_CREATE)
		fake_send_reply(d, r, 0, &id, sizeof(id), p[0]);
	else if (r->op == IOASID_OP_UNMAP_DMA)
		fake_send_reply(d, r, 0, &un, sizeof(un), p[0]);
	else
		fake_send_reply(d, r, 0, NULL, 0, p[0]);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
}

static bool hook_iommu(struct fake_daemon *d, const struct fake_req *r, int fd,
		       void *arg)
{
	struct iommu_fake *x = arg;

	if (r->op < IOASID_OP_GROUPS || r->op > IOASID_OP_DESTROY)
		return false;
	pthread_mutex_lock(&x->lock);
	if (x->hangup_op == r->op) {
		x->hangup_op = 0;
		fake_hangup(d);
	} else if (x->result)
		fake_send_reply(d, r, x->result, NULL, 0, -1);
	else if (r->op == IOASID_OP_GROUPS)
		answer_groups(d, r);
	else if (r->op == IOASID_OP_DEVICES)
		answer_devices(d, r);
	else if (r->op == IOASID_OP_CONTAINER_INFO)
		answer_info(d, r, x->nr_iova_ranges);
	else if (r->op == IOASID_OP_TRANSLATE)
		answer_translate(d, r);
	else if (r->op == IOASID_OP_FAULT_READ)
		answer_faults(d, r, x->fault_count, x->fault_sent);
	else if (r->op == IOASID_OP_MAP_DMA)
		answer_map(d, r, fd, x);
	else
		answer_ok(d, r, x);
	pthread_mutex_unlock(&x->lock);
	return true;
}

/* ---- fixture ---- */

static struct fixture *fixture_open(void **state, const struct fake_knobs *k)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	pthread_mutex_init(&f.x.lock, NULL);
	f.x.container_id = 9;
	f.x.dma_write = -1;
	f.fake = fake_daemon_start(k);
	fake_daemon_hook(f.fake, hook_iommu, &f.x);
	assert_int_equal(ioasid_client_open(fake_daemon_path(f.fake), &f.c), 0);
	*state = &f;
	return &f;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f) {
		ioasid_client_close(f->c);
		fake_daemon_stop(f->fake);
		pthread_mutex_destroy(&f->x.lock);
	}
	return 0;
}

static void fake_result(struct fixture *f, int32_t result)
{
	pthread_mutex_lock(&f->x.lock);
	f->x.result = result;
	pthread_mutex_unlock(&f->x.lock);
}

/* The last request of op, which must be there with a header size equal
 * to its length; REQ_BODY: its body as struct T. */
static struct fake_req last_req(struct fake_daemon *d, uint32_t op)
{
	struct fake_req r = fake_daemon_last_req(d, op);

	assert_int_equal(r.op, op);
	assert_int_equal(r.hdr_size, r.len);
	return r;
}

#define REQ_BODY(f, op, T)                                                   \
	({                                                                   \
		struct fake_req _r = last_req((f)->fake, (op));              \
		T _b;                                                        \
		assert_int_equal(_r.body_len, sizeof(T));                    \
		memcpy(&_b, _r.body, sizeof(T));                             \
		assert_int_equal(_b.size, sizeof(T));                        \
		_b;                                                          \
	})

/*
 * Descriptors open in this process, once the fake has finished the last
 * request (it closes what it received or made after replying, so a
 * further request's reply is the sign it has).
 */
static int fd_count(struct fixture *f)
{
	int n = 0;

	assert_int_equal(ioasid_client_group_release(f->c, 0), 0);

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* ---- listings ---- */

static void test_client_groups_walks_pages(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_client_group_entry *g;
	size_t n;

	assert_int_equal(ioasid_client_groups(f->c, &g, &n), 0);
	assert_int_equal(n, NGROUPS);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_GROUPS), NGROUPS);
	for (size_t i = 0; i < n; i++) {
		struct fake_req r = fake_daemon_req(f->fake, 1 + i);
		struct ioasid_req_page q;

		memcpy(&q, r.body, sizeof(q));
		assert_int_equal(q.size, sizeof(q));
		assert_int_equal(q.flags, 0);
		assert_int_equal(q.start, i);
		assert_int_equal(g[i].id, i);
		assert_int_equal(g[i].type, IOASID_GROUP_TYPE_DMA_FQ);
		assert_int_equal(g[i].nr_devices, 2);
	}
	assert_string_equal(g[0].name, "grp0");
	assert_int_equal(g[0].flags, IOASID_CLIENT_GROUP_VIABLE);
	assert_int_equal(g[0].owner_pid, 0);
	assert_int_equal(g[1].owner_pid, 4242);
	assert_int_equal(g[1].container_id, 9);
	assert_int_equal(strlen(g[2].name), IOASID_CLIENT_NAME_MAX - 1);
	ioasid_client_array_free(g);
	assert_int_equal(ioasid_client_groups(f->c, NULL, &n), -EINVAL);
	assert_int_equal(ioasid_client_groups(NULL, &g, &n), -EINVAL);
}

static void test_client_devices_decodes_entries(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_client_device_entry *e;
	size_t n;

	assert_int_equal(ioasid_client_devices(f->c, &e, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(last_req(f->fake, IOASID_OP_DEVICES).body_len,
			 sizeof(struct ioasid_req_page));
	assert_int_equal(e[0].id, 1);
	assert_int_equal(e[0].group_id, 0);
	assert_int_equal(e[0].driver_kind, IOASID_DRIVER_OWNER);
	assert_int_equal(e[0].ssid_bits, 20);
	assert_int_equal(e[0].owner_pid, 4242);
	assert_string_equal(e[0].name, "dsa0");
	assert_string_equal(e[0].parent, "pci0000:00");
	assert_string_equal(e[0].driver, "ioasidd:4242");
	assert_int_equal(e[1].id, 7);
	assert_int_equal(e[1].group_id, IOASID_CLIENT_ID_NONE);
	assert_int_equal(e[1].driver_kind, IOASID_DRIVER_NATIVE);
	assert_int_equal(e[1].iommu, 1);
	assert_int_equal(strlen(e[1].name), IOASID_CLIENT_NAME_MAX - 1);
	assert_int_equal(strlen(e[1].parent), IOASID_CLIENT_PARENT_MAX - 1);
	assert_int_equal(strlen(e[1].driver), IOASID_CLIENT_NAME_MAX - 1);
	ioasid_client_array_free(e);
}

/* ---- claims and containers ---- */

static void test_client_group_claim_release_encoding(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_req_group q;

	assert_int_equal(ioasid_client_group_claim(f->c, 5,
						   IOASID_CLIENT_CLAIM_DETACH_DRIVERS), 0);
	q = REQ_BODY(f, IOASID_OP_GROUP_CLAIM, struct ioasid_req_group);
	assert_int_equal(q.flags, IOASID_GROUP_CLAIM_DETACH_DRIVERS);
	assert_int_equal(q.group_id, 5);
	assert_int_equal(q.__rsvd, 0);
	assert_int_equal(ioasid_client_group_release(f->c, 6), 0);
	q = REQ_BODY(f, IOASID_OP_GROUP_RELEASE, struct ioasid_req_group);
	assert_int_equal(q.flags, 0);
	assert_int_equal(q.group_id, 6);
	fake_result(f, -EBUSY);
	assert_int_equal(ioasid_client_group_claim(f->c, 5, 0), -EBUSY);
	q = REQ_BODY(f, IOASID_OP_GROUP_CLAIM, struct ioasid_req_group);
	assert_int_equal(q.flags, 0);
}

static void test_client_container_create_destroy(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_req_container_create q;
	struct ioasid_req_object o;
	uint32_t id = 0;

	assert_int_equal(ioasid_client_container_create(
				 f->c, IOASID_CLIENT_CONTAINER_SPAPR_TCE, &id), 0);
	assert_int_equal(id, 9);
	q = REQ_BODY(f, IOASID_OP_CONTAINER_CREATE,
		     struct ioasid_req_container_create);
	assert_int_equal(q.type, IOASID_CONTAINER_SPAPR_TCE);
	assert_int_equal(q.flags, 0);
	assert_int_equal(ioasid_client_container_destroy(f->c, 9), 0);
	o = REQ_BODY(f, IOASID_OP_DESTROY, struct ioasid_req_object);
	assert_int_equal(o.id, 9);
	/* Object ID 0 is never handed out. */
	pthread_mutex_lock(&f->x.lock);
	f->x.container_id = 0;
	pthread_mutex_unlock(&f->x.lock);
	assert_int_equal(ioasid_client_container_create(
				 f->c, IOASID_CLIENT_CONTAINER_TYPE1V2, &id), -EPROTO);
	fake_result(f, -ENODEV);
	assert_int_equal(ioasid_client_container_create(f->c, 1, &id), -ENODEV);
	/* An argument error sends nothing. */
	assert_int_equal(ioasid_client_container_create(f->c, 3, NULL), -EINVAL);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_CONTAINER_CREATE), 3);
}

static void test_client_container_group_and_pasid_encoding(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_req_container_group g;
	struct ioasid_req_container_pasid p;

	assert_int_equal(ioasid_client_container_attach_group(f->c, 9, 2), 0);
	g = REQ_BODY(f, IOASID_OP_CONTAINER_ATTACH_GROUP,
		     struct ioasid_req_container_group);
	assert_int_equal(g.container_id, 9);
	assert_int_equal(g.group_id, 2);
	assert_int_equal(ioasid_client_container_detach_group(f->c, 9, 3), 0);
	g = REQ_BODY(f, IOASID_OP_CONTAINER_DETACH_GROUP,
		     struct ioasid_req_container_group);
	assert_int_equal(g.group_id, 3);
	assert_int_equal(ioasid_client_container_attach_pasid(f->c, 9, 4, 77), 0);
	p = REQ_BODY(f, IOASID_OP_CONTAINER_ATTACH_PASID,
		     struct ioasid_req_container_pasid);
	assert_int_equal(p.container_id, 9);
	assert_int_equal(p.device_id, 4);
	assert_int_equal(p.pasid, 77);
	assert_int_equal(p.__rsvd, 0);
	assert_int_equal(ioasid_client_container_detach_pasid(f->c, 9, 4, 78), 0);
	p = REQ_BODY(f, IOASID_OP_CONTAINER_DETACH_PASID,
		     struct ioasid_req_container_pasid);
	assert_int_equal(p.pasid, 78);
	fake_result(f, -EPERM);
	assert_int_equal(ioasid_client_container_attach_group(f->c, 9, 2), -EPERM);
}

static void test_client_container_info_decodes_ranges(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_client_container_info info;
	struct ioasid_req_object o;

	pthread_mutex_lock(&f->x.lock);
	f->x.nr_iova_ranges = 2;
	pthread_mutex_unlock(&f->x.lock);
	assert_int_equal(ioasid_client_container_info(f->c, 9, &info), 0);
	o = REQ_BODY(f, IOASID_OP_CONTAINER_INFO, struct ioasid_req_object);
	assert_int_equal(o.id, 9);
	assert_int_equal(info.type, IOASID_CLIENT_CONTAINER_TYPE1V2);
	assert_int_equal(info.flags, IOASID_CLIENT_CONTAINER_PGSIZES |
					     IOASID_CLIENT_CONTAINER_IOVA_RANGES |
					     IOASID_CLIENT_CONTAINER_DMA_AVAIL);
	assert_int_equal(info.pgsizes, 0x40201000);
	assert_int_equal(info.mapped_bytes, 0x3000);
	assert_int_equal(info.nr_mappings, 2);
	assert_int_equal(info.dma_avail, 65533);
	assert_int_equal(info.nr_iova_ranges, 2);
	assert_int_equal(info.iova_ranges[1].start, 1ull << 32);
	assert_int_equal(info.iova_ranges[1].last, (1ull << 32) + 0xfff);
	/* Ranges beyond the two valid ones are not copied. */
	assert_int_equal(info.iova_ranges[2].start, 0);
	assert_int_equal(info.iova_ranges[2].last, 0);
	/* More ranges than travel: the total, and the first 16. */
	pthread_mutex_lock(&f->x.lock);
	f->x.nr_iova_ranges = 40;
	pthread_mutex_unlock(&f->x.lock);
	assert_int_equal(ioasid_client_container_info(f->c, 9, &info), 0);
	assert_int_equal(info.nr_iova_ranges, 40);
	assert_int_equal(info.iova_ranges[15].start, 15ull << 32);
	fake_result(f, -ENOENT);
	assert_int_equal(ioasid_client_container_info(f->c, 9, &info), -ENOENT);
	assert_int_equal(ioasid_client_container_info(f->c, 9, NULL), -EINVAL);
}

/* ---- mappings ---- */

static void test_client_map_dma_sends_memfd(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_req_map_dma q;
	struct fake_req r;
	struct stat st;
	int fd = memfd_create("test", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 0x3000), 0);
	assert_int_equal(ioasid_client_map_dma(f->c, 9, 0x100000, 0x2000, fd,
					       0x1000, IOASID_CLIENT_DMA_READ), 0);
	r = last_req(f->fake, IOASID_OP_MAP_DMA);
	assert_true(r.had_fd);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(r.fd_ino, st.st_ino);
	q = REQ_BODY(f, IOASID_OP_MAP_DMA, struct ioasid_req_map_dma);
	assert_int_equal(q.flags, IOASID_DMA_READ);
	assert_int_equal(q.container_id, 9);
	assert_int_equal(q.__rsvd, 0);
	assert_int_equal(q.iova, 0x100000);
	assert_int_equal(q.length, 0x2000);
	assert_int_equal(q.offset, 0x1000);
	/* The descriptor stays the caller's. */
	assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
	/* A descriptor that is not open is refused before anything is sent. */
	assert_int_equal(ioasid_client_map_dma(f->c, 9, 0, 0x1000, fd, 0, 1), -EBADF);
	assert_int_equal(ioasid_client_map_dma(f->c, 9, 0, 0x1000, -1, 0, 1), -EBADF);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_MAP_DMA), 1);
}

static void test_client_map_dma_alloc_fills_and_shares(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_req_map_dma q;
	unsigned char *p;
	int fd = -1;

	pthread_mutex_lock(&f->x.lock);
	f->x.dma_write = 0x5a;
	pthread_mutex_unlock(&f->x.lock);
	assert_int_equal(ioasid_client_map_dma_alloc(f->c, 9, 0x200000, 0x4000,
						     IOASID_CLIENT_DMA_READ |
							     IOASID_CLIENT_DMA_WRITE,
						     0xa5, &fd), 0);
	assert_true(fd >= 0);
	q = REQ_BODY(f, IOASID_OP_MAP_DMA, struct ioasid_req_map_dma);
	assert_int_equal(q.flags, IOASID_DMA_READ | IOASID_DMA_WRITE);
	assert_int_equal(q.iova, 0x200000);
	assert_int_equal(q.length, 0x4000);
	assert_int_equal(q.offset, 0);
	pthread_mutex_lock(&f->x.lock);
	assert_int_equal(f->x.map_fd_size, 0x4000);
	assert_int_equal(f->x.map_fd_first, 0xa5);
	assert_int_equal(f->x.map_fd_last, 0xa5);
	pthread_mutex_unlock(&f->x.lock);
	/* What the "device" wrote is in the caller's memory. */
	p = mmap(NULL, 0x4000, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(p[0], 0x5a);
	assert_int_equal(p[1], 0xa5);
	munmap(p, 0x4000);
	close(fd);
	/* Without fill the memory is zeros. */
	assert_int_equal(ioasid_client_map_dma_alloc(f->c, 9, 0, 0x1000, 1,
						     IOASID_CLIENT_FILL_NONE, &fd), 0);
	pthread_mutex_lock(&f->x.lock);
	assert_int_equal(f->x.map_fd_first, 0);
	pthread_mutex_unlock(&f->x.lock);
	close(fd);
}

static void test_client_map_dma_alloc_failure_leaves_nothing(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	int before = fd_count(f), fd = -7;

	fake_result(f, -EEXIST);
	assert_int_equal(ioasid_client_map_dma_alloc(f->c, 9, 0, 0x1000, 1, 0xff,
						     &fd), -EEXIST);
	assert_int_equal(fd, -7);
	fake_result(f, 0);
	assert_int_equal(fd_count(f), before);
	/* Argument errors: nothing created, nothing sent. */
	assert_int_equal(ioasid_client_map_dma_alloc(f->c, 9, 0, 0, 1, 0, &fd),
			 -EINVAL);
	assert_int_equal(ioasid_client_map_dma_alloc(f->c, 9, 0, 0x1000, 1, 256,
						     &fd), -EINVAL);
	assert_int_equal(ioasid_client_map_dma_alloc(f->c, 9, 0, 0x1000, 1, -2,
						     &fd), -EINVAL);
	assert_int_equal(ioasid_client_map_dma_alloc(f->c, 9, 0, 0x1000, 1, 0,
						     NULL), -EINVAL);
	assert_int_equal(fd_count(f), before);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_MAP_DMA), 1);
}

static void test_client_unmap_dma_encoding(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_req_unmap_dma q;
	uint64_t n = 1;

	assert_int_equal(ioasid_client_unmap_dma(f->c, 9, 0x100000, 0x2000, 0, &n), 0);
	assert_int_equal(n, 0x2000);
	q = REQ_BODY(f, IOASID_OP_UNMAP_DMA, struct ioasid_req_unmap_dma);
	assert_int_equal(q.flags, 0);
	assert_int_equal(q.container_id, 9);
	assert_int_equal(q.iova, 0x100000);
	assert_int_equal(q.length, 0x2000);
	assert_int_equal(ioasid_client_unmap_dma(f->c, 9, 0, 0,
						 IOASID_CLIENT_UNMAP_ALL, NULL), 0);
	q = REQ_BODY(f, IOASID_OP_UNMAP_DMA, struct ioasid_req_unmap_dma);
	assert_int_equal(q.flags, IOASID_UNMAP_DMA_ALL);
	assert_int_equal(q.iova, 0);
	assert_int_equal(q.length, 0);
	fake_result(f, -EINVAL);
	n = 1;
	assert_int_equal(ioasid_client_unmap_dma(f->c, 9, 0x101000, 0x1000, 0, &n),
			 -EINVAL);
	assert_int_equal(n, 0);
}

/* ---- translation and faults ---- */

static void test_client_translate_encoding(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_client_translation t;
	struct ioasid_req_translate q;

	assert_int_equal(ioasid_client_translate(f->c, 9, 0x101234,
						 IOASID_CLIENT_DMA_WRITE, &t), 0);
	q = REQ_BODY(f, IOASID_OP_TRANSLATE, struct ioasid_req_translate);
	assert_int_equal(q.flags, 0);
	assert_int_equal(q.id, 9);
	assert_int_equal(q.pasid, 0);
	assert_int_equal(q.iova, 0x101234);
	assert_int_equal(q.access, IOASID_DMA_WRITE);
	assert_int_equal(q.__rsvd, 0);
	assert_int_equal(t.offset, 0x1234);
	assert_int_equal(t.prot, IOASID_CLIENT_DMA_READ | IOASID_CLIENT_DMA_WRITE);
	assert_int_equal(t.map_iova, 0x100000);
	assert_int_equal(t.map_length, 0x4000);
	assert_int_equal(t.container_id, 9);
	assert_int_equal(ioasid_client_translate_device(f->c, 3, 17, 0x100008,
							IOASID_CLIENT_DMA_READ, &t), 0);
	q = REQ_BODY(f, IOASID_OP_TRANSLATE, struct ioasid_req_translate);
	assert_int_equal(q.flags, IOASID_TRANSLATE_DEVICE);
	assert_int_equal(q.id, 3);
	assert_int_equal(q.pasid, 17);
	assert_int_equal(q.access, IOASID_DMA_READ);
	assert_int_equal(t.offset, 8);
	fake_result(f, -EFAULT);
	assert_int_equal(ioasid_client_translate(f->c, 9, 0, 1, &t), -EFAULT);
	fake_result(f, -EACCES);
	assert_int_equal(ioasid_client_translate(f->c, 9, 0, 2, &t), -EACCES);
	assert_int_equal(ioasid_client_translate(f->c, 9, 0, 2, NULL), -EINVAL);
}

static void fake_faults(struct fixture *f, uint32_t count, uint32_t sent)
{
	pthread_mutex_lock(&f->x.lock);
	f->x.fault_count = count;
	f->x.fault_sent = sent;
	pthread_mutex_unlock(&f->x.lock);
}

static void test_client_fault_read_decodes_and_bounds(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	static struct ioasid_client_fault fl[4000];
	struct ioasid_req_fault_read q;
	uint64_t lost = 0;

	fake_faults(f, 3, 3);
	assert_int_equal(ioasid_client_fault_read(f->c, 9, fl, 4, &lost), 3);
	q = REQ_BODY(f, IOASID_OP_FAULT_READ, struct ioasid_req_fault_read);
	assert_int_equal(q.container_id, 9);
	assert_int_equal(q.max_entries, 4);
	assert_int_equal(q.flags, 0);
	assert_int_equal(lost, 5);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(fl[i].device_id, i);
		assert_int_equal(fl[i].addr, 0x1000 * (i + 1));
		assert_int_equal(fl[i].access, IOASID_CLIENT_DMA_WRITE);
		assert_int_equal(fl[i].reason, IOASID_FAULT_UNMAPPED + i);
	}
	/* A buffer larger than one reply asks for what one reply holds. */
	fake_faults(f, 0, 0);
	assert_int_equal(ioasid_client_fault_read(f->c, 9, fl, 4000, NULL), 0);
	q = REQ_BODY(f, IOASID_OP_FAULT_READ, struct ioasid_req_fault_read);
	assert_int_equal(q.max_entries,
			 (IOASID_MSG_MAX - sizeof(struct ioasid_reply_hdr) -
			  sizeof(struct ioasid_rep_faults)) /
				 sizeof(struct ioasid_fault_entry));
	/* More entries than asked for, or than the body holds: EPROTO. */
	fake_faults(f, 3, 3);
	assert_int_equal(ioasid_client_fault_read(f->c, 9, fl, 2, NULL), -EPROTO);
	fake_faults(f, 4, 3);
	assert_int_equal(ioasid_client_fault_read(f->c, 9, fl, 4, NULL), -EPROTO);
	assert_int_equal(ioasid_client_fault_read(f->c, 9, fl, 0, NULL), -EINVAL);
	assert_int_equal(ioasid_client_fault_read(f->c, 9, NULL, 4, NULL), -EINVAL);
	fake_result(f, -ENOENT);
	assert_int_equal(ioasid_client_fault_read(f->c, 9, fl, 4, NULL), -ENOENT);
}

/* ---- robustness ---- */

static void test_client_iommu_unexpected_descriptor_closed(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	int before = fd_count(f);
	uint32_t id;

	pthread_mutex_lock(&f->x.lock);
	f->x.send_fd = true;
	pthread_mutex_unlock(&f->x.lock);
	assert_int_equal(ioasid_client_container_create(f->c, 3, &id), 0);
	assert_int_equal(ioasid_client_group_claim(f->c, 0, 0), 0);
	assert_int_equal(ioasid_client_unmap_dma(f->c, 9, 0, 0,
						 IOASID_CLIENT_UNMAP_ALL, NULL), 0);
	pthread_mutex_lock(&f->x.lock);
	f->x.send_fd = false;
	pthread_mutex_unlock(&f->x.lock);
	assert_int_equal(fd_count(f), before);
}

static void fake_hangup_on(struct fixture *f, uint32_t op)
{
	pthread_mutex_lock(&f->x.lock);
	f->x.hangup_op = op;
	pthread_mutex_unlock(&f->x.lock);
}

static void test_client_iommu_retry_policy(void **state)
{
	struct fixture *f = fixture_open(state, NULL);
	struct ioasid_client_group_entry *g;
	size_t n;
	int fd = -1;

	/* A claim is not repeated: the new handle would own nothing. */
	fake_hangup_on(f, IOASID_OP_GROUP_CLAIM);
	assert_int_equal(ioasid_client_group_claim(f->c, 1, 0), -EPIPE);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_GROUP_CLAIM), 1);
	assert_int_equal(fake_daemon_connections(f->fake), 2);
	/* The client is connected again and works. */
	assert_int_equal(ioasid_client_group_claim(f->c, 1, 0), 0);
	/* A listing is sent again after the reconnect. */
	fake_hangup_on(f, IOASID_OP_GROUPS);
	assert_int_equal(ioasid_client_groups(f->c, &g, &n), 0);
	assert_int_equal(n, NGROUPS);
	ioasid_client_array_free(g);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_GROUPS), NGROUPS + 1);
	/* A map is not repeated either, and leaves no memfd behind. */
	fake_hangup_on(f, IOASID_OP_MAP_DMA);
	assert_int_equal(ioasid_client_map_dma_alloc(f->c, 9, 0, 0x1000, 1, 0, &fd),
			 -EPIPE);
	assert_int_equal(fd, -1);
	assert_int_equal(fake_daemon_count_op(f->fake, IOASID_OP_MAP_DMA), 1);
}

/* ---- allocation failures ---- */

static int sweep_step(void *arg)
{
	struct fixture *f = arg;
	struct ioasid_client_group_entry *g = NULL;
	struct ioasid_client_device_entry *d = NULL;
	struct ioasid_client *c;
	size_t n;
	int r;

	r = ioasid_client_open(fake_daemon_path(f->fake), &c);
	if (r < 0)
		return r;
	r = ioasid_client_groups(c, &g, &n);
	if (r == 0 && n != NGROUPS)
		r = -EIO;
	if (r == 0)
		r = ioasid_client_devices(c, &d, &n);
	if (r == 0 && n != 2)
		r = -EIO;
	ioasid_client_array_free(g);
	ioasid_client_array_free(d);
	ioasid_client_close(c);
	return r;
}

static void sweep_check(int ret, int fired, void *arg)
{
	(void)arg;
	if (fired)
		assert_int_equal(ret, -ENOMEM);
	else
		assert_int_equal(ret, 0);
}

/* Every allocation of open, the paged listings and close may fail: the
 * call fails with -ENOMEM and nothing leaks (ASan's leak check). */
static void test_client_iommu_listings_allocation_sweep(void **state)
{
	struct fixture *f = fixture_open(state, NULL);

	ioasid_client_close(f->c);
	f->c = NULL;
	assert_true(sweep_alloc_failures(sweep_step, sweep_check, f) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_client_groups_walks_pages, teardown),
		cmocka_unit_test_teardown(test_client_devices_decodes_entries, teardown),
		cmocka_unit_test_teardown(test_client_group_claim_release_encoding, teardown),
		cmocka_unit_test_teardown(test_client_container_create_destroy, teardown),
		cmocka_unit_test_teardown(test_client_container_group_and_pasid_encoding,
					  teardown),
		cmocka_unit_test_teardown(test_client_container_info_decodes_ranges, teardown),
		cmocka_unit_test_teardown(test_client_map_dma_sends_memfd, teardown),
		cmocka_unit_test_teardown(test_client_map_dma_alloc_fills_and_shares, teardown),
		cmocka_unit_test_teardown(test_client_map_dma_alloc_failure_leaves_nothing,
					  teardown),
		cmocka_unit_test_teardown(test_client_unmap_dma_encoding, teardown),
		cmocka_unit_test_teardown(test_client_translate_encoding, teardown),
		cmocka_unit_test_teardown(test_client_fault_read_decodes_and_bounds, teardown),
		cmocka_unit_test_teardown(test_client_iommu_unexpected_descriptor_closed,
					  teardown),
		cmocka_unit_test_teardown(test_client_iommu_retry_policy, teardown),
		cmocka_unit_test_teardown(test_client_iommu_listings_allocation_sweep,
					  teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
