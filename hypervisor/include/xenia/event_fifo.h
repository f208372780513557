/* SPDX-License-Identifier: GPL-2.0-only */
/* The FIFO event channel ABI: per-vCPU priority queues in guest memory. */
#ifndef XENIA_EVENT_FIFO_H
#define XENIA_EVENT_FIFO_H

#include <xenia/event_channel.h>

#define EVTCHN_FIFO_WORDS_PER_PAGE (4096 / sizeof(event_word_t))
#define EVTCHN_FIFO_MAX_PAGES \
    (EVTCHN_FIFO_NR_CHANNELS / EVTCHN_FIFO_WORDS_PER_PAGE)

/* One queue: its head lives in the guest's control block, its tail here. */
struct evtchn_fifo_queue {
    uint32_t *head;
    uint32_t tail;
};

struct evtchn_fifo_vcpu {
    struct evtchn_fifo_control_block *control; /* NULL: not registered */
    struct evtchn_fifo_queue queue[EVTCHN_FIFO_MAX_QUEUES];
};

/*
 * A domain's FIFO state, from its first init_control on. Pages are the
 * guest's event array pages as the hypervisor maps them (the owner keeps
 * whatever it needs to release them). Every function below is called
 * with the domain's event lock held; the guest changes the same words
 * concurrently, under the ABI's rules, so each change is atomic.
 */
struct evtchn_fifo {
    event_word_t *page[EVTCHN_FIFO_MAX_PAGES];
    uint32_t nr_ports; /* ports with an event word: whole pages */
    struct evtchn_fifo_vcpu vcpu[EVTCHN_MAX_VCPUS];
};

/* What set_pending/unmask found: tell the vCPU, wake a poller. */
#define EVTCHN_FIFO_NOTIFY      1u /* the queue became ready */
#define EVTCHN_FIFO_NEW_PENDING 2u /* PENDING was clear before */

/* init_control's checks, in Xen's order: -ENOENT, then -EINVAL. */
int evtchn_fifo_check_control(unsigned int nr_vcpus, uint32_t vcpu,
                              uint32_t offset);
/* Register vcpu's control block; -EINVAL if it has one already. */
int evtchn_fifo_set_control(struct evtchn_fifo *f, unsigned int vcpu,
                            struct evtchn_fifo_control_block *control);
/* Add the next event array page; -ENOSPC beyond max_ports. */
int evtchn_fifo_add_page(struct evtchn_fifo *f, event_word_t *page,
                         uint32_t max_ports);
/* A port's event word, NULL if its page is not there (yet). */
event_word_t *evtchn_fifo_word(const struct evtchn_fifo *f, uint32_t port);

unsigned int evtchn_fifo_set_pending(struct evtchn_fifo *f, struct evtchn *c,
                                     uint32_t port, unsigned int vcpu);
unsigned int evtchn_fifo_unmask(struct evtchn_fifo *f, struct evtchn *c,
                                uint32_t port);
void evtchn_fifo_clear_pending(struct evtchn_fifo *f, uint32_t port);
bool evtchn_fifo_is_pending(const struct evtchn_fifo *f, uint32_t port);
int evtchn_fifo_set_priority(struct evtchn *c, uint32_t priority);

#endif /* XENIA_EVENT_FIFO_H */
