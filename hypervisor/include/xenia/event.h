/* SPDX-License-Identifier: GPL-2.0-only */
/* Sending events to a domain, and its event channels' life. */
#ifndef XENIA_EVENT_H
#define XENIA_EVENT_H

#include <xenia/types.h>

struct domain;
struct vcpu;

/* Event delivery (event_2l.c): raise port on vcpu; unmask; kick. */
void evtchn_2l_set_pending(struct domain *d, uint32_t port, unsigned int vcpu);
void evtchn_2l_unmask(struct domain *d, uint32_t port);
bool evtchn_2l_is_pending(struct domain *d, uint32_t port);
/* Raise a VIRQ on v if its domain bound it. */
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq);
/* The event channel state of a new domain, and its environment. */
int evtchn_domain_create(struct domain *d);
/* Close every port (EVTCHNOP_reset, destruction); peers' ends unbind. */
void evtchn_close_all(struct domain *d);

#endif /* XENIA_EVENT_H */
