/* SPDX-License-Identifier: GPL-2.0-only */
/* The scheduler interface: which vCPU runs next on a CPU. */
#ifndef XENIA_SCHED_H
#define XENIA_SCHED_H

#include <xenia/domain.h>
#include <xenia/softirq.h>

/*
 * A scheduler keeps the runnable vCPUs of each CPU. sched.c owns the
 * mechanism (run states, slices, the SCHEDULE softirq, context switch);
 * a policy only answers these calls, so a weighted policy can replace
 * round robin without touching the rest. Calls come with the CPU's
 * schedule lock held and interrupts off.
 */
struct scheduler {
    const char *name;
    s_time_t slice;
    void (*insert)(unsigned int cpu, struct vcpu *v);  /* became runnable */
    void (*remove)(unsigned int cpu, struct vcpu *v);  /* no longer runnable */
    /* Next vCPU to run (removed from the queue), or NULL to idle. */
    struct vcpu *(*pick)(unsigned int cpu, struct vcpu *prev);
    void (*dump)(unsigned int cpu); /* print the queue (debug key 'r') */
};

extern const struct scheduler sched_rr;

void sched_init_cpu(unsigned int cpu);
bool sched_cpu_online(unsigned int cpu);
/* How long the CPU has had no vCPU to run since it came up. */
s_time_t sched_idle_time(unsigned int cpu);
/* The CPU a new vCPU runs on (set before its timers are made). */
unsigned int sched_pick_cpu(unsigned int domid, unsigned int vcpu_id);
void sched_add_vcpu(struct vcpu *v);
/* Mark v runnable/not runnable; raises the SCHEDULE softirq as needed. */
void sched_wake(struct vcpu *v);
void sched_sleep(struct vcpu *v);
/* Give up the CPU at the next exit to the guest (SCHEDOP_yield). */
void sched_yield(void);

struct vcpu *sched_schedule_or_idle(struct cpu_user_regs *regs,
                                    unsigned int cpu, struct vcpu *v);

/*
 * On the way back to a guest: run a pending reschedule, switching the
 * registers in regs (the CPU's guest frame) to the chosen vCPU's. Idles
 * in place while nothing is runnable. Returns the vCPU to resume.
 * Every hypercall and trap ends here: the usual case, inline, only reads.
 */
static inline struct vcpu *sched_exit_to_guest(struct cpu_user_regs *regs)
{
    unsigned int cpu = smp_processor_id();
    struct vcpu *v = per_cpu(sched_curr, cpu);

    if ( v && !softirq_pending(cpu, SCHEDULE_SOFTIRQ) && !v->pause_flags &&
         !v->domain->is_shutting_down )
        return v;
    return sched_schedule_or_idle(regs, cpu, v);
}

/* Enter the first guest on this CPU (the BSP, after building Dom0). */
void __noreturn sched_start(void);
/* Idle until a vCPU of this CPU is runnable, then run it (every CPU). */
void __noreturn sched_run_cpu(void);

#endif /* XENIA_SCHED_H */
