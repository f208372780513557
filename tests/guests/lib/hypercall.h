/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall wrappers: through the hypercall page or a bare syscall, as Linux does. */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/version.h>
#include <xen/grant_table.h>

enum hypercall_path {
    HCALL_PAGE,    /* call hypercall_page + nr * 32 */
    HCALL_SYSCALL, /* syscall with rax = nr, from guest kernel mode */
};

/* Which path the wrappers below use; tests switch it to cover both. */
extern enum hypercall_path hypercall_path;
extern uint8_t hypercall_page[];
/* Non-zero: HYPERVISOR_iret goes through the hypercall page (head.S). */
extern uint8_t iret_use_page;

/*
 * Xen may overwrite any argument register (debug builds poison the unused
 * ones), so all five are in/out operands. rcx and r11 are clobbered by
 * syscall itself; the page entries save them but we do not rely on it.
 */
static inline long hypercall_via_page(unsigned int nr, unsigned long a1,
                                      unsigned long a2, unsigned long a3,
                                      unsigned long a4, unsigned long a5)
{
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long rax = (long)(hypercall_page + nr * 32);

    asm volatile("call *%%rax"
                 : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                 :
                 : "rcx", "r11", "memory");
    return rax;
}

static inline long hypercall_via_syscall(unsigned long nr, unsigned long a1,
                                         unsigned long a2, unsigned long a3,
                                         unsigned long a4, unsigned long a5)
{
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long rax = (long)nr;

    asm volatile("syscall"
                 : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                 :
                 : "rcx", "r11", "memory");
    return rax;
}

static inline long hypercall5(unsigned int nr, unsigned long a1,
                              unsigned long a2, unsigned long a3,
                              unsigned long a4, unsigned long a5)
{
    if ( hypercall_path == HCALL_SYSCALL )
        return hypercall_via_syscall(nr, a1, a2, a3, a4, a5);
    return hypercall_via_page(nr, a1, a2, a3, a4, a5);
}

#define HC(nr, a1, a2, a3, a4, a5)                                             \
    hypercall5(nr, (unsigned long)(a1), (unsigned long)(a2),                   \
               (unsigned long)(a3), (unsigned long)(a4), (unsigned long)(a5))

static inline long hypercall_set_trap_table(const struct trap_info *t)
{
    return HC(__HYPERVISOR_set_trap_table, t, 0, 0, 0, 0);
}

static inline long hypercall_mmu_update(const mmu_update_t *req,
                                        unsigned int count, unsigned int *done,
                                        domid_t dom)
{
    return HC(__HYPERVISOR_mmu_update, req, count, done, dom, 0);
}

static inline long hypercall_mmuext_op(const struct mmuext_op *op,
                                       unsigned int count, unsigned int *done,
                                       domid_t dom)
{
    return HC(__HYPERVISOR_mmuext_op, op, count, done, dom, 0);
}

static inline long hypercall_update_va_mapping(unsigned long va, uint64_t pte,
                                               unsigned long flags)
{
    return HC(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0);
}

static inline long hypercall_stack_switch(unsigned long ss, unsigned long sp)
{
    return HC(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0);
}

static inline long hypercall_fpu_taskswitch(int set)
{
    return HC(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0, 0);
}

static inline long hypercall_memory_op(unsigned int cmd, void *arg)
{
    return HC(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0);
}

static inline long hypercall_multicall(multicall_entry_t *calls,
                                       unsigned int count)
{
    return HC(__HYPERVISOR_multicall, calls, count, 0, 0, 0);
}

static inline long hypercall_set_timer_op(uint64_t timeout)
{
    return HC(__HYPERVISOR_set_timer_op, timeout, 0, 0, 0, 0);
}

static inline long hypercall_xen_version(int cmd, void *arg)
{
    return HC(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

static inline long hypercall_console_io(int cmd, unsigned int count,
                                        const void *buf)
{
    return HC(__HYPERVISOR_console_io, cmd, count, buf, 0, 0);
}

static inline long hypercall_vm_assist(unsigned int cmd, unsigned int type)
{
    return HC(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

static inline long hypercall_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return HC(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}

static inline long hypercall_sched_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static inline long hypercall_callback_op(int cmd, const void *arg)
{
    return HC(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0);
}

static inline long hypercall_event_channel_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

static inline long hypercall_grant_table_op(unsigned int cmd, void *uop,
                                            unsigned int count)
{
    return HC(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

#endif
