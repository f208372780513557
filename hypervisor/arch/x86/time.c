/* SPDX-License-Identifier: GPL-2.0-only */
/* TSC calibration against the PIT, and system time in nanoseconds. */
#include <xenia/console.h>
#include <xenia/time.h>
#include <asm/io.h>
#include <asm/processor.h>

#define PIT_HZ        1193182
#define PIT_CH2_DATA  0x42
#define PIT_MODE      0x43
#define PIT_GATE_PORT 0x61 /* bit 0: channel 2 gate, bit 5: its output */

#define CALIBRATE_MS 50
#define PIT_FULL     0xffff /* 54.9 ms: the longest mode-0 count */

static struct time_scale tsc_scale;
static uint64_t tsc_at_boot;
static uint64_t tsc_hz;

/*
 * Under emulation (and with SMIs on real machines) the CPU can stall for
 * a millisecond between reading the reference clock and reading the TSC,
 * which skews a 50 ms calibration by 2%. So take several readings, each
 * between two TSC reads, and keep the one with the tightest bracket.
 */
uint64_t tsc_sample(uint32_t (*read_ref)(void), uint32_t *ref)
{
    uint64_t best = ~0ULL, at = 0;

    for ( unsigned int i = 0; i < 5; i++ )
    {
        uint64_t t0 = rdtsc();
        uint32_t r = read_ref();
        uint64_t t1 = rdtsc();

        if ( t1 - t0 < best )
        {
            best = t1 - t0;
            at = t0 + (t1 - t0) / 2;
            *ref = r;
        }
    }
    return at;
}

/* PIT channel 2's current count, latched so the two bytes agree. */
static uint32_t pit_ch2_read(void)
{
    uint32_t lo, hi;

    outb(0x80, PIT_MODE); /* latch channel 2 */
    lo = inb(PIT_CH2_DATA);
    hi = inb(PIT_CH2_DATA);
    return lo | hi << 8;
}

/*
 * Count TSC ticks against PIT channel 2 counting down in mode 0. The
 * PIT's crystal is the one clock every PC, and every emulator, keeps
 * honest. Both ends of the interval are bracketed samples, so a stall
 * anywhere in between costs nothing. A stall that outlasts the count
 * (an emulator descheduled on a loaded host) leaves the last sample
 * taken before the terminal count: at a fifth of the interval or more it
 * is still precise to a few parts per million, so use it rather than
 * start again, which a busy host can make fail every time. Returns 0
 * only when even that sample is too short: the caller tries again.
 */
static uint64_t calibrate_tsc_pit_once(void)
{
    uint32_t target = PIT_HZ * CALIBRATE_MS / 1000, c0 = 0, c1 = 0;
    uint32_t c_ok = 0;
    uint64_t t0, t1, t_ok = 0;

    outb((inb(PIT_GATE_PORT) & ~0x02) | 0x01, PIT_GATE_PORT);
    outb(0xb0, PIT_MODE); /* channel 2, lo/hi byte, mode 0, binary */
    outb(PIT_FULL & 0xff, PIT_CH2_DATA);
    outb(PIT_FULL >> 8, PIT_CH2_DATA);

    t0 = tsc_sample(pit_ch2_read, &c0);
    c_ok = c0;
    for ( unsigned long spins = 0;; spins++ )
    {
        t1 = tsc_sample(pit_ch2_read, &c1);
        /* Output high: terminal count passed, c1 may have wrapped. */
        if ( inb(PIT_GATE_PORT) & 0x20 )
            return c0 - c_ok >= target / 5
                       ? (t_ok - t0) * PIT_HZ / (c0 - c_ok) : 0;
        if ( c1 <= c0 && c0 - c1 >= target )
            return (t1 - t0) * PIT_HZ / (c0 - c1);
        if ( c1 <= c0 )
        {
            t_ok = t1;
            c_ok = c1;
        }
        if ( spins > 100000000UL )
            panic("PIT channel 2 does not count down: no PIT?\n");
    }
}

static uint64_t calibrate_tsc_pit(void)
{
    for ( unsigned int i = 0; i < 10; i++ )
    {
        uint64_t hz = calibrate_tsc_pit_once();

        if ( hz )
            return hz;
    }
    panic("PIT channel 2 ran out on every calibration attempt\n");
}

void time_init(void)
{
    tsc_hz = calibrate_tsc_pit();
    if ( tsc_hz < 1000000 )
        panic("TSC runs at %lu Hz: too slow to keep time\n",
              (unsigned long)tsc_hz);
    time_scale_set(&tsc_scale, tsc_hz);
    tsc_at_boot = rdtsc();
    printk(XENLOG_INFO "Detected %lu.%03lu MHz processor (TSC calibrated "
                       "against the PIT over %u ms)\n",
           (unsigned long)(tsc_hz / 1000000),
           (unsigned long)(tsc_hz / 1000 % 1000), CALIBRATE_MS);
}

bool time_is_calibrated(void)
{
    return tsc_hz != 0;
}

uint64_t tsc_khz(void)
{
    return tsc_hz / 1000;
}

s_time_t NOW(void)
{
    return (s_time_t)time_scale_delta(rdtsc() - tsc_at_boot, &tsc_scale);
}

void time_pvclock_sample(uint64_t *tsc, s_time_t *now, struct time_scale *ts)
{
    *tsc = rdtsc();
    *now = (s_time_t)time_scale_delta(*tsc - tsc_at_boot, &tsc_scale);
    *ts = tsc_scale;
}

void udelay(unsigned long us)
{
    s_time_t end = NOW() + MICROSECS(us);

    while ( NOW() < end )
        cpu_relax();
}
