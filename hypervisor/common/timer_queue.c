/* SPDX-License-Identifier: GPL-2.0-only */
/* A CPU's queue of pending timers, kept in deadline order. */
#include <xenia/lib.h>
#include <xenia/time.h>
#include <xenia/timer.h>

/*
 * A sorted list: insertion is linear, but a CPU holds a handful of timers
 * (one per vCPU plus a few of Xenia's), and the earliest is always the
 * head, which is what the interrupt path needs.
 */
void timer_queue_init(struct timer_queue *q)
{
    INIT_LIST_HEAD(&q->head);
}

bool timer_queue_add(struct timer_queue *q, struct timer *t)
{
    struct list_head *pos = &q->head;
    struct timer *it;

    ASSERT(!t->active);
    list_for_each_entry(it, &q->head, entry)
    {
        /* Equal deadlines keep their arming order. */
        if ( it->expires > t->expires )
        {
            pos = &it->entry;
            break;
        }
    }
    list_add_tail(&t->entry, pos);
    t->active = true;
    return q->head.next == &t->entry;
}

void timer_queue_remove(struct timer *t)
{
    if ( !t->active )
        return;
    list_del(&t->entry);
    t->active = false;
}

struct timer *timer_queue_pop_expired(struct timer_queue *q, s_time_t now)
{
    struct timer *t;

    if ( list_empty(&q->head) )
        return NULL;
    t = list_first_entry(&q->head, struct timer, entry);
    if ( t->expires > now )
        return NULL;
    timer_queue_remove(t);
    return t;
}

s_time_t timer_queue_next(const struct timer_queue *q)
{
    /* Not 0, which is a deadline like any other (long passed). */
    if ( list_empty(&q->head) )
        return STIME_MAX;
    return list_first_entry(&q->head, struct timer, entry)->expires;
}
