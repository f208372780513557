/* SPDX-License-Identifier: GPL-2.0-only */
/* Xen's errno values (the ABI) equal the host's, which host builds use. */
#include "check.h"
#include <xenia/errno.h> /* host: libc's errno.h, plus ERESTART */
#include <xenia/lib.h>

/*
 * The list has no include guard when XEN_ERRNO is defined, so it is read
 * twice: once for a compile-time proof, once for a table the test walks.
 * __XEN__ brings in the internal entries (EINTR, ERESTART) too.
 */
#define __XEN__
#define XEN_ERRNO(name, value)                                                 \
    _Static_assert((name) == (value), #name " differs from Xen's value");
#include <xen/errno.h>

#define XEN_ERRNO(name, value) {#name, name, value},
static const struct {
    const char *name;
    int host, xen;
} table[] = {
#include <xen/errno.h>
};

static void run_tests(void)
{
    bool saw_erestart = false, saw_eintr = false;

    for ( size_t i = 0; i < ARRAY_SIZE(table); i++ )
    {
        if ( table[i].host != table[i].xen )
            fprintf(stderr, "errno %s: host %d, Xen %d\n", table[i].name,
                    table[i].host, table[i].xen);
        CHECK_EQ(table[i].host, table[i].xen);
        saw_erestart |= !strcmp(table[i].name, "ERESTART");
        saw_eintr |= !strcmp(table[i].name, "EINTR");
    }
    CHECK(ARRAY_SIZE(table) >= 50);
    CHECK(saw_erestart && saw_eintr);
    /* Hypervisor code returns these negated; spot-check the common ones. */
    CHECK_EQ(-EINVAL, -22);
    CHECK_EQ(-ENOSYS, -38);
    CHECK_EQ(-ERESTART, -85);
}
