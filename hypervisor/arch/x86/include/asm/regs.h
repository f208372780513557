/* SPDX-License-Identifier: GPL-2.0-only */
/* A guest's general-purpose registers by their instruction-encoding number. */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <xenia/types.h>
#include <xen/xen.h>

/*
 * n is ModRM.reg or .rm with its REX bit: 0 = rax ... 15 = r15. A table
 * rather than a switch: every emulated PTE write (ptwr.c) reads one
 * register and an xchg writes one back.
 */
static inline uint64_t *guest_gpr(struct cpu_user_regs *r, unsigned int n)
{
#define GPR(x) offsetof(struct cpu_user_regs, x)
    static const uint8_t off[16] = {
        GPR(rax), GPR(rcx), GPR(rdx), GPR(rbx), GPR(rsp), GPR(rbp),
        GPR(rsi), GPR(rdi), GPR(r8),  GPR(r9),  GPR(r10), GPR(r11),
        GPR(r12), GPR(r13), GPR(r14), GPR(r15),
    };
#undef GPR
    _Static_assert(sizeof(struct cpu_user_regs) <= 256,
                   "guest_gpr: offsets must fit a byte");

    return (uint64_t *)((char *)r + off[n & 15]);
}

#endif /* ASM_REGS_H */
