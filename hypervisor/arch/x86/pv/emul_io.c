/* SPDX-License-Identifier: GPL-2.0-only */
/* Port I/O from PV guests: who may touch which port, and what it does. */
#include <xenia/acpi.h>
#include <xenia/serial.h>
#include <asm/io.h>
#include <asm/pv.h>

/*
 * The guest's virtual IOPL (PHYSDEVOP_set_iopl) against its virtual CPL:
 * the kernel counts as ring 1, user space as ring 3, as on Xen.
 */
bool pv_iopl_ok(const struct vcpu *v)
{
    return v->arch.iopl >= (v->arch.kernel_mode ? 1u : 3u);
}

/*
 * Ports Dom0 reaches for real: everything except what Xenia itself drives
 * or must keep consistent (the interrupt controllers, the PIT channels
 * behind its timekeeping, its console UART, the ACPI PM timer it checks
 * its clock against, as Xen hides it too) and PCI configuration space,
 * which Dom0 sees as an empty bus until devices are handed over.
 */
static bool dom0_port_ok(unsigned int port, unsigned int size, bool write,
                         uint32_t val)
{
    unsigned int uart = ns16550_io_base(), pmt = acpi_info.pm_tmr_port, p;

    for ( p = port; p < port + size; p++ )
    {
        switch ( p )
        {
        case 0x20: case 0x21: case 0xa0: case 0xa1: /* 8259 PICs */
        case 0x40: case 0x41:                        /* PIT channels 0, 1 */
        case 0x4d0: case 0x4d1:                      /* ELCR */
            return false;
        case 0x43: /* PIT mode: only commands for channel 2 */
            if ( write && (val >> 6) != 2 )
                return false;
            break;
        default:
            if ( p >= 0xcf8 && p <= 0xcff )
                return false;
            if ( uart && p >= uart && p < uart + 8u )
                return false;
            if ( pmt && p >= pmt && p < pmt + 4u )
                return false;
            break;
        }
    }
    return true;
}

static uint32_t port_in(unsigned int port, unsigned int size)
{
    uint32_t v;

    switch ( size )
    {
    case 1:
        return inb(port);
    case 2:
        asm volatile("inw %w1, %w0" : "=a"(v) : "Nd"(port));
        return v & 0xffff;
    default:
        return inl(port);
    }
}

static void port_out(unsigned int port, unsigned int size, uint32_t v)
{
    switch ( size )
    {
    case 1:
        outb(v, port);
        break;
    case 2:
        outw(v, port);
        break;
    default:
        asm volatile("outl %0, %w1" ::"a"(v), "Nd"(port));
        break;
    }
}

/*
 * in/out with an 8-bit immediate port (e4-e7) or %dx (ec-ef), 0x66 for
 * 16-bit operands. A guest without the IOPL for it gets the #GP the
 * hardware would give; a permitted access to a port the guest may not
 * own reads as all ones and drops writes, as absent hardware would
 * (Linux probes ports with no fault handler: research, section 0.7).
 */
bool pv_emulate_io(struct vcpu *v, struct cpu_user_regs *regs,
                   const uint8_t *insn, unsigned int len)
{
    unsigned int pfx = insn[0] == 0x66, n, size, port;
    uint32_t val = 0;
    uint8_t op;
    bool write;

    if ( len < pfx + 1 )
        return false;
    op = insn[pfx];
    if ( (op & 0xf4) != 0xe4 )
        return false;
    n = pfx + ((op & 0x08) ? 1 : 2);
    if ( n > len || !pv_iopl_ok(v) )
        return false;
    size = (op & 1) ? (pfx ? 2 : 4) : 1;
    port = (op & 0x08) ? (uint16_t)regs->rdx : insn[pfx + 1];
    write = op & 2;
    if ( write )
        val = (uint32_t)regs->rax;

    if ( v->domain->is_privileged && dom0_port_ok(port, size, write, val) )
    {
        if ( write )
            port_out(port, size, val);
        else
            val = port_in(port, size);
    }
    else if ( !write )
        val = ~0u;

    if ( !write )
    {
        if ( size == 4 )
            regs->rax = val; /* 32-bit results zero-extend */
        else
            regs->rax = (regs->rax & ~((1UL << (size * 8)) - 1)) |
                        (val & ((1UL << (size * 8)) - 1));
    }
    regs->rip += n;
    return true;
}
