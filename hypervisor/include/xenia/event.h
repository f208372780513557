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
void evtchn_2l_clear_pending(struct domain *d, uint32_t port);
/* v has an event (port) to look at: flag it and wake or kick it. */
void evtchn_notify_vcpu(struct vcpu *v, uint32_t port);
/*
 * The same whichever ABI the domain uses (event_fifo_op.c). Raising is
 * done with d's event lock held; unmask and is_pending take it.
 */
void evtchn_set_pending(struct domain *d, uint32_t port, unsigned int vcpu);
long evtchn_unmask(struct domain *d, uint32_t port);
bool evtchn_is_pending(struct domain *d, uint32_t port);
/* For the 'e' key, event lock held: the port's PENDING and MASKED. */
void evtchn_port_bits(struct domain *d, uint32_t port, bool *pending,
                      bool *masked);
/* EVTCHNOP_init_control, expand_array, set_priority (FIFO ABI). */
long evtchn_fifo_init_control(struct domain *d, unsigned long arg);
long evtchn_fifo_expand_array(struct domain *d, unsigned long arg);
long evtchn_fifo_set_priority_op(struct domain *d, unsigned long arg);
/* Event lock held: a closed port's event goes; FIFO's end (all closed). */
void evtchn_port_closed(struct domain *d, uint32_t port);
int evtchn_fifo_destroy(struct domain *d, bool force);
/* Raise a VIRQ on v if its domain bound it. */
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq);
/* The event channel state of a new domain, and its environment. */
int evtchn_domain_create(struct domain *d);
/*
 * Close every port (EVTCHNOP_reset, destruction; dying: the domain is
 * going); peers' ends unbind. -EAGAIN if a port was bound meanwhile.
 */
int evtchn_close_all(struct domain *d, bool dying);

#endif /* XENIA_EVENT_H */
