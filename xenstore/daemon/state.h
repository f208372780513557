/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's one instance of the store, its database and watch table. */
#ifndef XSD_STATE_H
#define XSD_STATE_H

#include <stdbool.h>

#include "tree.h"
#include "watch.h"

struct db;

struct xsd_state {
    struct tree tree;
    struct db *db;
    struct watch_reg watches;
    bool keep_orphans;
};

extern struct xsd_state xsd;

/* Loads the tree from the database (creating the initial nodes). */
int state_load(void);
void state_fini(void);

#endif
