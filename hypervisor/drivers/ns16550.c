/* SPDX-License-Identifier: GPL-2.0-only */
/* The 16550 UART (COM1): polled output, interrupt-driven input. */
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/serial.h>
#include <asm/io.h>

#define UART_THR 0 /* transmit holding */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_RBR 0 /* receive buffer */
#define UART_DLL 0 /* divisor latch, with LCR.DLAB */
#define UART_DLM 1

#define LCR_DLAB   0x80
#define LSR_THRE   0x20
#define LSR_DR     0x01 /* a received byte is waiting */
#define IER_ERBFI  0x01 /* interrupt on received data */
#define MCR_OUT2   0x08 /* gates the UART's IRQ line on PCs */
#define FCR_ENABLE 0x07 /* enable and clear both FIFOs */
#define MCR_DTR_RTS 0x03

/* Standard PC UARTs divide a 1.8432 MHz clock by 16. */
#define UART_CLOCK_HZ 1843200

static uint16_t uart_port;

int ns16550_init(const struct serial_config *cfg)
{
    unsigned int divisor;
    uint8_t lcr;

    if ( !cfg->baud || cfg->baud > UART_CLOCK_HZ / 16 )
        return -EINVAL;
    divisor = UART_CLOCK_HZ / 16 / cfg->baud;
    lcr = (cfg->data_bits - 5) | ((cfg->stop_bits - 1) << 2);
    switch ( cfg->parity )
    {
    case 'n':
        break;
    case 'o':
        lcr |= 0x08;
        break;
    case 'e':
        lcr |= 0x18;
        break;
    default:
        return -EINVAL;
    }

    uart_port = cfg->io_base;
    outb(0, uart_port + UART_IER); /* polled: no interrupts */
    outb(LCR_DLAB, uart_port + UART_LCR);
    outb(divisor & 0xff, uart_port + UART_DLL);
    outb(divisor >> 8, uart_port + UART_DLM);
    outb(lcr, uart_port + UART_LCR);
    outb(FCR_ENABLE, uart_port + UART_FCR);
    outb(MCR_DTR_RTS, uart_port + UART_MCR);
    return 0;
}

void ns16550_putc(char c)
{
    /*
     * Bounded wait: a missing UART (LSR reads 0xff, so THRE looks set) or
     * a stuck one must not hang the hypervisor.
     */
    unsigned int spins = 100000;

    if ( !uart_port )
        return;
    while ( !(inb(uart_port + UART_LSR) & LSR_THRE) && --spins )
        ;
    outb((uint8_t)c, uart_port + UART_THR);
}

void ns16550_rx_irq_enable(void)
{
    if ( !uart_port )
        return;
    outb(MCR_DTR_RTS | MCR_OUT2, uart_port + UART_MCR);
    outb(IER_ERBFI, uart_port + UART_IER);
}

int ns16550_getc(void)
{
    /* A missing UART reads 0xff everywhere: treat that as "no data". */
    uint8_t lsr;

    if ( !uart_port )
        return -1;
    lsr = inb(uart_port + UART_LSR);
    if ( lsr == 0xff || !(lsr & LSR_DR) )
        return -1;
    return inb(uart_port + UART_RBR);
}

uint16_t ns16550_io_base(void)
{
    return uart_port;
}
