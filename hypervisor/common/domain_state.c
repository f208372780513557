/* SPDX-License-Identifier: GPL-2.0-only */
/* Choosing domain ids and counting the toolstack's pauses (host-tested). */
#include <xenia/domain_state.h>
#include <xenia/errno.h>

int domid_choose(domid_t requested, domid_t *rover,
                 bool (*is_free)(domid_t id, void *arg), void *arg,
                 domid_t *out)
{
    domid_t id;

    if ( requested > 0 && requested < DOMID_FIRST_RESERVED )
    {
        if ( !is_free(requested, arg) )
            return -EEXIST;
        *out = requested;
        return 0;
    }
    /* Round robin from the last id handed out: recent ids rest longest. */
    id = *rover;
    for ( unsigned int n = 1; n < DOMID_FIRST_RESERVED; n++ )
    {
        id = id + 1U >= DOMID_FIRST_RESERVED ? 1 : id + 1;
        if ( is_free(id, arg) )
        {
            *rover = id;
            *out = id;
            return 0;
        }
    }
    return -ENOMEM;
}

int controller_pause(unsigned int *count)
{
    unsigned int x = __atomic_load_n(count, __ATOMIC_ACQUIRE);

    do
    {
        if ( x >= CONTROLLER_PAUSE_MAX )
            return -EOVERFLOW;
    } while ( !__atomic_compare_exchange_n(
        count, &x, x + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) );
    return 0;
}

int controller_unpause(unsigned int *count, bool *finished, bool *first_start)
{
    unsigned int x = __atomic_load_n(count, __ATOMIC_ACQUIRE);

    do
    {
        if ( !x )
            return -EINVAL;
    } while ( !__atomic_compare_exchange_n(
        count, &x, x - 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) );
    *first_start =
        x == 1 && !__atomic_exchange_n(finished, true, __ATOMIC_ACQ_REL);
    return 0;
}
