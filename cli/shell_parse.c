// SPDX-License-Identifier: MIT
/*
 * The line parser of `ioasidctl shell` (shell_parse.h).
 *
 * A line is split into words in a local copy; the first word (and, for
 * spid, the second) picks an entry of the command table, which gives the
 * accepted word counts and the function that reads the arguments. Every
 * message names the command and the argument it is about, and shows the
 * command's usage when the word count is wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <ioasid/client.h>

#include "ioasidctl.h"
#include "shell_parse.h"

#define MAX_WORDS 8

const char ioasidctl_shell_help[] =
	"alloc [MIN MAX]; free ID; get ID; put ID; spid attach ID SPID; "
	"spid detach ID; spid find SPID [get]; info; export ID FILE; "
	"import FILE; subscribe [EVENTS]; quota PID N; reclaim; help; quit";

struct words {
	char buf[IOASIDCTL_LINE_MAX + 1];
	char *w[MAX_WORDS];
	int n;
};

struct parse {
	const struct words *ws;
	struct ioasidctl_shell_cmd *cmd;
	const char *name; /* "free", "spid attach" */
	char *err;
	size_t errlen;
};

static int parse_error(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int parse_error(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s: ", p->name);

	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Word i as a u32 argument called what. */
static int arg_u32(struct parse *p, int i, const char *what, uint32_t *v)
{
	const char *s = p->ws->w[i];
	int r = ioasidctl_parse_u32(s, v);

	if (r == -ERANGE)
		return parse_error(p, "%s %s is out of range", what, s);
	if (r < 0)
		return parse_error(p, "%s '%s' is not a number", what, s);
	return 0;
}

static int arg_file(struct parse *p, int i)
{
	const char *s = p->ws->w[i];

	if (strlen(s) >= sizeof(p->cmd->file))
		return parse_error(p, "FILE is longer than %zu bytes",
				   sizeof(p->cmd->file) - 1);
	strcpy(p->cmd->file, s);
	return 0;
}

static int args_alloc(struct parse *p)
{
	int r;

	if (p->ws->n == 1)
		return 0; /* 0, 0: the whole range */
	if (p->ws->n != 3)
		return parse_error(p, "usage: alloc [MIN MAX]");
	r = arg_u32(p, 1, "MIN", &p->cmd->a);
	if (r == 0)
		r = arg_u32(p, 2, "MAX", &p->cmd->b);
	if (r == 0 && p->cmd->a > p->cmd->b)
		return parse_error(p, "min %u > max %u", p->cmd->a, p->cmd->b);
	return r;
}

static int args_id(struct parse *p)
{
	return arg_u32(p, p->ws->n - 1, "ID", &p->cmd->a);
}

static int args_spid_attach(struct parse *p)
{
	int r = arg_u32(p, 2, "ID", &p->cmd->a);

	return r ? r : arg_u32(p, 3, "SPID", &p->cmd->b);
}

static int args_spid_find(struct parse *p)
{
	if (p->ws->n == 4) {
		if (strcmp(p->ws->w[3], "get") != 0)
			return parse_error(p, "expected 'get', not '%s'",
					   p->ws->w[3]);
		p->cmd->flag = true;
	}
	return arg_u32(p, 2, "SPID", &p->cmd->a);
}

static int args_export(struct parse *p)
{
	int r = arg_u32(p, 1, "ID", &p->cmd->a);

	return r ? r : arg_file(p, 2);
}

static int args_import(struct parse *p)
{
	return arg_file(p, 1);
}

static const struct {
	const char *name;
	uint32_t bit;
} event_names[] = {
	{ "alloc", IOASID_CLIENT_SUB_ALLOC }, { "free", IOASID_CLIENT_SUB_FREE },
	{ "bind", IOASID_CLIENT_SUB_BIND },   { "unbind", IOASID_CLIENT_SUB_UNBIND },
	{ "all", IOASID_CLIENT_SUB_ALL },     { "none", 0 },
};

static int event_bit(const char *name, size_t len, uint32_t *bit)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (strlen(event_names[i].name) == len &&
		    strncasecmp(event_names[i].name, name, len) == 0) {
			*bit = event_names[i].bit;
			return 0;
		}
	return -EINVAL;
}

static int args_subscribe(struct parse *p)
{
	const char *s = p->ws->n == 2 ? p->ws->w[1] : "all";
	uint32_t bit;

	p->cmd->a = 0;
	for (;;) {
		size_t len = strcspn(s, ",");

		if (event_bit(s, len, &bit) < 0)
			return parse_error(p, "unknown event '%.*s' (alloc, free, "
					   "bind, unbind, all, none)", (int)len, s);
		p->cmd->a |= bit;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

static int args_quota(struct parse *p)
{
	int r = arg_u32(p, 1, "PID", &p->cmd->a);

	return r ? r : arg_u32(p, 2, "N", &p->cmd->b);
}

static int args_none(struct parse *p)
{
	(void)p;
	return 0;
}

struct command {
	const char *word, *sub; /* sub: the second word, or NULL */
	const char *name; /* in messages */
	const char *usage;
	int min_words, max_words;
	enum ioasidctl_shell_op op;
	int (*args)(struct parse *p);
};

static const struct command commands[] = {
	{ "alloc", NULL, "alloc", "alloc [MIN MAX]", 1, 3, IOASIDCTL_SH_ALLOC, args_alloc },
	{ "free", NULL, "free", "free ID", 2, 2, IOASIDCTL_SH_FREE, args_id },
	{ "get", NULL, "get", "get ID", 2, 2, IOASIDCTL_SH_GET, args_id },
	{ "put", NULL, "put", "put ID", 2, 2, IOASIDCTL_SH_PUT, args_id },
	{ "spid", "attach", "spid attach", "spid attach ID SPID", 4, 4,
	  IOASIDCTL_SH_SPID_ATTACH, args_spid_attach },
	{ "spid", "detach", "spid detach", "spid detach ID", 3, 3, IOASIDCTL_SH_SPID_DETACH,
	  args_id },
	{ "spid", "find", "spid find", "spid find SPID [get]", 3, 4, IOASIDCTL_SH_SPID_FIND,
	  args_spid_find },
	{ "info", NULL, "info", "info", 1, 1, IOASIDCTL_SH_INFO, args_none },
	{ "export", NULL, "export", "export ID FILE", 3, 3, IOASIDCTL_SH_EXPORT, args_export },
	{ "import", NULL, "import", "import FILE", 2, 2, IOASIDCTL_SH_IMPORT, args_import },
	{ "subscribe", NULL, "subscribe", "subscribe [EVENTS]", 1, 2, IOASIDCTL_SH_SUBSCRIBE,
	  args_subscribe },
	{ "quota", NULL, "quota", "quota PID N", 3, 3, IOASIDCTL_SH_QUOTA, args_quota },
	{ "reclaim", NULL, "reclaim", "reclaim", 1, 1, IOASIDCTL_SH_RECLAIM, args_none },
	{ "help", NULL, "help", "help", 1, 1, IOASIDCTL_SH_HELP, args_none },
	{ "quit", NULL, "quit", "quit", 1, 1, IOASIDCTL_SH_QUIT, args_none },
};

/* Split into words; a word starting with '#' ends the line. */
static int words_split(const char *line, struct words *ws)
{
	size_t len = strlen(line);
	char *save, *w;

	if (len > IOASIDCTL_LINE_MAX)
		return -EMSGSIZE;
	memcpy(ws->buf, line, len + 1);
	ws->n = 0;
	for (w = strtok_r(ws->buf, " \t\r", &save); w && w[0] != '#';
	     w = strtok_r(NULL, " \t\r", &save)) {
		if (ws->n == MAX_WORDS)
			return -E2BIG;
		ws->w[ws->n++] = w;
	}
	return 0;
}

static const struct command *command_find(const struct words *ws)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *c = &commands[i];

		if (strcmp(c->word, ws->w[0]) != 0)
			continue;
		if (!c->sub || (ws->n > 1 && strcmp(c->sub, ws->w[1]) == 0))
			return c;
	}
	return NULL;
}

static void text_build(const struct words *ws, char *text, size_t size)
{
	size_t off = 0;

	text[0] = '\0';
	for (int i = 0; i < ws->n && off < size; i++) {
		int n = snprintf(text + off, size - off, "%s%s", i ? " " : "",
				 ws->w[i]);

		if (n < 0)
			break;
		off += (size_t)n;
	}
}

int ioasidctl_shell_parse(const char *line, struct ioasidctl_shell_cmd *cmd,
			  char *err, size_t errlen)
{
	struct words ws;
	struct parse p = { .ws = &ws, .cmd = cmd, .err = err, .errlen = errlen };
	const struct command *c;

	memset(cmd, 0, sizeof(*cmd));
	switch (words_split(line, &ws)) {
	case -EMSGSIZE:
		snprintf(err, errlen, "line too long (at most %d bytes)",
			 IOASIDCTL_LINE_MAX);
		return -EINVAL;
	case -E2BIG:
		snprintf(err, errlen, "too many words (at most %d)", MAX_WORDS);
		return -EINVAL;
	}
	if (ws.n == 0)
		return 1;
	c = command_find(&ws);
	if (!c) {
		if (strcmp(ws.w[0], "spid") == 0)
			snprintf(err, errlen, "spid: expects attach, detach or find");
		else
			snprintf(err, errlen, "unknown command '%.64s' (try help)",
				 ws.w[0]);
		return -EINVAL;
	}
	p.name = c->name;
	text_build(&ws, cmd->text, sizeof(cmd->text));
	cmd->op = c->op;
	if (ws.n < c->min_words || ws.n > c->max_words)
		return parse_error(&p, "usage: %s", c->usage);
	return c->args(&p);
}
