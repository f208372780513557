/* SPDX-License-Identifier: GPL-2.0-only */
/* Tick-to-nanosecond scales in the pvclock format. */
#include <xenia/lib.h>
#include <xenia/time.h>

/*
 * Find shift and a 32-bit fraction with mul_frac / 2^32 * 2^shift equal
 * to 1e9 / ticks_per_sec, keeping mul_frac in [2^31, 2^32) for the most
 * precision. This is the form Linux's pvclock code reads, so the same
 * scale can later be handed to guests unchanged.
 */
/* The first 32 bits of the binary fraction a / b, for a < b. */
static uint32_t div_frac(uint64_t a, uint64_t b)
{
    uint32_t q = 0;
    unsigned int i;

    for ( i = 0; i < 32; i++ )
    {
        a <<= 1;
        q <<= 1;
        if ( a >= b )
        {
            a -= b;
            q |= 1;
        }
    }
    return q;
}

void time_scale_set(struct time_scale *ts, uint64_t ticks_per_sec)
{
    uint64_t tps = ticks_per_sec, ns = 1000000000;
    int shift = 0;

    ASSERT(ticks_per_sec);
    /* Bring ns/tps into [0.5, 1) by shifting one side. */
    while ( tps > ns * 2 )
    {
        ns <<= 1;
        shift--;
    }
    while ( ns >= tps )
    {
        tps <<= 1;
        shift++;
    }
    ts->mul_frac = div_frac(ns, tps);
    ts->shift = shift;
}

uint64_t time_scale_delta(uint64_t delta, const struct time_scale *ts)
{
    if ( ts->shift < 0 )
        delta >>= -ts->shift;
    else
        delta <<= ts->shift;
    return (uint64_t)(((unsigned __int128)delta * ts->mul_frac) >> 32);
}
