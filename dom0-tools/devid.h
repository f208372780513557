/* SPDX-License-Identifier: GPL-2.0-only */
/* Pure helpers of the device layer, unit-tested on the host. */
#ifndef DOM0_TOOLS_DEVID_H
#define DOM0_TOOLS_DEVID_H

#include <stdbool.h>

/* A xenstore directory entry that is a devid: decimal, no sign, < 2^31. */
bool devid_parse(const char *name, unsigned int *out);
/*
 * One more than the largest devid among names (entries that are not devids
 * are skipped), 0 when there is none; -1 if the largest is already INT_MAX.
 */
int devid_next(char *const *names, unsigned int n);

#endif
