/* SPDX-License-Identifier: GPL-2.0-only */
/* The domains test on two CPUs: the same kernel, so the DomU may run beside Dom0. */
#include "../domains/main.c"
