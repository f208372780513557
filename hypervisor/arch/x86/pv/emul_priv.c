/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulating what a ring-3 PV kernel cannot do: CPUID policy, MSRs, ports. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/regs.h>
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
                     (1u << 26) /* XSAVE: state is saved with FXSAVE */ |     \
                     (1u << 27) /* OSXSAVE */ | (1u << 28) /* AVX */ |        \
                     (1u << 29) /* F16C */)
#define L1_ECX_HYPERVISOR (1u << 31)
/* Leaf 7: FSGSBASE would make Linux set CR4 bits; the rest needs XSAVE
 * state, is the host's own protection, or is not virtualised. */
#define L7_EBX_KEEP ((1u << 3) /* BMI1 */ | (1u << 8) /* BMI2 */ |            \
                     (1u << 9) /* ERMS */ | (1u << 18) /* RDSEED */ |         \
                     (1u << 19) /* ADX */ | (1u << 23) /* CLFLUSHOPT */ |     \
                     (1u << 29) /* SHA */)
#define L7_ECX_KEEP ((1u << 22) /* RDPID */)
#define EXT1_EDX_HIDE (1u << 26) /* 1 GiB pages */
#define EXT1_ECX_HIDE (1u << 2) /* SVM */

void pv_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
              uint32_t *c, uint32_t *d)
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
        break;
    case 5: /* MONITOR/MWAIT */
    case 6: /* power management */
    case 0xd: /* XSAVE state: hidden with XSAVE */
        *a = *b = *c = *d = 0;
        break;
    case 7:
        if ( sub == 0 )
        {
            *a = 0;
            *b &= L7_EBX_KEEP;
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
    pv_domain_cpuid(v->domain, regs->rax, regs->rcx, &a, &b, &c, &d);
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
#define PV_CR4_GUEST_MASK X86_CR4_TSD

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
            break;
        default: /* CR2, CR3 and the rest go through hypercalls */
            return false;
        }
    }
    regs->rip += i + 3;
    return true;
}

bool pv_emulate_privileged_op(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t insn[16];
    unsigned int len = sizeof(insn);

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
    return pv_emulate_io(v, regs, insn, len);
}
