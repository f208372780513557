/* SPDX-License-Identifier: GPL-2.0-only */
/* CRC32 (IEEE 802.3) and CRC64 (ECMA-182), the checks the XZ format uses. */
#ifndef XENIA_CRC_H
#define XENIA_CRC_H

#include <xenia/types.h>

/*
 * Both take the CRC of the data so far (0 for none) and return the CRC
 * with buf appended, so a message may be checked in pieces. The values
 * are the usual reflected ones: crc32(0, "123456789", 9) == 0xcbf43926,
 * crc64(0, "123456789", 9) == 0x995dc9bbdf1939fa.
 */
uint32_t crc32(uint32_t crc, const void *buf, size_t len);
uint64_t crc64(uint64_t crc, const void *buf, size_t len);

#endif /* XENIA_CRC_H */
