/* SPDX-License-Identifier: GPL-2.0-only */
/* Trap table registration, the C side of exception delivery and the exception table. */
#include "guest.h"

struct trap_record last_trap;
uint64_t trap_entry_rsp;

struct extable_entry {
    uint64_t fault, fixup;
};
extern const struct extable_entry _ex_table_start[], _ex_table_end[];

static trap_hook_t hooks[VEC_SYSCALL + 1];
static unsigned int depth;

#define TRAP(vec, dpl)                                                         \
    {                                                                          \
        vec, dpl, FLAT_KERNEL_CS, (unsigned long)trap_entry_##vec              \
    }

/*
 * flags bits 0-1: the lowest privilege allowed to raise the vector with a
 * software int; int3/into/int $0x80 are allowed from user mode.
 */
static const struct trap_info trap_table[] = {
    TRAP(0, 0),  TRAP(1, 0),   TRAP(2, 0),   TRAP(3, 3),  TRAP(4, 3),
    TRAP(5, 0),  TRAP(6, 0),   TRAP(7, 0),   TRAP(8, 0),  TRAP(9, 0),
    TRAP(10, 0), TRAP(11, 0),  TRAP(12, 0),  TRAP(13, 0), TRAP(14, 0),
    TRAP(16, 0), TRAP(17, 0),  TRAP(18, 0),  TRAP(19, 0), TRAP(20, 0),
    TRAP(21, 0), TRAP(128, 3), {0, 0, 0, 0},
};

void trap_set_hook(unsigned int vector, trap_hook_t hook)
{
    hooks[vector] = hook;
}

static const struct extable_entry *extable_find(uint64_t rip)
{
    const struct extable_entry *e;

    for ( e = _ex_table_start; e < _ex_table_end; e++ )
    {
        if ( e->fault == rip )
            return e;
    }
    return NULL;
}

static void record(const struct trap_regs *regs)
{
    last_trap.count++;
    last_trap.vector = regs->vector;
    last_trap.error_code = regs->error_code;
    last_trap.rip = regs->rip;
    last_trap.cs = regs->cs;
    last_trap.rflags = regs->rflags;
    last_trap.rsp = regs->rsp;
    last_trap.rcx = regs->rcx;
    last_trap.r11 = regs->r11;
    last_trap.entry_rsp = trap_entry_rsp;
    /* Xen reports the faulting address in vcpu_info, not in the frame. */
    last_trap.cr2 = (regs->vector == 14 && vcpu0) ? vcpu0->arch.cr2 : 0;
}

static void __attribute__((noreturn)) unexpected(const struct trap_regs *r)
{
    printk("unexpected trap %lu err %#lx at %#lx cs %#lx rflags %#lx "
           "rsp %#lx cr2 %#lx\n",
           r->vector, r->error_code, r->rip, r->cs, r->rflags, r->rsp,
           vcpu0 ? vcpu0->arch.cr2 : 0);
    printk("  rax %#lx rbx %#lx rcx %#lx rdx %#lx rsi %#lx rdi %#lx\n", r->rax,
           r->rbx, r->rcx, r->rdx, r->rsi, r->rdi);
    test_error("unexpected trap %lu at %#lx", r->vector, r->rip);
}

/* Called from trap_common (head.S) for exceptions and callbacks. */
void trap_dispatch(struct trap_regs *regs);
void trap_dispatch(struct trap_regs *regs)
{
    const struct extable_entry *e;
    trap_hook_t hook = regs->vector <= VEC_SYSCALL ? hooks[regs->vector] : NULL;

    if ( ++depth > 4 )
        test_error("trap recursion (vector %lu)", regs->vector);
    if ( hook && hook(regs) )
        goto out;
    e = extable_find(regs->rip);
    if ( e && regs->vector < VEC_EVENT )
    {
        record(regs);
        regs->rip = e->fixup;
        goto out;
    }
    unexpected(regs);
out:
    depth--;
}

/* Called from failsafe_callback_entry with the raw frame. */
void failsafe_report(const uint64_t *frame);
void failsafe_report(const uint64_t *frame)
{
    printk("failsafe callback: rcx %#lx r11 %#lx ds %#lx es %#lx fs %#lx "
           "gs %#lx rip %#lx cs %#lx\n",
           frame[0], frame[1], frame[2], frame[3], frame[4], frame[5], frame[6],
           frame[7]);
    test_error("failsafe callback at rip %#lx", frame[6]);
}

int probe_read(const volatile void *p, uint64_t *val_out)
{
    uint64_t val = 0;
    unsigned int before = last_trap.count;

    asm volatile("1: mov (%[p]), %[v]\n\t"
                 "2:\n\t" EXTABLE(1b, 2b)
                 : [v] "+r"(val)
                 : [p] "r"(p)
                 : "memory");
    if ( val_out )
        *val_out = val;
    return last_trap.count != before ? (int)last_trap.vector : -1;
}

int probe_write(volatile void *p, uint64_t val)
{
    unsigned int before = last_trap.count;

    asm volatile("1: mov %[v], (%[p])\n\t"
                 "2:\n\t" EXTABLE(1b, 2b)
                 :
                 : [v] "r"(val), [p] "r"(p)
                 : "memory");
    return last_trap.count != before ? (int)last_trap.vector : -1;
}

void traps_copy_table(struct trap_info *dst, unsigned int n)
{
    unsigned int i;

    memset(dst, 0, n * sizeof(*dst));
    for ( i = 0; i < n && trap_table[i].address; i++ )
        dst[i] = trap_table[i];
}

void traps_init(void)
{
    long rc = hypercall_set_trap_table(trap_table);

    if ( rc )
        test_error("set_trap_table: %ld", rc);
}
