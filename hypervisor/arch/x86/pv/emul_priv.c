/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulating what a ring-3 PV kernel cannot do: CPUID policy, MSRs, ports. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/regs.h>
#include <asm/debugreg.h>
#include <asm/xstate.h>
#include <xenia/errno.h>
#include <xenia/hypercall.h>
#include <xen/xen.h>

/* Feature bits hidden from PV guests, and why. */
#define L1_EDX_HIDE ((1u << 1) /* VME */ | (1u << 2) /* DE */ |               \
                     (1u << 3) /* PSE: no superpages in PV page tables */ |   \
                     (1u << 7) /* MCE */ | (1u << 12) /* MTRR */ |            \
                     (1u << 14) /* MCA */ | (1u << 17) /* PSE36 */ |          \
                     (1u << 21) /* DS */ | (1u << 22) /* ACPI */ |            \
                     (1u << 29) /* TM */ | (1u << 31) /* PBE */)
#define L1_ECX_HIDE ((1u << 2) /* DTES64 */ | (1u << 3) /* MONITOR */ |       \
                     (1u << 4) /* DS-CPL */ | (1u << 5) /* VMX */ |           \
                     (1u << 6) /* SMX */ | (1u << 7) /* EST */ |              \
                     (1u << 8) /* TM2 */ | (1u << 15) /* PDCM */ |            \
                     (1u << 17) /* PCID */ | (1u << 21) /* x2APIC */ |        \
                     (1u << 24) /* TSC deadline */ |                          \
                     L1_ECX_OSXSAVE /* the guest's own CR4, below */)
#define L1_ECX_FMA        (1u << 12)
#define L1_ECX_XSAVE      (1u << 26)
#define L1_ECX_OSXSAVE    (1u << 27)
#define L1_ECX_AVX        (1u << 28)
#define L1_ECX_F16C       (1u << 29)
#define L1_ECX_HYPERVISOR (1u << 31)
/* What needs AVX state, hidden with it. */
#define L1_ECX_NEED_YMM (L1_ECX_FMA | L1_ECX_AVX | L1_ECX_F16C)
#define L7_EBX_AVX2     (1u << 5)
/* Leaf 0xd.1 EAX: XSAVEOPT, XSAVEC, XGETBV1; not XSAVES (no IA32_XSS). */
#define LD1_EAX_KEEP 0x7u
/* Leaf 7: FSGSBASE would make Linux set CR4 bits; AVX2 comes with AVX
 * (below); the rest needs XSAVE state Xenia does not hold (AVX-512), is
 * the host's own protection, or is not virtualised. */
#define L7_EBX_KEEP ((1u << 3) /* BMI1 */ | (1u << 8) /* BMI2 */ |            \
                     (1u << 9) /* ERMS */ | (1u << 18) /* RDSEED */ |         \
                     (1u << 19) /* ADX */ | (1u << 23) /* CLFLUSHOPT */ |     \
                     (1u << 29) /* SHA */)
#define L7_ECX_KEEP ((1u << 22) /* RDPID */)
#define EXT1_EDX_HIDE (1u << 26) /* 1 GiB pages */
#define EXT1_ECX_HIDE (1u << 2) /* SVM */

/* Leaf 0xd as Xen gives it to a PV guest: only the offered components. */
static void xstate_leaf(uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
                        uint32_t *d)
{
    uint64_t max = xstate_xcr0_max;

    if ( !max )
        *a = *b = *c = *d = 0;
    else if ( sub == 0 )
    {
        /* EBX is the size for the XCR0 loaded now: the guest's own. */
        *a = (uint32_t)max;
        *d = max >> 32;
        *c = xstate_size_max;
    }
    else if ( sub == 1 )
    {
        *a &= LD1_EAX_KEEP;
        if ( !(*a & 2) ) /* EBX: the XSAVEC size, with IA32_XSS 0 */
            *b = 0;
        *c = *d = 0;
    }
    else if ( sub >= 64 || !((max >> sub) & 1) )
        *a = *b = *c = *d = 0;
}

void pv_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a,
              uint32_t *b, uint32_t *c, uint32_t *d)
{
    if ( leaf >= 0x40000000 && leaf < 0x40010000 )
    {
        *a = *b = *c = *d = 0;
        if ( leaf == 0x40000000 )
        {
            *a = 0x40000002;
            memcpy(b, "XenV", 4);
            memcpy(c, "MMXe", 4);
            memcpy(d, "nVMM", 4);
        }
        else if ( leaf == 0x40000001 )
            *a = (4 << 16) | 17; /* the interface version Xenia offers */
        else if ( leaf == 0x40000002 )
            *a = 1, *b = 0x40000000; /* one hypercall page; MSR base */
        return;
    }
    cpuid_count(leaf, sub, a, b, c, d);
    switch ( leaf )
    {
    case 1:
        *d &= ~L1_EDX_HIDE;
        *c = (*c & ~L1_ECX_HIDE) | L1_ECX_HYPERVISOR;
        if ( !xstate_xcr0_max )
            *c &= ~(L1_ECX_XSAVE | L1_ECX_NEED_YMM);
        else if ( !(xstate_xcr0_max & XSTATE_YMM) )
            *c &= ~L1_ECX_NEED_YMM;
        /*
         * OSXSAVE is the guest's virtual CR4.OSXSAVE, except that (as on
         * Xen, where the PV ABI came to depend on it) the kernel's forced
         * CPUID sees it whenever XSAVE is offered: Linux enables XSAVE only
         * when it sees both bits there.
         */
        if ( v && ((v->arch.ctrlreg[4] & X86_CR4_OSXSAVE) ||
                   (xstate_xcr0_max && v->arch.kernel_mode)) )
            *c |= L1_ECX_OSXSAVE;
        break;
    case 5: /* MONITOR/MWAIT */
    case 6: /* power management */
        *a = *b = *c = *d = 0;
        break;
    case 0xd:
        xstate_leaf(sub, a, b, c, d);
        break;
    case 7:
        if ( sub == 0 )
        {
            *a = 0;
            *b &= L7_EBX_KEEP | (xstate_xcr0_max & XSTATE_YMM ? L7_EBX_AVX2
                                                                : 0);
            *c &= L7_ECX_KEEP;
            *d = 0;
        }
        else
            *a = *b = *c = *d = 0;
        break;
    case 0x80000001:
        *d &= ~EXT1_EDX_HIDE;
        *c &= ~EXT1_ECX_HIDE;
        break;
    default:
        break;
    }
}

/* ud2; .ascii "xen"; cpuid: the ABI's way to ask for the policy above. */
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_user_regs *regs)
{
    static const uint8_t sig[7] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};
    uint8_t insn[7];
    uint32_t a, b, c, d;

    if ( copy_from_guest(insn, regs->rip, sizeof(insn)) ||
         memcmp(insn, sig, sizeof(sig)) )
        return false;
    pv_domain_cpuid(v->domain, v, regs->rax, regs->rcx, &a, &b, &c, &d);
    regs->rax = a, regs->rbx = b, regs->rcx = c, regs->rdx = d;
    regs->rip += sizeof(sig);
    return true;
}

static bool emulate_rdmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint32_t msr = regs->rcx;
    uint64_t val;

    switch ( msr )
    {
    case MSR_FS_BASE:
        val = v->arch.fs_base;
        break;
    case MSR_GS_BASE:
        val = v->arch.gs_base_kernel;
        break;
    case MSR_SHADOW_GS_BASE:
        val = v->arch.gs_base_user;
        break;
    case MSR_EFER:
        val = rdmsr(MSR_EFER);
        break;
    case 0x1a0: /* MISC_ENABLE: fast strings only */
        val = 1;
        break;
    case 0x277: /* PAT: the power-on value Xenia runs with */
        val = 0x0007040600070406UL;
        break;
    case 0x8b: /* microcode revision: none loaded that a guest may know of */
        val = 0;
        break;
    default:
        return false; /* #GP, as Xen does for MSRs it does not know */
    }
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return true;
}

static bool emulate_wrmsr(struct cpu_user_regs *regs)
{
    uint64_t val = ((uint64_t)regs->rdx << 32) | (uint32_t)regs->rax;

    switch ( (uint32_t)regs->rcx )
    {
    /* Linux's first instruction writes GS_BASE this way (research, 0.2). */
    case MSR_FS_BASE:
        return do_set_segment_base(SEGBASE_FS, val) == 0;
    case MSR_GS_BASE:
        return do_set_segment_base(SEGBASE_GS_KERNEL, val) == 0;
    case MSR_SHADOW_GS_BASE:
        return do_set_segment_base(SEGBASE_GS_USER, val) == 0;
    case 0x1a0: /* MISC_ENABLE */
    case 0x277: /* PAT */
    case 0x8b:  /* microcode revision: Intel's read protocol writes 0 first */
        return true; /* accepted and ignored, as Xen does for PV */
    default:
        return false;
    }
}

/* CR4 bits a PV kernel may set in its own view; the rest are Xenia's. */
#define PV_CR4_GUEST_MASK (X86_CR4_TSD | X86_CR4_OSXSAVE)

/*
 * mov to/from a control register (0f 20 / 0f 22, always a register
 * operand). The guest sees the real CR0 with its own virtual TS, and the
 * real CR4 plus the few bits it owns; Linux reads CR4 natively to seed its
 * shadow and writes it back when it toggles bits (research, 3.3). A write
 * is accepted and reduced to what the guest may own, as Xen does.
 */
static bool emulate_mov_cr(struct vcpu *v, struct cpu_user_regs *regs,
                           const uint8_t *insn, unsigned int len)
{
    unsigned int i = 0, rex = 0, cr, modrm;
    uint64_t *reg;

    if ( len > 0 && (insn[0] & 0xf0) == 0x40 )
        rex = insn[i++];
    if ( len < i + 3 || insn[i] != 0x0f ||
         (insn[i + 1] != 0x20 && insn[i + 1] != 0x22) )
        return false;
    modrm = insn[i + 2];
    cr = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    reg = guest_gpr(regs, (modrm & 7) | ((rex & 1) << 3));
    if ( insn[i + 1] == 0x20 )
    {
        switch ( cr )
        {
        case 0:
            *reg = (read_cr0() & ~X86_CR0_TS) |
                   (v->arch.ctrlreg[0] & X86_CR0_TS);
            break;
        case 2:
            *reg = v->vcpu_info->arch.cr2;
            break;
        case 3:
            *reg = pv_guest_cr3(v);
            break;
        case 4:
            *reg = (read_cr4() & ~PV_CR4_GUEST_MASK) |
                   (v->arch.ctrlreg[4] & PV_CR4_GUEST_MASK);
            break;
        default:
            return false;
        }
    }
    else
    {
        switch ( cr )
        {
        case 0: /* only TS may change, as with fpu_taskswitch */
            if ( (*reg ^ read_cr0()) & ~(uint64_t)X86_CR0_TS )
                return false;
            do_fpu_taskswitch(!!(*reg & X86_CR0_TS));
            break;
        case 4:
            v->arch.ctrlreg[4] = *reg & PV_CR4_GUEST_MASK;
            if ( !xstate_xcr0_max ) /* not offered: stays clear */
                v->arch.ctrlreg[4] &= ~X86_CR4_OSXSAVE;
            break;
        default: /* CR2, CR3 and the rest go through hypercalls */
            return false;
        }
    }
    regs->rip += i + 3;
    return true;
}

/*
 * mov to/from a debug register (0f 21 / 0f 23, always a register operand):
 * set_debugreg/get_debugreg's checks. 1 done, 0 not this instruction,
 * -1 refused (#GP(0)).
 */
static int emulate_mov_dr(struct vcpu *v, struct cpu_user_regs *regs,
                          const uint8_t *insn, unsigned int len)
{
    unsigned int i = 0, rex = 0, dr, modrm;
    unsigned long val;
    uint64_t *reg;
    int rc;

    if ( len > 0 && (insn[0] & 0xf0) == 0x40 )
        rex = insn[i++];
    if ( len < i + 3 || insn[i] != 0x0f ||
         (insn[i + 1] != 0x21 && insn[i + 1] != 0x23) )
        return 0;
    modrm = insn[i + 2];
    dr = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    reg = guest_gpr(regs, (modrm & 7) | ((rex & 1) << 3));
    if ( insn[i + 1] == 0x21 )
    {
        rc = pv_get_debugreg(v, dr, &val);
        if ( !rc )
            *reg = val;
    }
    else
        rc = pv_set_debugreg(v, dr, *reg);
    if ( rc == -ENODEV ) /* no such register: #UD, as on Xen */
    {
        pv_inject_trap(v, regs, 6, 0);
        return 1;
    }
    if ( rc )
        return -1;
    regs->rip += i + 3;
    return 1;
}

/*
 * xsetbv (0f 01 d1): the guest's XCR0, validated as Xen does. #UD while
 * its virtual CR4.OSXSAVE is clear, #GP(0) for anything not allowed.
 */
static int emulate_xsetbv(struct vcpu *v, struct cpu_user_regs *regs,
                          const uint8_t *insn, unsigned int len)
{
    if ( len < 3 || insn[0] != 0x0f || insn[1] != 0x01 || insn[2] != 0xd1 )
        return 0;
    if ( !(v->arch.ctrlreg[4] & X86_CR4_OSXSAVE) )
    {
        pv_inject_trap(v, regs, 6, 0);
        return 1;
    }
    if ( xstate_guest_xsetbv(v, regs->rcx,
                             ((uint64_t)regs->rdx << 32) | (uint32_t)regs->rax) )
        return -1;
    regs->rip += 3;
    return 1;
}

bool pv_emulate_privileged_op(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t insn[16];
    unsigned int len = sizeof(insn);
    int rc;

    while ( len && copy_from_guest(insn, regs->rip, len) )
        len--;
    if ( len < 1 )
        return false;
    if ( len >= 2 && insn[0] == 0x0f && insn[1] == 0x32 && v->arch.kernel_mode )
    {
        if ( !emulate_rdmsr(v, regs) )
            return false;
        regs->rip += 2;
        return true;
    }
    if ( len >= 2 && insn[0] == 0x0f && insn[1] == 0x30 && v->arch.kernel_mode )
    {
        if ( !emulate_wrmsr(regs) )
            return false;
        regs->rip += 2;
        return true;
    }
    if ( len >= 2 && insn[0] == 0x0f && insn[1] == 0x06 && v->arch.kernel_mode )
    {
        /* clts: the virtual TS, as fpu_taskswitch(0) and as on Xen. */
        do_fpu_taskswitch(0);
        regs->rip += 2;
        return true;
    }
    if ( len >= 2 && insn[0] == 0x0f && insn[1] == 0x09 && v->arch.kernel_mode )
    {
        /* wbinvd: Dom0's drivers may need it; nobody else can tell. */
        if ( v->domain->is_privileged )
            asm volatile("wbinvd" ::: "memory");
        regs->rip += 2;
        return true;
    }
    if ( (insn[0] == 0xfa || insn[0] == 0xfb) && pv_iopl_ok(v) )
    {
        /*
         * cli/sti with the IOPL for them: a no-op, as on Xen. Linux runs
         * pushf;cli;...;popf in its cmpxchg16b emulation before patching
         * alternatives; the real interrupt flag stays Xenia's, and popf
         * could not restore a virtual one anyway.
         */
        regs->rip += 1;
        return true;
    }
    if ( v->arch.kernel_mode && emulate_mov_cr(v, regs, insn, len) )
        return true;
    if ( v->arch.kernel_mode &&
         ((rc = emulate_mov_dr(v, regs, insn, len)) ||
          (rc = emulate_xsetbv(v, regs, insn, len))) )
        return rc > 0;
    return pv_emulate_io(v, regs, insn, len);
}
