/* SPDX-License-Identifier: GPL-2.0-only */
/* When a long hypercall should stop and continue later. */
#ifndef XENIA_PREEMPT_H
#define XENIA_PREEMPT_H

#include <xenia/types.h>

/*
 * True when this CPU has something better to do than the rest of the
 * current batch: a reschedule is pending (a slice ended, a pause or a
 * wake-up asked for this CPU), or the calling vCPU has an event it
 * would take at once. The caller then saves its progress and returns
 * -ERESTART, as Xen's hypercall_preempt_check() asks; with nothing
 * pending a batch runs to its end in one call. Ask only after doing at
 * least one item, so every call makes progress.
 */
bool hypercall_preempt_check(void);

#endif /* XENIA_PREEMPT_H */
