/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_multicall: a batch of hypercalls with a result for each. */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/preempt.h>
#include <xen/xen.h>

/*
 * Run one entry. An entry that must continue later updates its own
 * arguments (hypercall_redirect_args); they go back into the guest's
 * entry so the resumed multicall starts again at it, as Xen does.
 */
static long run_entry(unsigned long addr, struct multicall_entry *e)
{
    long result;

    if ( e->op == __HYPERVISOR_multicall || e->op == __HYPERVISOR_iret )
        return -EINVAL; /* no recursion; iret rewrites the whole frame */
    hypercall_redirect_args((unsigned long *)e->args);
    result = hypercall_dispatch(e->op, (const unsigned long *)e->args);
    hypercall_redirect_args(NULL);
    hypercall_note_multicall_entry(e->op, (const unsigned long *)e->args,
                                   result);
    if ( result == -ERESTART &&
         copy_to_guest(addr + offsetof(struct multicall_entry, args), e->args,
                       sizeof(e->args)) )
        return -EFAULT;
    return result;
}

long do_multicall(unsigned long calls, unsigned int nr_calls)
{
    struct multicall_entry e;
    unsigned int i;

    for ( i = 0; i < nr_calls; i++ )
    {
        unsigned long addr = calls + (unsigned long)i * sizeof(e);

        if ( copy_from_guest(&e, addr, sizeof(e)) )
            return -EFAULT;
        if ( (i && hypercall_preempt_check()) ||
             (long)(e.result = run_entry(addr, &e)) == -ERESTART )
        {
            hypercall_set_arg(0, addr);
            hypercall_set_arg(1, nr_calls - i);
            return -ERESTART;
        }
        if ( copy_to_guest(addr + offsetof(struct multicall_entry, result),
                           &e.result, sizeof(e.result)) )
            return -EFAULT;
    }
    return 0;
}
