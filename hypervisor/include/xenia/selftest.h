/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time self tests. */
#ifndef XENIA_SELFTEST_H
#define XENIA_SELFTEST_H

void selftest_timer(void);
void selftest_fault(void);

#endif /* XENIA_SELFTEST_H */
