/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbol names for code addresses, for stack traces. */
#ifndef XENIA_SYMBOLS_H
#define XENIA_SYMBOLS_H

#include <xenia/types.h>

/* The text symbol containing addr, or NULL; *offset and *size describe it. */
const char *symbols_lookup(unsigned long addr, unsigned long *offset,
                           unsigned long *size);

/* "name+0x12/0x40", or the bare address when no symbol covers it. */
void symbols_format(char *buf, size_t len, unsigned long addr);

bool is_kernel_text(unsigned long addr);

#endif /* XENIA_SYMBOLS_H */
