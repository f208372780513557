/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channel ports: their state machine, and how events are raised. */
#ifndef XENIA_EVENT_CHANNEL_H
#define XENIA_EVENT_CHANNEL_H

#include <xenia/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

#define EVTCHN_NR_PORTS   4096 /* the 2-level ABI's limit for 64-bit guests */
/* FIFO's ports beyond that, in buckets allocated as they are first used. */
#define EVTCHN_BUCKET_PORTS 256
#define EVTCHN_NR_BUCKETS \
    ((EVTCHN_FIFO_NR_CHANNELS - EVTCHN_NR_PORTS) / EVTCHN_BUCKET_PORTS)
#define EVTCHN_MAX_VCPUS  XEN_LEGACY_MAX_VCPUS

/* Port states; the values are the ABI's EVTCHNSTAT_* for status. */
enum evtchn_state {
    ECS_FREE = EVTCHNSTAT_closed,
    ECS_UNBOUND = EVTCHNSTAT_unbound,
    ECS_INTERDOMAIN = EVTCHNSTAT_interdomain,
    ECS_PIRQ = EVTCHNSTAT_pirq,
    ECS_VIRQ = EVTCHNSTAT_virq,
    ECS_IPI = EVTCHNSTAT_ipi,
    ECS_RESERVED = 0xff, /* port 0: never handed out */
};

struct evtchn {
    uint8_t state;
    uint8_t priority;      /* FIFO: the queue its next event goes to */
    uint16_t notify_vcpu;
    /*
     * FIFO: the queue it was last linked on, which it may still be on
     * after being closed and reused (event_fifo.c), and an event raised
     * while its event word had no page yet.
     */
    uint8_t last_priority;
    bool fifo_pending;
    uint16_t last_vcpu;
    union {
        domid_t unbound_remote; /* ECS_UNBOUND: who may bind to it */
        struct {
            domid_t dom;
            uint32_t port;
        } interdomain;
        uint32_t virq;
    } u;
};

struct evtchn_domain;

struct evtchn_domain {
    domid_t domid;
    unsigned int nr_vcpus;
    uint32_t max_port; /* the ABI's limit and the toolstack's, the lower */
    uint32_t last_port; /* the end of the last bucket (0: none yet) */
    struct evtchn port[EVTCHN_NR_PORTS];
    struct evtchn *bucket[EVTCHN_NR_BUCKETS];
    uint32_t virq_port[EVTCHN_MAX_VCPUS][NR_VIRQS]; /* 0: not bound */
};

void evtchn_domain_init(struct evtchn_domain *ed, domid_t id,
                        unsigned int nr_vcpus, uint32_t max_port);
/* The ABI changed: new ports go up to max_port (capped at FIFO's limit). */
void evtchn_set_max_port(struct evtchn_domain *ed, uint32_t max_port);
uint32_t evtchn_last_port(const struct evtchn_domain *ed);
bool evtchn_any_in_use(const struct evtchn_domain *ed);
/* A port's state, NULL if the port does not exist. */
struct evtchn *evtchn_from_port(const struct evtchn_domain *ed, uint32_t port);
/* Give back the buckets of ports beyond 4095 (the domain is going). */
void evtchn_free_buckets(struct evtchn_domain *ed);

/*
 * What the state machine needs from its surroundings, defined once by
 * the hypervisor (event_channel_op.c) and once by each host test: another
 * domain's table (for interdomain channels), and raising an event, which
 * the hypervisor does through shared_info and host tests record. Callers
 * serialise operations on a domain's table (and take both domains'
 * locks, ordered by domain id, for interdomain ones).
 */
struct evtchn_domain *evtchn_env_lookup(domid_t id);
void evtchn_env_raise(struct evtchn_domain *ed, uint32_t port,
                      unsigned int vcpu);
/* EVTCHN_BUCKET_PORTS zeroed ports, or NULL; and back (NULL is fine). */
struct evtchn *evtchn_env_alloc_bucket(void);
void evtchn_env_free_bucket(struct evtchn *bucket);

/* The EVTCHNOP_* operations: 0 or -errno, ports returned through *port. */
int evtchn_alloc_unbound(struct evtchn_domain *ed, domid_t remote,
                         uint32_t *port);
int evtchn_bind_interdomain(struct evtchn_domain *ed,
                            struct evtchn_domain *rd, uint32_t rport,
                            uint32_t *port);
int evtchn_bind_virq(struct evtchn_domain *ed, uint32_t virq,
                     unsigned int vcpu, uint32_t *port);
int evtchn_bind_ipi(struct evtchn_domain *ed, unsigned int vcpu,
                    uint32_t *port);
int evtchn_close(struct evtchn_domain *ed, uint32_t port);
int evtchn_send(struct evtchn_domain *ed, uint32_t port);
int evtchn_status(struct evtchn_domain *ed, uint32_t port,
                  struct evtchn_status *st);
int evtchn_bind_vcpu(struct evtchn_domain *ed, uint32_t port,
                     unsigned int vcpu);
void evtchn_reset(struct evtchn_domain *ed);

/* Raise virq on vcpu if the guest bound it; false if it did not. */
bool evtchn_send_virq(struct evtchn_domain *ed, unsigned int vcpu,
                      uint32_t virq);

/* Global VIRQs are bound on vCPU 0 only and may move (bind_vcpu). */
bool evtchn_virq_is_global(uint32_t virq);

#endif /* XENIA_EVENT_CHANNEL_H */
