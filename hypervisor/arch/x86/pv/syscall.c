/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU SYSCALL entry trampolines, and the SYSCALL and SYSENTER MSRs. */
#include <xenia/lib.h>
#include <xenia/sched.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/eflags.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>

extern const char lstar_enter[], cstar_enter[], sysenter_enter[];

#define CPUID1_EDX_SEP (1u << 11)

/*
 * SYSENTER works in long mode only on Intel's CPUs and those of the
 * vendors who copied them (Centaur, Zhaoxin): AMD's and Hygon's raise #UD
 * there. Xen sets the MSRs up on these alone; so does Xenia, so that a
 * guest sees the same CPU either way.
 */
static bool sysenter_in_long_mode(void)
{
    static const char *const vendors[] = {"GenuineIntel", "CentaurHauls",
                                          "  Shanghai  "};
    uint32_t a, v[3];
    unsigned int i;

    cpuid_count(0, 0, &a, &v[0], &v[2], &v[1]);
    if ( !(cpuid_edx(1) & CPUID1_EDX_SEP) )
        return false;
    for ( i = 0; i < ARRAY_SIZE(vendors); i++ )
        if ( !memcmp(v, vendors[i], sizeof(v)) )
            return true;
    return false;
}

#define STUB_SIZE 64
/* In the image (mapped executable), within rel32 reach of the targets. */
static uint8_t syscall_stubs[CONFIG_NR_CPUS][2][STUB_SIZE]
    __attribute__((aligned(STUB_SIZE)));

/*
 * SYSCALL leaves %rsp as the guest had it, and Xenia has no per-CPU
 * register to find its stack with, so each CPU's entry point is a copy
 * with the address of that CPU's guest frame built in:
 *   movabs %rax, frame + ss       park %rax in the frame's ss slot
 *   mov    %rsp, %rax
 *   movabs $frame, %rsp
 *   mov    %rax, rsp(%rsp)        the guest %rsp into the rsp slot
 *   jmp    target
 */
static unsigned long write_stub(uint8_t *p, unsigned long frame,
                                const void *target)
{
    uint64_t slot = frame + offsetof(struct cpu_user_regs, ss);
    int32_t rel, disp = offsetof(struct cpu_user_regs, rsp);

    p[0] = 0x48, p[1] = 0xa3;
    memcpy(p + 2, &slot, 8);
    p[10] = 0x48, p[11] = 0x89, p[12] = 0xe0;
    p[13] = 0x48, p[14] = 0xbc;
    memcpy(p + 15, &frame, 8);
    p[23] = 0x48, p[24] = 0x89, p[25] = 0x84, p[26] = 0x24; /* disp32 */
    memcpy(p + 27, &disp, 4);
    p[31] = 0xe9;
    rel = (int32_t)((unsigned long)target - ((unsigned long)p + 36));
    memcpy(p + 32, &rel, 4);
    return (unsigned long)p;
}

void pv_syscall_init_cpu(unsigned int cpu, unsigned long stack_block)
{
    struct cpu_info *ci = (struct cpu_info *)(stack_block + STACK_SIZE -
                                              CPU_INFO_RESERVE);
    unsigned long top = (unsigned long)&ci->guest_cpu_user_regs.es;
    unsigned long frame = (unsigned long)&ci->guest_cpu_user_regs;

    BUILD_BUG_ON(offsetof(struct cpu_info, guest_cpu_user_regs) != 0);
    wrmsr(MSR_LSTAR, write_stub(syscall_stubs[cpu][0], frame, lstar_enter));
    wrmsr(MSR_CSTAR, write_stub(syscall_stubs[cpu][1], frame, cstar_enter));
    /* SYSCALL: CS 0xe008 / SS 0xe010; SYSRET: CS 0xe033 / SS 0xe02b. */
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) |
                        ((uint64_t)__HYPERVISOR_CS << 32));
    /* Interrupts stay off until the frame is built. */
    wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF |
                                X86_EFLAGS_NT | X86_EFLAGS_AC |
                                X86_EFLAGS_VM | X86_EFLAGS_RF);

    /*
     * SYSENTER switches stacks itself (SS is the CS selector + 8), straight
     * to the guest frame, as an interrupt from a guest does.
     */
    if ( sysenter_in_long_mode() )
    {
        wrmsr(MSR_IA32_SYSENTER_CS, __HYPERVISOR_CS);
        wrmsr(MSR_IA32_SYSENTER_ESP, top);
        wrmsr(MSR_IA32_SYSENTER_EIP, (unsigned long)sysenter_enter);
    }
}

/*
 * SYSENTER from the guest, kernel or user: its sysenter callback, or,
 * with none, #GP(0) at the frame's rip 0, which is what Xen delivers.
 */
void pv_sysenter_entry(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if ( v->arch.sysenter_callback_eip )
        pv_create_bounce_frame(v, regs, v->arch.sysenter_callback_eip, false, 0,
                               v->arch.sysenter_disables_events);
    else
        pv_inject_trap(v, regs, 13, 0);
}
