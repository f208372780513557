/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 PV part of a vCPU and a domain. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <xenia/types.h>
#include <xen/xen.h>
#include <asm/xstate.h>

/*
 * A 64-bit PV vCPU: what the guest kernel told us through hypercalls
 * (its virtual IDT, callbacks, stack, segment bases, page tables) and
 * its registers while it is not running. While it runs, the registers
 * live in the CPU's struct cpu_info frame instead.
 */
struct pv_vcpu {
    struct cpu_user_regs user_regs; /* saved when descheduled */
    struct trap_info trap_ctxt[256];

    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long nmi_callback_eip;
    /* 32-bit user space: SYSCALL from compat mode, SYSENTER. */
    unsigned long syscall32_callback_eip;
    unsigned long sysenter_callback_eip;
    bool failsafe_disables_events;
    /* Also for syscall32 bounces: Xen applies this flag to both. */
    bool syscall_disables_events;
    bool sysenter_disables_events;

    unsigned long kernel_ss, kernel_sp; /* stack_switch */
    unsigned long fs_base, gs_base_kernel, gs_base_user;
    uint16_t gs_sel; /* user %gs selector (SEGBASE_GS_USER_SEL) */

    /* Page tables: the kernel's and the user's L4 (frame 0: none). */
    mfn_t guest_table, guest_table_user;
    bool kernel_mode; /* which of the two the guest runs on */

    unsigned long ctrlreg[8];  /* virtual CR0 (TS), CR2, CR4 */
    unsigned long debugreg[8];
    unsigned int iopl;         /* virtual IOPL from PHYSDEVOP_set_iopl */
    unsigned long vm_assist;   /* VMASST_TYPE_* bits */

    /*
     * The (cs, ss) pairs HYPERVISOR_iret last found in the GDT, valid while
     * the domain's desc_gen is unchanged: a kernel and a user pair, so
     * that Linux's returns skip the descriptor lookup.
     */
    struct {
        uint16_t cs, ss;
        unsigned long gen;
    } iret_ok[2];
    unsigned int iret_ok_next;

    /* Descriptor tables. */
    unsigned long gdt_frames[FIRST_RESERVED_GDT_PAGE];
    unsigned int gdt_ents;
    unsigned long ldt_base, ldt_ents;

    /*
     * Guest FPU/SSE/AVX state while descheduled: a standard-format XSAVE
     * area, whose first 512 bytes are the FXSAVE image (all there is when
     * the CPU has no XSAVE).
     */
    union {
        uint8_t fpu_ctxt[512];
        uint8_t xsave_area[XSAVE_AREA_SIZE];
    } __attribute__((aligned(64)));
    uint64_t xcr0; /* the guest's XCR0, x87|SSE until it sets its own */
    bool fpu_initialised;
};

#endif /* ASM_DOMAIN_H */
