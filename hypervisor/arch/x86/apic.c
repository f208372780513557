/* SPDX-License-Identifier: GPL-2.0-only */
/* The local APIC in xAPIC mode: enable, EOI, and the one-shot timer. */
#include <xenia/console.h>
#include <xenia/time.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define APIC_ID     0x020
#define APIC_VERSION 0x030
#define APIC_TPR    0x080
#define APIC_EOI    0x0b0
#define APIC_SVR    0x0f0
#define APIC_ESR    0x280
#define APIC_LVTT   0x320
#define APIC_LVT0   0x350
#define APIC_LVT1   0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT  0x380
#define APIC_TMCCT  0x390
#define APIC_TDCR   0x3e0
#define APIC_ICR    0x300
#define APIC_ICR2   0x310

#define ICR_BUSY         0x1000 /* delivery status: not yet accepted */
#define ICR_ASSERT       0x4000
#define ICR_LEVEL        0x8000
#define ICR_INIT         0x500
#define ICR_STARTUP      0x600

#define SVR_ENABLE       0x100
#define LVT_MASKED       0x10000
#define LVT_NMI          0x400
#define LVTT_TSC_DEADLINE 0x40000
#define TDCR_DIV_1       0xb

#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static volatile uint8_t *apic_base;
static bool tsc_deadline;
/* One-shot mode: APIC timer ticks per second, calibrated against the TSC. */
static struct time_scale ns_to_apic; /* nanoseconds -> ticks */
static uint64_t apic_hz;

static uint32_t apic_read(unsigned int reg)
{
    return mmio_read32(apic_base + reg);
}

static void apic_write(unsigned int reg, uint32_t v)
{
    mmio_write32(apic_base + reg, v);
}

uint32_t apic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

static uint32_t apic_tmcct_read(void)
{
    return apic_read(APIC_TMCCT);
}

/*
 * Count APIC ticks over 20 ms of TSC time (the TSC is calibrated by
 * now), with both ends bracketed by TSC reads so a stall does not skew it.
 */
static void calibrate_apic_timer(void)
{
    uint64_t t0, t1, window = tsc_khz() * 20, ns;
    uint32_t c0 = 0, c1 = 0;

    apic_write(APIC_TDCR, TDCR_DIV_1);
    apic_write(APIC_LVTT, LVT_MASKED | LOCAL_TIMER_VECTOR);
    apic_write(APIC_TMICT, 0xffffffff);
    t0 = tsc_sample(apic_tmcct_read, &c0);
    do
        t1 = tsc_sample(apic_tmcct_read, &c1);
    while ( t1 - t0 < window && c1 );
    apic_write(APIC_TMICT, 0);
    if ( c0 <= c1 )
        panic("local APIC timer does not count\n");
    ns = (t1 - t0) * 1000000 / tsc_khz();
    apic_hz = (uint64_t)(c0 - c1) * 1000000000 / ns;
    if ( apic_hz < 1000 )
        panic("local APIC timer does not count (%lu Hz)\n",
              (unsigned long)apic_hz);
    /* ticks = ns * apic_hz / 1e9: the scale for a clock of 1e18/apic_hz. */
    time_scale_set(&ns_to_apic, 1000000000000000000ULL / apic_hz);
}

/* What every CPU's APIC needs: enabled, TPR open, LINT0/1, errors. */
static void apic_setup_local(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

    wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, SVR_ENABLE | SPURIOUS_APIC_VECTOR);
    apic_write(APIC_LVT0, LVT_MASKED); /* the 8259s are masked anyway */
    apic_write(APIC_LVT1, LVT_NMI);
    apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
    apic_write(APIC_ESR, 0);
    if ( tsc_deadline )
        apic_write(APIC_LVTT, LVTT_TSC_DEADLINE | LOCAL_TIMER_VECTOR);
    else
        apic_write(APIC_TDCR, TDCR_DIV_1);
}

void apic_init_bsp(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

    /* Every CPU's APIC sits at the same address: one mapping serves all. */
    apic_base = ioremap(base & ~0xfffUL, 4096);
    if ( !apic_base )
        panic("cannot map the local APIC\n");
    tsc_deadline = cpuid_ecx(1) & CPUID1_ECX_TSC_DEADLINE;
    apic_setup_local();
    if ( !tsc_deadline )
        calibrate_apic_timer();
    printk(XENLOG_INFO "Local APIC %u (version %#x) at %#lx, timer: %s\n",
           apic_id(), apic_read(APIC_VERSION) & 0xff,
           (unsigned long)(base & ~0xfffUL), apic_timer_mode());
    if ( !tsc_deadline )
        printk(XENLOG_INFO "APIC timer runs at %lu.%03lu MHz\n",
               (unsigned long)(apic_hz / 1000000),
               (unsigned long)(apic_hz / 1000 % 1000));
}

/* The BSP calibrated the timer; APs share its bus clock and TSC rate. */
void apic_init_ap(void)
{
    apic_setup_local();
}

static bool apic_wait_icr_idle(void)
{
    for ( unsigned int i = 0; i < 1000000; i++ )
    {
        if ( !(apic_read(APIC_ICR) & ICR_BUSY) )
            return true;
        cpu_relax();
    }
    return false;
}

static void apic_icr_write(uint32_t dest_apic_id, uint32_t low)
{
    unsigned long flags = local_irq_save();

    /* A send still in flight would be lost by overwriting the ICR. */
    apic_wait_icr_idle();
    apic_write(APIC_ICR2, dest_apic_id << 24);
    apic_write(APIC_ICR, low);
    local_irq_restore(flags);
}

void apic_send_ipi(uint32_t dest_apic_id, unsigned int vector)
{
    apic_icr_write(dest_apic_id, ICR_ASSERT | vector);
}

/*
 * The MP start-up sequence: INIT, 10 ms, then two STARTUP IPIs 200 us
 * apart carrying the page number of the real-mode entry.
 */
void apic_start_ap(uint32_t dest_apic_id, paddr_t trampoline)
{
    apic_write(APIC_ESR, 0);
    apic_icr_write(dest_apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
    udelay(10000);
    apic_icr_write(dest_apic_id, ICR_INIT | ICR_LEVEL); /* de-assert */
    for ( unsigned int i = 0; i < 2; i++ )
    {
        udelay(200);
        apic_icr_write(dest_apic_id, ICR_STARTUP | (trampoline >> 12));
    }
    apic_wait_icr_idle();
}

const char *apic_timer_mode(void)
{
    return tsc_deadline ? "TSC-deadline" : "one-shot";
}

/*
 * The longest wait programmed at once: short enough that no conversion
 * to ticks can overflow, long enough to cost nothing when it comes early.
 */
#define APIC_TIMER_MAX_WAIT SECONDS(1)

void apic_timer_program(s_time_t deadline)
{
    s_time_t now, wait;
    uint64_t ticks;

    if ( deadline == STIME_MAX )
    {
        /* Both modes stop on 0; nothing else may ever write it. */
        if ( tsc_deadline )
            wrmsr(MSR_IA32_TSC_DEADLINE, 0);
        else
            apic_write(APIC_TMICT, 0);
        return;
    }
    now = NOW();
    /* Deadlines long passed (or negative) are due now. */
    wait = deadline > now ? deadline - now : 0;
    if ( wait > APIC_TIMER_MAX_WAIT )
        wait = APIC_TIMER_MAX_WAIT;
    if ( tsc_deadline )
    {
        /* Convert back through NOW()'s scale: tsc = now_tsc + delta. */
        ticks = (uint64_t)wait * tsc_khz() / 1000000;
        wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + ticks + 1);
        return;
    }
    apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR); /* one-shot */
    ticks = time_scale_delta((uint64_t)wait, &ns_to_apic);
    /* At least 1: a count of 0 would stop the timer. */
    apic_write(APIC_TMICT, ticks == 0             ? 1
                           : ticks > 0xffffffffu ? 0xffffffffu
                                                 : (uint32_t)ticks);
}
