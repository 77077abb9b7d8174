/* SPDX-License-Identifier: MIT */
/*
 * fuzz_check() - the harnesses' assertion: when cond is false, print where
 * and what (the condition and a printf-style account of the values that
 * matter), then abort() so that libFuzzer saves the input. A CI log that
 * keeps only part of the fuzzer's output then still says which property
 * broke.
 */
#ifndef IOASID_FUZZ_CHECK_H
#define IOASID_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define fuzz_check(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_check failed at %s:%d: %s: ",    \
				__FILE__, __LINE__, #cond);                    \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
