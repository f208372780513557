/* SPDX-License-Identifier: GPL-2.0-only */
/* Stopping the machine: halt, reboot, and what a fatal error does. */
#ifndef XENIA_SHUTDOWN_H
#define XENIA_SHUTDOWN_H

#include <xenia/lib.h>

/* Stop every CPU for good, with interrupts off. */
void __noreturn machine_halt(void);

/* Reset the machine (keyboard controller, then a triple fault). */
void __noreturn machine_restart(void);

/* ACPI S5 when the firmware describes it; otherwise halt. */
void __noreturn machine_power_off(void);

/*
 * After a fatal error: reboot in five seconds as Xen does, or halt if
 * 'noreboot' was given (or the timer is not running yet).
 */
void __noreturn machine_fatal_stop(void);

#endif /* XENIA_SHUTDOWN_H */
