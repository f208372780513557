/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-domain quotas with Xen's names and defaults, and their options. */
#ifndef XSD_QUOTA_H
#define XSD_QUOTA_H

#include <stdint.h>

enum quota_id {
    Q_NODES,       /* nodes owned by a domain */
    Q_WATCHES,     /* watches per domain */
    Q_OUTSTANDING, /* requests whose replies are not yet taken */
    Q_MEMORY,      /* bytes of nodes, watches and queued replies */
    Q_TRANS,       /* concurrent transactions per domain */
    Q_TRANS_NODES, /* nodes one transaction may touch */
    Q_NODE_PERMS,  /* ACL entries per node */
    Q_PATH_MAX,    /* path length below the domain's home */
    Q_NODE_SIZE,   /* header, ACL, value and child names of a node */
    Q_N
};

struct quota_def {
    const char *name;
    const char *descr;
    uint32_t val;
    uint32_t max_seen; /* highest value an unprivileged domain reached */
};

extern struct quota_def quotas[Q_N];

/*
 * Privileged clients (dom0's tools over the socket) are exempt from the
 * quotas, as in Xen, but not unbounded: these caps keep a runaway or
 * hostile tool from exhausting the daemon.
 */
#define PRIV_MAX_WATCHES     65536u
#define PRIV_MAX_WATCH_BYTES (16u << 20)
#define PRIV_MAX_TRANS       1024u
#define CONN_MAX_OUTPUT      (16u << 20) /* queued reply bytes, any client */
#define MAX_CONNECTIONS      4096u

/* "-Q what=N": returns 0 or -EINVAL. */
int quota_set_option(const char *arg);
int quota_set(enum quota_id q, const char *val);
int quota_find(const char *name);
/* Records a value an unprivileged domain reached (for "quota max"). */
void quota_seen(enum quota_id q, uint64_t v);
/* Whether adding brings v over the quota (0 disables a quota). */
int quota_exceeded(enum quota_id q, uint64_t v);

#endif
