/* SPDX-License-Identifier: GPL-2.0-only */
/* One-shot timer events: call fn(data) on a CPU once NOW() passes expires. */
#ifndef XENIA_TIMER_H
#define XENIA_TIMER_H

#include <xenia/list.h>
#include <xenia/types.h>

struct timer {
    s_time_t expires;
    void (*fn)(void *data);
    void *data;
    unsigned int cpu;
    bool active;
    bool killed; /* kill_timer(): set_timer does nothing any more */
    struct list_head entry; /* in its CPU's queue, ordered by expires */
};

/*
 * The queue is pure (timer_queue.c, host-tested): sorted insertion,
 * removal, and popping expired entries. timer.c adds the locking and
 * programs the local APIC for the earliest deadline.
 */
struct timer_queue {
    struct list_head head;
};

void timer_queue_init(struct timer_queue *q);
/* True if t became the earliest entry (so the hardware needs reprogramming). */
bool timer_queue_add(struct timer_queue *q, struct timer *t);
void timer_queue_remove(struct timer *t);
/* The earliest timer with expires <= now, removed from q; NULL if none. */
struct timer *timer_queue_pop_expired(struct timer_queue *q, s_time_t now);
/* Earliest deadline, or STIME_MAX when empty. */
s_time_t timer_queue_next(const struct timer_queue *q);

void init_timer(struct timer *t, void (*fn)(void *), void *data,
                unsigned int cpu);
/* (Re)arm t; an expiry in the past fires at the next interrupt. */
void set_timer(struct timer *t, s_time_t expires);
void stop_timer(struct timer *t);
/*
 * Stop t for good before its memory goes: dequeued, its callback not
 * running on any CPU, and never armed again (not even by its callback).
 * Not from t's own callback, nor with a lock that callback takes.
 */
void kill_timer(struct timer *t);

void timers_init_cpu(unsigned int cpu);
/* From the local timer interrupt: run what has expired, reprogram. */
void timer_softirq_action(void);

#endif /* XENIA_TIMER_H */
