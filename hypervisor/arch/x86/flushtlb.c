/* SPDX-License-Identifier: GPL-2.0-only */
/* TLB flushes: the flush clock, local flushes, and flush IPIs. */
#include <xenia/cpumask.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/flushtlb.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <xenia/spinlock.h>

uint64_t tlbflush_clock = 1;
static DEFINE_PER_CPU(uint64_t, tlbflush_time);

/*
 * Flush requests to a CPU are generations: a requester takes the next
 * one and waits until the target has done at least that one. A target
 * reads the newest request before flushing, so one flush answers every
 * request made before it began.
 */
static DEFINE_PER_CPU(uint64_t, flush_requested);
static DEFINE_PER_CPU(uint64_t, flush_done);

uint64_t tlbflush_current_time(void)
{
    return __atomic_load_n(&tlbflush_clock, __ATOMIC_SEQ_CST);
}

/*
 * The tick is taken before the flush: a stamp read after the tick is >=
 * it and so still asks for a flush, which is right, because that flush
 * might have begun before the stamp's mapping went away.
 */
void write_cr3_flush(unsigned long cr3)
{
    uint64_t t = __atomic_add_fetch(&tlbflush_clock, 1, __ATOMIC_SEQ_CST);

    write_cr3(cr3);
    __atomic_store_n(&this_cpu(tlbflush_time), t, __ATOMIC_SEQ_CST);
}

void tlbflush_init_cpu(unsigned int cpu)
{
    get_cpu_info()->tlbflush_time = &per_cpu(tlbflush_time, cpu);
}

void flush_tlb_local(void)
{
    write_cr3_flush(read_cr3());
}

/*
 * Only the CPUs in the mask are looked at, by scanning its words: every
 * frame retyped or handed out comes here, and testing each of
 * CONFIG_NR_CPUS in turn cost it hundreds of instructions.
 */
void tlbflush_filter(cpumask_t *mask, uint64_t stamp)
{
    for ( unsigned int w = 0; w < CPUMASK_WORDS; w++ )
    {
        unsigned long bits = __atomic_load_n(&mask->bits[w], __ATOMIC_SEQ_CST);

        while ( bits )
        {
            unsigned int cpu = w * 64 + (unsigned int)__builtin_ctzl(bits);

            bits &= bits - 1;
            if ( cpu >= CONFIG_NR_CPUS )
                break;
            if ( !tlbflush_needed(
                     __atomic_load_n(&per_cpu(tlbflush_time, cpu),
                                     __ATOMIC_SEQ_CST),
                     stamp) )
                cpumask_clear_cpu(cpu, mask);
        }
    }
}

static void serve_flush_requests(void)
{
    unsigned int me = smp_processor_id();
    uint64_t want = __atomic_load_n(&per_cpu(flush_requested, me),
                                    __ATOMIC_SEQ_CST);

    if ( want == __atomic_load_n(&per_cpu(flush_done, me), __ATOMIC_SEQ_CST) )
        return;
    flush_tlb_local();
    __atomic_store_n(&per_cpu(flush_done, me), want, __ATOMIC_SEQ_CST);
}

void flush_tlb_ipi(void)
{
    serve_flush_requests();
}

void spin_wait_relax(void)
{
    serve_flush_requests();
    cpu_relax();
}

/*
 * The masks are scanned a word at a time, as in tlbflush_filter(): a
 * page-table retype in a fork comes here, and testing each of
 * CONFIG_NR_CPUS in turn cost it most of a thousand instructions.
 */
void flush_tlb_mask(const cpumask_t *mask)
{
    unsigned int cpu, me = smp_processor_id(), w;
    uint64_t gen[CONFIG_NR_CPUS];
    unsigned long bits;
    cpumask_t wait;

    for ( w = 0; w < CPUMASK_WORDS; w++ )
    {
        bits = __atomic_load_n(&mask->bits[w], __ATOMIC_SEQ_CST) &
               __atomic_load_n(&cpu_online_map.bits[w], __ATOMIC_SEQ_CST);
        wait.bits[w] = 0;
        for ( ; bits; bits &= bits - 1 )
        {
            cpu = w * 64 + (unsigned int)__builtin_ctzl(bits);
            if ( cpu == me || cpu >= CONFIG_NR_CPUS )
                continue;
            gen[cpu] = __atomic_add_fetch(&per_cpu(flush_requested, cpu), 1,
                                          __ATOMIC_SEQ_CST);
            wait.bits[w] |= 1UL << (cpu % 64);
            smp_send_ipi(cpu, INVALIDATE_TLB_VECTOR);
        }
    }
    if ( cpumask_test_cpu(me, mask) )
        flush_tlb_local();
    /*
     * While waiting, answer requests aimed at us: two CPUs flushing each
     * other with interrupts off would otherwise wait forever.
     */
    for ( w = 0; w < CPUMASK_WORDS; w++ )
        for ( bits = wait.bits[w]; bits; bits &= bits - 1 )
        {
            cpu = w * 64 + (unsigned int)__builtin_ctzl(bits);
            while ( __atomic_load_n(&per_cpu(flush_done, cpu),
                                    __ATOMIC_SEQ_CST) < gen[cpu] )
            {
                serve_flush_requests();
                cpu_relax();
            }
        }
}
