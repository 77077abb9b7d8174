// SPDX-License-Identifier: MIT
/* The errno name and message table of ioasid/error.h. */
#include <string.h>

#include <ioasid/error.h>

struct errno_entry {
	int err;
	const char *name;
	const char *msg;
};

#define ERRNO_ENTRY(e, m) { e, #e, m },
static const struct errno_entry errno_table[] = { IOASID_ERRNO_MAP(ERRNO_ENTRY) };
#undef ERRNO_ENTRY

static const struct errno_entry *errno_lookup(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (errno_table[i].err == err)
			return &errno_table[i];
	return NULL;
}

const char *ioasid_strerror(int err)
{
	const struct errno_entry *e = errno_lookup(err);

	return e ? e->msg : "unknown error";
}

const char *ioasid_errname(int err)
{
	const struct errno_entry *e = errno_lookup(err);

	return e ? e->name : "EUNKNOWN";
}

int ioasid_errno_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (strcmp(errno_table[i].name, name) == 0)
			return -errno_table[i].err;
	return -EINVAL;
}
