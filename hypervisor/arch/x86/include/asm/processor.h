/* SPDX-License-Identifier: GPL-2.0-only */
/* Control registers, CPUID and the small privileged instructions. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#define X86_CR0_PE 0x00000001
#define X86_CR0_MP 0x00000002
#define X86_CR0_EM 0x00000004
#define X86_CR0_TS 0x00000008
#define X86_CR0_NE 0x00000020
#define X86_CR0_WP 0x00010000
#define X86_CR0_PG 0x80000000

#define X86_CR4_TSD        0x00000004
#define X86_CR4_PSE        0x00000010
#define X86_CR4_PAE        0x00000020
#define X86_CR4_PGE        0x00000080
#define X86_CR4_OSFXSR     0x00000200
#define X86_CR4_OSXMMEXCPT 0x00000400

#include <asm/eflags.h>

#ifndef __ASSEMBLY__
#include <xenia/types.h>

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a,
                               uint32_t *b, uint32_t *c, uint32_t *d)
{
    asm volatile("cpuid"
                 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                 : "0"(leaf), "2"(sub));
}

static inline uint32_t cpuid_ecx(uint32_t leaf)
{
    uint32_t a, b, c, d;

    cpuid_count(leaf, 0, &a, &b, &c, &d);
    return c;
}

static inline uint32_t cpuid_edx(uint32_t leaf)
{
    uint32_t a, b, c, d;

    cpuid_count(leaf, 0, &a, &b, &c, &d);
    return d;
}

#define DEFINE_CR(n)                                                           \
    static inline unsigned long read_cr##n(void)                               \
    {                                                                          \
        unsigned long v;                                                       \
        asm volatile("mov %%cr" #n ", %0" : "=r"(v));                          \
        return v;                                                              \
    }                                                                          \
    static inline void write_cr##n(unsigned long v)                            \
    {                                                                          \
        asm volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                   \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline unsigned long read_rflags(void)
{
    unsigned long f;

    asm volatile("pushf; pop %0" : "=r"(f));
    return f;
}

static inline void local_irq_disable(void)
{
    asm volatile("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
    asm volatile("sti" ::: "memory");
}

static inline unsigned long local_irq_save(void)
{
    unsigned long f = read_rflags();

    local_irq_disable();
    return f;
}

static inline void local_irq_restore(unsigned long f)
{
    if ( f & X86_EFLAGS_IF )
        local_irq_enable();
}

/* sti;hlt is atomic: an interrupt cannot slip in between and be missed. */
static inline void safe_halt(void)
{
    asm volatile("sti; hlt" ::: "memory");
}

static inline void cpu_relax(void)
{
    asm volatile("pause" ::: "memory");
}

static inline void invlpg(unsigned long va)
{
    asm volatile("invlpg (%0)" ::"r"(va) : "memory");
}

void __noreturn halt_this_cpu(void);

#endif /* __ASSEMBLY__ */
#endif /* ASM_PROCESSOR_H */
