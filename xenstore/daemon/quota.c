/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-domain quotas with Xen's names and defaults, and their options. */
#include "quota.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/wire.h"

struct quota_def quotas[Q_N] = {
    [Q_NODES] = {"nodes", "Nodes per domain", 1000, 0},
    [Q_WATCHES] = {"watches", "Watches per domain", 128, 0},
    [Q_OUTSTANDING] = {"outstanding", "Outstanding requests per domain", 20, 0},
    [Q_MEMORY] = {"memory", "Total Xenstore memory per domain",
                  2 * 1024 * 1024 + 512 * 1024, 0},
    [Q_TRANS] = {"transactions", "Active transactions per domain", 10, 0},
    [Q_TRANS_NODES] = {"transaction-nodes",
                       "Max. number of accessed nodes per transaction", 1024,
                       0},
    [Q_NODE_PERMS] = {"node-permissions", "Max. number of permissions per node",
                      5, 0},
    [Q_PATH_MAX] = {"path-max", "Max. length of a node path",
                    XENSTORE_REL_PATH_MAX, 0},
    [Q_NODE_SIZE] = {"node-size", "Max. size of a node", 2048, 0},
};

int quota_find(const char *name)
{
    int i;

    if ( !strcmp(name, "path-length") )
        return Q_PATH_MAX;
    for ( i = 0; i < Q_N; i++ )
        if ( !strcmp(name, quotas[i].name) )
            return i;
    return -1;
}

int quota_set(enum quota_id q, const char *val)
{
    char *end;
    unsigned long v;

    if ( !*val || *val == '-' )
        return -EINVAL;
    v = strtoul(val, &end, 10);
    if ( *end || v > 0x7fffffffUL )
        return -EINVAL;
    /* A longer path could not be expressed on the wire anyway. */
    if ( q == Q_PATH_MAX && v > XENSTORE_REL_PATH_MAX )
        v = XENSTORE_REL_PATH_MAX;
    quotas[q].val = (uint32_t)v;
    return 0;
}

int quota_set_option(const char *arg)
{
    const char *eq = strchr(arg, '=');
    char name[32];
    int q;

    if ( !eq || (size_t)(eq - arg) >= sizeof(name) )
        return -EINVAL;
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = 0;
    q = quota_find(name);
    if ( q < 0 )
        return -EINVAL;
    return quota_set((enum quota_id)q, eq + 1);
}

void quota_seen(enum quota_id q, uint64_t v)
{
    if ( v > quotas[q].max_seen )
        quotas[q].max_seen = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

int quota_exceeded(enum quota_id q, uint64_t v)
{
    quota_seen(q, v);
    return quotas[q].val && v > quotas[q].val;
}
