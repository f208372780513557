/* SPDX-License-Identifier: GPL-2.0-only */
/* System time: nanoseconds since boot, derived from the TSC. */
#ifndef XENIA_TIME_H
#define XENIA_TIME_H

#include <xenia/types.h>

#define MILLISECS(ms) ((s_time_t)(ms) * 1000000)
#define MICROSECS(us) ((s_time_t)(us) * 1000)
#define SECONDS(s)    ((s_time_t)(s) * 1000000000)

/* Never: the deadline of a timer queue with nothing in it. */
#define STIME_MAX ((s_time_t)(~0ULL >> 1))
/*
 * The longest interval a guest may ask for (a periodic timer's period):
 * NOW() plus it cannot overflow for some 146 years of uptime.
 */
#define STIME_DELTA_MAX ((s_time_t)(~0ULL >> 2))

/*
 * A TSC-to-nanoseconds scale in the pvclock form guests also use:
 * ns = ((delta << shift) * mul_frac) >> 32, shifting right if shift < 0.
 */
struct time_scale {
    int shift;
    uint32_t mul_frac;
};

/* The scale that turns ticks at ticks_per_sec into nanoseconds. */
void time_scale_set(struct time_scale *ts, uint64_t ticks_per_sec);
uint64_t time_scale_delta(uint64_t delta, const struct time_scale *ts);

/* Calibrate the TSC against the PIT; from then on NOW() works. */
void time_init(void);
bool time_is_calibrated(void);
uint64_t tsc_khz(void);

/*
 * A TSC value for the moment read_ref() returned *ref: the tightest of a
 * few bracketed reads, so calibrations are immune to stalls.
 */
uint64_t tsc_sample(uint32_t (*read_ref)(void), uint32_t *ref);

/* Nanoseconds since time_init(). */
s_time_t NOW(void);

/*
 * A consistent (tsc, system time) pair and the TSC scale, for the pvclock
 * records guests read: system_time + scale(rdtsc() - tsc) is NOW().
 */
void time_pvclock_sample(uint64_t *tsc, s_time_t *now, struct time_scale *ts);

/* The wall clock (CMOS RTC), read once at boot after time_init(). */
void rtc_init(void);
/* Nanoseconds since the Unix epoch at system time 0. */
uint64_t wallclock_at_boot_ns(void);
/* Dom0 sets the time of day: secs.nsecs was wall time at system_time. */
void wallclock_set(uint64_t secs, uint32_t nsecs, s_time_t system_time);

/* Busy-wait; only after time_init(). */
void udelay(unsigned long us);

/* Ticks of the ACPI PM timer (3.579545 MHz), the independent reference. */
#define PMTMR_HZ 3579545

#endif /* XENIA_TIME_H */
