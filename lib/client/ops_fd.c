// SPDX-License-Identifier: MIT
/*
 * EXPORT and IMPORT: the right to one PASID travels as a descriptor.
 *
 * EXPORT's reply carries the descriptor as SCM_RIGHTS; a successful reply
 * without one is a protocol error. IMPORT sends the caller's descriptor
 * (the kernel passes a copy; the caller keeps its own). Neither is sent
 * again after a lost connection: an export descriptor belongs to the
 * handle that is gone.
 */
#include <errno.h>
#include <fcntl.h>

#include "client/client_priv.h"

int ioasid_client_export(struct ioasid_client *c, ioasid_t id, int *fd)
{
	struct ioasid_req_id req = { .id = id };
	struct ioasid__call call;
	int r;

	if (!c || !fd)
		return -EINVAL;
	ioasid__call_init(&call, IOASID_OP_EXPORT, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	call.want_fd = true;
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_call(c, &call);
	pthread_mutex_unlock(&c->lock);
	if (r == 0 && call.recv_fd < 0)
		r = -EPROTO;
	if (r == 0)
		*fd = call.recv_fd; /* the caller owns it */
	return r;
}

int ioasid_client_import(struct ioasid_client *c, int fd, ioasid_t *id)
{
	struct ioasid_req_empty req = { 0 };
	struct ioasid__call call;
	int r;

	if (!c || !id)
		return -EINVAL;
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	ioasid__call_init(&call, IOASID_OP_IMPORT, &req, sizeof(req),
			  IOASID__RETRY_NEVER);
	call.send_fd = fd;
	pthread_mutex_lock(&c->lock);
	r = ioasid__client_call(c, &call);
	if (r == 0)
		r = ioasid__codec_id(&call.rep, id);
	pthread_mutex_unlock(&c->lock);
	return r;
}
