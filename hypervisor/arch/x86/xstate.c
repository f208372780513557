/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest FPU state. Every switch saves the outgoing vCPU's registers and
 * loads the incoming one's (no lazy switching), with XSAVE/XRSTOR when the
 * CPU has them so that guests can use AVX, as on Xen.
 *
 * CR0.TS belongs to the running guest (fpu_taskswitch): it is cleared
 * around Xenia's own saves and loads, which would otherwise raise #NM in
 * Xenia, and set again for a vCPU whose virtual TS is set.
 *
 * XCR0 belongs to the running guest too. Saves and loads run with XCR0
 * set to every component Xenia offers: a save then keeps the registers of
 * components the guest has switched off (SSE with XCR0 = x87 alone still
 * has live XMM registers), and XRSTOR writes every component, from the
 * vCPU's area or at its reset value, so nothing another vCPU left in a
 * component this one has not enabled is there to be seen once it does.
 * The guest's XCR0 goes back in after the load.
 */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/guest_log.h>
#include <xenia/lib.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/xstate.h>

uint64_t xstate_xcr0_max;
uint32_t xstate_size_max;
static uint32_t mxcsr_mask = 0xffbf; /* the architectural default */
/*
 * AMD CPUs without RstrFpErrPtrs load the x87 last-instruction and
 * last-operand pointers only when an exception is pending: the previous
 * vCPU's would show through (XSA-52).
 */
static bool fpu_ptr_leak;
static DEFINE_PER_CPU(uint64_t, cpu_xcr0);

#define CPUID1_ECX_XSAVE (1u << 26)
#define FXSAVE_MXCSR      24
#define FXSAVE_MXCSR_MASK 28
#define MXCSR_DEFAULT     0x1f80

static inline void clts(void)
{
    asm volatile("clts");
}

static void set_xcr0(uint64_t xcr0)
{
    if ( this_cpu(cpu_xcr0) == xcr0 )
        return;
    asm volatile("xsetbv" ::"c"(0), "a"((uint32_t)xcr0),
                 "d"((uint32_t)(xcr0 >> 32)));
    this_cpu(cpu_xcr0) = xcr0;
}

static void probe_bsp(void)
{
    static uint8_t fx[512] __attribute__((aligned(16)));
    uint32_t a, b, c, d, m;
    uint64_t hw;

    asm volatile("fxsave64 %0" : "=m"(fx));
    memcpy(&m, fx + FXSAVE_MXCSR_MASK, sizeof(m));
    if ( m )
        mxcsr_mask = m;
    cpuid_count(0, 0, &a, &b, &c, &d);
    if ( b == 0x68747541 /* "AuthenticAMD" */ )
    {
        cpuid_count(0x80000000, 0, &a, &b, &c, &d);
        fpu_ptr_leak = true;
        if ( a >= 0x80000008 )
        {
            cpuid_count(0x80000008, 0, &a, &b, &c, &d);
            fpu_ptr_leak = !(b & 4); /* RstrFpErrPtrs */
        }
        if ( fpu_ptr_leak )
            printk(XENLOG_INFO "xstate: x87 error pointers are reset before "
                               "each load (AMD)\n");
    }
    if ( !(cpuid_ecx(1) & CPUID1_ECX_XSAVE) )
        return;
    cpuid_count(0xd, 0, &a, &b, &c, &d);
    hw = a | ((uint64_t)d << 32);
    if ( (hw & XSTATE_FP_SSE) != XSTATE_FP_SSE )
        return;
    xstate_xcr0_max = hw & XSTATE_XENIA;
    xstate_size_max = XSAVE_YMM_OFFSET;
    if ( xstate_xcr0_max & XSTATE_YMM )
    {
        /* The area is sized for AVX at the offset every CPU uses. */
        cpuid_count(0xd, 2, &a, &b, &c, &d);
        if ( a == 256 && b == XSAVE_YMM_OFFSET )
            xstate_size_max = XSAVE_AREA_SIZE;
        else
            xstate_xcr0_max &= ~XSTATE_YMM;
    }
    printk(XENLOG_INFO "xstate: guests may enable XCR0 %#lx (%u bytes)\n",
           (unsigned long)xstate_xcr0_max, xstate_size_max);
}

void xstate_init_cpu(unsigned int cpu)
{
    if ( cpu == 0 )
        probe_bsp();
    if ( !xstate_xcr0_max )
        return;
    write_cr4(read_cr4() | X86_CR4_OSXSAVE);
    /* The reset value: x87 only; the first set_xcr0 must really write. */
    per_cpu(cpu_xcr0, cpu) = XSTATE_FP;
    set_xcr0(XSTATE_FP_SSE);
}

static void set_xstate_bv(struct vcpu *v, uint64_t bv)
{
    /* The whole header: XCOMP_BV and the reserved bytes must be zero. */
    memset(v->arch.xsave_area + XSAVE_HDR_OFFSET, 0, 64);
    memcpy(v->arch.xsave_area + XSAVE_HDR_OFFSET, &bv, sizeof(bv));
}

void fpu_vcpu_init(struct vcpu *v)
{
    uint8_t *img = v->arch.xsave_area;
    uint32_t mxcsr = MXCSR_DEFAULT;

    memset(img, 0, sizeof(v->arch.xsave_area));
    img[0] = 0x7f; /* FCW 0x37f, as after FNINIT */
    img[1] = 0x03;
    memcpy(img + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
    set_xstate_bv(v, XSTATE_FP_SSE);
    v->arch.xcr0 = XSTATE_FP_SSE;
}

void fpu_vcpu_set_fxsave(struct vcpu *v, const void *fxsave_image)
{
    uint32_t mxcsr;

    memcpy(v->arch.fpu_ctxt, fxsave_image, sizeof(v->arch.fpu_ctxt));
    /* A reserved MXCSR bit would make Xenia's FXRSTOR/XRSTOR fault. */
    memcpy(&mxcsr, v->arch.fpu_ctxt + FXSAVE_MXCSR, sizeof(mxcsr));
    mxcsr &= mxcsr_mask;
    memcpy(v->arch.fpu_ctxt + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
    /* AVX upper halves (not in the image) start at their reset value. */
    set_xstate_bv(v, XSTATE_FP_SSE);
}

void fpu_save(struct vcpu *v)
{
    clts();
    if ( xstate_xcr0_max )
    {
        set_xcr0(xstate_xcr0_max);
        asm volatile("xsave64 %0"
                     : "+m"(v->arch.xsave_area)
                     : "a"(~0u), "d"(~0u));
    }
    else
        asm volatile("fxsave64 %0" : "=m"(v->arch.fpu_ctxt));
}

/*
 * Run a restore instruction on its memory operand (more operands may
 * follow); 0 if the CPU refused the image (#GP), else 1.
 */
#define TRY_RESTORE(insn, mem, ...)                                            \
    ({                                                                         \
        unsigned int ok_ = 1;                                                  \
        asm volatile("1: " insn " %1\n"                                        \
                     "2:\n"                                                    \
                     ".pushsection .fixup, \"ax\"\n"                           \
                     "3: xor %k0, %k0\n"                                       \
                     "   jmp 2b\n"                                             \
                     ".popsection\n"                                           \
                     ".pushsection .ex_table, \"a\"\n"                         \
                     ".quad 1b, 3b\n"                                          \
                     ".popsection"                                             \
                     : "+r"(ok_)                                               \
                     : "m"(mem), ##__VA_ARGS__                                 \
                     : "memory");                                              \
        ok_;                                                                   \
    })

/* XRSTOR (under XCR0 = all offered) or FXRSTOR; false if the CPU refused. */
static bool load_area(struct vcpu *v)
{
    if ( xstate_xcr0_max )
        return TRY_RESTORE("xrstor64", v->arch.xsave_area, "a"(~0u), "d"(~0u));
    return TRY_RESTORE("fxrstor64", v->arch.fpu_ctxt);
}

void fpu_restore(struct vcpu *v)
{
    clts();
    if ( fpu_ptr_leak ) /* Xenia's own values in the pointers */
        asm volatile("fnclex; emms; fildl %0" ::"m"(mxcsr_mask));
    if ( xstate_xcr0_max )
        set_xcr0(xstate_xcr0_max);
    if ( !load_area(v) )
    {
        /* Only an image from outside could do this: never run with it. */
        gprintk(XENLOG_G_ERR, v, "FPU state refused by the CPU\n");
        fpu_vcpu_init(v);
        load_area(v);
        domain_shutdown(v->domain, SHUTDOWN_crash);
    }
    if ( xstate_xcr0_max )
        set_xcr0(v->arch.xcr0);
    if ( v->arch.ctrlreg[0] & X86_CR0_TS )
        write_cr0(read_cr0() | X86_CR0_TS);
}

int xstate_guest_xsetbv(struct vcpu *v, uint32_t index, uint64_t value)
{
    if ( index != 0 || !xcr0_valid(value, xstate_xcr0_max) )
        return -EINVAL;
    /*
     * The registers of a component enabled now hold its reset value or
     * this vCPU's own last value: fpu_restore loaded every component, and
     * nothing but this vCPU has run on them since.
     */
    v->arch.xcr0 = value;
    set_xcr0(value);
    return 0;
}
