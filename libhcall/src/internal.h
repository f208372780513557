/* SPDX-License-Identifier: GPL-2.0-only */
/* What the files of libhcall share: the handles and the error recorder. */
#ifndef HCALL_INTERNAL_H
#define HCALL_INTERNAL_H

#include <stdarg.h>
#include "hcall.h"

#define HCALL_MSG_LEN 256

struct hcall {
    int fd;        /* /dev/xen/privcmd */
    int buf_fd;    /* /dev/xen/hypercall, or -1: use mlock */
    void *scratch; /* one page for small calls */
    int scratch_busy;
    char msg[HCALL_MSG_LEN];
};

/* Record "what: strerror(err)" (or the formatted text), set errno, return -1. */
int hcall_fail(char *msg, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Xen's errno values are Linux's on x86: a negative result is -errno. */
static inline int hcall_rc_errno(long rc)
{
    return rc < 0 ? (int)-rc : 0;
}

#endif /* HCALL_INTERNAL_H */
