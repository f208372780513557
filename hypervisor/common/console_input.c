/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Serial input: it belongs to Dom0 (CONSOLEIO_read, VIRQ_CONSOLE) until
 * the admin types Ctrl-A three times, as on Xen; then keys go to Xenia's
 * debug-key handlers until the next three Ctrl-As.
 */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/event.h>
#include <xenia/keyhandler.h>
#include <xenia/serial.h>
#include <xenia/spinlock.h>

#define SWITCH_CODE 0x01 /* Ctrl-A */
#define RX_RING     1024  /* bytes Dom0 has not read yet; more are dropped */

static DEFINE_SPINLOCK(rx_lock);
static char rx_ring[RX_RING];
static unsigned int rx_prod, rx_cons; /* free-running */
static unsigned int switch_count;
static bool input_to_xenia;

static void announce(void)
{
    printk(XENLOG_INFO "*** Serial input to %s (type 'CTRL-a' three times "
                       "to switch input)\n",
           input_to_xenia ? "Xenia" : "DOM0");
}

void console_input_start(void)
{
    announce();
}

/* One byte for whoever has the input; called with rx_lock held. */
static bool deliver(char c)
{
    if ( input_to_xenia )
    {
        spin_unlock(&rx_lock);
        handle_keypress(c);
        spin_lock(&rx_lock);
        return false;
    }
    if ( rx_prod - rx_cons < RX_RING )
        rx_ring[rx_prod++ % RX_RING] = c;
    return true;
}

void console_rx_char(char c)
{
    unsigned long flags = spin_lock_irqsave(&rx_lock);
    bool for_dom0 = false;

    if ( c == SWITCH_CODE )
    {
        if ( ++switch_count == 3 )
        {
            switch_count = 0;
            input_to_xenia = !input_to_xenia;
            spin_unlock_irqrestore(&rx_lock, flags);
            announce();
            return;
        }
        spin_unlock_irqrestore(&rx_lock, flags);
        return;
    }
    /* Fewer than three Ctrl-As were meant for the reader, not for us. */
    for ( ; switch_count; switch_count-- )
        for_dom0 |= deliver(SWITCH_CODE);
    for_dom0 |= deliver(c);
    spin_unlock_irqrestore(&rx_lock, flags);

    if ( for_dom0 && hardware_domain() )
        send_guest_vcpu_virq(hardware_domain()->vcpu[0], VIRQ_CONSOLE);
}

void console_serial_interrupt(void)
{
    int c;
    unsigned int n = 0;

    /* Bounded: a UART stuck saying "data ready" must not wedge the CPU. */
    while ( n++ < 256 && (c = ns16550_getc()) >= 0 )
        console_rx_char((char)c);
}

size_t console_read_input(char *buf, size_t len)
{
    unsigned long flags = spin_lock_irqsave(&rx_lock);
    size_t n = 0;

    while ( n < len && rx_cons != rx_prod )
        buf[n++] = rx_ring[rx_cons++ % RX_RING];
    spin_unlock_irqrestore(&rx_lock, flags);
    return n;
}
