/* SPDX-License-Identifier: MIT */
/*
 * Unsigned numbers as people type them: in ioasidctl's arguments and shell
 * commands, and in the platform lines of ioasidd's configuration.
 */
#ifndef IOASID_UTIL_PARSE_H
#define IOASID_UTIL_PARSE_H

#include <stdint.h>

/*
 * ioasid__parse_u64 - the whole of s as a number: decimal digits, or
 * hexadecimal digits (either case) after "0x" or "0X". Nothing else is
 * taken: no sign, no blanks, no suffix, and a leading zero is still
 * decimal ("010" is ten), never octal.
 *
 * Returns 0 and the value in *v; -EINVAL when s is not such a number
 * (empty, "0x" alone, a stray character anywhere); -ERANGE when it is one
 * but does not fit in 64 bits. *v is written only on success.
 */
int ioasid__parse_u64(const char *s, uint64_t *v);

#endif /* IOASID_UTIL_PARSE_H */
