// SPDX-License-Identifier: MIT
/*
 * The journal's on-disk format (daemon/journal.h, docs/journal.md).
 *
 * Integers are stored little-endian byte by byte, whatever the host, and
 * read the same way, so that no access is ever unaligned. A record's CRC
 * covers its length, type and reserved field as well as its payload: a
 * flipped bit in a length is caught even when the length still looks
 * plausible.
 */
#include <errno.h>
#include <string.h>

#include "crc32c.h"
#include "journal_format.h"

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

const char *ioasid__journal_defect_name(enum journal_defect defect)
{
	switch (defect) {
	case JOURNAL_GOOD:
		return "good record";
	case JOURNAL_SHORT_HEADER:
		return "short record header";
	case JOURNAL_SHORT_PAYLOAD:
		return "short record payload";
	case JOURNAL_BAD_LENGTH:
		return "bad record length";
	case JOURNAL_BAD_RESERVED:
		return "non-zero reserved field";
	case JOURNAL_BAD_CRC:
		return "bad record checksum";
	}
	return "unknown defect";
}

void ioasid__journal_file_header_encode(uint8_t out[JOURNAL_FILE_HEADER_SIZE])
{
	memcpy(out, JOURNAL_MAGIC, 8);
	put_le32(out + 8, JOURNAL_VERSION);
	put_le32(out + 12, ioasid__crc32c(0, out, 12));
}

int ioasid__journal_file_header_check(const uint8_t *buf, size_t len)
{
	if (len < JOURNAL_FILE_HEADER_SIZE || memcmp(buf, JOURNAL_MAGIC, 8) != 0)
		return -EINVAL;
	if (get_le32(buf + 12) != ioasid__crc32c(0, buf, 12))
		return -EINVAL;
	if (get_le32(buf + 8) != JOURNAL_VERSION)
		return -EOPNOTSUPP;
	return 0;
}

void ioasid__journal_record_header_encode(uint8_t out[JOURNAL_RECORD_HEADER_SIZE],
					  uint16_t type, const void *payload,
					  uint32_t len)
{
	uint32_t crc;

	put_le32(out, len);
	put_le16(out + 4, type);
	put_le16(out + 6, 0);
	crc = ioasid__crc32c(0, out, 8);
	if (len)
		crc = ioasid__crc32c(crc, payload, len);
	put_le32(out + 8, crc);
}

enum journal_defect ioasid__journal_record_header_check(const uint8_t *buf,
							size_t avail,
							uint16_t *typep,
							uint32_t *lenp)
{
	uint32_t len;

	if (avail < JOURNAL_RECORD_HEADER_SIZE)
		return JOURNAL_SHORT_HEADER;
	len = get_le32(buf);
	if (len > IOASID_JOURNAL_PAYLOAD_MAX)
		return JOURNAL_BAD_LENGTH;
	if (get_le16(buf + 6) != 0)
		return JOURNAL_BAD_RESERVED;
	*typep = get_le16(buf + 4);
	*lenp = len;
	return JOURNAL_GOOD;
}

enum journal_defect ioasid__journal_record_payload_check(const uint8_t *buf,
							 size_t avail,
							 uint32_t len)
{
	uint32_t crc;

	if (avail - JOURNAL_RECORD_HEADER_SIZE < len)
		return JOURNAL_SHORT_PAYLOAD;
	crc = ioasid__crc32c(0, buf, 8);
	crc = ioasid__crc32c(crc, buf + JOURNAL_RECORD_HEADER_SIZE, len);
	return crc == get_le32(buf + 8) ? JOURNAL_GOOD : JOURNAL_BAD_CRC;
}
