/* SPDX-License-Identifier: GPL-2.0-only */
/* Sets of physical CPUs, for IPIs, TLB flushes and the online map. */
#ifndef XENIA_CPUMASK_H
#define XENIA_CPUMASK_H

#include <xenia/lib.h>

#define CPUMASK_WORDS ((CONFIG_NR_CPUS + 63) / 64)

typedef struct {
    unsigned long bits[CPUMASK_WORDS];
} cpumask_t;

/* Bit updates are atomic: other CPUs set and clear theirs concurrently. */
static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_or(&m->bits[cpu / 64], 1UL << (cpu % 64), __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_and(&m->bits[cpu / 64], ~(1UL << (cpu % 64)),
                       __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
    return cpu < CONFIG_NR_CPUS &&
           (__atomic_load_n(&m->bits[cpu / 64], __ATOMIC_SEQ_CST) >>
            (cpu % 64)) & 1;
}

static inline void cpumask_clear(cpumask_t *m)
{
    for ( unsigned int i = 0; i < CPUMASK_WORDS; i++ )
        m->bits[i] = 0;
}

static inline bool cpumask_empty(const cpumask_t *m)
{
    for ( unsigned int i = 0; i < CPUMASK_WORDS; i++ )
        if ( __atomic_load_n(&m->bits[i], __ATOMIC_SEQ_CST) )
            return false;
    return true;
}

/* A snapshot of a mask others may be changing. */
static inline void cpumask_copy(cpumask_t *dst, const cpumask_t *src)
{
    for ( unsigned int i = 0; i < CPUMASK_WORDS; i++ )
        dst->bits[i] = __atomic_load_n(&src->bits[i], __ATOMIC_SEQ_CST);
}

static inline void cpumask_and(cpumask_t *dst, const cpumask_t *a,
                               const cpumask_t *b)
{
    for ( unsigned int i = 0; i < CPUMASK_WORDS; i++ )
        dst->bits[i] = a->bits[i] & b->bits[i];
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    unsigned int n = 0;

    /* No __builtin_popcount: it may become a libgcc call we do not link. */
    for ( unsigned int i = 0; i < CPUMASK_WORDS; i++ )
        for ( unsigned long x = m->bits[i]; x; x &= x - 1 )
            n++;
    return n;
}

#define for_each_cpu(cpu, mask)                                                \
    for ( (cpu) = 0; (cpu) < CONFIG_NR_CPUS; (cpu)++ )                         \
        if ( cpumask_test_cpu((cpu), (mask)) )

/* CPUs that finished bring-up and take interrupts (smpboot.c). */
extern cpumask_t cpu_online_map;
extern unsigned int nr_online_cpus;
#define for_each_online_cpu(cpu) for_each_cpu(cpu, &cpu_online_map)

#endif /* XENIA_CPUMASK_H */
