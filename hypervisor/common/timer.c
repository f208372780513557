/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU timer events on top of the local APIC's one-shot deadline. */
#include <xenia/console.h>
#include <xenia/spinlock.h>
#include <xenia/time.h>
#include <xenia/timer.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smp.h>

struct cpu_timers {
    spinlock_t lock;
    struct timer_queue queue;
    struct timer *running; /* whose callback runs now (kill_timer waits) */
};
static DEFINE_PER_CPU(struct cpu_timers, timers);

void timers_init_cpu(unsigned int cpu)
{
    struct cpu_timers *ts = &per_cpu(timers, cpu);

    ts->lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
    timer_queue_init(&ts->queue);
}

void init_timer(struct timer *t, void (*fn)(void *), void *data,
                unsigned int cpu)
{
    ASSERT(cpu < CONFIG_NR_CPUS);
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->data = data;
    t->cpu = cpu;
}

/*
 * A timer is armed under its CPU's lock from any CPU, but only that CPU
 * can program its APIC: if the timer is now its earliest, tell it.
 */
void set_timer(struct timer *t, s_time_t expires)
{
    struct cpu_timers *ts = &per_cpu(timers, t->cpu);
    unsigned long flags = spin_lock_irqsave(&ts->lock);
    bool head;

    if ( t->killed )
    {
        spin_unlock_irqrestore(&ts->lock, flags);
        return;
    }
    timer_queue_remove(t);
    t->expires = expires;
    head = timer_queue_add(&ts->queue, t);
    if ( head && t->cpu == smp_processor_id() )
        apic_timer_program(expires);
    spin_unlock_irqrestore(&ts->lock, flags);
    if ( head && t->cpu != smp_processor_id() )
        smp_send_timer_ipi(t->cpu);
}

void stop_timer(struct timer *t)
{
    struct cpu_timers *ts = &per_cpu(timers, t->cpu);
    unsigned long flags = spin_lock_irqsave(&ts->lock);

    timer_queue_remove(t);
    spin_unlock_irqrestore(&ts->lock, flags);
}

void kill_timer(struct timer *t)
{
    struct cpu_timers *ts = &per_cpu(timers, t->cpu);
    unsigned long flags = spin_lock_irqsave(&ts->lock);

    timer_queue_remove(t);
    t->killed = true;
    spin_unlock_irqrestore(&ts->lock, flags);
    while ( __atomic_load_n(&ts->running, __ATOMIC_ACQUIRE) == t )
        cpu_relax();
}

void timer_softirq_action(void)
{
    struct cpu_timers *ts = &this_cpu(timers);
    struct timer *t;
    unsigned long flags = spin_lock_irqsave(&ts->lock);

    /* The callback runs unlocked so that it may re-arm its own timer. */
    while ( (t = timer_queue_pop_expired(&ts->queue, NOW())) != NULL )
    {
        __atomic_store_n(&ts->running, t, __ATOMIC_RELEASE);
        spin_unlock_irqrestore(&ts->lock, flags);
        t->fn(t->data);
        flags = spin_lock_irqsave(&ts->lock);
        __atomic_store_n(&ts->running, NULL, __ATOMIC_RELEASE);
    }
    apic_timer_program(timer_queue_next(&ts->queue));
    spin_unlock_irqrestore(&ts->lock, flags);
}
