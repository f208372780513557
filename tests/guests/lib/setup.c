/* SPDX-License-Identifier: GPL-2.0-only */
/* Start of day: record the boot state, map shared_info, install traps and callbacks, run the test. */
#include "guest.h"

struct boot_regs boot_regs;
start_info_t *start_info;
shared_info_t *shared_info;
vcpu_info_t *vcpu0;
enum hypercall_path hypercall_path = HCALL_PAGE;

/* head.S addresses these structures by the offsets in asm.h. */
_Static_assert(offsetof(struct boot_regs, rsp) == BR_RSP, "boot_regs");
_Static_assert(offsetof(struct boot_regs, r15) == BR_R15, "boot_regs");
_Static_assert(offsetof(struct boot_regs, gs) == BR_GS, "boot_regs");
_Static_assert(offsetof(struct user_ctx, ksp) == UC_KSP, "user_ctx");
_Static_assert(offsetof(struct user_ctx, arg) == UC_ARG, "user_ctx");
_Static_assert(sizeof(struct trap_regs) == 22 * 8, "trap_regs");

uint8_t boot_stack[BOOT_STACK_SIZE] __attribute__((aligned(16)));
/* A page of our own VA space that shared_info is mapped over. */
static uint8_t shared_info_va[PAGE_SIZE]
    __attribute__((aligned(PAGE_SIZE), section(".bss.page_aligned")));

void runtime_main(start_info_t *si);
void runtime_main(start_info_t *si)
{
    long rc;

    start_info = si;
    mm_init();
    /* A DomU reports through its console ring (Dom0 reads it). */
    if ( !(si->flags & SIF_INITDOMAIN) && si->console.domU.mfn &&
         mfn_to_virt(si->console.domU.mfn) )
        console_use_ring(mfn_to_virt(si->console.domU.mfn),
                         si->console.domU.evtchn);
    printk("--- guest test: %s\n", test_title);
    rc = map_mfn((unsigned long)shared_info_va, si->shared_info >> 12,
                 PTE_P | PTE_RW | PTE_A | PTE_D);
    if ( rc )
        test_error("mapping shared_info: update_va_mapping %ld", rc);
    shared_info = (shared_info_t *)shared_info_va;
    vcpu0 = &shared_info->vcpu_info[0];
    traps_init();
    events_init();
    test_main();
    test_finish();
}

void vcpu_context_init(struct vcpu_guest_context *c, void (*entry)(void),
                       void *stack, unsigned long stack_size)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel;
    c->user_regs.rip = (unsigned long)entry;
    /* As if called: rsp + 8 is 16-byte aligned. */
    c->user_regs.rsp = (unsigned long)stack + stack_size - 8;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.rflags = 0x202;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = c->user_regs.rsp;
    c->ctrlreg[3] = (unsigned long)cur_l4_mfn << 12;
}
