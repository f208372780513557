/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's own exceptions: report them the way Xen does, then stop. */
#include <xenia/console.h>
#include <xenia/shutdown.h>
#include <xenia/symbols.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <xenia/guest_access.h>
#include <asm/asm_defns.h>
#include <xenia/version.h>

BUILD_BUG_ON(offsetof(struct cpu_user_regs, error_code) != 0x78);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rip) != 0x80);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, ss) != UREGS_ss);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rax) != UREGS_rax);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, cs) != UREGS_cs);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rflags) != UREGS_rflags);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rsp) != UREGS_rsp);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, es) != UREGS_es);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, entry_vector) != UREGS_entry_vector);
/* SAVE_PRESERVED's slots. */
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r15) != 0x00);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r12) != 0x18);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rbp) != 0x20);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rbx) != 0x28);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r11) != 0x30);

const char *const trap_names[32] = {
    "divide error", "debug", "nmi", "int3", "overflow", "bounds",
    "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not found",
    "stack error", "general protection fault", "page fault",
    "spurious interrupt bug", "coprocessor error", "alignment check",
    "machine check", "simd error", "virtualisation exception",
    "control protection", [28] = "hypervisor injection",
    [29] = "vmm communication", [30] = "security exception",
};

static void print_symbol_line(const char *prefix, unsigned long addr)
{
    char sym[96];

    symbols_format(sym, sizeof(sym), addr);
    printk(XENLOG_ERR "%s[<%016lx>] %s\n", prefix, addr, sym);
}

/*
 * Walk the frame-pointer chain (the hypervisor is built with frame
 * pointers). Every step is checked against this CPU's stack block (the
 * IST stacks are part of it), so a corrupted chain or a wild stack
 * pointer ends the trace instead of faulting again.
 */
static void show_trace(unsigned long rip, unsigned long rbp)
{
    unsigned long lo = stack_block_base((unsigned long)__builtin_frame_address(0));
    unsigned long hi = lo + STACK_SIZE;
    unsigned int depth = 0;

    printk(XENLOG_ERR "Xenia call trace:\n");
    print_symbol_line("   R ", rip);
    while ( rbp >= lo && rbp + 16 <= hi && !(rbp & 7) && depth++ < 32 )
    {
        const unsigned long *frame = (const unsigned long *)rbp;

        if ( frame[1] && is_kernel_text(frame[1]) )
            print_symbol_line("   F ", frame[1]);
        if ( frame[0] <= rbp ) /* frames only go up the stack */
            break;
        rbp = frame[0];
    }
}

static void show_stack_words(unsigned long sp)
{
    unsigned long top = stack_block_base(sp) + STACK_SIZE, i;
    const unsigned long *p = (const unsigned long *)sp;
    unsigned long here = (unsigned long)__builtin_frame_address(0);

    printk(XENLOG_ERR "Xenia stack trace from rsp=%016lx:\n", sp);
    /* Only read a stack that is this CPU's: rsp may be the very fault. */
    if ( stack_block_base(sp) != stack_block_base(here) )
    {
        printk(XENLOG_ERR "   (not on this CPU's hypervisor stack)\n");
        return;
    }
    for ( i = 0; i < 24 && (unsigned long)(p + i) < top; i += 4 )
        printk(XENLOG_ERR "   %016lx %016lx %016lx %016lx\n", p[i], p[i + 1],
               p[i + 2], p[i + 3]);
}

void show_execution_state(const struct cpu_user_regs *r)
{
    char sym[96];

    symbols_format(sym, sizeof(sym), r->rip);
    printk(XENLOG_ERR "----[ Xenia-" XENIA_VERSION "  x86_64  debug=%c ]----\n",
           IS_ENABLED_DEBUG ? 'y' : 'n');
    printk(XENLOG_ERR "CPU:    %u\n", smp_processor_id());
    printk(XENLOG_ERR "RIP:    %04x:[<%016lx>] %s\n", r->cs, r->rip, sym);
    printk(XENLOG_ERR "RFLAGS: %016lx   CONTEXT: hypervisor\n", r->rflags);
    printk(XENLOG_ERR "rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax,
           r->rbx, r->rcx);
    printk(XENLOG_ERR "rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx,
           r->rsi, r->rdi);
    printk(XENLOG_ERR "rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp,
           r->rsp, r->r8);
    printk(XENLOG_ERR "r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9,
           r->r10, r->r11);
    printk(XENLOG_ERR "r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12,
           r->r13, r->r14);
    printk(XENLOG_ERR "r15: %016lx   cr0: %016lx   cr4: %016lx\n", r->r15,
           read_cr0(), read_cr4());
    printk(XENLOG_ERR "cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
    printk(XENLOG_ERR "ss: %04x   cs: %04x\n", r->ss, r->cs);
    show_stack_words(r->rsp);
    show_trace(r->rip, r->rbp);
}

void show_stack_here(void)
{
    unsigned long rbp = (unsigned long)__builtin_frame_address(0);

    show_trace((unsigned long)show_stack_here, rbp);
}

static void __noreturn fatal_trap(const struct cpu_user_regs *regs)
{
    static bool in_fatal;
    unsigned int vec = regs->entry_vector;

    /* A fault while reporting one, or on another CPU: stop quietly. */
    if ( __atomic_exchange_n(&in_fatal, true, __ATOMIC_SEQ_CST) )
        halt_this_cpu();
    smp_send_stop();
    console_force_unlock();

    show_execution_state(regs);
    printk(XENLOG_ERR "\n****************************************\n");
    printk(XENLOG_ERR "Panic on CPU %u:\n", smp_processor_id());
    printk(XENLOG_ERR "FATAL TRAP: vector = %u (%s)\n", vec,
           trap_names[vec] ? trap_names[vec] : "reserved");
    printk(XENLOG_ERR "[error_code=%04x]\n", regs->error_code);
    if ( vec == 14 )
        printk(XENLOG_ERR "Faulting linear address: %016lx\n", read_cr2());
    printk(XENLOG_ERR "****************************************\n\n");
    machine_fatal_stop();
}

static void do_nmi(const struct cpu_user_regs *regs)
{
    /* Nothing in Xenia sends NMIs yet: report it and carry on, as Xen does. */
    printk(XENLOG_WARNING "NMI received for unknown reason on CPU %u at %016lx\n",
           smp_processor_id(), regs->rip);
}

/*
 * A #DB in ring 0 comes from a guest: a breakpoint it armed on its own
 * memory (set_debugreg refuses Xenia's addresses) hit while Xenia copied to
 * or from that memory, or held back by its mov to %ss until Xenia's SYSCALL
 * entry (hence #DB's own IST stack), or its TF single-stepping the SYSENTER
 * entry until that saves and clears the flags. It is the guest's business:
 * clear it and carry on, as Xen does with hypervisor-mode debug traps.
 * Data breakpoints and single steps are traps, so returning cannot loop.
 */
static void do_debug_hypervisor(struct cpu_user_regs *regs)
{
    unsigned long dr6;

    asm volatile("mov %%db6, %0" : "=r"(dr6));
    asm volatile("mov %0, %%db6" ::"r"(0xffff0ff0UL));
    if ( dr6 & 0xf ) /* breakpoints, not the SYSENTER entry's steps */
        printk(XENLOG_G_DEBUG "#DB in hypervisor context at %#lx, rsp %#lx, "
                              "dr6 %#lx\n",
               regs->rip, regs->rsp, dr6);
}

void do_trap(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;
    unsigned long fixup;

    if ( vec >= 32 )
        do_irq(regs);
    else if ( vec == 2 )
        do_nmi(regs);
    else if ( vec == 1 && !guest_mode(regs) )
        do_debug_hypervisor(regs);
    else if ( guest_mode(regs) )
        pv_handle_exception(regs);
    else if ( (fixup = search_exception_table(regs->rip)) != 0 )
        regs->rip = fixup; /* a guest access that faulted: -EFAULT */
    else
        fatal_trap(regs);
}
