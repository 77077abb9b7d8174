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
#include "util/parse.h"

#define MAX_WORDS 8

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

/* Word i as a u64 argument called what. */
static int arg_u64(struct parse *p, int i, const char *what, uint64_t *v)
{
	const char *s = p->ws->w[i];
	int r = ioasid__parse_u64(s, v);

	if (r == -ERANGE)
		return parse_error(p, "%s %s is out of range", what, s);
	if (r < 0)
		return parse_error(p, "%s '%s' is not a number", what, s);
	return 0;
}

/* Whether word i is an access word: r, w or rw. */
static bool is_access(const struct parse *p, int i)
{
	const char *s = p->ws->w[i];

	return !strcmp(s, "r") || !strcmp(s, "w") || !strcmp(s, "rw");
}

static int arg_access(struct parse *p, int i)
{
	const char *s = p->ws->w[i];

	if (!is_access(p, i))
		return parse_error(p, "access '%s' is not r, w or rw", s);
	p->cmd->access = (strchr(s, 'r') ? IOASID_CLIENT_DMA_READ : 0) |
			 (strchr(s, 'w') ? IOASID_CLIENT_DMA_WRITE : 0);
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

/* ---- IOMMU commands ---- */

static int args_claim(struct parse *p)
{
	if (p->ws->n == 4) {
		if (strcmp(p->ws->w[3], "detach") != 0)
			return parse_error(p, "expected 'detach', not '%s'",
					   p->ws->w[3]);
		p->cmd->flag = true;
	}
	return arg_u32(p, 2, "G", &p->cmd->a);
}

static int args_container_new(struct parse *p)
{
	const char *t = p->ws->w[2];

	if (!strcmp(t, "type1") || !strcmp(t, "type1v2"))
		p->cmd->a = IOASID_CLIENT_CONTAINER_TYPE1V2;
	else if (!strcmp(t, "spapr"))
		p->cmd->a = IOASID_CLIENT_CONTAINER_SPAPR_TCE;
	else if (ioasidctl_parse_u32(t, &p->cmd->a) < 0) /* VFIO's number */
		return parse_error(p, "type '%s' is not type1, spapr or a "
				   "number", t);
	return 0;
}

/* container WORD C [X [Y]]: a = C, b = X, c = Y, named by what. */
static int args_container_ids(struct parse *p, const char *x, const char *y)
{
	int r = arg_u32(p, 2, "C", &p->cmd->a);

	if (r == 0 && x)
		r = arg_u32(p, 3, x, &p->cmd->b);
	if (r == 0 && y)
		r = arg_u32(p, 4, y, &p->cmd->c);
	return r;
}

static int args_container_one(struct parse *p)
{
	return args_container_ids(p, NULL, NULL);
}

static int args_container_group(struct parse *p)
{
	return args_container_ids(p, "G", NULL);
}

static int args_container_pasid(struct parse *p)
{
	return args_container_ids(p, "DEV", "PASID");
}

/* C IOVA at words 1 and 2. */
static int args_c_iova(struct parse *p)
{
	int r = arg_u32(p, 1, "C", &p->cmd->a);

	return r ? r : arg_u64(p, 2, "IOVA", &p->cmd->iova);
}

static int args_map(struct parse *p)
{
	int r = args_c_iova(p), i = 4;

	if (r == 0)
		r = arg_u64(p, 3, "SIZE", &p->cmd->size);
	p->cmd->access = IOASID_CLIENT_DMA_READ | IOASID_CLIENT_DMA_WRITE;
	p->cmd->fill = IOASID_CLIENT_FILL_NONE;
	if (r == 0 && i < p->ws->n && is_access(p, i))
		r = arg_access(p, i++);
	if (r == 0 && i < p->ws->n) {
		uint32_t fill;

		r = arg_u32(p, i++, "FILL", &fill);
		if (r == 0 && fill > 255)
			return parse_error(p, "FILL %u is not a byte (0-255)", fill);
		p->cmd->fill = (int)fill;
	}
	if (r == 0 && i < p->ws->n)
		return parse_error(p, "usage: map C IOVA SIZE [r|w|rw] [FILL]");
	return r;
}

static int args_unmap(struct parse *p)
{
	int r = arg_u32(p, 1, "C", &p->cmd->a);

	if (r)
		return r;
	if (p->ws->n == 3) {
		if (strcmp(p->ws->w[2], "all") != 0)
			return parse_error(p, "usage: unmap C IOVA SIZE | unmap C all");
		p->cmd->flag = true;
		return 0;
	}
	r = arg_u64(p, 2, "IOVA", &p->cmd->iova);
	return r ? r : arg_u64(p, 3, "SIZE", &p->cmd->size);
}

static int args_translate(struct parse *p)
{
	int r = args_c_iova(p);

	p->cmd->access = IOASID_CLIENT_DMA_READ;
	if (r == 0 && p->ws->n == 4)
		r = arg_access(p, 3);
	return r;
}

/* translate dev DEV [PASID] IOVA [ACCESS]: a trailing r/w/rw is the
 * access, so five words are PASID IOVA or IOVA ACCESS. */
static int args_translate_dev(struct parse *p)
{
	int n = p->ws->n, r;
	bool acc = is_access(p, n - 1);
	int iova = acc ? n - 2 : n - 1;

	if (iova < 3)
		return parse_error(p, "usage: translate dev DEV [PASID] IOVA "
				   "[r|w|rw]");
	p->cmd->access = IOASID_CLIENT_DMA_READ;
	r = arg_u32(p, 2, "DEV", &p->cmd->a);
	if (r == 0 && iova == 4)
		r = arg_u32(p, 3, "PASID", &p->cmd->c);
	if (r == 0)
		r = arg_u64(p, iova, "IOVA", &p->cmd->iova);
	if (r == 0 && acc)
		r = arg_access(p, n - 1);
	return r;
}

static int args_faults(struct parse *p)
{
	return arg_u32(p, 1, "C", &p->cmd->a);
}

static int args_read(struct parse *p)
{
	int r = args_c_iova(p);

	if (r == 0)
		r = arg_u64(p, 3, "LEN", &p->cmd->size);
	if (r == 0 && (p->cmd->size == 0 || p->cmd->size > IOASIDCTL_DMA_BYTES_MAX))
		return parse_error(p, "LEN %s is not in 1-%d", p->ws->w[3],
				   IOASIDCTL_DMA_BYTES_MAX);
	return r;
}

static int args_write(struct parse *p)
{
	const char *h = p->ws->w[3];
	size_t len = strlen(h);
	int r = args_c_iova(p);

	if (r)
		return r;
	if (len % 2 || len / 2 > IOASIDCTL_DMA_BYTES_MAX)
		return parse_error(p, "HEX is not 1-%d bytes as pairs of hex "
				   "digits", IOASIDCTL_DMA_BYTES_MAX);
	for (size_t i = 0; i < len; i += 2) {
		/* One byte: its two digits as ioasid__parse_u64() reads hex. */
		const char pair[] = { '0', 'x', h[i], h[i + 1], '\0' };
		uint64_t byte;

		if (ioasid__parse_u64(pair, &byte) < 0)
			return parse_error(p, "HEX '%.16s' is not hex digits", h);
		p->cmd->bytes[i / 2] = (unsigned char)byte;
	}
	p->cmd->nbytes = len / 2;
	p->cmd->size = len / 2;
	return 0;
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
	{ "group", "claim", "group claim", "group claim G [detach]", 3, 4,
	  IOASIDCTL_SH_GROUP_CLAIM, args_claim },
	{ "group", "release", "group release", "group release G", 3, 3,
	  IOASIDCTL_SH_GROUP_RELEASE, args_id },
	{ "container", "new", "container new", "container new type1|spapr|N", 3, 3,
	  IOASIDCTL_SH_CONTAINER_NEW, args_container_new },
	{ "container", "attach", "container attach", "container attach C G", 4, 4,
	  IOASIDCTL_SH_CONTAINER_ATTACH, args_container_group },
	{ "container", "detach", "container detach", "container detach C G", 4, 4,
	  IOASIDCTL_SH_CONTAINER_DETACH, args_container_group },
	{ "container", "attach-pasid", "container attach-pasid",
	  "container attach-pasid C DEV PASID", 5, 5,
	  IOASIDCTL_SH_CONTAINER_ATTACH_PASID, args_container_pasid },
	{ "container", "detach-pasid", "container detach-pasid",
	  "container detach-pasid C DEV PASID", 5, 5,
	  IOASIDCTL_SH_CONTAINER_DETACH_PASID, args_container_pasid },
	{ "container", "info", "container info", "container info C", 3, 3,
	  IOASIDCTL_SH_CONTAINER_INFO, args_container_one },
	{ "container", "destroy", "container destroy", "container destroy C", 3, 3,
	  IOASIDCTL_SH_CONTAINER_DESTROY, args_container_one },
	{ "map", NULL, "map", "map C IOVA SIZE [r|w|rw] [FILL]", 4, 6,
	  IOASIDCTL_SH_MAP, args_map },
	{ "unmap", NULL, "unmap", "unmap C IOVA SIZE | unmap C all", 3, 4,
	  IOASIDCTL_SH_UNMAP, args_unmap },
	{ "translate", "dev", "translate dev",
	  "translate dev DEV [PASID] IOVA [r|w|rw]", 4, 6,
	  IOASIDCTL_SH_TRANSLATE_DEV, args_translate_dev },
	{ "translate", NULL, "translate", "translate C IOVA [r|w|rw]", 3, 4,
	  IOASIDCTL_SH_TRANSLATE, args_translate },
	{ "faults", NULL, "faults", "faults C", 2, 2, IOASIDCTL_SH_FAULTS,
	  args_faults },
	{ "read", NULL, "read", "read C IOVA LEN", 4, 4, IOASIDCTL_SH_READ,
	  args_read },
	{ "write", NULL, "write", "write C IOVA HEX", 4, 4, IOASIDCTL_SH_WRITE,
	  args_write },
	{ "help", NULL, "help", "help", 1, 1, IOASIDCTL_SH_HELP, args_none },
	{ "quit", NULL, "quit", "quit", 1, 1, IOASIDCTL_SH_QUIT, args_none },
};

size_t ioasidctl_shell_help(char *buf, size_t size)
{
	size_t off = 0;

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t room = off < size ? size - off : 0;
		int n = snprintf(room ? buf + off : NULL, room, "%s%s",
				 i ? "; " : "", commands[i].usage);

		if (n > 0)
			off += (size_t)n;
	}
	return off;
}

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

/*
 * A command word that needs a second word ("spid", "group", "container"):
 * write "WORD: expects a, b or c" to err and return true; false if word
 * is not one of them.
 */
static bool subs_list(const char *word, char *err, size_t errlen)
{
	const size_t nc = sizeof(commands) / sizeof(commands[0]);
	size_t total = 0, seen = 0, off;

	for (size_t i = 0; i < nc; i++)
		if (!strcmp(commands[i].word, word)) {
			if (!commands[i].sub)
				return false; /* a plain command, not this case */
			total++;
		}
	if (total == 0)
		return false;
	off = (size_t)snprintf(err, errlen, "%s: expects ", word);
	for (size_t i = 0; i < nc && off < errlen; i++) {
		if (strcmp(commands[i].word, word) != 0)
			continue;
		seen++;
		off += (size_t)snprintf(err + off, errlen - off, "%s%s",
					seen == 1 ? "" : seen == total ? " or " : ", ",
					commands[i].sub);
	}
	return true;
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
		if (!subs_list(ws.w[0], err, errlen))
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
