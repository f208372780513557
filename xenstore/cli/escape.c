/* SPDX-License-Identifier: GPL-2.0-only */
/* Escaping of possibly-binary values for display, and its reverse. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *escape_value(const char *val, unsigned int len)
{
    static char *buf;
    static size_t cap;
    size_t used = 0;
    unsigned int i;

    /* At most 4 bytes per input byte, plus the NUL. */
    if ( (size_t)len * 4 + 1 > cap )
    {
        cap = (size_t)len * 4 + 1;
        buf = realloc(buf, cap);
        if ( !buf )
            err(1, "malloc");
    }
    for ( i = 0; i < len; i++ )
    {
        unsigned char c = (unsigned char)val[i];

        if ( c >= ' ' && c <= '~' && c != '\\' )
        {
            buf[used++] = (char)c;
            continue;
        }
        buf[used++] = '\\';
        switch ( c )
        {
        case '\t':
            buf[used++] = 't';
            break;
        case '\n':
            buf[used++] = 'n';
            break;
        case '\r':
            buf[used++] = 'r';
            break;
        case '\\':
            buf[used++] = '\\';
            break;
        default:
            used += (size_t)sprintf(buf + used, c < 010 ? "%03o" : "x%02x", c);
        }
    }
    buf[used] = 0;
    return buf;
}

static unsigned int scan(const char **ip, int base, int digits)
{
    unsigned int v = 0;
    int n;

    for ( n = 0; n < digits; n++ )
    {
        char c = (*ip)[0];
        int d;

        if ( c >= '0' && c <= '9' )
            d = c - '0';
        else if ( base == 16 && c >= 'a' && c <= 'f' )
            d = c - 'a' + 10;
        else if ( base == 16 && c >= 'A' && c <= 'F' )
            d = c - 'A' + 10;
        else
            break;
        if ( d >= base )
            break;
        v = v * (unsigned int)base + (unsigned int)d;
        (*ip)++;
    }
    return v;
}

void unescape_value(char *out, unsigned int *len, const char *in)
{
    const char *ip = in;
    char *op = out;
    unsigned int c;

    while ( (c = (unsigned char)*ip++) )
    {
        if ( c == '\\' )
        {
            c = (unsigned char)*ip++;
            switch ( c )
            {
            case 't':
                c = '\t';
                break;
            case 'n':
                c = '\n';
                break;
            case 'r':
                c = '\r';
                break;
            case '\\':
                c = '\\';
                break;
            case 'x':
                c = scan(&ip, 16, 2);
                break;
            case '0':
            case '1':
            case '2':
            case '3':
            case '4':
            case '5':
            case '6':
            case '7':
                ip--;
                c = scan(&ip, 8, 3);
                break;
            case 0:
                ip--;
                c = '\\';
                break;
            default:
                break;
            }
        }
        *op++ = (char)c;
    }
    *op = 0;
    *len = (unsigned int)(op - out);
}
