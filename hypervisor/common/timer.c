/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU timer events on top of the local APIC's one-shot deadline. */
#include <xenia/console.h>
#include <xenia/spinlock.h>
#include <xenia/time.h>
#include <xenia/timer.h>
#include <asm/apic.h>
#include <asm/current.h>

struct cpu_timers {
    spinlock_t lock;
    struct timer_queue queue;
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
 * Remote CPUs' timers are armed under that CPU's lock, but only the local
 * CPU reprograms its APIC; a remote CPU would need an IPI, which comes
 * with SMP bring-up. Until then every timer lives on CPU 0.
 */
void set_timer(struct timer *t, s_time_t expires)
{
    struct cpu_timers *ts = &per_cpu(timers, t->cpu);
    unsigned long flags = spin_lock_irqsave(&ts->lock);

    timer_queue_remove(t);
    t->expires = expires;
    if ( timer_queue_add(&ts->queue, t) && t->cpu == smp_processor_id() )
        apic_timer_program(expires);
    spin_unlock_irqrestore(&ts->lock, flags);
}

void stop_timer(struct timer *t)
{
    struct cpu_timers *ts = &per_cpu(timers, t->cpu);
    unsigned long flags = spin_lock_irqsave(&ts->lock);

    timer_queue_remove(t);
    spin_unlock_irqrestore(&ts->lock, flags);
}

void timer_softirq_action(void)
{
    struct cpu_timers *ts = &this_cpu(timers);
    struct timer *t;
    unsigned long flags = spin_lock_irqsave(&ts->lock);

    /* The callback runs unlocked so that it may re-arm its own timer. */
    while ( (t = timer_queue_pop_expired(&ts->queue, NOW())) != NULL )
    {
        spin_unlock_irqrestore(&ts->lock, flags);
        t->fn(t->data);
        flags = spin_lock_irqsave(&ts->lock);
    }
    apic_timer_program(timer_queue_next(&ts->queue));
    spin_unlock_irqrestore(&ts->lock, flags);
}
