/* SPDX-License-Identifier: GPL-2.0-only */
/* A ring backend for guests on this host: shared files and FIFOs. */
#ifndef XSD_HOSTRING_H
#define XSD_HOSTRING_H

#include "ring.h"

/*
 * For domain N the guest side creates, in dir: "N.page" (the 4 KiB ring
 * page), "N.up" (a FIFO the guest writes to signal us) and "N.down" (a
 * FIFO we write to signal the guest). INTRODUCE's gfn is not used.
 */
struct ring_backend *hostring_new(const char *dir);
void hostring_free(struct ring_backend *be);

#endif
