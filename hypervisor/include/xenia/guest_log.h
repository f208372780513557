/* SPDX-License-Identifier: GPL-2.0-only */
/* Log lines about a guest, tagged (dNvM) or (dN). */
#ifndef XENIA_GUEST_LOG_H
#define XENIA_GUEST_LOG_H

#include <xenia/console.h>

/* printk with the vCPU's or the domain's tag after the level. */
#define gprintk(lvl, v, fmt, ...)                                             \
    printk(lvl "(d%uv%u) " fmt, (v)->domain->domain_id, (v)->vcpu_id,         \
           ##__VA_ARGS__)
#define gdprintk(lvl, d, fmt, ...)                                            \
    printk(lvl "(d%u) " fmt, (d)->domain_id, ##__VA_ARGS__)

#endif /* XENIA_GUEST_LOG_H */
