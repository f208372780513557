/* SPDX-License-Identifier: GPL-2.0-only */
/* One-line error messages, kept with the handle they came from. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int hcall_fail(char *msg, int err, const char *fmt, ...)
{
    char what[HCALL_MSG_LEN / 2];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(msg, HCALL_MSG_LEN, "%s: %s", what, strerror(err));
    errno = err;
    return -1;
}
