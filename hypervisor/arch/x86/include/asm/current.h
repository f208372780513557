/* SPDX-License-Identifier: GPL-2.0-only */
/* struct cpu_info at the top of every stack, and per-CPU variables. */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

#include <xenia/lib.h>
#include <xen/xen.h>
#include <asm/config.h>

/*
 * Xenia does not use %gs for per-CPU data: PV guests own %gs and its
 * base. Each CPU's stack block is aligned to its size instead, so any
 * stack pointer on it leads to this structure.
 */
struct cpu_info {
    /* A guest's registers land here on entry from ring 3 (TSS.RSP0). */
    struct cpu_user_regs guest_cpu_user_regs;
    unsigned int processor_id;
    void *current_vcpu; /* current_vcpu() */
    /* This CPU's per-CPU TLB flush time, for pv/entry.S's CR3 loads. */
    uint64_t *tlbflush_time;
};

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    asm volatile("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_RESERVE);
}

static inline unsigned long stack_block_base(unsigned long sp)
{
    return sp & ~(unsigned long)(STACK_SIZE - 1);
}

#define smp_processor_id() (get_cpu_info()->processor_id)

/* Per-CPU variables are arrays indexed by CPU number: simple, no %gs. */
#define DEFINE_PER_CPU(type, name) __typeof__(type) per_cpu__##name[CONFIG_NR_CPUS]
#define DECLARE_PER_CPU(type, name)                                            \
    extern __typeof__(type) per_cpu__##name[CONFIG_NR_CPUS]
#define per_cpu(name, cpu) (per_cpu__##name[cpu])
#define this_cpu(name)     per_cpu(name, smp_processor_id())

#endif /* ASM_CURRENT_H */
