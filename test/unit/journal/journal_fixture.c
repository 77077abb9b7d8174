// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal_fixture.h"

int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "%s/ioasid-journal-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, IOASID_JOURNAL_FILE);
	f->cfg.dir = f->dir;
	f->cfg.sync = IOASID_JOURNAL_SYNC_NEVER;
	f->cfg.log = fix_log;
	f->cfg.log_arg = f;
	*state = f;
	return 0;
}

static void dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char p[600];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

int fix_teardown(void **state)
{
	struct fix *f = *state;

	fix_reset(f);
	dir_empty(f->dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

void fix_reset(struct fix *f)
{
	for (size_t i = 0; i < f->nrec; i++)
		free(f->rec[i].payload);
	f->nrec = 0;
	f->nlog = 0;
	f->last_log[0] = '\0';
	f->last_prio = -1;
}

int fix_replay(void *arg, uint16_t type, const void *payload, uint32_t len)
{
	struct fix *f = arg;
	struct fix_record *r;

	if (f->replay_fail_at && (int)f->nrec + 1 == f->replay_fail_at)
		return -EPROTO;
	assert_true(f->nrec < FIX_MAX_RECORDS);
	r = &f->rec[f->nrec++];
	r->type = type;
	r->len = len;
	r->payload = malloc(len ? len : 1);
	assert_non_null(r->payload);
	if (len)
		memcpy(r->payload, payload, len);
	return 0;
}

void fix_log(void *arg, int priority, const char *msg)
{
	struct fix *f = arg;

	snprintf(f->last_log, sizeof(f->last_log), "%s", msg);
	f->last_prio = priority;
	f->nlog++;
}

int fix_open(struct fix *f, struct ioasid_journal **jp)
{
	return ioasid_journal_open(&f->cfg, fix_replay, f, jp);
}

uint32_t fix_payload_len(unsigned int i)
{
	return (i * 7u) % 41u; /* 0 .. 40 bytes, 0 included */
}

void fix_payload(unsigned int i, uint8_t *buf, uint32_t len)
{
	for (uint32_t k = 0; k < len; k++)
		buf[k] = (uint8_t)(i * 31u + k * 7u + 1u);
}

void fix_append_series(struct ioasid_journal *j, unsigned int first, unsigned int n)
{
	for (unsigned int i = first; i < first + n; i++) {
		uint8_t buf[64];
		uint32_t len = fix_payload_len(i);

		fix_payload(i, buf, len);
		assert_int_equal(ioasid_journal_append(j, (uint16_t)(i + 100), buf, len), 0);
	}
}

void fix_assert_series(const struct fix *f, unsigned int n)
{
	assert_int_equal(f->nrec, n);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t buf[64];
		uint32_t len = fix_payload_len(i);

		fix_payload(i, buf, len);
		assert_int_equal(f->rec[i].type, i + 100);
		assert_int_equal(f->rec[i].len, len);
		assert_memory_equal(f->rec[i].payload, buf, len ? len : 0);
	}
}

void fix_close_and_check(struct fix *f, struct ioasid_journal *j, unsigned int n)
{
	ioasid_journal_close(j);
	fix_reset(f);
	assert_int_equal(fix_open(f, &j), 0);
	fix_assert_series(f, n);
	assert_int_equal(f->nlog, 0);
	ioasid_journal_close(j);
}

uint64_t fix_file_size(const struct fix *f)
{
	struct stat st;

	assert_int_equal(stat(f->path, &st), 0);
	return (uint64_t)st.st_size;
}

void fix_file_truncate(const struct fix *f, uint64_t size)
{
	assert_int_equal(truncate(f->path, (off_t)size), 0);
}

void fix_file_read(const struct fix *f, uint8_t *buf, uint64_t size)
{
	int fd = open(f->path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, size, 0), (ssize_t)size);
	close(fd);
}

void fix_file_write(const struct fix *f, const uint8_t *buf, uint64_t size)
{
	int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	close(fd);
}
