/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channel upcall (2-level ABI) and the event/failsafe callback registration. */
#include "guest.h"
#include <xen/callback.h>

volatile unsigned int upcall_count;
volatile unsigned int event_count[64];
static event_hook_t event_hook;

void event_set_hook(event_hook_t hook)
{
    event_hook = hook;
}

void evtchn_mask(evtchn_port_t port)
{
    __atomic_fetch_or(&shared_info->evtchn_mask[port / 64], 1UL << (port % 64),
                      __ATOMIC_SEQ_CST);
}

void evtchn_clear(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 64],
                       ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

bool evtchn_is_pending(evtchn_port_t port)
{
    return (shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

/*
 * Unmask without a hypercall, as Linux does for ports bound to this vCPU:
 * if the port is already pending, raise the selector and upcall flags
 * ourselves, because the hypervisor only does that when it sets pending.
 */
void evtchn_unmask_local(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info->evtchn_mask[port / 64],
                       ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
    if ( evtchn_is_pending(port) )
    {
        __atomic_fetch_or(&vcpu0->evtchn_pending_sel, 1UL << (port / 64),
                          __ATOMIC_SEQ_CST);
        vcpu0->evtchn_upcall_pending = 1;
    }
}

/* The upcall: scan pending & ~mask for each selector bit, clear and count. */
static bool upcall(struct trap_regs *regs)
{
    unsigned long sel, pend;
    unsigned int word, bit;
    evtchn_port_t port;

    (void)regs;
    upcall_count++;
    vcpu0->evtchn_upcall_pending = 0;
    sel = __atomic_exchange_n(&vcpu0->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while ( sel )
    {
        word = __builtin_ctzl(sel);
        sel &= sel - 1;
        pend =
            shared_info->evtchn_pending[word] & ~shared_info->evtchn_mask[word];
        while ( pend )
        {
            bit = __builtin_ctzl(pend);
            pend &= pend - 1;
            port = word * 64 + bit;
            evtchn_clear(port);
            if ( port < ARRAY_SIZE(event_count) )
                event_count[port]++;
            if ( event_hook )
                event_hook(port);
        }
    }
    return true;
}

void events_init(void)
{
    struct callback_register ev = {
        .type = CALLBACKTYPE_event,
        .flags = CALLBACKF_mask_events,
        .address = (unsigned long)event_callback_entry,
    };
    struct callback_register fs = {
        .type = CALLBACKTYPE_failsafe,
        .flags = CALLBACKF_mask_events,
        .address = (unsigned long)failsafe_callback_entry,
    };
    long rc;

    trap_set_hook(VEC_EVENT, upcall);
    rc = hypercall_callback_op(CALLBACKOP_register, &ev);
    if ( rc )
        test_error("callback_op(register event): %ld", rc);
    rc = hypercall_callback_op(CALLBACKOP_register, &fs);
    if ( rc )
        test_error("callback_op(register failsafe): %ld", rc);
}
