/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests of the debug register and XCR0 rules PV guests get (pv/debugreg_check.c,
 * xcr0.c): one set of checks for hypercalls and emulated instructions.
 */
#include "check.h"
#include "../../hypervisor/arch/x86/pv/debugreg_check.c"
#include "../../hypervisor/arch/x86/xcr0.c"

static void test_index(void)
{
    CHECK_EQ(debugreg_index(0), 0);
    CHECK_EQ(debugreg_index(3), 3);
    CHECK_EQ(debugreg_index(4), 6);
    CHECK_EQ(debugreg_index(5), 7);
    CHECK_EQ(debugreg_index(7), 7);
    CHECK_EQ(debugreg_index(8), -ENODEV);
    CHECK_EQ(debugreg_index(~0u), -ENODEV);
}

static void test_addresses(void)
{
    unsigned long keep = 1;

    CHECK_EQ(debugreg_check(0, 0x1000, &keep), 0);
    CHECK_EQ(keep, 0x1000);
    CHECK_EQ(debugreg_check(3, 0xffffffff80000000UL, &keep), 0);
    CHECK_EQ(debugreg_check(1, 0xffff82d080000000UL, &keep), -EPERM);
    CHECK_EQ(debugreg_check(2, 0x0000800000000000UL, &keep), -EPERM);
    CHECK_EQ(debugreg_check(0, 0xffff800000000000UL, &keep), -EPERM);
    CHECK_EQ(debugreg_check(0, 0xffff880000000000UL, &keep), 0);
}

static void test_status_control(void)
{
    unsigned long keep = 0;

    CHECK_EQ(debugreg_check(6, 0, &keep), 0);
    CHECK_EQ(keep, 0xffff0ff0UL);
    CHECK_EQ(debugreg_check(6, 0xffffffffUL, &keep), 0);
    CHECK_EQ(keep, 0xffffefffUL); /* bit 12 reads as zero */
    CHECK_EQ(debugreg_check(6, 1UL << 32, &keep), -EINVAL);
    CHECK_EQ(debugreg_check(7, 0, &keep), 0);
    CHECK_EQ(keep, 0x400);
    /* Bits 11, 12, 14 and 15 are dropped, not refused. */
    CHECK_EQ(debugreg_check(7, 0xd800, &keep), 0);
    CHECK_EQ(keep, 0x400);
    CHECK_EQ(debugreg_check(7, 1UL << 32, &keep), -EINVAL);
    CHECK_EQ(debugreg_check(7, 0x2000, &keep), -EPERM);
    /* L0, write, 8 bytes. */
    CHECK_EQ(debugreg_check(7, 0x1 | (1UL << 16) | (2UL << 18), &keep), 0);
    CHECK_EQ(keep, 0x401 | (1UL << 16) | (2UL << 18));
    /* An I/O breakpoint: refused when enabled, kept while all are off. */
    CHECK_EQ(debugreg_check(7, 0x4 | (2UL << 20), &keep), -EPERM);
    CHECK_EQ(debugreg_check(7, 2UL << 20, &keep), 0);
    CHECK_EQ(debugreg_check(4, 0, &keep), -ENODEV); /* callers map 4 to 6 */
    CHECK_EQ(debugreg_check(8, 0, &keep), -ENODEV);
}

static void test_xcr0(void)
{
    uint64_t max = XSTATE_FP | XSTATE_SSE | XSTATE_YMM;

    CHECK(xcr0_valid(XSTATE_FP, max));
    CHECK(xcr0_valid(XSTATE_FP | XSTATE_SSE, max));
    CHECK(xcr0_valid(max, max));
    CHECK(!xcr0_valid(0, max));
    CHECK(!xcr0_valid(XSTATE_SSE, max));
    CHECK(!xcr0_valid(XSTATE_FP | XSTATE_YMM, max));
    CHECK(!xcr0_valid(max | (1ULL << 9), max));
    CHECK(!xcr0_valid(max, XSTATE_FP | XSTATE_SSE));
    CHECK(!xcr0_valid(XSTATE_FP, 0)); /* no XSAVE: nothing */
}

static void run_tests(void)
{
    test_index();
    test_addresses();
    test_status_control();
    test_xcr0();
}
