/* SPDX-License-Identifier: GPL-2.0-only */
/* The CMOS real-time clock: the wall clock at boot, for guests' shared_info. */
#include <xenia/console.h>
#include <xenia/time.h>
#include <asm/io.h>
#include <asm/processor.h>

static uint64_t boot_wall_ns; /* wall-clock nanoseconds at system time 0 */

static uint8_t cmos(uint8_t reg)
{
    outb(reg, 0x70);
    return inb(0x71);
}

static unsigned int bcd(uint8_t v, bool binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Days since 1970-01-01 of a Gregorian date (March-based year). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
    int64_t era;
    unsigned int yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned int)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void rtc_init(void)
{
    unsigned int sec, min, hour, day, mon, year, spins = 0;
    uint8_t b;
    bool binary, h12;

    /* Wait out an update in progress so the fields agree with each other. */
    while ( (cmos(0x0a) & 0x80) && ++spins < 1000000 )
        cpu_relax();
    b = cmos(0x0b);
    binary = b & 0x04;
    h12 = !(b & 0x02);
    sec = bcd(cmos(0x00), binary);
    min = bcd(cmos(0x02), binary);
    hour = cmos(0x04);
    day = bcd(cmos(0x07), binary);
    mon = bcd(cmos(0x08), binary);
    year = bcd(cmos(0x09), binary) + 2000; /* no century register assumed */
    if ( h12 )
        hour = (bcd(hour & 0x7f, binary) % 12) + ((hour & 0x80) ? 12 : 0);
    else
        hour = bcd(hour, binary);
    if ( mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
         sec > 60 )
    {
        printk(XENLOG_WARNING "RTC: nonsense time; guests start at the epoch\n");
        return;
    }
    boot_wall_ns = ((uint64_t)days_from_civil(year, mon, day) * 86400 +
                    hour * 3600 + min * 60 + sec) * 1000000000ULL -
                   (uint64_t)NOW();
    printk(XENLOG_INFO "RTC: %04u-%02u-%02u %02u:%02u:%02u UTC\n", year, mon,
           day, hour, min, sec);
}

uint64_t wallclock_at_boot_ns(void)
{
    return boot_wall_ns;
}

void wallclock_set(uint64_t secs, uint32_t nsecs, s_time_t system_time)
{
    boot_wall_ns = secs * 1000000000ULL + nsecs - (uint64_t)system_time;
}
