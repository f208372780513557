/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time checks that time works: timer ticks against the ACPI PM timer. */
#include <xenia/acpi.h>
#include <xenia/boot_param.h>
#include <xenia/console.h>
#include <xenia/selftest.h>
#include <xenia/time.h>
#include <xenia/timer.h>
#include <asm/io.h>
#include <asm/processor.h>

#define TICK_PERIOD  MILLISECS(1)
#define MEASURE_MS   200

static volatile unsigned int ticks;
static struct timer tick_timer;

/* Re-armed from its own expiry, not from NOW(): lateness does not add up. */
static void tick(void *data)
{
    (void)data;
    ticks++;
    set_timer(&tick_timer, tick_timer.expires + TICK_PERIOD);
}

static uint32_t pmtmr_read(void)
{
    return inl(acpi_info.pm_tmr_port) &
           (acpi_info.pm_tmr_32bit ? 0xffffffffu : 0xffffffu);
}

/*
 * Count 1 ms timer events over about 200 ms measured by the ACPI PM
 * timer, a clock independent of the TSC and the APIC that drive the
 * timer; with absolute re-arming the count may be off by one at most.
 */
void selftest_timer(void)
{
    uint32_t mask = acpi_info.pm_tmr_32bit ? 0xffffffffu : 0xffffffu;
    uint64_t pm_elapsed = 0, target = (uint64_t)PMTMR_HZ * MEASURE_MS / 1000;
    uint32_t last;
    s_time_t tsc_start, tsc_ns;
    unsigned int n, expect_milli, err_milli;
    uint64_t elapsed_ns;

    if ( !acpi_info.pm_tmr_port )
    {
        printk(XENLOG_WARNING "Timer self-test skipped: no ACPI PM timer\n");
        return;
    }
    init_timer(&tick_timer, tick, NULL, 0);
    last = pmtmr_read();
    tsc_start = NOW();
    ticks = 0;
    set_timer(&tick_timer, tsc_start + TICK_PERIOD);
    while ( pm_elapsed < target )
    {
        uint32_t now;

        safe_halt();
        now = pmtmr_read();
        pm_elapsed += (now - last) & mask;
        last = now;
    }
    n = ticks;
    tsc_ns = NOW() - tsc_start;
    stop_timer(&tick_timer);

    elapsed_ns = pm_elapsed * 1000000000ULL / PMTMR_HZ;
    expect_milli = (unsigned int)(elapsed_ns * 1000 / TICK_PERIOD);
    err_milli = n * 1000 > expect_milli ? n * 1000 - expect_milli
                                        : expect_milli - n * 1000;
    /* Percent error with two decimals: err / expect * 100. */
    err_milli = (unsigned int)((uint64_t)err_milli * 10000 / expect_milli);
    printk(XENLOG_INFO "Timer self-test: %u ticks of 1 ms in %lu.%03lu ms "
                       "by the ACPI PM timer (expected %u.%03u, error "
                       "%u.%02u%%) %s\n",
           n, (unsigned long)(elapsed_ns / 1000000),
           (unsigned long)(elapsed_ns / 1000 % 1000), expect_milli / 1000,
           expect_milli % 1000, err_milli / 100, err_milli % 100,
           err_milli < 100 ? "ok" : "OUT OF TOLERANCE");
    printk(XENLOG_INFO "Clock check: TSC time %lu us vs PM timer %lu us\n",
           (unsigned long)(tsc_ns / 1000), (unsigned long)(elapsed_ns / 1000));
}

/* selftest_fault=<kind>: make the hypervisor fault on purpose, to test
 * that faults are reported and the machine halts. */
static char opt_fault[16];
string_param("selftest_fault", opt_fault);

void selftest_fault(void)
{
    if ( !opt_fault[0] )
        return;
    printk(XENLOG_WARNING "selftest_fault=%s: faulting on purpose\n",
           opt_fault);
    if ( !strcmp(opt_fault, "pf") )
        (void)*(volatile unsigned long *)0xdead000UL;
    else if ( !strcmp(opt_fault, "gp") )
        (void)*(volatile unsigned long *)0x8000000000000000UL;
    else if ( !strcmp(opt_fault, "ud") )
        asm volatile("ud2");
    else if ( !strcmp(opt_fault, "de") )
        /* In assembly: C's 1/x for unsigned x may legally become x == 1. */
        asm volatile("xor %%edx, %%edx; xor %%ecx, %%ecx; mov $1, %%eax; "
                     "div %%rcx" ::: "rax", "rcx", "rdx");
    else if ( !strcmp(opt_fault, "df") )
        /* A fault with no stack to report it on: the #DF IST catches it. */
        asm volatile("mov $0xdead0000, %%rsp; push %%rax" ::: "memory");
    else if ( !strcmp(opt_fault, "panic") )
        panic("selftest_fault=panic\n");
    else if ( !strcmp(opt_fault, "assert") )
        assert_failed("selftest_fault=assert", __FILE__, __LINE__);
    printk(XENLOG_ERR "selftest_fault=%s: unknown kind (pf gp ud de df panic "
                      "assert)\n",
           opt_fault);
}
