/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall handlers: do_<name> for __HYPERVISOR_<name>. */
#ifndef XENIA_HYPERCALL_H
#define XENIA_HYPERCALL_H

#include <xenia/types.h>
#include <xen/xen.h>

/*
 * Arguments arrive as raw register values: guest pointers are plain
 * unsigned longs here, and each handler checks and copies them through
 * guest_access.h. Every handler returns 0 or a negative Xen errno (some
 * return a count or value, as the ABI says).
 */
long do_console_io(unsigned int cmd, unsigned int count, unsigned long buf);
long do_xen_version(unsigned int cmd, unsigned long arg);
long do_sched_op(unsigned int cmd, unsigned long arg);
long do_vm_assist(unsigned int cmd, unsigned int type);
long do_set_trap_table(unsigned long traps);
long do_set_callbacks(unsigned long event, unsigned long failsafe,
                      unsigned long syscall);
long do_callback_op(unsigned int cmd, unsigned long arg);
long do_stack_switch(unsigned long ss, unsigned long sp);
long do_set_segment_base(unsigned int which, unsigned long base);
long do_fpu_taskswitch(unsigned int set);
long do_set_debugreg(unsigned int reg, unsigned long value);
long do_get_debugreg(unsigned int reg);
long do_mmu_update(unsigned long ureqs, unsigned int count,
                   unsigned long pdone, domid_t foreigndom);
long do_mmuext_op(unsigned long uops, unsigned int count, unsigned long pdone,
                  domid_t foreigndom);
long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags);
long do_event_channel_op(unsigned int cmd, unsigned long arg);
long do_vcpu_op(unsigned int cmd, unsigned int vcpuid, unsigned long arg);
long do_set_timer_op(uint64_t timeout);
long do_memory_op(unsigned long cmd, unsigned long arg);
long do_set_gdt(unsigned long frame_list, unsigned int entries);
long do_update_descriptor(uint64_t maddr, uint64_t desc);
long do_physdev_op(unsigned int cmd, unsigned long arg);
long do_platform_op(unsigned long arg);
long do_grant_table_op(unsigned int cmd, unsigned long uop,
                       unsigned int count);
/* For the hypercall_errors debug option: a multicall entry's result. */
void hypercall_note_multicall_entry(unsigned long nr, const unsigned long a[5],
                                    long rc);
long do_multicall(unsigned long calls, unsigned int nr_calls);
long do_domctl(unsigned long arg);
long do_sysctl(unsigned long arg);

/* One call by number, as the guest made it (used by multicall too). */
long hypercall_dispatch(unsigned long nr, const unsigned long args[5]);

/*
 * Long operations stop part-way and return -ERESTART after updating
 * their arguments in place with hypercall_set_arg(); the guest's
 * syscall instruction is then re-executed, as Xen's continuations do.
 */
void hypercall_set_arg(unsigned int i, unsigned long val);
/* While a multicall entry runs, its args are what continuations update. */
void hypercall_redirect_args(unsigned long *args);

#endif /* XENIA_HYPERCALL_H */
