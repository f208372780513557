/* SPDX-License-Identifier: GPL-2.0-only */
/* The pure rules of a domain's life: its id, the toolstack's pause count. */
#ifndef XENIA_DOMAIN_STATE_H
#define XENIA_DOMAIN_STATE_H

#include <xenia/types.h>
#include <xen/xen.h>

/* The toolstack may stack this many pauses, as Xen allows. */
#define CONTROLLER_PAUSE_MAX 255

/*
 * The id a createdomain gets. A requested id in 1..DOMID_FIRST_RESERVED-1
 * is used if free (-EEXIST if not); anything else (0 or a reserved id)
 * asks for the next free one after *rover, wrapping to 1, as Xen 4.17
 * does: -ENOMEM when every id is taken. is_free(id, arg) says whether an
 * id is in use (a dying domain keeps its id). *rover moves only when an
 * id is chosen for the caller.
 */
int domid_choose(domid_t requested, domid_t *rover,
                 bool (*is_free)(domid_t id, void *arg), void *arg,
                 domid_t *out);

/*
 * pausedomain: one more controller pause, -EOVERFLOW beyond the limit.
 * unpausedomain: one fewer, -EINVAL below zero; *first_start is set when
 * the count reaches zero for the first time (creation is finished).
 * Both change *count atomically and return 0 on success.
 */
int controller_pause(unsigned int *count);
int controller_unpause(unsigned int *count, bool *finished, bool *first_start);

#endif /* XENIA_DOMAIN_STATE_H */
