/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fork+exec benchmark's target: no C library and one page of code, so
 * that fork+exec measures the kernel's and the hypervisor's work rather
 * than a static C library's start-up.
 */
void _start(void);

void _start(void)
{
    /* exit_group(0) */
    __asm__ volatile("syscall" : : "a"(231), "D"(0) : "rcx", "r11", "memory");
    __builtin_unreachable();
}
