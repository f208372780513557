/* SPDX-License-Identifier: GPL-2.0-only */
/* Watches: which clients hear of which changes, and by which token. */
#ifndef XSD_WATCH_H
#define XSD_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transaction.h"

struct watch {
    char *path; /* absolute, or @introduceDomain / @releaseDomain */
    char *token;
    uint32_t strip; /* relative watches: prefix to drop from event paths */
};

/* The watches of one client, linked into the registry. */
struct watch_list {
    struct watch *w;
    uint32_t n, cap;
    size_t bytes;
    void *owner;
    struct watch_list *prev, *next;
};

struct watch_reg {
    struct watch_list *head;
    /* Delivers one event; the owner's own check of the node's ACL. */
    bool (*can_see)(void *owner, const struct xs_perm *p, uint32_t n);
    void (*deliver)(void *owner, const char *path, const char *token);
};

void watch_list_init(struct watch_reg *r, struct watch_list *l, void *owner);
void watch_list_fini(struct watch_reg *r, struct watch_list *l);
int watch_add(struct watch_list *l, const char *path, const char *token,
              uint32_t strip);
int watch_del(struct watch_list *l, const char *path, const char *token);
void watch_clear(struct watch_list *l);
/* Sends each registered watch matching the event to its owner. */
void watch_fire(struct watch_reg *r, const struct event *ev);

#endif
