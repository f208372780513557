/* SPDX-License-Identifier: GPL-2.0-only */
/* pvclock: system time from the vcpu_info time record and the TSC. */
#include "guest.h"

/*
 * ns = system_time + ((tsc - tsc_timestamp) shifted by tsc_shift) *
 * tsc_to_system_mul / 2^32, retried while the hypervisor is updating
 * (odd version) or the version moved under us.
 */
uint64_t pvclock_read(const vcpu_time_info_t *t)
{
    uint32_t version;
    uint64_t delta, ns;

    do
    {
        version = __atomic_load_n(&t->version, __ATOMIC_ACQUIRE);
        barrier();
        delta = rdtsc() - t->tsc_timestamp;
        if ( t->tsc_shift >= 0 )
            delta <<= t->tsc_shift;
        else
            delta >>= -t->tsc_shift;
        ns =
            t->system_time +
            (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        barrier();
    } while ( (version & 1) ||
              version != __atomic_load_n(&t->version, __ATOMIC_ACQUIRE) );
    return ns;
}

uint64_t system_time_ns(void)
{
    return pvclock_read(&vcpu0->time);
}
