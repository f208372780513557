/* SPDX-License-Identifier: GPL-2.0-only */
/* A minimal grace-period mechanism for freeing shared objects. */
#include <xenia/cpumask.h>
#include <xenia/rcu.h>
#include <xenia/softirq.h>
#include <xenia/spinlock.h>
#include <asm/current.h>

/*
 * Two batches: callbacks queued while a grace period runs wait for the
 * next one, since a CPU may have found their object after it started.
 * A grace period asks every online CPU to reschedule, and ends when each
 * has passed through the scheduler (between hypercalls) since.
 */
static DEFINE_SPINLOCK(rcu_lock);
static struct rcu_head *next_batch, *cur_batch;
static cpumask_t waiting; /* CPUs yet to pass for cur_batch */

/* With rcu_lock held: start a grace period for next_batch if idle. */
static bool start_batch(void)
{
    if ( cur_batch || !next_batch )
        return false;
    cur_batch = next_batch;
    next_batch = NULL;
    cpumask_copy(&waiting, &cpu_online_map);
    return true;
}

static void kick_cpus(void)
{
    unsigned int cpu;

    for_each_online_cpu(cpu)
        raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

void call_rcu(struct rcu_head *head, void (*fn)(struct rcu_head *head))
{
    unsigned long flags = spin_lock_irqsave(&rcu_lock);
    bool started;

    head->fn = fn;
    head->next = next_batch;
    next_batch = head;
    started = start_batch();
    spin_unlock_irqrestore(&rcu_lock, flags);
    if ( started )
        kick_cpus();
}

void rcu_quiescent(unsigned int cpu)
{
    struct rcu_head *done = NULL, *h;
    unsigned long flags;
    bool started = false;

    if ( !cpumask_test_cpu(cpu, &waiting) )
        return;
    flags = spin_lock_irqsave(&rcu_lock);
    cpumask_clear_cpu(cpu, &waiting);
    if ( cur_batch && cpumask_empty(&waiting) )
    {
        done = cur_batch;
        cur_batch = NULL;
        started = start_batch();
    }
    spin_unlock_irqrestore(&rcu_lock, flags);
    if ( started )
        kick_cpus();
    while ( (h = done) != NULL )
    {
        done = h->next;
        h->fn(h);
    }
}
