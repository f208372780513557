/* SPDX-License-Identifier: GPL-2.0-only */
/* A vCPU's timers: singleshot, periodic and SCHEDOP_poll's timeout. */
#ifndef XENIA_VCPU_TIMER_H
#define XENIA_VCPU_TIMER_H

struct vcpu;

/* Set up a vCPU's singleshot and periodic timers (vcpu_op.c). */
void vcpu_timers_init(struct vcpu *v);
/* Ends a SCHEDOP_poll that saw no event in time (sched_op.c). */
void vcpu_poll_timeout(void *data);

#endif /* XENIA_VCPU_TIMER_H */
