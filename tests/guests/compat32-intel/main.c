/* SPDX-License-Identifier: GPL-2.0-only */
/* The compat32 test on an Intel CPU (boot.conf), where SYSENTER enters the hypervisor from 32-bit user mode. */
#include "../compat32/main.c"
