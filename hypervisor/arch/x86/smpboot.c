/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bringing up the other CPUs: each gets a stack block, a GDT and a TSS
 * like CPU 0's, starts in the real-mode trampoline, and joins the
 * scheduler's idle loop once its APIC and timers are set up.
 */
#include <xenia/acpi.h>
#include <xenia/console.h>
#include <xenia/cpumask.h>
#include <xenia/mm.h>
#include <xenia/sched.h>
#include <xenia/time.h>
#include <xenia/timer.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/flushtlb.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xstate.h>
#include <asm/pv.h>
#include <asm/smp.h>

/* trampoline.S: the code copied below 1 MiB and its parameter block. */
extern const char trampoline_start[], trampoline_end[], trampoline_params[];
extern const char trampoline_gdt[], trampoline_prot32[], trampoline_long64[];

struct __packed trampoline_params {
    uint16_t gdt_limit;
    uint32_t gdt_base;
    uint16_t pad0;
    uint32_t jump32_off;
    uint16_t jump32_sel, pad1;
    uint32_t jump64_off;
    uint16_t jump64_sel, pad2;
    uint32_t cr3;
    uint32_t efer;
    volatile uint32_t stage; /* 1 real, 2 protected, 3 long mode, 4 C */
    uint32_t cpu;
    uint64_t stack;
    uint64_t entry;
};

/* trampoline.S lays the block out by hand: the two must agree. */
BUILD_BUG_ON(sizeof(struct trampoline_params) != 56);

static paddr_t trampoline_pa;
static volatile bool cpu_callin[CONFIG_NR_CPUS];

/* An AP needs its stack top, GDT page and CPU number before C runs. */
static void *ap_stack[CONFIG_NR_CPUS];
static void *ap_gdt[CONFIG_NR_CPUS];

void __noreturn start_secondary(unsigned int cpu);

/*
 * The AP turns paging on while running at the trampoline's physical
 * address, so its first page tables also map low memory 1:1: a copy of
 * Xenia's L4 plus a 2 MiB identity page. All of it must be below 4 GiB,
 * since CR3 is loaded in 32-bit mode.
 */
static paddr_t build_boot_tables(void)
{
    mfn_t m = alloc_domheap_pages(2, 32); /* L4, L3, L2 (and one spare) */
    pte_t *l4, *l3, *l2;

    if ( mfn_eq(m, INVALID_MFN) )
        return 0;
    l4 = __va(mfn_to_maddr(m));
    l3 = l4 + PT_ENTRIES;
    l2 = l3 + PT_ENTRIES;
    memcpy(l4, idle_l4, PAGE_SIZE);
    memset(l3, 0, 2 * PAGE_SIZE);
    l4[0] = __pa(l3) | PAGE_TABLE_ENTRY;
    l3[0] = __pa(l2) | PAGE_TABLE_ENTRY;
    l2[0] = 0 | PAGE_HYPERVISOR_RW | _PAGE_PSE;
    return mfn_to_maddr(m);
}

static bool setup_trampoline(void)
{
    struct trampoline_params *p;
    size_t off = trampoline_params - trampoline_start;
    paddr_t cr3 = build_boot_tables();

    /*
     * SIPI starts a CPU below 1 MiB, which mm_init() keeps out of the
     * allocator. 0x8000 is conventional memory that neither the BIOS data
     * areas nor the EBDA use, once the boot loader is done with it.
     */
    trampoline_pa = 0x8000;
    if ( (size_t)(trampoline_end - trampoline_params) != sizeof(*p) ||
         (size_t)(trampoline_end - trampoline_start) > PAGE_SIZE )
        panic("SMP: trampoline.S and struct trampoline_params disagree\n");
    if ( !mfn_is_ram(maddr_to_mfn(trampoline_pa)) || !cr3 )
    {
        printk(XENLOG_ERR "SMP: no memory for the AP trampoline\n");
        return false;
    }
    memcpy(__va(trampoline_pa), trampoline_start,
           trampoline_end - trampoline_start);
    p = (struct trampoline_params *)((char *)__va(trampoline_pa) + off);
    p->gdt_base = trampoline_pa + (trampoline_gdt - trampoline_start);
    p->jump32_off = trampoline_pa + (trampoline_prot32 - trampoline_start);
    p->jump64_off = trampoline_pa + (trampoline_long64 - trampoline_start);
    p->cr3 = cr3;
    p->efer = rdmsr(MSR_EFER) & (EFER_LME | EFER_SCE | EFER_NXE);
    p->entry = (uint64_t)start_secondary;
    return true;
}

static struct trampoline_params *params(void)
{
    return (struct trampoline_params *)((char *)__va(trampoline_pa) +
                                        (trampoline_params - trampoline_start));
}

void start_secondary(unsigned int cpu)
{
    get_cpu_info()->processor_id = cpu;
    tlbflush_init_cpu(cpu);
    /* Off the trampoline's tables: low memory is no longer mapped. */
    write_cr3_flush(xen_va_to_phys(idle_l4));
    desc_init_cpu(cpu, ap_gdt[cpu], stack_block_base((unsigned long)ap_stack[cpu]));
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    xstate_init_cpu(cpu);
    apic_init_ap();
    timers_init_cpu(cpu);
    sched_init_cpu(cpu);
    pv_syscall_init_cpu(cpu, stack_block_base((unsigned long)ap_stack[cpu]));
    pv_gdt_init_cpu(cpu, ap_gdt[cpu]);
    params()->stage = 4;
    cpumask_set_cpu(cpu, &cpu_online_map);
    __atomic_add_fetch(&nr_online_cpus, 1, __ATOMIC_SEQ_CST);
    cpu_callin[cpu] = true;
    sched_run_cpu();
}

static bool boot_one(unsigned int cpu, uint32_t apic)
{
    struct trampoline_params *p = params();
    void *stack = alloc_xenheap_pages(STACK_ORDER);
    void *gdt = alloc_xenheap_pages(4); /* GDT_ENTRIES * 8 = 16 pages */
    s_time_t deadline;

    if ( !stack || !gdt )
    {
        printk(XENLOG_ERR "SMP: no memory for CPU %u\n", cpu);
        free_xenheap_pages(stack, STACK_ORDER);
        free_xenheap_pages(gdt, 4);
        return false;
    }
    memset(gdt, 0, GDT_ENTRIES * 8);
    ap_gdt[cpu] = gdt;
    ap_stack[cpu] = (char *)stack + STACK_SIZE - CPU_STACK_TOP;
    cpu_to_apicid[cpu] = apic;
    p->cpu = cpu;
    p->stack = (uint64_t)ap_stack[cpu];
    p->stage = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    apic_start_ap(apic, trampoline_pa);
    /* Emulators are slow to start a CPU: give it a generous second. */
    deadline = NOW() + SECONDS(2);
    while ( !cpu_callin[cpu] && NOW() < deadline )
        cpu_relax();
    if ( cpu_callin[cpu] )
        return true;
    /*
     * Its stack and GDT stay allocated: a CPU that starts late must not
     * run on memory someone else has been given.
     */
    printk(XENLOG_ERR "SMP: CPU %u (APIC %u) did not start (stage %u)\n",
           cpu, apic, p->stage);
    return false;
}

void smp_boot_cpus(void)
{
    unsigned int i, cpu = 1;
    uint32_t me = apic_id();

    cpu_to_apicid[0] = me;
    cpumask_set_cpu(0, &cpu_online_map);
    if ( acpi_info.nr_cpus <= 1 || !setup_trampoline() )
        return;
    for ( i = 0; i < acpi_info.nr_cpus; i++ )
    {
        uint32_t apic = acpi_info.cpu_apic_id[i];

        if ( apic == me )
            continue;
        if ( cpu >= CONFIG_NR_CPUS )
        {
            printk(XENLOG_WARNING "SMP: CONFIG_NR_CPUS=%u reached: APIC %u "
                                  "and later stay idle\n",
                   CONFIG_NR_CPUS, apic);
            break;
        }
        if ( boot_one(cpu, apic) )
        {
            printk(XENLOG_INFO "CPU %u (APIC %u) is up\n", cpu, apic);
            cpu++;
        }
    }
}
