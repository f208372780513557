/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One wait loop for the toolstack's "until the other side has written
 * it": device states, the console daemon's pty. A watch makes the wait as
 * short as the other side is quick; the 100 ms re-read means a lost event
 * only costs time.
 */
#include "xswait.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int xs_wait_until(struct xs_handle *fallback, const char *path, int timeout_ms,
                  bool (*done)(struct xs_handle *xs, void *ctx), void *ctx)
{
    long deadline = now_ms() + timeout_ms;
    struct xs_handle *w = xs_open(0);
    bool watching = w && xs_watch(w, path, "xswait");
    int rc = -1, e = ETIMEDOUT;

    for ( ;; )
    {
        char **ev;
        long left;

        if ( done(w ? w : fallback, ctx) )
        {
            rc = 0;
            break;
        }
        left = deadline - now_ms();
        if ( left <= 0 )
            break;
        if ( watching && (ev = xs_check_watch(w)) )
        {
            free(ev);
            continue;
        }
        struct pollfd p = {.fd = watching ? xs_fileno(w) : -1,
                           .events = POLLIN};
        poll(&p, 1, left < 100 ? (int)left : 100);
    }
    if ( w )
        xs_close(w);
    if ( rc )
        errno = e;
    return rc;
}
