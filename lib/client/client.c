// SPDX-License-Identifier: MIT
/*
 * struct ioasid_client: creation, destruction, settings and event delivery.
 *
 * A client is fully built (buffers, event queue, epoll set, connection and
 * handshake) before ioasid_client_open() hands it out, so nobody ever sees
 * a half-made one. ioasid_client_fd() is an epoll descriptor that watches
 * both the socket and the event queue's eventfd: it is readable when a
 * dispatch has something to do, and it survives reconnects because only
 * the socket inside it changes.
 *
 * Dispatch reads the socket only if no request is in flight (trylock of the
 * request lock): a thread waiting for its reply owns the socket and queues
 * the events it meets, so dispatch never waits for it. Delivery happens
 * under dispatch_lock alone, one event at a time, so callbacks may issue
 * requests and events reach them in queue order even when several threads
 * dispatch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/un.h>
#include <unistd.h>

#include "client/client_priv.h"
#include "util/alloc.h"

#define RECONNECT_TRIES_DEFAULT 16
#define RECONNECT_DELAY_MS_DEFAULT 10
#define RECONNECT_MAX_DELAY_MS_DEFAULT 500

int ioasid_client_default_path(char *buf, size_t size)
{
	struct sockaddr_un addr;
	const char *xdg = geteuid() == 0 ? NULL : getenv("XDG_RUNTIME_DIR");
	int n;

	if (!buf)
		return -EINVAL;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/ioasid.sock", xdg);
	else
		n = snprintf(buf, size, "/run/ioasid.sock");
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof(addr.sun_path))
		return -EINVAL;
	return 0;
}

static void locks_init(struct ioasid_client *c)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&c->dispatch_lock, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_mutex_init(&c->lock, NULL);
}

static int epoll_setup(struct ioasid_client *c)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int err;

	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epfd < 0)
		return -errno;
	ev.data.fd = c->evq.efd;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->evq.efd, &ev) < 0) {
		err = -errno;
		close(c->epfd);
		return err;
	}
	return 0;
}

/* Everything but the connection. */
static int client_new(const char *path, struct ioasid_client **out)
{
	struct ioasid_client *c;
	int r = -ENOMEM;

	c = ioasid__calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->sock = -1;
	c->reconnect_tries = RECONNECT_TRIES_DEFAULT;
	c->reconnect_delay_ms = RECONNECT_DELAY_MS_DEFAULT;
	c->reconnect_max_delay_ms = RECONNECT_MAX_DELAY_MS_DEFAULT;
	c->path = ioasid__strdup(path);
	if (!c->path)
		goto free_client;
	c->rx = ioasid__malloc(IOASID_MSG_MAX);
	if (!c->rx)
		goto free_path;
	r = ioasid__evq_init(&c->evq, IOASID_CLIENT_EVQ_MAX);
	if (r < 0)
		goto free_rx;
	r = epoll_setup(c);
	if (r < 0)
		goto destroy_evq;
	locks_init(c);
	*out = c;
	return 0;

destroy_evq:
	ioasid__evq_destroy(&c->evq);
free_rx:
	ioasid__free(c->rx);
free_path:
	ioasid__free(c->path);
free_client:
	ioasid__free(c);
	return r;
}

static void client_delete(struct ioasid_client *c)
{
	ioasid__client_disconnect(c);
	close(c->epfd);
	ioasid__evq_destroy(&c->evq);
	ioasid__ledger_destroy(&c->ledger);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->dispatch_lock);
	ioasid__free(c->rx);
	ioasid__free(c->path);
	ioasid__free(c);
}

int ioasid_client_open(const char *socket_path, struct ioasid_client **out)
{
	char def[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ioasid_client *c;
	uint32_t flags;
	int r;

	if (!out)
		return -EINVAL;
	if (!socket_path) {
		r = ioasid_client_default_path(def, sizeof(def));
		if (r < 0)
			return r;
		socket_path = def;
	}
	if (strlen(socket_path) >= sizeof(def))
		return -EINVAL;
	r = client_new(socket_path, &c);
	if (r < 0)
		return r;
	r = ioasid__client_connect(c, &flags);
	if (r == 0 && (flags & IOASID_INFO_RECLAIMED))
		r = ioasid__client_reclaim(c, false, NULL, NULL, NULL);
	if (r < 0) {
		client_delete(c);
		return r;
	}
	*out = c;
	return 0;
}

void ioasid_client_close(struct ioasid_client *c)
{
	if (c)
		client_delete(c);
}

int ioasid_client_reconnect_set(struct ioasid_client *c, unsigned int tries,
				unsigned int delay_ms, unsigned int max_delay_ms)
{
	if (!c || delay_ms > max_delay_ms)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	c->reconnect_tries = tries;
	c->reconnect_delay_ms = delay_ms;
	c->reconnect_max_delay_ms = max_delay_ms;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

void ioasid_client_event_handler_set(struct ioasid_client *c,
				     ioasid_client_event_fn fn, void *arg)
{
	int relock;

	if (!c)
		return;
	/* From a callback this thread already holds dispatch_lock. */
	relock = pthread_mutex_lock(&c->dispatch_lock);
	c->cb = fn;
	c->cb_arg = arg;
	if (relock == 0)
		pthread_mutex_unlock(&c->dispatch_lock);
}

int ioasid_client_fd(const struct ioasid_client *c)
{
	return c ? c->epfd : -EINVAL;
}

/* Read the socket if no request is in flight; reconnect if it hung up. */
static void dispatch_pump(struct ioasid_client *c)
{
	if (pthread_mutex_trylock(&c->lock) != 0)
		return;
	if (ioasid__client_pump(c) == -EPIPE) {
		ioasid__client_disconnect(c);
		if (c->reconnect_tries)
			ioasid__client_reconnect(c, NULL);
	}
	pthread_mutex_unlock(&c->lock);
}

int ioasid_client_dispatch(struct ioasid_client *c)
{
	struct ioasid_client_event ev;
	size_t n, i;

	if (!c)
		return -EINVAL;
	if (pthread_mutex_lock(&c->dispatch_lock) != 0)
		return -EBUSY; /* EDEADLK: called from a callback */
	dispatch_pump(c);
	/* Only what is queued now: events that callbacks' own requests meet
	 * wait for the next dispatch, so a callback cannot keep it going. */
	n = ioasid__evq_len(&c->evq);
	for (i = 0; i < n && ioasid__evq_pop(&c->evq, &ev); i++)
		if (c->cb)
			c->cb(c, &ev, c->cb_arg);
	pthread_mutex_unlock(&c->dispatch_lock);
	return (int)i;
}

int ioasid_client_ids(struct ioasid_client *c, ioasid_t **ids, size_t *count)
{
	struct ioasid__ledger_slot *slots;
	ioasid_t *v = NULL;
	size_t n;
	int r;

	if (!c || !ids || !count)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	r = ioasid__ledger_sorted(&c->ledger, &slots, &n);
	pthread_mutex_unlock(&c->lock);
	if (r < 0)
		return r;
	if (n) {
		v = ioasid__malloc(n * sizeof(*v));
		if (!v) {
			r = -ENOMEM;
			goto free_slots;
		}
	}
	for (size_t i = 0; i < n; i++)
		v[i] = slots[i].id;
	*ids = v;
	*count = n;
free_slots:
	ioasid__free(slots);
	return r;
}

void ioasid_client_array_free(void *array)
{
	ioasid__free(array);
}
