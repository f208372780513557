/* SPDX-License-Identifier: GPL-2.0-only */
/* Ticket spinlocks: fair, and cheap enough for the few locks Xenia has. */
#ifndef XENIA_SPINLOCK_H
#define XENIA_SPINLOCK_H

#include <xenia/types.h>
#include <asm/processor.h>

typedef struct {
    volatile uint16_t head; /* ticket being served */
    volatile uint16_t tail; /* next ticket to hand out */
} spinlock_t;

#define SPIN_LOCK_UNLOCKED {0, 0}
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

/*
 * A CPU waiting for a lock still answers TLB-flush requests: the holder
 * may be waiting for exactly that (flushtlb.c), with our interrupts off.
 */
#ifdef XENIA_HOST
#define spin_wait_relax() cpu_relax()
#else
void spin_wait_relax(void);
#endif

static inline void spin_lock(spinlock_t *l)
{
    uint16_t me = __atomic_fetch_add(&l->tail, 1, __ATOMIC_ACQUIRE);

    while ( __atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me )
        spin_wait_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->head, (uint16_t)(l->head + 1), __ATOMIC_RELEASE);
}

/* Take the lock only if nobody holds or waits for it (a debug dump's way). */
static inline bool spin_trylock(spinlock_t *l)
{
    uint16_t head = __atomic_load_n(&l->head, __ATOMIC_ACQUIRE);
    uint16_t tail = head;

    return __atomic_compare_exchange_n(&l->tail, &tail, (uint16_t)(head + 1),
                                       false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return l->head != l->tail;
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long f = local_irq_save();

    spin_lock(l);
    return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
    spin_unlock(l);
    local_irq_restore(f);
}

#endif /* XENIA_SPINLOCK_H */
