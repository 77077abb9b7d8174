// SPDX-License-Identifier: MIT
/* CRC32C against published check values (RFC 3720 B.4 and the catalogue). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "crc32c.h"

static void test_crc32c_check_values(void **state)
{
	uint8_t buf[32];

	assert_int_equal(ioasid__crc32c(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(ioasid__crc32c(0, "", 0), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(ioasid__crc32c(0, buf, 32), 0x8a9136aau);
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(ioasid__crc32c(0, buf, 32), 0x62a8ab43u);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(ioasid__crc32c(0, buf, 32), 0x46dd794eu);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	assert_int_equal(ioasid__crc32c(0, buf, 32), 0x113fdb5cu);
}

/* Any split of the input, at any alignment, gives the one-shot value. */
static void test_crc32c_chains_and_ignores_alignment(void **state)
{
	uint8_t data[100];
	uint8_t shifted[108];

	for (int i = 0; i < 100; i++)
		data[i] = (uint8_t)(i * 37 + 11);
	uint32_t whole = ioasid__crc32c(0, data, sizeof(data));

	for (size_t cut = 0; cut <= sizeof(data); cut++) {
		uint32_t crc = ioasid__crc32c(0, data, cut);

		crc = ioasid__crc32c(crc, data + cut, sizeof(data) - cut);
		assert_int_equal(crc, whole);
	}
	for (size_t off = 0; off < 8; off++) {
		memcpy(shifted + off, data, sizeof(data));
		assert_int_equal(ioasid__crc32c(0, shifted + off, sizeof(data)), whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c_check_values),
		cmocka_unit_test(test_crc32c_chains_and_ignores_alignment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
