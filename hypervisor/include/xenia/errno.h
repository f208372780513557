/* SPDX-License-Identifier: GPL-2.0-only */
/* Error codes: Xen's own list from the public ABI, returned negated. */
#ifndef XENIA_ERRNO_H
#define XENIA_ERRNO_H

#ifdef XENIA_HOST
/*
 * Host builds (unit tests, tools) get libc's names; Xen took its values
 * from x86 Linux, and tests/unit/test_abi_errno.c proves they agree.
 */
#include <errno.h>
#ifndef ERESTART
#define ERESTART 85
#endif
#else
#ifndef __XEN__
#define __XEN__ /* exposes ERESTART, internal only */
#endif
#define XEN_ERRNO(name, value) name = value,
enum xenia_errno {
#include <xen/errno.h>
};
#endif

#endif /* XENIA_ERRNO_H */
