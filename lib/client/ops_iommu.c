// SPDX-License-Identifier: MIT
/*
 * IOMMU platform operations (ioasid/proto.h, 0x300 range): the listings,
 * group claims, containers, DMA mappings, translation and faults.
 *
 * Retry policy. Nothing of these operations is durable: a handle's claims,
 * containers and mappings end with its connection. So the listings
 * (GROUPS, DEVICES) are sent again after a reconnect like every query,
 * and every other request that met a lost connection after it was sent
 * fails with -EPIPE (IOASID__RETRY_NEVER): the state it acted on is gone
 * and the library will not pretend otherwise. One that could not be sent
 * goes to the new connection, which finds none of the old objects.
 *
 * MAP_DMA carries the caller's memfd as SCM_RIGHTS (the kernel passes a
 * copy; the caller keeps its own). ioasid_client_map_dma_alloc() makes the
 * memfd itself, fills it through a temporary mapping, and closes it again
 * if anything fails, so that a failed call leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/client_priv.h"
#include "client/codec_iommu.h"

/* Largest fault count one FAULT_READ reply can carry. */
#define FAULTS_PER_REPLY                                                      \
	((IOASID_MSG_MAX - sizeof(struct ioasid_reply_hdr) -                   \
	  sizeof(struct ioasid_rep_faults)) / sizeof(struct ioasid_fault_entry))

int ioasid_client_groups(struct ioasid_client *c,
			 struct ioasid_client_group_entry **entries,
			 size_t *count)
{
	return ioasid__client_query_pages(c, IOASID_OP_GROUPS, (void **)entries,
					  count);
}

int ioasid_client_devices(struct ioasid_client *c,
			  struct ioasid_client_device_entry **entries,
			  size_t *count)
{
	return ioasid__client_query_pages(c, IOASID_OP_DEVICES, (void **)entries,
					  count);
}

/*
 * Run a call that is never sent again once sent. The reply is decoded by
 * decode (NULL: none expected) under the lock, since it points into the
 * client's receive buffer.
 */
static int iommu_call(struct ioasid_client *c, struct ioasid__call *call,
		      int (*decode)(const struct ioasid__reply *rep, void *out),
		      void *out)
{
	int r;

	if (!c)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_call(c, call);
	if (r == 0 && decode)
		r = decode(&call->rep, out);
	pthread_mutex_unlock(&c->lock);
	return r;
}

/* A request with no reply body worth reading. */
static int iommu_simple(struct ioasid_client *c, uint32_t op, const void *req,
			size_t len)
{
	struct ioasid__call call;

	ioasid__call_init(&call, op, req, len, IOASID__RETRY_NEVER);
	return iommu_call(c, &call, NULL, NULL);
}

int ioasid_client_group_claim(struct ioasid_client *c, uint32_t group_id,
			      unsigned int flags)
{
	struct ioasid_req_group req = { .flags = flags, .group_id = group_id };

	return iommu_simple(c, IOASID_OP_GROUP_CLAIM, &req, sizeof(req));
}

int ioasid_client_group_release(struct ioasid_client *c, uint32_t group_id)
{
	struct ioasid_req_group req = { .group_id = group_id };

	return iommu_simple(c, IOASID_OP_GROUP_RELEASE, &req, sizeof(req));
}

static int decode_object_id(const struct ioasid__reply *rep, void *out)
{
	struct ioasid_rep_id w;

	if (ioasid__codec_body(rep, sizeof(w), &w, sizeof(w)) || w.id == 0)
		return -EPROTO;
	*(uint32_t *)out = w.id;
	return 0;
}

int ioasid_client_container_create(struct ioasid_client *c, uint32_t type,
				   uint32_t *id)
{
	struct ioasid_req_container_create req = { .type = type };
	struct ioasid__call call;

	if (!id)
		return -EINVAL;
	ioasid__call_init(&call, IOASID_OP_CONTAINER_CREATE, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	return iommu_call(c, &call, decode_object_id, id);
}

int ioasid_client_container_destroy(struct ioasid_client *c,
				    uint32_t container_id)
{
	struct ioasid_req_object req = { .id = container_id };

	return iommu_simple(c, IOASID_OP_DESTROY, &req, sizeof(req));
}

static int container_group(struct ioasid_client *c, uint32_t op,
			   uint32_t container_id, uint32_t group_id)
{
	struct ioasid_req_container_group req = { .container_id = container_id,
						  .group_id = group_id };

	return iommu_simple(c, op, &req, sizeof(req));
}

int ioasid_client_container_attach_group(struct ioasid_client *c,
					 uint32_t container_id,
					 uint32_t group_id)
{
	return container_group(c, IOASID_OP_CONTAINER_ATTACH_GROUP,
			       container_id, group_id);
}

int ioasid_client_container_detach_group(struct ioasid_client *c,
					 uint32_t container_id,
					 uint32_t group_id)
{
	return container_group(c, IOASID_OP_CONTAINER_DETACH_GROUP,
			       container_id, group_id);
}

static int container_pasid(struct ioasid_client *c, uint32_t op,
			   uint32_t container_id, uint32_t device_id,
			   uint32_t pasid)
{
	struct ioasid_req_container_pasid req = { .container_id = container_id,
						  .device_id = device_id,
						  .pasid = pasid };

	return iommu_simple(c, op, &req, sizeof(req));
}

int ioasid_client_container_attach_pasid(struct ioasid_client *c,
					 uint32_t container_id,
					 uint32_t device_id, uint32_t pasid)
{
	return container_pasid(c, IOASID_OP_CONTAINER_ATTACH_PASID,
			       container_id, device_id, pasid);
}

int ioasid_client_container_detach_pasid(struct ioasid_client *c,
					 uint32_t container_id,
					 uint32_t device_id, uint32_t pasid)
{
	return container_pasid(c, IOASID_OP_CONTAINER_DETACH_PASID,
			       container_id, device_id, pasid);
}

static int decode_info(const struct ioasid__reply *rep, void *out)
{
	return ioasid__codec_container_info(rep, out);
}

int ioasid_client_container_info(struct ioasid_client *c,
				 uint32_t container_id,
				 struct ioasid_client_container_info *info)
{
	struct ioasid_req_object req = { .id = container_id };
	struct ioasid__call call;

	if (!info)
		return -EINVAL;
	ioasid__call_init(&call, IOASID_OP_CONTAINER_INFO, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	return iommu_call(c, &call, decode_info, info);
}

int ioasid_client_map_dma(struct ioasid_client *c, uint32_t container_id,
			  uint64_t iova, uint64_t length, int memfd,
			  uint64_t offset, uint32_t flags)
{
	struct ioasid_req_map_dma req = { .flags = flags,
					  .container_id = container_id,
					  .iova = iova, .length = length,
					  .offset = offset };
	struct ioasid__call call;

	if (memfd < 0 || fcntl(memfd, F_GETFD) < 0)
		return -EBADF;
	ioasid__call_init(&call, IOASID_OP_MAP_DMA, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	call.send_fd = memfd; /* the kernel sends a copy; memfd stays ours */
	return iommu_call(c, &call, NULL, NULL);
}

/* Fill a fresh memfd of length bytes with the byte fill. */
static int memfd_fill(int fd, uint64_t length, int fill)
{
	void *p;

	if (fill == IOASID_CLIENT_FILL_NONE || fill == 0)
		return 0; /* a fresh memfd reads as zeros */
	if (length > SIZE_MAX)
		return -ENOMEM;
	p = mmap(NULL, (size_t)length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	memset(p, fill, (size_t)length);
	munmap(p, (size_t)length);
	return 0;
}

/* A close-on-exec memfd of length bytes, filled. */
static int memfd_make(uint64_t length, int fill, int *out)
{
	int fd, r;

	if (length > (uint64_t)INT64_MAX)
		return -EFBIG;
	fd = memfd_create("ioasid-dma", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = ftruncate(fd, (off_t)length) < 0 ? -errno : 0;
	if (r == 0)
		r = memfd_fill(fd, length, fill);
	if (r < 0) {
		close(fd);
		return r;
	}
	*out = fd;
	return 0;
}

int ioasid_client_map_dma_alloc(struct ioasid_client *c, uint32_t container_id,
				uint64_t iova, uint64_t length, uint32_t flags,
				int fill, int *memfd)
{
	int fd = -1, r;

	if (!c || !memfd || length == 0 || fill < IOASID_CLIENT_FILL_NONE ||
	    fill > 255)
		return -EINVAL;
	r = memfd_make(length, fill, &fd);
	if (r < 0)
		return r;
	r = ioasid_client_map_dma(c, container_id, iova, length, fd, 0, flags);
	if (r < 0) {
		close(fd);
		return r;
	}
	*memfd = fd; /* the caller's from here */
	return 0;
}

static int decode_unmapped(const struct ioasid__reply *rep, void *out)
{
	struct ioasid_rep_unmap_dma w;

	if (ioasid__codec_body(rep, sizeof(w), &w, sizeof(w)))
		return -EPROTO;
	*(uint64_t *)out = w.unmapped;
	return 0;
}

int ioasid_client_unmap_dma(struct ioasid_client *c, uint32_t container_id,
			    uint64_t iova, uint64_t length, unsigned int flags,
			    uint64_t *unmapped)
{
	struct ioasid_req_unmap_dma req = { .flags = flags,
					    .container_id = container_id,
					    .iova = iova, .length = length };
	struct ioasid__call call;
	uint64_t n = 0;
	int r;

	ioasid__call_init(&call, IOASID_OP_UNMAP_DMA, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	r = iommu_call(c, &call, decode_unmapped, &n);
	if (unmapped)
		*unmapped = r == 0 ? n : 0;
	return r;
}

static int decode_translation(const struct ioasid__reply *rep, void *out)
{
	return ioasid__codec_translation(rep, out);
}

static int translate(struct ioasid_client *c, uint32_t flags, uint32_t id,
		     uint32_t pasid, uint64_t iova, uint32_t access,
		     struct ioasid_client_translation *t)
{
	struct ioasid_req_translate req = { .flags = flags, .id = id,
					    .pasid = pasid, .iova = iova,
					    .access = access };
	struct ioasid__call call;

	if (!t)
		return -EINVAL;
	ioasid__call_init(&call, IOASID_OP_TRANSLATE, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	return iommu_call(c, &call, decode_translation, t);
}

int ioasid_client_translate(struct ioasid_client *c, uint32_t container_id,
			    uint64_t iova, uint32_t access,
			    struct ioasid_client_translation *t)
{
	return translate(c, 0, container_id, 0, iova, access, t);
}

int ioasid_client_translate_device(struct ioasid_client *c, uint32_t device_id,
				   uint32_t pasid, uint64_t iova,
				   uint32_t access,
				   struct ioasid_client_translation *t)
{
	return translate(c, IOASID_TRANSLATE_DEVICE, device_id, pasid, iova,
			 access, t);
}

struct fault_out {
	struct ioasid_client_fault *faults;
	uint32_t max, count;
	uint64_t lost;
};

static int decode_faults(const struct ioasid__reply *rep, void *out)
{
	struct fault_out *o = out;

	return ioasid__codec_faults(rep, o->faults, o->max, &o->count, &o->lost);
}

int ioasid_client_fault_read(struct ioasid_client *c, uint32_t container_id,
			     struct ioasid_client_fault *faults, uint32_t max,
			     uint64_t *lost)
{
	struct fault_out o = { .faults = faults };
	struct ioasid_req_fault_read req = { .container_id = container_id };
	struct ioasid__call call;
	int r;

	if (!faults || max == 0)
		return -EINVAL;
	/* Never ask for more than one reply carries: "0, as many as fit"
	 * could then exceed max. */
	o.max = req.max_entries = max < FAULTS_PER_REPLY ? max
							 : (uint32_t)FAULTS_PER_REPLY;
	ioasid__call_init(&call, IOASID_OP_FAULT_READ, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	r = iommu_call(c, &call, decode_faults, &o);
	if (r < 0)
		return r;
	if (lost)
		*lost = o.lost;
	return (int)o.count;
}
