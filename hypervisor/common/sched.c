/* SPDX-License-Identifier: GPL-2.0-only */
/* Scheduling mechanism: run states, time slices and vCPU switches. */
#include <xenia/arch.h>
#include <xenia/console.h>
#include <xenia/rcu.h>
#include <xenia/cpumask.h>
#include <xenia/sched.h>
#include <xenia/shutdown.h>
#include <xenia/softirq.h>
#include <xenia/time.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <xenia/keyhandler.h>

static const struct scheduler *ops = &sched_rr;

struct sched_cpu {
    spinlock_t lock;    /* the policy's queue for this CPU */
    struct timer slice;
    bool online;        /* sched_init_cpu() ran for it */
    s_time_t idle_since, idle_total; /* time with no vCPU (getcpuinfo) */
};
static DEFINE_PER_CPU(struct sched_cpu, sched_cpu);
/* Whose registers are in the CPU's frame (current_vcpu()). */
DEFINE_PER_CPU(struct vcpu *, sched_curr);

static void slice_expired(void *data)
{
    (void)data;
    raise_softirq(smp_processor_id(), SCHEDULE_SOFTIRQ);
}

void sched_init_cpu(unsigned int cpu)
{
    struct sched_cpu *sc = &per_cpu(sched_cpu, cpu);

    sc->lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
    per_cpu(sched_curr, cpu) = NULL;
    get_cpu_info()->current_vcpu = NULL; /* called on that CPU */
    init_timer(&sc->slice, slice_expired, NULL, cpu);
    sc->idle_since = NOW();
    sc->online = true;
}

s_time_t sched_idle_time(unsigned int cpu)
{
    const struct sched_cpu *sc = &per_cpu(sched_cpu, cpu);
    s_time_t t = sc->idle_total;

    if ( !per_cpu(sched_curr, cpu) )
        t += NOW() - sc->idle_since;
    return t;
}

bool sched_cpu_online(unsigned int cpu)
{
    return cpu < CONFIG_NR_CPUS && per_cpu(sched_cpu, cpu).online;
}

/* Account the time spent in the old state, enter the new one. */
static void runstate_change(struct vcpu *v, int state)
{
    s_time_t now = NOW();

    v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
    v->runstate.state = state;
    v->runstate.state_entry_time = now;
}

/*
 * Static placement: a vCPU stays on the CPU it is given. Spreading a
 * domain's vCPUs over the CPUs by number (offset by domain, so that
 * domains' vCPU 0s do not all share CPU 0) is what a PV guest with one
 * vCPU per CPU wants; a smarter policy can move them later.
 */
unsigned int sched_pick_cpu(unsigned int domid, unsigned int vcpu_id)
{
    unsigned int n = (domid + vcpu_id) % nr_online_cpus, cpu;

    for_each_online_cpu(cpu)
        if ( !n-- )
            return cpu;
    return 0;
}

void sched_add_vcpu(struct vcpu *v)
{
    v->runstate.state = v->pause_flags ? RUNSTATE_offline : RUNSTATE_runnable;
    v->runstate.state_entry_time = NOW();
    if ( !v->pause_flags )
        sched_wake(v);
}

/*
 * Wake-up preemption, as Xen's credit schedulers do for a vCPU waking from
 * a block: it is waiting on I/O or a timer, and the vCPU in its way may
 * have a whole slice left. Without it, a DomU sharing its CPU with a busy
 * Dom0 vCPU waited up to a slice for each event its backend sent
 * (tests/bench/io). The vCPU in the way keeps at least WAKE_RATELIMIT of
 * running, as Xen's sched_ratelimit_us (1 ms by default); the woken one
 * gets a slice of that length, so one that wakes only to spin takes no
 * more than it gave (tests/guests/wake-preempt).
 */
#define WAKE_RATELIMIT MILLISECS(1)

void sched_wake(struct vcpu *v)
{
    struct sched_cpu *sc = &per_cpu(sched_cpu, v->processor);
    unsigned long flags = spin_lock_irqsave(&sc->lock);
    s_time_t preempt_at = 0;

    if ( !v->pause_flags && !v->is_running && !v->domain->is_shutting_down )
    {
        bool was_blocked = v->runstate.state == RUNSTATE_blocked;
        struct vcpu *curr = per_cpu(sched_curr, v->processor);

        if ( v->runstate.state != RUNSTATE_runnable )
            runstate_change(v, RUNSTATE_runnable);
        ops->insert(v->processor, v);
        /* An idle CPU picks it at once; a busy one within the rate limit. */
        if ( !curr )
            raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
        else if ( was_blocked && curr != v )
        {
            preempt_at = curr->runstate.state_entry_time + WAKE_RATELIMIT;
            v->woke_preempting = true;
        }
    }
    spin_unlock_irqrestore(&sc->lock, flags);
    if ( !preempt_at )
        return;
    if ( preempt_at <= NOW() )
        raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    else if ( preempt_at < sc->slice.expires )
        set_timer(&sc->slice, preempt_at);
}

void sched_sleep(struct vcpu *v)
{
    struct sched_cpu *sc = &per_cpu(sched_cpu, v->processor);
    unsigned long flags = spin_lock_irqsave(&sc->lock);

    ops->remove(v->processor, v);
    if ( per_cpu(sched_curr, v->processor) == v )
        raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    else if ( v->runstate.state == RUNSTATE_runnable )
        runstate_change(v, v->pause_flags & VPF_blocked ? RUNSTATE_blocked
                                                        : RUNSTATE_offline);
    spin_unlock_irqrestore(&sc->lock, flags);
}

void sched_yield(void)
{
    raise_softirq(smp_processor_id(), SCHEDULE_SOFTIRQ);
}

/* Before Dom0 exists every CPU idles; after it is gone there is no one. */
static bool nothing_left_to_run(void)
{
    struct domain *d = hardware_domain();

    return d && d->is_shutting_down;
}

/* Pick and switch to the next vCPU; NULL if none is runnable. */
static struct vcpu *do_schedule(struct cpu_user_regs *frame)
{
    unsigned int cpu = smp_processor_id();
    struct sched_cpu *sc = &per_cpu(sched_cpu, cpu);
    struct vcpu *prev = per_cpu(sched_curr, cpu), *next;

    spin_lock(&sc->lock);
    next = ops->pick(cpu, prev);
    if ( prev && prev != next )
    {
        prev->is_running = false;
        runstate_change(prev, prev->domain->is_shutting_down ? RUNSTATE_offline
                              : prev->pause_flags & VPF_blocked
                                  ? RUNSTATE_blocked
                              : prev->pause_flags ? RUNSTATE_offline
                                                  : RUNSTATE_runnable);
    }
    if ( next && next != prev )
    {
        next->is_running = true;
        runstate_change(next, RUNSTATE_running);
    }
    if ( !prev && next )
        sc->idle_total += NOW() - sc->idle_since;
    else if ( prev && !next )
        sc->idle_since = NOW();
    per_cpu(sched_curr, cpu) = next;
    get_cpu_info()->current_vcpu = next;
    spin_unlock(&sc->lock);

    if ( next != prev )
    {
        if ( next )
            next->ctxt_loaded = true;
        arch_context_switch(prev, next, frame);
        /* Its state is saved: domain_pause() may now look at it. */
        if ( prev )
            __atomic_store_n(&prev->ctxt_loaded, false, __ATOMIC_RELEASE);
    }
    if ( next )
    {
        bool short_slice = next->woke_preempting && next != prev;

        next->woke_preempting = false;
        set_timer(&sc->slice, NOW() + (short_slice ? WAKE_RATELIMIT : ops->slice));
    }
    else
        stop_timer(&sc->slice);
    return next;
}

/* sched_exit_to_guest()'s way when there is work: out of line. */
struct vcpu *sched_schedule_or_idle(struct cpu_user_regs *frame,
                                    unsigned int cpu, struct vcpu *v)
{
    for ( ;; )
    {
        if ( test_and_clear_softirq(cpu, SCHEDULE_SOFTIRQ) || !v ||
             v->pause_flags || v->domain->is_shutting_down )
        {
            /* Between hypercalls: nothing found earlier is held. */
            rcu_quiescent(cpu);
            v = do_schedule(frame);
        }
        if ( v )
            return v;
        if ( nothing_left_to_run() && cpu == 0 )
        {
            printk(XENLOG_INFO "No domain left to run\n");
            machine_halt();
        }
        /* Idle until an interrupt makes something runnable. */
        safe_halt();
        local_irq_disable();
    }
}

void sched_run_cpu(void)
{
    struct cpu_info *ci = get_cpu_info();

    local_irq_disable();
    raise_softirq(smp_processor_id(), SCHEDULE_SOFTIRQ);
    pv_enter_first_guest(&ci->guest_cpu_user_regs);
}

void sched_start(void)
{
    printk(XENLOG_INFO "Scheduler: %s, %lu ms slices, %u CPU%s\n", ops->name,
           (unsigned long)(ops->slice / 1000000), nr_online_cpus,
           nr_online_cpus == 1 ? "" : "s");
    sched_run_cpu();
}

/* 'r': who runs where; the policy's queues are behind its own calls. */
void dump_runqueues(void)
{
    for ( unsigned int cpu = 0; cpu < CONFIG_NR_CPUS; cpu++ )
    {
        const struct sched_cpu *sc = &per_cpu(sched_cpu, cpu);
        const struct vcpu *curr = per_cpu(sched_curr, cpu);

        if ( !sched_cpu_online(cpu) )
            continue;
        if ( curr )
            printk(XENLOG_INFO "CPU %u: running d%uv%u, slice ends at %lu ns\n",
                   cpu, curr->domain->domain_id, curr->vcpu_id,
                   (unsigned long)sc->slice.expires);
        else
            printk(XENLOG_INFO "CPU %u: idle\n", cpu);
        if ( ops->dump )
            ops->dump(cpu);
    }
}
