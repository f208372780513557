/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vif = [ 'SPEC' ] entries, as xl's parse_nic_config and libxlu's rate
 * parser read them (X:tools/xl/xl_parse.c:419-575,
 * X:tools/libs/util/libxlu_vif.c). Stricter than xl where xl silently
 * accepts junk: a MAC must be exactly six hex pairs, and an unknown key is
 * an error rather than a warning, so a typo never yields a default vif.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vifspec.h"

void vifspec_init(struct vifspec *v)
{
    memset(v, 0, sizeof(*v));
    v->devid = -1;
    v->trusted = 1;
}

void vifspec_free(struct vifspec *v)
{
    free(v->bridge);
    free(v->script);
    free(v->vifname);
    free(v->ip);
    free(v->gatewaydev);
    free(v->model);
    vifspec_init(v);
}

void vifspec_default_mac(unsigned char mac[6], const unsigned char rnd[3])
{
    mac[0] = 0x00;
    mac[1] = 0x16;
    mac[2] = 0x3e;
    mac[3] = rnd[0] & 0x7f;
    mac[4] = rnd[1];
    mac[5] = rnd[2];
}

void vifspec_mac_string(const unsigned char mac[6], char *buf)
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
             mac[3], mac[4], mac[5]);
}

static int hexval(int c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    c = tolower(c);
    if ( c >= 'a' && c <= 'f' )
        return c - 'a' + 10;
    return -1;
}

/* Exactly xx:xx:xx:xx:xx:xx; a multicast address could never be a NIC's. */
static int parse_mac(const char *s, unsigned char mac[6])
{
    unsigned int i;

    if ( strlen(s) != 17 )
        return -1;
    for ( i = 0; i < 6; i++ )
    {
        int hi = hexval((unsigned char)s[3 * i]);
        int lo = hexval((unsigned char)s[3 * i + 1]);

        if ( hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':') )
            return -1;
        mac[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

static int fail(char *err, size_t len, const char *spec, const char *fmt, ...)
{
    char msg[192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(err, len, "vif '%s': %s", spec, msg);
    return -1;
}

/* A decimal number with nothing after it but what *end may point at. */
static int number(const char *s, const char **end, uint64_t *n)
{
    char *e;

    if ( !isdigit((unsigned char)*s) )
        return -1;
    errno = 0;
    *n = strtoull(s, &e, 10);
    if ( errno )
        return -1;
    *end = e;
    return 0;
}

int vifspec_parse_rate(const char *s, unsigned long *bytes,
                       unsigned long *usecs, char *err, size_t errlen)
{
    const char *p;
    uint64_t rate, interval = 50000; /* xl's default: 50 ms */

    /* RATE: ^[0-9]+[GMK]?[Bb]/s$, B bytes and b bits. */
    if ( number(s, &p, &rate) )
        goto bad_rate;
    if ( rate == 0 || rate > UINT32_MAX )
        return snprintf(err, errlen, "rate '%s' is out of range", s), -1;
    if ( *p == 'G' || *p == 'M' || *p == 'K' )
    {
        rate *= *p == 'G' ? 1000000000ULL : *p == 'M' ? 1000000ULL : 1000ULL;
        p++;
    }
    if ( *p != 'B' && *p != 'b' )
        goto bad_rate;
    if ( *p == 'b' )
        rate /= 8;
    if ( strncmp(p + 1, "/s", 2) )
        goto bad_rate;
    p += 3;
    if ( *p == '@' )
    {
        /* INTERVAL: ^[0-9]+[mu]?s?$, plain seconds without a unit. */
        if ( number(p + 1, &p, &interval) )
            goto bad_interval;
        if ( interval == 0 || interval > UINT32_MAX )
            return snprintf(err, errlen, "rate interval in '%s' is out of range",
                            s),
                   -1;
        if ( *p == 'm' )
            interval *= 1000, p++;
        else if ( *p == 'u' )
            p++;
        else
            interval *= 1000000;
        if ( *p == 's' )
            p++;
        if ( *p || interval > UINT32_MAX )
            goto bad_interval;
    }
    else if ( *p )
        goto bad_rate;
    *usecs = (unsigned long)interval;
    *bytes = (unsigned long)(rate * interval / 1000000);
    return 0;

bad_rate:
    snprintf(err, errlen,
             "rate '%s' is not RATE/s[@INTERVAL] (e.g. 10Mb/s@20ms)", s);
    return -1;
bad_interval:
    snprintf(err, errlen, "rate '%s' has a bad interval (e.g. @20ms, @50us)",
             s);
    return -1;
}

static void set(char **dst, const char *val)
{
    free(*dst);
    *dst = strdup(val);
    if ( !*dst )
        abort();
}

static int apply(struct vifspec *v, const char *spec, char *key, char *err,
                 size_t errlen)
{
    char *val = strchr(key, '=');
    char *end;
    unsigned long n;

    if ( !val )
    {
        if ( !strcmp(key, "trusted") || !strcmp(key, "untrusted") )
        {
            v->trusted = key[0] == 't';
            return 0;
        }
        return fail(err, errlen, spec, "'%s' is not key=value", key);
    }
    *val++ = 0;
    if ( !strcmp(key, "mac") )
    {
        if ( parse_mac(val, v->mac) )
            return fail(err, errlen, spec,
                        "malformed mac '%s' (want six hex bytes "
                        "xx:xx:xx:xx:xx:xx)",
                        val);
        if ( v->mac[0] & 1 )
            return fail(err, errlen, spec,
                        "mac '%s' is a multicast address (its first byte "
                        "is odd)",
                        val);
        v->has_mac = 1;
        return 0;
    }
    if ( !*val )
        return fail(err, errlen, spec, "%s= has no value", key);
    if ( !strcmp(key, "bridge") )
        return set(&v->bridge, val), 0;
    if ( !strcmp(key, "script") )
        return set(&v->script, val), 0;
    if ( !strcmp(key, "vifname") )
    {
        /* A Linux interface name: IFNAMSIZ - 1, no '/', ':' or space. */
        if ( strlen(val) > 15 || strpbrk(val, "/: \t") )
            return fail(err, errlen, spec,
                        "vifname '%s' is not a valid interface name", val);
        return set(&v->vifname, val), 0;
    }
    if ( !strcmp(key, "ip") )
        return set(&v->ip, val), 0;
    if ( !strcmp(key, "gatewaydev") || !strcmp(key, "netdev") )
        return set(&v->gatewaydev, val), 0;
    if ( !strcmp(key, "model") )
        return set(&v->model, val), 0;
    if ( !strcmp(key, "rate") )
    {
        char why[160];

        if ( vifspec_parse_rate(val, &v->rate_bytes, &v->rate_usecs, why,
                                sizeof(why)) )
            return fail(err, errlen, spec, "%s", why);
        return 0;
    }
    if ( !strcmp(key, "mtu") || !strcmp(key, "devid") )
    {
        errno = 0;
        n = strtoul(val, &end, 10);
        if ( errno || *end || !isdigit((unsigned char)val[0]) )
            return fail(err, errlen, spec, "%s '%s' is not a number", key, val);
        if ( key[0] == 'm' )
        {
            if ( n < 68 || n > 65535 )
                return fail(err, errlen, spec,
                            "mtu %lu is out of range (68..65535)", n);
            v->mtu = (unsigned int)n;
        }
        else
        {
            if ( n > 65535 )
                return fail(err, errlen, spec, "devid %lu is too large", n);
            v->devid = (int)n;
        }
        return 0;
    }
    if ( !strcmp(key, "type") )
    {
        if ( !strcmp(val, "vif") )
            return 0;
        if ( !strcmp(val, "ioemu") )
            return fail(err, errlen, spec,
                        "type=ioemu is an emulated NIC: PV guests take only "
                        "type=vif");
        return fail(err, errlen, spec, "type '%s' is not vif or ioemu", val);
    }
    if ( !strcmp(key, "backend") )
    {
        if ( strcmp(val, "0") && strcmp(val, "Domain-0") )
            return fail(err, errlen, spec,
                        "backend '%s': only Domain-0 runs backends here", val);
        return 0;
    }
    if ( !strcmp(key, "forwarddev") || !strncmp(key, "colo_", 5) ||
         !strcmp(key, "accel") )
        return fail(err, errlen, spec, "%s= is not supported", key);
    return fail(err, errlen, spec, "unknown key '%s'", key);
}

int vifspec_parse(struct vifspec *v, const char *spec, char *err,
                  size_t errlen)
{
    char *copy, *tok, *save = NULL;

    vifspec_init(v);
    copy = strdup(spec);
    if ( !copy )
        abort();
    for ( tok = strtok_r(copy, ",", &save); tok;
          tok = strtok_r(NULL, ",", &save) )
    {
        while ( isspace((unsigned char)*tok) )
            tok++;
        for ( char *e = tok + strlen(tok);
              e > tok && isspace((unsigned char)e[-1]); )
            *--e = 0;
        if ( !*tok )
            continue;
        if ( apply(v, spec, tok, err, errlen) )
        {
            free(copy);
            vifspec_free(v);
            return -1;
        }
    }
    free(copy);
    return 0;
}
