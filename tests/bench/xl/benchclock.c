/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xl benchmark's clock in Dom0 (busybox's date has no sub-second
 * field): "benchclock now" prints CLOCK_MONOTONIC in microseconds;
 * "benchclock wait FILE TEXT SECONDS" polls FILE every millisecond and
 * prints the time at which it first holds TEXT ("" for any byte), or
 * exits 1 after SECONDS.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int holds(const char *path, const char *text)
{
    static char buf[1 << 20];
    FILE *f = fopen(path, "r");
    size_t n;

    if ( !f )
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    return *text ? memmem(buf, n, text, strlen(text)) != NULL : n > 0;
}

int main(int argc, char **argv)
{
    struct timespec ms = {0, 1000000};
    long long end;

    if ( argc == 2 && !strcmp(argv[1], "now") )
    {
        printf("%lld\n", now_us());
        return 0;
    }
    if ( argc != 5 || strcmp(argv[1], "wait") )
    {
        fprintf(stderr, "usage: benchclock now | wait FILE TEXT SECONDS\n");
        return 2;
    }
    end = now_us() + atoll(argv[4]) * 1000000;
    while ( now_us() < end )
    {
        if ( holds(argv[2], argv[3]) )
        {
            printf("%lld\n", now_us());
            return 0;
        }
        nanosleep(&ms, NULL);
    }
    fprintf(stderr, "benchclock: no '%s' in %s after %s s\n", argv[3], argv[2],
            argv[4]);
    return 1;
}
