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

static struct time_scale tsc_scale;
static uint64_t tsc_at_boot;
static uint64_t tsc_hz;

/*
 * Count TSC ticks while PIT channel 2 counts down CALIBRATE_MS in mode 0
 * (output goes high at terminal count). The PIT's crystal is the one
 * clock every PC, and every emulator, keeps honest.
 */
static uint64_t calibrate_tsc_pit(void)
{
    uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
    uint64_t start, end;
    unsigned long spins = 0;

    outb((inb(PIT_GATE_PORT) & ~0x02) | 0x01, PIT_GATE_PORT);
    outb(0xb0, PIT_MODE); /* channel 2, lo/hi byte, mode 0, binary */
    outb(count & 0xff, PIT_CH2_DATA);
    outb(count >> 8, PIT_CH2_DATA);

    start = rdtsc();
    while ( !(inb(PIT_GATE_PORT) & 0x20) )
        if ( ++spins > 100000000UL )
            panic("PIT channel 2 never reached terminal count: no PIT?\n");
    end = rdtsc();
    return (end - start) * 1000 / CALIBRATE_MS;
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
