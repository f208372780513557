/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channel ports: their state machine, and how events are raised. */
#ifndef XENIA_EVENT_CHANNEL_H
#define XENIA_EVENT_CHANNEL_H

#include <xenia/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

#define EVTCHN_NR_PORTS   4096 /* the 2-level ABI's limit for 64-bit guests */
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
    uint16_t notify_vcpu;
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
    struct evtchn port[EVTCHN_NR_PORTS];
    uint32_t virq_port[EVTCHN_MAX_VCPUS][NR_VIRQS]; /* 0: not bound */
};

void evtchn_domain_init(struct evtchn_domain *ed, domid_t id,
                        unsigned int nr_vcpus);

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
