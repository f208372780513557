/* SPDX-License-Identifier: GPL-2.0-only */
/* Round-robin scheduling policy: one FIFO of runnable vCPUs per CPU. */
#include <xenia/console.h>
#include <xenia/sched.h>
#include <xenia/time.h>
#include <asm/current.h>

static DEFINE_PER_CPU(struct list_head, runq);
static DEFINE_PER_CPU(bool, runq_ready);

static struct list_head *cpu_runq(unsigned int cpu)
{
    if ( !per_cpu(runq_ready, cpu) )
    {
        INIT_LIST_HEAD(&per_cpu(runq, cpu));
        per_cpu(runq_ready, cpu) = true;
    }
    return &per_cpu(runq, cpu);
}

static void rr_insert(unsigned int cpu, struct vcpu *v)
{
    if ( v->runq_elem.next ) /* already queued */
        return;
    list_add_tail(&v->runq_elem, cpu_runq(cpu));
}

static void rr_remove(unsigned int cpu, struct vcpu *v)
{
    (void)cpu;
    if ( v->runq_elem.next )
        list_del(&v->runq_elem);
}

/* The previous vCPU, if still runnable, goes to the back of the queue. */
static struct vcpu *rr_pick(unsigned int cpu, struct vcpu *prev)
{
    struct list_head *q = cpu_runq(cpu);
    struct vcpu *next;

    if ( prev && !prev->pause_flags && !prev->domain->is_shutting_down )
        rr_insert(cpu, prev);
    if ( list_empty(q) )
        return NULL;
    next = list_first_entry(q, struct vcpu, runq_elem);
    list_del(&next->runq_elem);
    return next;
}

static void rr_dump(unsigned int cpu)
{
    struct vcpu *v;

    /* Unlocked: a debug dump must not wait on a lock a hung CPU holds. */
    list_for_each_entry(v, cpu_runq(cpu), runq_elem)
        printk(XENLOG_INFO "  queued: d%uv%u\n", v->domain->domain_id,
               v->vcpu_id);
}

const struct scheduler sched_rr = {
    .name = "round-robin",
    .slice = MILLISECS(30),
    .insert = rr_insert,
    .remove = rr_remove,
    .pick = rr_pick,
    .dump = rr_dump,
};
