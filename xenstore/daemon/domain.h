/* SPDX-License-Identifier: GPL-2.0-only */
/* Introduced domains: their ring connections and their lifecycle. */
#ifndef XSD_DOMAIN_H
#define XSD_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "ring.h"

struct domain {
    uint32_t domid;
    uint32_t evtchn;
    struct ring_port port;
    struct conn *conn;
    bool shutdown;
    bool ignored;
    bool kick; /* the guest is owed a notification */
    struct domain *next;
};

extern struct domain *domain_list;

int domain_introduce(uint32_t domid, uint64_t gfn, uint32_t port);
int domain_release(uint32_t domid);
int domain_resume(uint32_t domid);
int domain_set_target(uint32_t domid, uint32_t tdomid);
bool domain_is_introduced(uint32_t domid);
struct domain *domain_find(uint32_t domid);
/* Fires @introduceDomain or @releaseDomain. */
void domain_fire_special(const char *name);
void domain_release_all(void);

#endif
