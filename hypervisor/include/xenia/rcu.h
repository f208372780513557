/* SPDX-License-Identifier: GPL-2.0-only */
/* Freeing what other CPUs may still be looking at, after a grace period. */
#ifndef XENIA_RCU_H
#define XENIA_RCU_H

struct rcu_head {
    struct rcu_head *next;
    void (*fn)(struct rcu_head *head);
};

/*
 * Run fn(head) once every online CPU has left whatever hypervisor work it
 * was doing when this was called: a CPU passes a quiescent state on its
 * way back to a guest through the scheduler, or in its idle loop. Code
 * that found an object without a reference may use it until it leaves
 * the hypervisor, as with Xen's RCU.
 */
void call_rcu(struct rcu_head *head, void (*fn)(struct rcu_head *head));

/* This CPU holds no pointer from before (sched.c calls it). */
void rcu_quiescent(unsigned int cpu);

#endif /* XENIA_RCU_H */
