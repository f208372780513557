/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the pvclock-form tick-to-nanosecond scale. */
#include "check.h"
#include "../../hypervisor/common/time_scale.c"

/* Relative error of the scale for one frequency, in parts per billion. */
static long long ppb_error(uint64_t hz, uint64_t ticks)
{
    struct time_scale ts;
    unsigned __int128 exact = (unsigned __int128)ticks * 1000000000u / hz;
    uint64_t got;

    time_scale_set(&ts, hz);
    got = time_scale_delta(ticks, &ts);
    if ( !exact )
        return got == 0 ? 0 : 1000000000;
    return (long long)(((__int128)got - (__int128)exact) * 1000000000 /
                       (__int128)exact);
}

static void run_tests(void)
{
    static const uint64_t freqs[] = {
        3579545,    /* ACPI PM timer */
        1193182,    /* PIT */
        1000000000, /* exactly 1 GHz: identity */
        2993123456, 3600000000, 5000000000, 25000000, 14318180,
        999999999, 1000000001, 100000000000ULL,
    };
    struct time_scale ts;
    unsigned int i;

    for ( i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++ )
    {
        long long e = ppb_error(freqs[i], freqs[i] * 10); /* 10 s */

        CHECK(e >= -2 && e <= 2);
        time_scale_set(&ts, freqs[i]);
        CHECK(ts.mul_frac >= 0x80000000u);
    }
    /* 1 GHz maps ticks to nanoseconds one to one. */
    time_scale_set(&ts, 1000000000);
    CHECK_EQ(time_scale_delta(123456789, &ts), 123456789);
    /* Long intervals stay exact to a few ppb: a day at 3 GHz. */
    CHECK(ppb_error(3000000000u, 3000000000ull * 86400) <= 1);
    CHECK_EQ(time_scale_delta(0, &ts), 0);
}
