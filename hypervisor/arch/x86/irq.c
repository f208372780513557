/* SPDX-License-Identifier: GPL-2.0-only */
/* Dispatch of interrupt vectors, and the legacy PIC. */
#include <xenia/console.h>
#include <xenia/timer.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/flushtlb.h>
#include <asm/processor.h>
#include <asm/io.h>
#include <asm/traps.h>

void do_irq(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    switch ( vec )
    {
    case LOCAL_TIMER_VECTOR:
        apic_eoi();
        timer_softirq_action();
        break;
    case EVENT_CHECK_VECTOR:
        /* Nothing to do here: the way out looks at softirqs and events. */
        apic_eoi();
        break;
    case INVALIDATE_TLB_VECTOR:
        flush_tlb_ipi();
        apic_eoi();
        break;
    case TIMER_IPI_VECTOR:
        apic_eoi();
        timer_softirq_action();
        break;
    case STOP_VECTOR:
        apic_eoi();
        halt_this_cpu();
    case SERIAL_VECTOR:
        console_serial_interrupt();
        apic_eoi();
        break;
    case SPURIOUS_APIC_VECTOR:
        break; /* spurious interrupts take no EOI */
    case ERROR_APIC_VECTOR:
        printk(XENLOG_WARNING "APIC error interrupt on vector %u\n", vec);
        apic_eoi();
        break;
    case LEGACY_PIC_VECTOR_BASE + 7:
    case LEGACY_PIC_VECTOR_BASE + 15:
        break; /* the masked 8259s' spurious IRQ 7/15; no EOI either */
    default:
        printk(XENLOG_WARNING "unexpected interrupt vector %u\n", vec);
        apic_eoi();
        break;
    }
}

/*
 * The PICs power up delivering IRQs on vectors 8-15, where the CPU's own
 * exceptions live. Move them to 0x20-0x2f first, so that a spurious IRQ
 * can never pass for a double fault, then mask every line.
 */
void i8259_mask_all(void)
{
    outb(0x11, 0x20); /* ICW1: init, expect ICW4 */
    outb(0x11, 0xa0);
    outb(LEGACY_PIC_VECTOR_BASE, 0x21);     /* ICW2: vector base */
    outb(LEGACY_PIC_VECTOR_BASE + 8, 0xa1);
    outb(0x04, 0x21); /* ICW3: slave on IRQ2 */
    outb(0x02, 0xa1);
    outb(0x01, 0x21); /* ICW4: 8086 mode */
    outb(0x01, 0xa1);
    outb(0xff, 0x21);
    outb(0xff, 0xa1);
}
