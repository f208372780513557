/* SPDX-License-Identifier: GPL-2.0-only */
/* Serial port configuration, as com1= describes it. */
#ifndef XENIA_SERIAL_H
#define XENIA_SERIAL_H

#include <xenia/types.h>

struct serial_config {
    unsigned int baud;
    unsigned int data_bits; /* 5..8 */
    char parity;            /* 'n', 'o' or 'e' */
    unsigned int stop_bits; /* 1 or 2 */
    uint16_t io_base;
    unsigned int irq;       /* input interrupts; output is polled */
};

/*
 * Parse Xen's com1= syntax: <baud>[/<clock>][,DPS[,<io-base>[,<irq>]]],
 * e.g. "115200,8n1" or "115200,8n1,0x3f8,4". "auto" as baud keeps the
 * current one. Fields absent from val keep their value in *cfg.
 */
int serial_parse_config(const char *val, struct serial_config *cfg);

int ns16550_init(const struct serial_config *cfg);
void ns16550_putc(char c);
/* Input: interrupt on each received byte; one byte or -1 if none. */
void ns16550_rx_irq_enable(void);
int ns16550_getc(void);
/* The UART Xenia owns (0: none), which no guest may touch. */
uint16_t ns16550_io_base(void);

#endif /* XENIA_SERIAL_H */
