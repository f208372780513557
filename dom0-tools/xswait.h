/* SPDX-License-Identifier: GPL-2.0-only */
/* Waiting for a xenstore node to reach a state, as libxl's xswait does. */
#ifndef XSWAIT_H
#define XSWAIT_H

#include <stdbool.h>
#include <xenia/xs.h>

/*
 * Until done(xs, ctx) holds or timeout_ms pass: woken by a watch on path,
 * re-checked at least every 100 ms. The watch has a connection of its own
 * (done() is given it), so the caller's pending watch events (the
 * monitor's @releaseDomain) are neither eaten nor mixed in; without one
 * done() gets fallback and the wait still works, by re-reading.
 * 0 once done, -1 with errno ETIMEDOUT.
 */
int xs_wait_until(struct xs_handle *fallback, const char *path, int timeout_ms,
                  bool (*done)(struct xs_handle *xs, void *ctx), void *ctx);

#endif
