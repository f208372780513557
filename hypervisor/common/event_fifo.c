/* SPDX-License-Identifier: GPL-2.0-only */
/* The FIFO event channel ABI's queues: linking events for the guest. */
#include <xenia/errno.h>
#include <xenia/event_fifo.h>
#include <xenia/lib.h>

/*
 * Each port has a 32-bit event word in guest memory: PENDING, MASKED,
 * LINKED and BUSY, and a LINK to the next port in its queue. Each vCPU
 * has 16 queues (priority 0 is served first); their heads and a READY
 * bitmap (one bit per queue) are in the vCPU's control block, the tails
 * only here. The hypervisor appends to tails; the guest consumes from
 * heads, clearing LINKED as it goes, without any lock shared with us.
 *
 * So the guest may, at any moment, set or clear MASKED, clear PENDING,
 * or clear LINKED (and LINK) of a linked word. Appending to a tail is a
 * compare-exchange that succeeds only while the tail is still LINKED;
 * if the guest unlinked it meanwhile the queue is empty and the new
 * event becomes the head. BUSY on the tail stops the guest unmasking it
 * through its own fast path while we retry, which bounds the retries.
 *
 * A port raised while its word has no page yet is remembered
 * (fifo_pending) and raised again when the page arrives.
 */

#define BIT(n) (1u << (n))

static bool test_and_set(event_word_t *w, unsigned int bit)
{
    return __atomic_fetch_or(w, BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

static bool test(const event_word_t *w, unsigned int bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & BIT(bit);
}

static void clear(event_word_t *w, unsigned int bit)
{
    __atomic_fetch_and(w, ~BIT(bit), __ATOMIC_SEQ_CST);
}

int evtchn_fifo_check_control(unsigned int nr_vcpus, uint32_t vcpu,
                              uint32_t offset)
{
    if ( vcpu >= nr_vcpus || vcpu >= EVTCHN_MAX_VCPUS )
        return -ENOENT;
    /* Within one page, and 8-byte aligned. */
    if ( offset > 4096 - sizeof(struct evtchn_fifo_control_block) ||
         (offset & 7) )
        return -EINVAL;
    return 0;
}

int evtchn_fifo_set_control(struct evtchn_fifo *f, unsigned int vcpu,
                            struct evtchn_fifo_control_block *control)
{
    struct evtchn_fifo_vcpu *fv = &f->vcpu[vcpu];

    if ( fv->control )
        return -EINVAL;
    for ( unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++ )
    {
        fv->queue[i].head = &control->head[i];
        fv->queue[i].tail = 0;
    }
    __atomic_store_n(&fv->control, control, __ATOMIC_RELEASE);
    return 0;
}

int evtchn_fifo_add_page(struct evtchn_fifo *f, event_word_t *page,
                         uint32_t max_ports)
{
    uint32_t slot = f->nr_ports / EVTCHN_FIFO_WORDS_PER_PAGE;

    if ( slot >= EVTCHN_FIFO_MAX_PAGES || f->nr_ports >= max_ports )
        return -ENOSPC;
    f->page[slot] = page;
    __atomic_store_n(&f->nr_ports, f->nr_ports + EVTCHN_FIFO_WORDS_PER_PAGE,
                     __ATOMIC_RELEASE);
    return 0;
}

event_word_t *evtchn_fifo_word(const struct evtchn_fifo *f, uint32_t port)
{
    if ( port >= __atomic_load_n(&f->nr_ports, __ATOMIC_ACQUIRE) )
        return NULL;
    return f->page[port / EVTCHN_FIFO_WORDS_PER_PAGE] +
           port % EVTCHN_FIFO_WORDS_PER_PAGE;
}

/* Link word to port if it is still LINKED: 1 done, 0 not linked, -1 raced. */
static int try_set_link(event_word_t *word, event_word_t *seen, uint32_t port)
{
    event_word_t want;

    if ( !(*seen & BIT(EVTCHN_FIFO_LINKED)) )
        return 0;
    want = (*seen & ~(BIT(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | port;
    if ( __atomic_compare_exchange_n(word, seen, want, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST) )
        return 1;
    return -1;
}

/*
 * Append port after the tail word. Once BUSY is set the guest can only
 * clear PENDING, set MASKED or unlink, each at most once: four retries.
 */
static bool set_link(event_word_t *tail, uint32_t port)
{
    event_word_t seen = __atomic_load_n(tail, __ATOMIC_SEQ_CST);
    int r = try_set_link(tail, &seen, port);

    if ( r >= 0 )
        return r;
    test_and_set(tail, EVTCHN_FIFO_BUSY);
    seen = __atomic_load_n(tail, __ATOMIC_SEQ_CST);
    for ( unsigned int i = 0; i < 4; i++ )
    {
        r = try_set_link(tail, &seen, port);
        if ( r >= 0 )
        {
            if ( r == 0 )
                clear(tail, EVTCHN_FIFO_BUSY);
            return r; /* success cleared BUSY in the same exchange */
        }
    }
    clear(tail, EVTCHN_FIFO_BUSY); /* a guest breaking the rules */
    return true;
}

unsigned int evtchn_fifo_set_pending(struct evtchn_fifo *f, struct evtchn *c,
                                     uint32_t port, unsigned int vcpu)
{
    event_word_t *word = evtchn_fifo_word(f, port);
    struct evtchn_fifo_vcpu *fv = &f->vcpu[vcpu];
    struct evtchn_fifo_queue *q, *old_q;
    unsigned int result = 0;
    bool linked = true;

    if ( !word )
    {
        c->fifo_pending = true;
        return 0;
    }
    /* No control block: the guest cannot have unmasked it; dropped. */
    if ( !fv->control )
        return 0;
    q = &fv->queue[c->priority];
    old_q = &f->vcpu[c->last_vcpu].queue[c->last_priority];
    if ( !test_and_set(word, EVTCHN_FIFO_PENDING) )
        result |= EVTCHN_FIFO_NEW_PENDING;
    if ( !test(word, EVTCHN_FIFO_MASKED) &&
         !test_and_set(word, EVTCHN_FIFO_LINKED) )
    {
        /*
         * If it was the tail of its last queue, that queue is empty now
         * (the guest unlinked it): forget the tail, so an event added
         * there does not link to a word now in another queue.
         */
        if ( old_q->tail == port )
            old_q->tail = 0;
        c->last_vcpu = vcpu;
        c->last_priority = c->priority;
        linked = false;
        if ( q->tail )
        {
            event_word_t *tail = evtchn_fifo_word(f, q->tail);

            linked = tail && set_link(tail, port);
        }
        if ( !linked )
            __atomic_store_n(q->head, port, __ATOMIC_SEQ_CST);
        q->tail = port;
    }
    /* The guest clears READY bits with an exchange: this bit is atomic. */
    if ( !linked && !test_and_set(&fv->control->ready, q - fv->queue) )
        result |= EVTCHN_FIFO_NOTIFY;
    return result;
}

unsigned int evtchn_fifo_unmask(struct evtchn_fifo *f, struct evtchn *c,
                                uint32_t port)
{
    event_word_t *word = evtchn_fifo_word(f, port);

    if ( !word )
        return 0;
    clear(word, EVTCHN_FIFO_MASKED);
    if ( test(word, EVTCHN_FIFO_PENDING) )
        return evtchn_fifo_set_pending(f, c, port, c->notify_vcpu);
    return 0;
}

/* The guest unlinks non-pending events itself as it meets them. */
void evtchn_fifo_clear_pending(struct evtchn_fifo *f, uint32_t port)
{
    event_word_t *word = evtchn_fifo_word(f, port);

    if ( word )
        clear(word, EVTCHN_FIFO_PENDING);
}

bool evtchn_fifo_is_pending(const struct evtchn_fifo *f, uint32_t port)
{
    event_word_t *word = evtchn_fifo_word(f, port);

    return word && test(word, EVTCHN_FIFO_PENDING);
}

/* Later events only: one already linked stays on its queue, as in Xen. */
int evtchn_fifo_set_priority(struct evtchn *c, uint32_t priority)
{
    if ( priority > EVTCHN_FIFO_PRIORITY_MIN )
        return -EINVAL;
    c->priority = priority;
    return 0;
}
