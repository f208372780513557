/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks guest user mode: a separate user L4, iret to ring 3, syscall bounces and traps from user mode. */
#include "guest.h"
#include <xen/callback.h>

const char test_title[] = "user-mode: user L4, iret to user, syscall "
                          "callback, user traps";

/* Mapped only in the user L4 (slot 0). */
#define USER_DATA_VA  0x400000UL
#define USER_FAULT_VA 0x5000UL

#define SYS_ECHO  1
#define SYS_EXIT  2
#define EXIT_CODE 0x600d

/*
 * The user program, entered with rdi = a value to echo. It reads a word
 * from its own mapping, makes an "echo" syscall, tries a hypercall number
 * (which must bounce to the kernel like any user syscall), hits int3 and
 * a #PF (resumed by the exception table) and exits with a syscall.
 */
void user_prog(void);
asm(".pushsection .text\n"
    "user_prog:\n\t"
    "mov $0x400000, %rbx\n\t"
    "mov (%rbx), %rax\n\t"
    "mov %rax, 16(%rbx)\n\t"
    "mov $1, %eax\n\t"
    "syscall\n"
    "user_after_syscall:\n\t"
    "mov %rax, 8(%rbx)\n\t"
    "mov $17, %eax\n\txor %edi, %edi\n\txor %esi, %esi\n\t"
    "syscall\n\t"
    "mov %rax, 24(%rbx)\n\t"
    "int3\n"
    "user_after_int3:\n\t"
    "nop\n"
    "user_fault:\n\t"
    "mov 0x5000, %rax\n"
    "user_after_fault:\n\t"
    "mov $2, %eax\n\tmov $0x600d, %edi\n\t"
    "syscall\n\t"
    "ud2\n\t" EXTABLE(user_after_int3, user_after_int3)
        EXTABLE(user_fault, user_after_fault) ".popsection");
extern const char user_after_syscall[], user_after_int3[], user_fault[];

static uint8_t kstack[8192] __attribute__((aligned(16)));
static struct user_ctx uctx;
static uint64_t *udata;

struct sys_record {
    unsigned int count;
    uint64_t nr[4], rip, rcx, cs, ss, rflags, r11, entry_rsp;
};
static struct sys_record sys;

static bool syscall_hook(struct trap_regs *regs)
{
    unsigned int i = sys.count++;

    if ( i < ARRAY_SIZE(sys.nr) )
        sys.nr[i] = regs->rax;
    if ( i == 0 )
    {
        sys.rip = regs->rip;
        sys.rcx = regs->rcx;
        sys.r11 = regs->r11;
        sys.cs = regs->cs;
        sys.ss = regs->ss;
        sys.rflags = regs->rflags;
        sys.entry_rsp = trap_entry_rsp;
    }
    if ( regs->rax == SYS_EXIT )
        user_return(&uctx, regs->rdi);
    regs->rax = regs->rax == SYS_ECHO ? regs->rdi + 1 : (uint64_t)-1;
    return true;
}

/* A chain L3 -> L2 -> L1 -> udata for USER_DATA_VA, all made read-only. */
static uint64_t build_user_slot0(void)
{
    uint64_t *l3 = alloc_page(), *l2 = alloc_page(), *l1 = alloc_page();
    const uint64_t f = PTE_P | PTE_RW | PTE_US | PTE_A;

    udata = alloc_page();
    l1[pt_index(USER_DATA_VA, 1)] =
        ((uint64_t)virt_to_mfn(udata) << 12) | f | PTE_D;
    l2[pt_index(USER_DATA_VA, 2)] = ((uint64_t)virt_to_mfn(l1) << 12) | f;
    l3[pt_index(USER_DATA_VA, 3)] = ((uint64_t)virt_to_mfn(l2) << 12) | f;
    if ( set_page_rw(l1, false) || set_page_rw(l2, false) ||
         set_page_rw(l3, false) )
        test_error("cannot make the user page tables read-only");
    return ((uint64_t)virt_to_mfn(l3) << 12) | f;
}

static unsigned long build_user_l4(void)
{
    uint64_t *ul4 = alloc_page();
    const uint64_t *kl4 = mfn_to_virt(cur_l4_mfn);

    ul4[0] = build_user_slot0();
    /* The kernel image (and user_prog in it) through the kernel's L3. */
    ul4[511] = kl4[511];
    if ( set_page_rw(ul4, false) )
        test_error("cannot make the user L4 read-only");
    return virt_to_mfn(ul4);
}

static void setup(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall,
        .address = (unsigned long)syscall_callback_entry,
    };
    unsigned long ul4 = build_user_l4();

    test_rc(pin_table(4, ul4), 0, "pin the user L4");
    test_rc(mmuext_simple(MMUEXT_NEW_USER_BASEPTR, ul4), 0,
            "MMUEXT_NEW_USER_BASEPTR");
    test_rc(hypercall_stack_switch(FLAT_KERNEL_SS,
                                   (unsigned long)kstack + sizeof(kstack)),
            0, "stack_switch to the kernel stack for user bounces");
    test_rc(hypercall_callback_op(CALLBACKOP_register, &cb), 0,
            "callback_op register CALLBACKTYPE_syscall");
    trap_set_hook(VEC_SYSCALL, syscall_hook);
}

static void run_user(void)
{
    long ret;

    udata[0] = 0x5eed;
    uctx.rip = (unsigned long)user_prog;
    uctx.usp = (unsigned long)alloc_page() + PAGE_SIZE;
    uctx.rflags = 0x202;
    uctx.arg = 41;
    ret = user_enter(&uctx);
    test_check(ret == EXIT_CODE,
               "user program ran and exited by syscall (%#lx)", ret);
    test_check(udata[2] == 0x5eed, "user read its own mapping at %#lx",
               USER_DATA_VA);
    test_check(udata[1] == 42, "echo syscall returned to user with rax %lu",
               udata[1]);
    test_check(sys.nr[1] == __HYPERVISOR_xen_version &&
                   udata[3] == (uint64_t)-1,
               "a hypercall number from user mode bounced to the kernel");
}

static void check_syscall_frame(void)
{
    unsigned long top = (unsigned long)kstack + sizeof(kstack);

    test_check(sys.rip == (uint64_t)user_after_syscall && sys.rcx == sys.rip,
               "syscall frame rip = rcx = after the syscall (%#lx)", sys.rip);
    test_check((sys.cs & 0xffff) == FLAT_USER_CS && sys.ss == FLAT_USER_SS,
               "syscall frame cs %#lx ss %#lx are the user selectors",
               sys.cs & 0xffff, sys.ss);
    test_check(sys.r11 == sys.rflags && (sys.rflags & 0x200),
               "r11 = user rflags %#lx", sys.r11);
    test_check(sys.entry_rsp == top - 7 * 8,
               "frame built at the stack_switch stack: %#lx",
               top - sys.entry_rsp);
}

static void check_user_traps(void)
{
    test_check(last_trap.count >= 2, "two traps from user mode (%u)",
               last_trap.count);
    test_check(last_trap.vector == 14 && last_trap.rip == (uint64_t)user_fault,
               "user #PF at %#lx", last_trap.rip);
    /* The U/S bit reflects guest user mode although both run in ring 3. */
    test_check(last_trap.error_code == 4 && last_trap.cr2 == USER_FAULT_VA,
               "user #PF error code %#lx (user, read, not present), cr2 %#lx",
               last_trap.error_code, last_trap.cr2);
    test_check((last_trap.cs & 3) == 3, "user trap frame cs %#lx has RPL 3",
               last_trap.cs & 0xffff);
    test_check(probe_read((void *)USER_DATA_VA, NULL) == 14,
               "kernel mode does not see the user-only mapping");
}

void test_main(void)
{
    setup();
    run_user();
    check_syscall_frame();
    check_user_traps();
    /* Iret to user unmasked events; the rest of the runtime expects masked. */
    vcpu0->evtchn_upcall_mask = 1;
    sys.count = 0;
    uctx.arg = 0;
    test_check(user_enter(&uctx) == EXIT_CODE && sys.count == 3,
               "user mode can be entered a second time");
    vcpu0->evtchn_upcall_mask = 1;
}
