// SPDX-License-Identifier: MIT
/*
 * Table-driven CRC32C, eight bytes per step ("slicing by 8"): table[0] is
 * the classic byte table and table[k][b] is the CRC of byte b followed by
 * k zero bytes, so that eight table lookups fold eight input bytes at
 * once. The tables are computed once, on first use.
 */
#include <pthread.h>

#include "crc32c.h"

#define CRC32C_POLY 0x82f63b78u

static uint32_t crc_table[8][256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static void crc_table_build(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t crc = b;

		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (CRC32C_POLY & (0u - (crc & 1u)));
		crc_table[0][b] = crc;
	}
	for (uint32_t b = 0; b < 256; b++)
		for (int k = 1; k < 8; k++)
			crc_table[k][b] = (crc_table[k - 1][b] >> 8) ^
					  crc_table[0][crc_table[k - 1][b] & 0xff];
}

static uint32_t crc_bytes(uint32_t crc, const unsigned char *p, size_t len)
{
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return crc;
}

/* Fold eight bytes, read as two little-endian words. */
static uint32_t crc_words(uint32_t crc, const unsigned char *p, size_t n8)
{
	while (n8--) {
		uint32_t lo = ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) ^ crc;
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
			      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
		p += 8;
	}
	return crc;
}

uint32_t ioasid__crc32c(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	pthread_once(&crc_table_once, crc_table_build);
	crc = ~crc;
	crc = crc_words(crc, p, len / 8);
	crc = crc_bytes(crc, p + (len & ~(size_t)7), len & 7);
	return ~crc;
}
