/* SPDX-License-Identifier: GPL-2.0-only */
/* Included first in every hypervisor file (-include): code generation. */
#ifndef XENIA_COMPILER_H
#define XENIA_COMPILER_H

/*
 * The image runs at 0xffff82d080000000, outside both the small and the
 * kernel code models, so it is built position-independent. Declaring
 * every symbol hidden makes the compiler reach each one RIP-relative,
 * without a GOT, as Xen does.
 */
#pragma GCC visibility push(hidden)

#endif /* XENIA_COMPILER_H */
