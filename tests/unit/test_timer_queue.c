/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the per-CPU timer queue ordering. */
#include "check.h"
#include "../../hypervisor/common/timer_queue.c"

static void run_tests(void)
{
    struct timer_queue q;
    struct timer t[64];
    s_time_t last = 0;
    unsigned int i, popped = 0;

    timer_queue_init(&q);
    CHECK_EQ(timer_queue_next(&q), STIME_MAX);
    CHECK(timer_queue_pop_expired(&q, 1000) == NULL);

    memset(t, 0, sizeof(t));
    srand(42);
    for ( i = 0; i < 64; i++ )
    {
        t[i].expires = 1 + rand() % 1000;
        timer_queue_add(&q, &t[i]);
        CHECK(t[i].active);
    }
    /* Removing an inactive timer is harmless; removing active ones works. */
    timer_queue_remove(&t[3]);
    timer_queue_remove(&t[3]);
    CHECK(!t[3].active);
    timer_queue_remove(&t[10]);

    /* Nothing fires early, and everything comes out in deadline order. */
    CHECK(timer_queue_pop_expired(&q, 0) == NULL);
    while ( true )
    {
        struct timer *x = timer_queue_pop_expired(&q, 1000);

        if ( !x )
            break;
        CHECK(x->expires >= last);
        CHECK(!x->active);
        last = x->expires;
        popped++;
    }
    CHECK_EQ(popped, 62);
    CHECK_EQ(timer_queue_next(&q), STIME_MAX);

    /* The add reports when the new timer became the earliest. */
    memset(t, 0, sizeof(t));
    t[0].expires = 100;
    t[1].expires = 200;
    t[2].expires = 50;
    t[3].expires = 100;
    CHECK(timer_queue_add(&q, &t[0]));
    CHECK(!timer_queue_add(&q, &t[1]));
    CHECK(timer_queue_add(&q, &t[2]));
    CHECK(!timer_queue_add(&q, &t[3])); /* equal deadline: after t[0] */
    CHECK_EQ(timer_queue_next(&q), 50);
    CHECK(timer_queue_pop_expired(&q, 100) == &t[2]);
    CHECK(timer_queue_pop_expired(&q, 100) == &t[0]);
    CHECK(timer_queue_pop_expired(&q, 100) == &t[3]);
    CHECK(timer_queue_pop_expired(&q, 100) == NULL);
    CHECK_EQ(timer_queue_next(&q), 200);

    /* A deadline of 0 (or before it) is a deadline, not "nothing queued". */
    timer_queue_remove(&t[1]);
    CHECK_EQ(timer_queue_next(&q), STIME_MAX);
    memset(t, 0, sizeof(t));
    t[0].expires = 0;
    t[1].expires = -5;
    CHECK(timer_queue_add(&q, &t[0]));
    CHECK_EQ(timer_queue_next(&q), 0);
    CHECK(timer_queue_add(&q, &t[1]));
    CHECK_EQ(timer_queue_next(&q), -5);
    CHECK(timer_queue_pop_expired(&q, 0) == &t[1]);
    CHECK(timer_queue_pop_expired(&q, 0) == &t[0]);
}
