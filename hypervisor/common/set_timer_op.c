/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_set_timer_op: a vCPU's one-shot timer, by absolute deadline. */
#include <xenia/guest_log.h>
#include <xenia/console.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <xenia/time.h>

/* Beyond this (about 13 days ahead) set_timer_op's deadline is suspect. */
#define SET_TIMER_OP_MAX_AHEAD (1LL << 50)

long do_set_timer_op(uint64_t timeout)
{
    struct vcpu *v = current_vcpu();
    s_time_t t = (s_time_t)timeout;

    if ( !timeout )
        stop_timer(&v->singleshot_timer);
    else if ( t < 0 || t - NOW() > SET_TIMER_OP_MAX_AHEAD )
    {
        /*
         * As Xen: a deadline that wrapped negative or lies weeks ahead is
         * an old Linux's jiffies overflow (or "no timer"); it gets an
         * event in 100 ms rather than at once (a busy loop) or never.
         */
        gprintk(XENLOG_G_DEBUG, v, "set_timer_op: huge timeout %#lx\n",
                (unsigned long)timeout);
        set_timer(&v->singleshot_timer, NOW() + MILLISECS(100));
    }
    else
        set_timer(&v->singleshot_timer, t);
    return 0;
}
