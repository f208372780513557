/* SPDX-License-Identifier: GPL-2.0-only */
/* The preemption check of long hypercalls (see xenia/preempt.h). */
#include <xenia/preempt.h>
#include <xenia/domain.h>
#include <xenia/sched.h>
#include <xenia/softirq.h>
#include <asm/current.h>

/*
 * An event counts only if the exit path would deliver it (the vCPU has
 * an event callback): otherwise stopping would only cost a re-entry.
 */
static bool local_events_need_delivery(const struct vcpu *v)
{
    const struct vcpu_info *vi = v->vcpu_info;

    return vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask &&
           v->arch.event_callback_eip;
}

bool hypercall_preempt_check(void)
{
    return softirq_pending(smp_processor_id(), SCHEDULE_SOFTIRQ) ||
           local_events_need_delivery(current_vcpu());
}
