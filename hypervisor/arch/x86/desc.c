/* SPDX-License-Identifier: GPL-2.0-only */
/* Each CPU's GDT (with the ABI's reserved selectors), the IDT and the TSS. */
#include <xenia/lib.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <xen/xen.h>

struct gate64 {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type_attr; /* P | DPL | type */
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t reserved;
};
BUILD_BUG_ON(sizeof(struct gate64) != 16);
BUILD_BUG_ON(__RING3_CS32 != FLAT_RING3_CS32);
BUILD_BUG_ON(__RING3_DS != FLAT_RING3_DS32);
BUILD_BUG_ON(__RING3_CS64 != FLAT_RING3_CS64);
BUILD_BUG_ON(__RING3_DS != FLAT_RING3_SS64);
BUILD_BUG_ON(TSS_SELECTOR >> 3 != FIRST_RESERVED_GDT_ENTRY + 8);

static struct gate64 idt_table[256] __aligned(16);
static DEFINE_PER_CPU(struct tss64, tss);

#define GATE_INTR 0x8e /* present, DPL 0, 64-bit interrupt gate */

/*
 * The reserved entries, from 0xe000 on. Guests get the FLAT_RING3_*
 * selectors of the ABI; the order CS32, DS, CS64 is what SYSRET expects.
 */
static const uint64_t reserved_gdt[] = {
    [(__HYPERVISOR_CS & 0x1ff) >> 3] = 0x00af9b000000ffff,
    [(__HYPERVISOR_DS & 0x1ff) >> 3] = 0x00cf93000000ffff,
    [(__HYPERVISOR_CS32 & 0x1ff) >> 3] = 0x00cf9b000000ffff,
    [(__RING3_CS32 & 0x1ff) >> 3] = 0x00cffb000000ffff,
    [(__RING3_DS & 0x1ff) >> 3] = 0x00cff3000000ffff,
    [(__RING3_CS64 & 0x1ff) >> 3] = 0x00affb000000ffff,
};

static void set_gate(unsigned int vec, unsigned long addr, unsigned int ist)
{
    struct gate64 *g = &idt_table[vec];

    g->off_lo = addr & 0xffff;
    g->sel = __HYPERVISOR_CS;
    g->ist = ist;
    g->type_attr = GATE_INTR;
    g->off_mid = (addr >> 16) & 0xffff;
    g->off_hi = addr >> 32;
    g->reserved = 0;
}

static void idt_init_once(void)
{
    static bool done;
    unsigned int v;

    if ( done )
        return;
    for ( v = 0; v < 256; v++ )
        set_gate(v, entry_stubs[v], 0);
    /* These can arrive on a broken stack; give them stacks of their own. */
    set_gate(2, entry_stubs[2], IST_NMI);
    set_gate(8, entry_stubs[8], IST_DF);
    set_gate(18, entry_stubs[18], IST_MC);
    /*
     * A #DB held back by mov/pop %ss arrives after a following SYSCALL,
     * on Xenia's first instruction but still on the guest's %rsp
     * (CVE-2018-8897): it must not use whatever stack it finds.
     */
    set_gate(1, entry_stubs[1], IST_DB);
    /* int3 and into from a guest arrive as themselves, not as #GP. */
    idt_table[3].type_attr = GATE_INTR | 0x60;
    idt_table[4].type_attr = GATE_INTR | 0x60;
    done = true;
}

static void write_tss_desc(uint64_t *gdt, const struct tss64 *t)
{
    uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;
    uint64_t *d = &gdt[TSS_SELECTOR >> 3];

    d[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
           (0x89UL << 40) /* present, available 64-bit TSS */ |
           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    d[1] = base >> 32;
}

void desc_init_cpu(unsigned int cpu, void *gdt_page, unsigned long stack_block)
{
    uint64_t *gdt = gdt_page;
    struct tss64 *t = &per_cpu(tss, cpu);
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed gdtr = {GDT_ENTRIES * 8 - 1, (uint64_t)gdt},
               idtr = {sizeof(idt_table) - 1, (uint64_t)idt_table};
    unsigned int i;

    idt_init_once();
    for ( i = 0; i < ARRAY_SIZE(reserved_gdt); i++ )
        gdt[FIRST_RESERVED_GDT_ENTRY + i] = reserved_gdt[i];

    memset(t, 0, sizeof(*t));
    /*
     * An interrupt or exception from a guest must build its frame exactly
     * over cpu_info's guest_cpu_user_regs, where SYSCALL entries put it
     * too: the exit path recognises guest frames by that address and
     * delivers events and reschedules only for them. The hardware pushes
     * ss last-in-first, so RSP0 is just past the frame's ss slot.
     */
    BUILD_BUG_ON((STACK_SIZE - CPU_INFO_RESERVE +
                  offsetof(struct cpu_user_regs, es)) % 16);
    t->rsp[0] = stack_block + STACK_SIZE - CPU_INFO_RESERVE +
                offsetof(struct cpu_user_regs, es);
    t->ist[IST_DF - 1] = stack_block + (IST_DF_PAGE + 1) * 4096;
    t->ist[IST_NMI - 1] = stack_block + (IST_NMI_PAGE + 1) * 4096;
    t->ist[IST_MC - 1] = stack_block + (IST_MC_PAGE + 1) * 4096;
    t->ist[IST_DB - 1] = stack_block + (IST_DB_PAGE + 1) * 4096;
    t->iomap_base = sizeof(*t); /* no bitmap: ring 3 may touch no port */
    write_tss_desc(gdt, t);

    asm volatile("lgdt %0\n\t"
                 "lidt %1\n\t"
                 /* Reload CS with a far return, then the data selectors. */
                 "pushq %2\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "mov %3, %%ds\n\t"
                 "mov %3, %%es\n\t"
                 "mov %3, %%ss\n\t"
                 "ltr %w4\n\t"
                 /*
                  * A null LDT. The LDTR left from reset has base 0 and
                  * limit 0xffff: every LDT selector a guest used would
                  * read its descriptor (a gate into ring 0, say) from
                  * whatever the guest maps at address 0.
                  */
                 "lldt %w5"
                 :
                 : "m"(gdtr), "m"(idtr), "i"(__HYPERVISOR_CS),
                   "r"(__HYPERVISOR_DS), "r"(TSS_SELECTOR), "r"(0)
                 : "rax", "memory");
}
