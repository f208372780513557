/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vbd devices for xl: what /etc/xen/scripts/block and libxl's disk code do,
 * in C.  An image file is attached to a free loop device first, so BE
 * mode, physical-device and dev go in with the rest of the device's keys
 * in one transaction and blkback opens it right after probing
 * (pv-devices.md 2.4); a block device is used directly.
 */
#ifndef DOM0_TOOLS_BLKDEV_H
#define DOM0_TOOLS_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diskspec.h"

/* Target exists, is a file or block device, opens in its mode; or -1 + xl_err. */
int blk_check(const struct diskspec *s);
/* 0, or -1 after one "xl: ..." line; nothing is left behind on failure. */
int blk_attach(uint32_t domid, const struct diskspec *s);
/*
 * Orderly (force false: state 5, wait for 6 up to 10 s, then forced) or
 * forced removal of vbd devid, then the loop device goes.  0 or -1.
 */
int blk_detach(uint32_t domid, unsigned int devid, bool force);
/* Forced removal of every vbd of domid (destroy, shutdown). */
void blk_teardown(uint32_t domid);

int xl_cmd_block_attach(int argc, char **argv);
int xl_cmd_block_detach(int argc, char **argv);
int xl_cmd_block_list(int argc, char **argv);

#endif
