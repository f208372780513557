/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU SYSCALL entry trampolines and the MSRs that lead to them. */
#include <xenia/lib.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>

extern const char lstar_enter[], cstar_enter[];

#define STUB_SIZE 32
/* In the image (mapped executable), within rel32 reach of the targets. */
static uint8_t syscall_stubs[CONFIG_NR_CPUS][2][STUB_SIZE]
    __attribute__((aligned(STUB_SIZE)));

/*
 * SYSCALL leaves %rsp as the guest had it, and Xenia has no per-CPU
 * register to find its stack with, so each CPU's entry point is a copy
 * with the address of that CPU's guest frame built in:
 *   movabs %rax, frame_top - 8    park %rax in the frame's ss slot
 *   mov    %rsp, %rax
 *   movabs $frame_top - 8, %rsp
 *   push   %rax                   the guest %rsp into the rsp slot
 *   jmp    target
 */
static unsigned long write_stub(uint8_t *p, unsigned long frame_top,
                                const void *target)
{
    uint64_t slot = frame_top - 8;
    int32_t rel;

    p[0] = 0x48, p[1] = 0xa3;
    memcpy(p + 2, &slot, 8);
    p[10] = 0x48, p[11] = 0x89, p[12] = 0xe0;
    p[13] = 0x48, p[14] = 0xbc;
    memcpy(p + 15, &slot, 8);
    p[23] = 0x50;
    p[24] = 0xe9;
    rel = (int32_t)((unsigned long)target - ((unsigned long)p + 29));
    memcpy(p + 25, &rel, 4);
    return (unsigned long)p;
}

void pv_syscall_init_cpu(unsigned int cpu, unsigned long stack_block)
{
    struct cpu_info *ci = (struct cpu_info *)(stack_block + STACK_SIZE -
                                              CPU_INFO_RESERVE);
    unsigned long top = (unsigned long)&ci->guest_cpu_user_regs.es;

    BUILD_BUG_ON(offsetof(struct cpu_info, guest_cpu_user_regs) != 0);
    wrmsr(MSR_LSTAR, write_stub(syscall_stubs[cpu][0], top, lstar_enter));
    wrmsr(MSR_CSTAR, write_stub(syscall_stubs[cpu][1], top, cstar_enter));
    /* SYSCALL: CS 0xe008 / SS 0xe010; SYSRET: CS 0xe033 / SS 0xe02b. */
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) |
                        ((uint64_t)__HYPERVISOR_CS << 32));
    /* Interrupts stay off until the frame is built. */
    wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_TF | 0x400 /* DF */ |
                                X86_EFLAGS_NT | X86_EFLAGS_AC |
                                X86_EFLAGS_VM | X86_EFLAGS_RF);
}
