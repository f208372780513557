/* SPDX-License-Identifier: GPL-2.0-only */
/* printk(), log levels and the console ring. */
#ifndef XENIA_CONSOLE_H
#define XENIA_CONSOLE_H

#include <xenia/lib.h>

/*
 * Levels travel as a prefix of the format string, as in Xen, so that a
 * message keeps its level on one grep-able source line.
 */
#define XENLOG_ERR     "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO    "<2>"
#define XENLOG_DEBUG   "<3>"
/* Anything a guest can trigger: filtered by guest_loglvl instead. */
#define XENLOG_GUEST   "<G>"
#define XENLOG_G_ERR     XENLOG_GUEST XENLOG_ERR
#define XENLOG_G_WARNING XENLOG_GUEST XENLOG_WARNING
#define XENLOG_G_INFO    XENLOG_GUEST XENLOG_INFO
#define XENLOG_G_DEBUG   XENLOG_GUEST XENLOG_DEBUG

enum { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);

/* Serial output from the first instruction of C, with default settings. */
void console_init_early(void);
/* Apply console=, com1=, loglvl= once the command line is parsed. */
void console_init_postparse(void);

/* A guest's console bytes as they are: no prefix, no level (Dom0, as on Xen). */
void console_write_raw(const char *s, size_t len);

/* Read the ring from *pos on; returns bytes copied and advances *pos. */
size_t console_ring_read(char *buf, size_t len, uint64_t *pos);
/* The position one past the newest character written to the ring. */
uint64_t console_ring_end(void);

/* After a fatal error: take the console whatever its lock says. */
void console_force_unlock(void);

/*
 * Serial input (console_input.c): bytes from the UART go to Dom0 or, after
 * Ctrl-A three times, to the debug keys. console_read_input() is Dom0's
 * CONSOLEIO_read.
 */
void console_rx_char(char c);
void console_serial_interrupt(void);
size_t console_read_input(char *buf, size_t len);
/* Take serial input interrupts on this CPU's vector (once, at boot). */
void console_init_irq(unsigned int vector, uint32_t apic_id);
/* Say where input goes, as Xen does before Dom0 starts. */
void console_input_start(void);

void __noreturn panic(const char *fmt, ...) __printf(1, 2);

#endif /* XENIA_CONSOLE_H */
