/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the FIFO event queues (common/event_fifo.c), with a guest. */
#include "check.h"
#include <pthread.h>
#include "../../hypervisor/common/event_fifo.c"

#define W(bit) (1u << EVTCHN_FIFO_##bit)

static struct evtchn_fifo f;
static struct evtchn ports[2 * EVTCHN_FIFO_WORDS_PER_PAGE];
static event_word_t array[2][EVTCHN_FIFO_WORDS_PER_PAGE];
static struct evtchn_fifo_control_block cb[2];

static void reset(unsigned int pages)
{
    memset(&f, 0, sizeof(f));
    memset(ports, 0, sizeof(ports));
    memset(array, 0, sizeof(array));
    memset(cb, 0, sizeof(cb));
    for ( unsigned int i = 0; i < 2; i++ )
        CHECK_EQ(evtchn_fifo_set_control(&f, i, &cb[i]), 0);
    for ( unsigned int i = 0; i < pages; i++ )
        CHECK_EQ(evtchn_fifo_add_page(&f, array[i], EVTCHN_FIFO_NR_CHANNELS),
                 0);
    for ( unsigned int p = 0; p < 2 * EVTCHN_FIFO_WORDS_PER_PAGE; p++ )
        ports[p].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
}

static unsigned int raise(uint32_t port)
{
    return evtchn_fifo_set_pending(&f, &ports[port], port,
                                   ports[port].notify_vcpu);
}

static event_word_t word(uint32_t port)
{
    return *evtchn_fifo_word(&f, port);
}

static void test_control_checks(void)
{
    CHECK_EQ(evtchn_fifo_check_control(2, 0, 0), 0);
    CHECK_EQ(evtchn_fifo_check_control(2, 2, 0), -ENOENT);
    CHECK_EQ(evtchn_fifo_check_control(64, 40, 0), -ENOENT);
    CHECK_EQ(evtchn_fifo_check_control(2, 0, 4), -EINVAL);   /* alignment */
    CHECK_EQ(evtchn_fifo_check_control(2, 0, 4024), 0);      /* 4096 - 72 */
    CHECK_EQ(evtchn_fifo_check_control(2, 0, 4032), -EINVAL); /* crosses */
    CHECK_EQ(evtchn_fifo_check_control(2, 0, 0xfffffff8u), -EINVAL);
    /* The vCPU is checked first, as in Xen. */
    CHECK_EQ(evtchn_fifo_check_control(2, 5, 3), -ENOENT);
    reset(0);
    CHECK_EQ(evtchn_fifo_set_control(&f, 1, &cb[0]), -EINVAL); /* again */
}

static void test_pages(void)
{
    static event_word_t page[EVTCHN_FIFO_WORDS_PER_PAGE];

    reset(0);
    CHECK(evtchn_fifo_word(&f, 1) == NULL);
    /* Raised before its page: remembered for when the page comes. */
    CHECK_EQ(raise(5), 0);
    CHECK(ports[5].fifo_pending);
    CHECK_EQ(cb[0].ready, 0);
    CHECK_EQ(evtchn_fifo_add_page(&f, array[0], EVTCHN_FIFO_NR_CHANNELS), 0);
    CHECK_EQ(f.nr_ports, 1024);
    CHECK(evtchn_fifo_word(&f, 1023) == &array[0][1023]);
    CHECK(evtchn_fifo_word(&f, 1024) == NULL);
    CHECK_EQ(evtchn_fifo_add_page(&f, array[1], 2048), 0);
    CHECK(evtchn_fifo_word(&f, 1025) == &array[1][1]);
    CHECK_EQ(evtchn_fifo_add_page(&f, page, 2048), -ENOSPC);
    while ( f.nr_ports < EVTCHN_FIFO_NR_CHANNELS )
        CHECK_EQ(evtchn_fifo_add_page(&f, page, EVTCHN_FIFO_NR_CHANNELS), 0);
    CHECK_EQ(evtchn_fifo_add_page(&f, page, EVTCHN_FIFO_NR_CHANNELS), -ENOSPC);
    CHECK(evtchn_fifo_word(&f, EVTCHN_FIFO_NR_CHANNELS - 1) != NULL);
    CHECK(evtchn_fifo_word(&f, EVTCHN_FIFO_NR_CHANNELS) == NULL);
}

static void test_link_and_ready(void)
{
    reset(2);
    CHECK_EQ(raise(3), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(word(3), W(PENDING) | W(LINKED));
    CHECK_EQ(cb[0].head[EVTCHN_FIFO_PRIORITY_DEFAULT], 3);
    CHECK_EQ(cb[0].ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    /* Appended to the tail; the queue was ready already. */
    CHECK_EQ(raise(1500), EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(word(3), W(PENDING) | W(LINKED) | 1500);
    CHECK_EQ(word(1500), W(PENDING) | W(LINKED));
    /* Raised again while pending: nothing new. */
    CHECK_EQ(raise(3), 0);
    CHECK_EQ(word(3), W(PENDING) | W(LINKED) | 1500);
    /* Another priority, another vCPU. */
    CHECK_EQ(evtchn_fifo_set_priority(&ports[9], 2), 0);
    CHECK_EQ(raise(9), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(cb[0].head[2], 9);
    CHECK_EQ(cb[0].ready, (1u << 2) | (1u << 7));
    ports[10].notify_vcpu = 1;
    CHECK_EQ(raise(10), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(cb[1].head[EVTCHN_FIFO_PRIORITY_DEFAULT], 10);
    CHECK_EQ(cb[1].ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    /* The guest took 3 and 1500 off the queue: 11 starts it afresh. */
    array[0][3] &= ~(W(LINKED) | EVTCHN_FIFO_LINK_MASK);
    array[1][1500 - 1024] &= ~(W(LINKED) | EVTCHN_FIFO_LINK_MASK);
    cb[0].ready = 0;
    CHECK_EQ(raise(11), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(cb[0].head[EVTCHN_FIFO_PRIORITY_DEFAULT], 11);
    CHECK_EQ(word(1500), W(PENDING)); /* not linked to 11 */
}

static void test_priorities(void)
{
    CHECK_EQ(evtchn_fifo_set_priority(&ports[1], EVTCHN_FIFO_PRIORITY_MIN), 0);
    CHECK_EQ(evtchn_fifo_set_priority(&ports[1], EVTCHN_FIFO_PRIORITY_MAX), 0);
    CHECK_EQ(evtchn_fifo_set_priority(&ports[1], 16), -EINVAL);
    CHECK_EQ(evtchn_fifo_set_priority(&ports[1], 0xffffffffu), -EINVAL);
    CHECK_EQ(ports[1].priority, EVTCHN_FIFO_PRIORITY_MAX);
    /* A linked event stays where it is; the next one uses the new queue. */
    reset(1);
    CHECK_EQ(raise(4), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(evtchn_fifo_set_priority(&ports[4], 1), 0);
    CHECK_EQ(raise(4), 0);
    CHECK_EQ(cb[0].ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    array[0][4] = 0; /* consumed */
    CHECK_EQ(raise(4), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(cb[0].head[1], 4);
}

static void test_masking(void)
{
    reset(1);
    array[0][6] = W(MASKED);
    CHECK_EQ(raise(6), EVTCHN_FIFO_NEW_PENDING); /* a poller may wake */
    CHECK_EQ(word(6), W(MASKED) | W(PENDING));
    CHECK_EQ(cb[0].ready, 0);
    CHECK(evtchn_fifo_is_pending(&f, 6));
    CHECK_EQ(evtchn_fifo_unmask(&f, &ports[6], 6), EVTCHN_FIFO_NOTIFY);
    CHECK_EQ(word(6), W(PENDING) | W(LINKED));
    CHECK_EQ(cb[0].head[EVTCHN_FIFO_PRIORITY_DEFAULT], 6);
    /* Unmasking what is not pending links nothing. */
    array[0][7] = W(MASKED);
    CHECK_EQ(evtchn_fifo_unmask(&f, &ports[7], 7), 0);
    CHECK_EQ(word(7), 0);
    /* Closing clears PENDING only; the guest unlinks as it passes. */
    evtchn_fifo_clear_pending(&f, 6);
    CHECK_EQ(word(6), W(LINKED));
    CHECK(!evtchn_fifo_is_pending(&f, 6));
    CHECK(!evtchn_fifo_is_pending(&f, 5000)); /* no page */
    CHECK_EQ(evtchn_fifo_unmask(&f, &ports[1], 5000), 0);
}

/*
 * A port moved to another vCPU while still linked on the old one: the
 * old queue's tail is forgotten when the port is linked again, so an
 * event for the old queue does not link behind a word in the new one.
 */
static void test_move_between_queues(void)
{
    reset(1);
    CHECK_EQ(raise(20), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    array[0][20] = 0; /* the guest consumed it; vCPU 0's tail is still 20 */
    ports[20].notify_vcpu = 1;
    CHECK_EQ(raise(20), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(cb[1].head[EVTCHN_FIFO_PRIORITY_DEFAULT], 20);
    CHECK_EQ(f.vcpu[0].queue[EVTCHN_FIFO_PRIORITY_DEFAULT].tail, 0);
    cb[0].ready = 0;
    CHECK_EQ(raise(21), EVTCHN_FIFO_NOTIFY | EVTCHN_FIFO_NEW_PENDING);
    CHECK_EQ(cb[0].head[EVTCHN_FIFO_PRIORITY_DEFAULT], 21);
    CHECK_EQ(word(20), W(PENDING) | W(LINKED)); /* not linked to 21 */
    /* A vCPU with no control block: the event is dropped. */
    memset(&f.vcpu[1], 0, sizeof(f.vcpu[1]));
    ports[22].notify_vcpu = 1;
    CHECK_EQ(raise(22), 0);
    CHECK_EQ(word(22), 0);
}

/*
 * Linux's side of the ABI (drivers/xen/events/events_fifo.c), run by one
 * thread per vCPU against a "hypervisor" thread raising, re-prioritising
 * and moving ports under one lock (the domain's event lock): every event
 * raised must be handled after it was raised, none lost.
 */
#define NR_STRESS_PORTS 64
#define STRESS_ROUNDS   2000000

static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int raised_count[NR_STRESS_PORTS], seen_count[NR_STRESS_PORTS];
static bool stop;

static uint32_t guest_clear_linked(event_word_t *w)
{
    event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);

    while ( !__atomic_compare_exchange_n(
        w, &old, old & ~(W(LINKED) | EVTCHN_FIFO_LINK_MASK), false,
        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
        ;
    return old & EVTCHN_FIFO_LINK_MASK;
}

/* Linux unmasks itself unless PENDING or BUSY, else asks the hypervisor. */
static void guest_unmask(uint32_t port)
{
    event_word_t *w = evtchn_fifo_word(&f, port);
    event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);

    for ( ;; )
    {
        if ( old & (W(PENDING) | W(BUSY)) )
        {
            pthread_mutex_lock(&event_lock);
            evtchn_fifo_unmask(&f, &ports[port], port);
            pthread_mutex_unlock(&event_lock);
            return;
        }
        if ( __atomic_compare_exchange_n(w, &old, old & ~W(MASKED), false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
            return;
    }
}

static void guest_handle(uint32_t port)
{
    event_word_t *w = evtchn_fifo_word(&f, port);

    __atomic_fetch_and(w, ~W(PENDING), __ATOMIC_SEQ_CST);
    __atomic_store_n(&seen_count[port],
                     __atomic_load_n(&raised_count[port], __ATOMIC_SEQ_CST),
                     __ATOMIC_SEQ_CST);
    /* Sometimes masked while handled, as Linux's level-type IRQs are. */
    if ( port % 3 == 0 )
    {
        __atomic_fetch_or(w, W(MASKED), __ATOMIC_SEQ_CST);
        guest_unmask(port);
    }
}

static void *guest_vcpu(void *arg)
{
    unsigned int vcpu = (unsigned int)(uintptr_t)arg;
    struct evtchn_fifo_control_block *c = &cb[vcpu];
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES] = {0};
    bool last = false;

    for ( ;; )
    {
        uint32_t ready = __atomic_exchange_n(&c->ready, 0, __ATOMIC_SEQ_CST);

        if ( !ready && last )
            return NULL;
        last = __atomic_load_n(&stop, __ATOMIC_SEQ_CST);
        while ( ready )
        {
            unsigned int q = __builtin_ctz(ready);
            uint32_t port = head[q] ? head[q]
                                    : __atomic_load_n(&c->head[q],
                                                      __ATOMIC_SEQ_CST);
            event_word_t *w = evtchn_fifo_word(&f, port);
            uint32_t link = guest_clear_linked(w);

            if ( !link )
                ready &= ~(1u << q);
            if ( (__atomic_load_n(w, __ATOMIC_SEQ_CST) &
                  (W(PENDING) | W(MASKED))) == W(PENDING) )
                guest_handle(port);
            head[q] = link;
            ready |= __atomic_exchange_n(&c->ready, 0, __ATOMIC_SEQ_CST);
        }
    }
}

static void test_against_guest(void)
{
    pthread_t t[2];
    unsigned int lost = 0, seed = 1;

    reset(1);
    stop = false;
    for ( unsigned int i = 0; i < 2; i++ )
        pthread_create(&t[i], NULL, guest_vcpu, (void *)(uintptr_t)i);
    for ( unsigned int i = 0; i < STRESS_ROUNDS; i++ )
    {
        uint32_t port;

        seed = seed * 1103515245 + 12345;
        port = 1 + (seed >> 16) % (NR_STRESS_PORTS - 1);
        pthread_mutex_lock(&event_lock);
        switch ( (seed >> 8) % 16 )
        {
        case 0: /* EVTCHNOP_bind_vcpu */
            ports[port].notify_vcpu ^= 1;
            break;
        case 1: /* EVTCHNOP_set_priority */
            evtchn_fifo_set_priority(&ports[port], (seed >> 4) % 16);
            break;
        default:
            __atomic_fetch_add(&raised_count[port], 1, __ATOMIC_SEQ_CST);
            raise(port);
            break;
        }
        pthread_mutex_unlock(&event_lock);
    }
    __atomic_store_n(&stop, true, __ATOMIC_SEQ_CST);
    for ( unsigned int i = 0; i < 2; i++ )
        pthread_join(t[i], NULL);
    for ( unsigned int p = 1; p < NR_STRESS_PORTS; p++ )
        lost += seen_count[p] != raised_count[p];
    CHECK_EQ(lost, 0);
    for ( unsigned int p = 1; p < NR_STRESS_PORTS; p++ )
        CHECK_EQ(word(p) & (W(PENDING) | W(BUSY) | W(MASKED)), 0);
}

static void run_tests(void)
{
    test_control_checks();
    test_pages();
    test_link_and_ready();
    test_priorities();
    test_masking();
    test_move_between_queues();
    test_against_guest();
}
