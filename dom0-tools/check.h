/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dom0-tools host tests' one check: a PASS/FAIL line each, and the
 * "N passed, N failed" summary tests/unit/run reads. Header-only because
 * each test is one file linked with the code it tests.
 */
#ifndef DOM0_TOOLS_CHECK_H
#define DOM0_TOOLS_CHECK_H

#include <stdio.h>

static int pass, failed;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    if ( ok )
        pass++;
    else
        failed++;
}

/* The summary line; the exit status main returns. */
static int check_summary(void)
{
    printf("%d passed, %d failed\n", pass, failed);
    return failed != 0;
}

#endif /* DOM0_TOOLS_CHECK_H */
