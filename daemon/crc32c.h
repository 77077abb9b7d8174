/* SPDX-License-Identifier: MIT */
/*
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * the journal's records. Chainable like zlib's crc32(): start with 0 and
 * pass each result back in; crc32c(0, "123456789", 9) is 0xE3069283.
 */
#ifndef IOASID_DAEMON_CRC32C_H
#define IOASID_DAEMON_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t ioasid__crc32c(uint32_t crc, const void *buf, size_t len);

#endif /* IOASID_DAEMON_CRC32C_H */
