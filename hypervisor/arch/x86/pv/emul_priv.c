/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulating what a ring-3 PV kernel cannot do: CPUID policy, MSRs, ports. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>
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
              uint32_t *c, uint32_t *d);

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

    (void)v;
    if ( copy_from_guest(insn, regs->rip, sizeof(insn)) ||
         memcmp(insn, sig, sizeof(sig)) )
        return false;
    pv_cpuid(regs->rax, regs->rcx, &a, &b, &c, &d);
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
        return true; /* accepted and ignored, as Xen does for PV */
    default:
        return false;
    }
}

/*
 * Port I/O from a guest kernel that has no access to the port reads as
 * all ones and drops writes, as absent hardware would: Linux probes ports
 * with no fault handler (shared/research/linux-pv-abi.md, section 0.7).
 * in/out with an 8-bit immediate port (e4-e7) or %dx (ec-ef); 0x66
 * selects 16-bit operands.
 */
static bool emulate_io(struct vcpu *v, struct cpu_user_regs *regs,
                       const uint8_t *insn, unsigned int len)
{
    unsigned int pfx = insn[0] == 0x66, n;
    uint8_t op;
    unsigned int size;

    if ( len < pfx + 1 || !v->arch.kernel_mode )
        return false;
    op = insn[pfx];
    if ( (op & 0xf4) != 0xe4 )
        return false;
    n = pfx + ((op & 0x08) ? 1 : 2);
    if ( n > len )
        return false;
    size = (op & 1) ? (pfx ? 2 : 4) : 1;
    if ( !(op & 2) ) /* in */
    {
        if ( size == 4 )
            regs->rax = 0xffffffffUL; /* 32-bit results zero-extend */
        else
            regs->rax |= (1UL << (size * 8)) - 1;
    }
    regs->rip += n;
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
    return emulate_io(v, regs, insn, len);
}
