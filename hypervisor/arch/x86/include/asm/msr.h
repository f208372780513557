/* SPDX-License-Identifier: GPL-2.0-only */
/* Model-specific registers Xenia uses, and their accessors. */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#define MSR_IA32_APIC_BASE    0x0000001b
#define MSR_IA32_SYSENTER_CS  0x00000174
#define MSR_IA32_SYSENTER_ESP 0x00000175
#define MSR_IA32_SYSENTER_EIP 0x00000176
#define MSR_IA32_TSC_DEADLINE 0x000006e0
#define MSR_EFER              0xc0000080
#define MSR_STAR              0xc0000081
#define MSR_LSTAR             0xc0000082
#define MSR_CSTAR             0xc0000083
#define MSR_SYSCALL_MASK      0xc0000084
#define MSR_FS_BASE           0xc0000100
#define MSR_GS_BASE           0xc0000101
#define MSR_SHADOW_GS_BASE    0xc0000102

#define EFER_SCE  (1 << 0)
#define EFER_LME  (1 << 8)
#define EFER_NXE  (1 << 11)

#define APIC_BASE_ENABLE 0x800

#ifndef __ASSEMBLY__
#include <xenia/types.h>

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
    asm volatile("wrmsr" ::"c"(msr), "a"((uint32_t)val),
                 "d"((uint32_t)(val >> 32)));
}
#endif

#endif /* ASM_MSR_H */
