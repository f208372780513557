/* SPDX-License-Identifier: GPL-2.0-only */
/* CONTROL requests: check, log, logfile, memreport, print, quota, help. */
#ifndef XSD_CONTROL_H
#define XSD_CONTROL_H

#include <stddef.h>

#include "../common/wire.h"

struct conn;

int control_handle(struct conn *c, const struct xsd_sockmsg *h, const char *p);
/* The memory report text (malloc'd), also used by the benchmark. */
char *control_memreport(void);
/* Verifies the tree against itself and the database; 0 if sound. */
int control_check(char **report);

#endif
