/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing Xen's com1= option into a serial configuration. */
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/serial.h>

static int parse_dps(const char *s, const char **end, struct serial_config *c)
{
    if ( s[0] < '5' || s[0] > '8' )
        return -EINVAL;
    if ( s[1] != 'n' && s[1] != 'o' && s[1] != 'e' )
        return -EINVAL;
    if ( s[2] != '1' && s[2] != '2' )
        return -EINVAL;
    c->data_bits = s[0] - '0';
    c->parity = s[1];
    c->stop_bits = s[2] - '0';
    *end = s + 3;
    return 0;
}

static int parse_number(const char *s, const char **end, unsigned long max,
                        unsigned long *out)
{
    char *e;
    unsigned long v = strtoul(s, &e, 0);

    if ( e == s || v > max )
        return -EINVAL;
    *end = e;
    *out = v;
    return 0;
}

int serial_parse_config(const char *val, struct serial_config *cfg)
{
    struct serial_config c = *cfg;
    const char *s = val;
    unsigned long n;

    if ( !strncmp(s, "auto", 4) )
        s += 4;
    else if ( parse_number(s, &s, 4000000, &n) || !n )
        return -EINVAL;
    else
        c.baud = n;
    if ( *s == '/' && parse_number(s + 1, &s, ~0UL, &n) ) /* clock: unused */
        return -EINVAL;
    if ( *s == ',' && s[1] != ',' && parse_dps(s + 1, &s, &c) )
        return -EINVAL;
    if ( *s == ',' && s[1] == ',' )
        s++;
    if ( *s == ',' )
    {
        if ( parse_number(s + 1, &s, 0xffff, &n) || !n )
            return -EINVAL;
        c.io_base = n;
    }
    if ( *s == ',' )
    {
        if ( parse_number(s + 1, &s, 255, &n) )
            return -EINVAL;
        c.irq = n;
    }
    if ( *s )
        return -EINVAL;
    *cfg = c;
    return 0;
}
