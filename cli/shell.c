// SPDX-License-Identifier: MIT
/*
 * `ioasidctl shell`: one handle, driven by one command per line on stdin.
 *
 * Output rules (docs/cli.md):
 *  - every command line gets exactly one answer line, "ok ..." or
 *    "error ENAME: message" (JSON: one object per line); blank and comment
 *    lines get none;
 *  - events are printed as "event ..." lines, never on their own: they are
 *    kept until the next answer and printed, in arrival order, just before
 *    it (and once more when input ends). So a reader that skips lines
 *    starting with "event" sees exactly one line per command.
 *
 * The loop polls stdin, the client's event descriptor and the sockets of
 * the exports this shell serves. Events are dispatched (into the pending
 * buffer) as soon as they arrive so that the daemon never has to queue them
 * for us; an importer is served at once, even while no command is typed.
 * stdin is read with read(2) into our own line buffer (stdio buffering
 * would hide input from poll).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

/* ---- events ---- */

static void event_format(struct ioasidctl_shell *sh,
			 const struct ioasid_client_event *ev)
{
	struct ioasidctl_field f[3] = {
		IOASIDCTL_F_ID("id", ev->id),
		IOASIDCTL_F_ID("spid", ev->spid),
	};
	FILE *o = sh->events;
	bool json = sh->o->json;

	switch (ev->type) {
	case IOASID_CLIENT_EV_NOTIFY:
		f[2] = (struct ioasidctl_field)IOASIDCTL_F_U64("set", ev->set_id);
		ioasidctl_print_event(o, json, ioasid_event_name(ev->event), f, 3);
		break;
	case IOASID_CLIENT_EV_DROPPED:
		f[0] = (struct ioasidctl_field)IOASIDCTL_F_U64("count", ev->count);
		ioasidctl_print_event(o, json, "DROPPED", f, 1);
		break;
	case IOASID_CLIENT_EV_RECONNECTED:
		f[0] = (struct ioasidctl_field)IOASIDCTL_F_U64("ids", ev->count);
		ioasidctl_print_event(o, json, "RECONNECTED", f, 1);
		break;
	case IOASID_CLIENT_EV_LOST:
		ioasidctl_print_event(o, json, "LOST", f, 2);
		break;
	case IOASID_CLIENT_EV_ADOPTED:
		ioasidctl_print_event(o, json, "ADOPTED", f, 2);
		break;
	case IOASID_CLIENT_EV_SPID:
		f[2] = (struct ioasidctl_field)IOASIDCTL_F_ID("old_spid", ev->old_spid);
		ioasidctl_print_event(o, json, "SPID", f, 3);
		break;
	case IOASID_CLIENT_EV_DISCONNECTED:
		f[0] = (struct ioasidctl_field)IOASIDCTL_F_STR(
			"errno", ioasid_errname(ev->error));
		ioasidctl_print_event(o, json, "DISCONNECTED", f, 1);
		break;
	}
}

static void on_event(struct ioasid_client *c, const struct ioasid_client_event *ev,
		     void *arg)
{
	struct ioasidctl_shell *sh = arg;

	(void)c;
	if (ev->type == IOASID_CLIENT_EV_RECONNECTED)
		ioasidctl_dma_release(sh); /* a new handle owns no mapping */
	if (!sh->events || sh->events_pending >= IOASIDCTL_EVENTS_MAX) {
		sh->events_dropped++;
		return;
	}
	event_format(sh, ev);
	sh->events_pending++;
}

static int events_open(struct ioasidctl_shell *sh)
{
	sh->events = open_memstream(&sh->events_buf, &sh->events_len);
	return sh->events ? 0 : -ENOMEM;
}

static void events_close(struct ioasidctl_shell *sh)
{
	if (sh->events)
		fclose(sh->events);
	free(sh->events_buf);
	sh->events = NULL;
	sh->events_buf = NULL;
	sh->events_len = 0;
}

/* Print the pending event lines, then start a new buffer. */
static void events_flush(struct ioasidctl_shell *sh)
{
	struct ioasidctl_field f = IOASIDCTL_F_U64("count", sh->events_dropped);

	if (!sh->events_pending && !sh->events_dropped)
		return;
	if (sh->events) {
		fflush(sh->events);
		fwrite(sh->events_buf, 1, sh->events_len, sh->out);
	}
	if (sh->events_dropped)
		ioasidctl_print_event(sh->out, sh->o->json, "DROPPED", &f, 1);
	sh->events_pending = sh->events_dropped = 0;
	events_close(sh);
	events_open(sh); /* on failure, events are counted as dropped */
}

/* ---- commands ---- */

static void line_run(struct ioasidctl_shell *sh, const char *line)
{
	struct ioasidctl_answer ans = { 0 };
	struct ioasidctl_shell_cmd cmd;
	int r;

	r = ioasidctl_shell_parse(line, &cmd, ans.msg, sizeof(ans.msg));
	if (r == 1)
		return;
	if (r < 0)
		ans.err = r;
	else
		ioasidctl_shell_exec(sh, &cmd, &ans);
	ioasid_client_dispatch(sh->c); /* events that came with the reply */
	events_flush(sh);
	if (ans.err)
		ioasidctl_print_error(sh->out, sh->o->json, ans.err, ans.msg);
	else
		ioasidctl_print_answer(sh->out, sh->o->json, ans.f, ans.n);
	ioasidctl_answer_release(&ans);
}

/* ---- input ---- */

struct input {
	char buf[IOASIDCTL_LINE_MAX + 2];
	size_t len;
	bool skipping; /* inside an overlong line, already answered */
	bool eof;
};

static void line_too_long(struct ioasidctl_shell *sh)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "line too long (at most %d bytes)",
		 IOASIDCTL_LINE_MAX);
	events_flush(sh);
	ioasidctl_print_error(sh->out, sh->o->json, -EINVAL, msg);
}

/* Run every complete line in the buffer; keep the partial one. */
static void input_lines(struct ioasidctl_shell *sh, struct input *in)
{
	size_t start = 0;
	char *nl;

	while (!sh->quit && (nl = memchr(in->buf + start, '\n', in->len - start))) {
		*nl = '\0';
		if (!in->skipping)
			line_run(sh, in->buf + start);
		in->skipping = false;
		start = (size_t)(nl - in->buf) + 1;
	}
	memmove(in->buf, in->buf + start, in->len - start);
	in->len -= start;
	if (in->len > IOASIDCTL_LINE_MAX) {
		if (!in->skipping)
			line_too_long(sh);
		in->skipping = true;
		in->len = 0;
	}
}

static void input_read(struct ioasidctl_shell *sh, struct input *in)
{
	ssize_t n = read(STDIN_FILENO, in->buf + in->len,
			 sizeof(in->buf) - 1 - in->len);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		in->eof = true;
		if (in->len && !in->skipping) { /* a last line without '\n' */
			in->buf[in->len] = '\0';
			line_run(sh, in->buf);
		}
		return;
	}
	in->len += (size_t)n;
	input_lines(sh, in);
}

/* ---- the loop ---- */

/* The descriptors to poll: stdin, the client's, one listener per export.
 * The array is kept across turns of the loop and grows with the exports. */
static int polls_fill(struct ioasidctl_shell *sh, struct pollfd **polls,
		      size_t *cap)
{
	size_t np = 2 + sh->nexports;
	struct pollfd *p = *polls;

	if (np > *cap) {
		p = realloc(p, np * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*polls = p;
		*cap = np;
	}
	p[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = ioasid_client_fd(sh->c), .events = POLLIN };
	for (size_t i = 0; i < sh->nexports; i++)
		p[2 + i] = (struct pollfd){ .fd = sh->exports[i].listener,
					    .events = POLLIN };
	return 0;
}

static int shell_loop(struct ioasidctl_shell *sh)
{
	static struct input in;
	struct pollfd *p = NULL;
	size_t cap = 0;
	int r = 0;

	while (!sh->quit && !in.eof && !ferror(sh->out)) {
		r = polls_fill(sh, &p, &cap);
		if (r < 0)
			break;
		if (poll(p, 2 + sh->nexports, -1) <= 0)
			continue;
		if (p[1].revents)
			ioasid_client_dispatch(sh->c);
		for (size_t i = 0; i < sh->nexports; i++)
			if (p[2 + i].revents & POLLIN)
				ioasidctl_xfer_serve(sh->exports[i].listener,
						     sh->exports[i].fd,
						     sh->exports[i].id);
		if (p[0].revents)
			input_read(sh, &in);
	}
	free(p);
	if (r == 0 && ferror(sh->out))
		r = -EPIPE;
	return r;
}

static void exports_release(struct ioasidctl_shell *sh)
{
	for (size_t i = 0; i < sh->nexports; i++) {
		close(sh->exports[i].listener);
		unlink(sh->exports[i].file);
		close(sh->exports[i].fd);
	}
	free(sh->exports);
}

int ioasidctl_shell(const struct ioasidctl_opts *o, int argc, char **argv)
{
	struct ioasidctl_shell sh = { .o = o, .out = stdout };
	int r;

	(void)argv;
	if (argc != 1)
		return ioasidctl_usage_error("shell: takes no argument (commands "
					     "come on stdin)");
	r = ioasidctl_open(o, "shell", &sh.c);
	if (r)
		return r;
	if (events_open(&sh) < 0) {
		ioasid_client_close(sh.c);
		return ioasidctl_fail("shell", -ENOMEM);
	}
	ioasid_client_event_handler_set(sh.c, on_event, &sh);
	r = shell_loop(&sh);
	if (r == 0) {
		ioasid_client_dispatch(sh.c);
		events_flush(&sh);
		fflush(sh.out);
	}
	exports_release(&sh);
	ioasid_client_close(sh.c); /* the daemon drops containers and claims */
	ioasidctl_dma_release(&sh);
	events_close(&sh);
	if (r == -ENOMEM)
		return ioasidctl_fail("shell", r);
	return r < 0 ? IOASIDCTL_FAILED : IOASIDCTL_OK;
}
