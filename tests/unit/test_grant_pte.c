/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the PV grant mapping's PTE (arch/x86/include/asm/grant_pte.h). */
#include "check.h"
#include <asm/grant_pte.h>

static void test_flags(void)
{
    pte_t e = grant_pte(_mfn(0x1234), GNTMAP_host_map, true);

    CHECK_EQ(pte_addr(e), 0x1234000);
    CHECK_EQ(e & 0xfff, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED |
                            _PAGE_DIRTY);
    CHECK(e & _PAGE_NX);
    e = grant_pte(_mfn(0x1234), GNTMAP_host_map | GNTMAP_readonly, false);
    CHECK(!(e & _PAGE_RW) && !(e & _PAGE_NX));
    /* Avail bits 0-2 of the flags land in PTE bits 9-11, nothing more. */
    e = grant_pte(_mfn(1), GNTMAP_host_map | (1u << _GNTMAP_guest_avail0), false);
    CHECK_EQ(e & GRANT_PTE_AVAIL_MASK, 1UL << 9);
    e = grant_pte(_mfn(1), GNTMAP_host_map | GNTMAP_guest_avail_mask, false);
    CHECK_EQ(e & GRANT_PTE_AVAIL_MASK, GRANT_PTE_AVAIL_MASK);
    CHECK_EQ(pte_addr(e), 0x1000);
    CHECK(!(e & _PAGE_NX));
    /* The PTE's own flag bits never come from the grant's other flags. */
    e = grant_pte(_mfn(1), ~0u, false);
    CHECK(!(e & (_PAGE_PSE | _PAGE_GLOBAL | _PAGE_PCD | _PAGE_PWT)));
}

static void test_matches(void)
{
    pte_t rw = grant_pte(_mfn(7), GNTMAP_host_map, true);
    pte_t ro = grant_pte(_mfn(7), GNTMAP_host_map | GNTMAP_readonly, true);

    CHECK(grant_pte_matches(rw, _mfn(7), GNTMAP_host_map));
    CHECK(grant_pte_matches(ro, _mfn(7), GNTMAP_host_map | GNTMAP_readonly));
    CHECK(!grant_pte_matches(rw, _mfn(8), GNTMAP_host_map));
    CHECK(!grant_pte_matches(rw & ~_PAGE_PRESENT, _mfn(7), GNTMAP_host_map));
    /* Changed to the other kind of mapping: not the grant's any more. */
    CHECK(!grant_pte_matches(ro, _mfn(7), GNTMAP_host_map));
    CHECK(!grant_pte_matches(rw, _mfn(7), GNTMAP_host_map | GNTMAP_readonly));
    /* Accessed/dirty and avail bits the guest cleared do not matter. */
    CHECK(grant_pte_matches(
        rw & ~(pte_t)(_PAGE_ACCESSED | _PAGE_DIRTY | GRANT_PTE_AVAIL_MASK), _mfn(7),
        GNTMAP_host_map));
    CHECK(!grant_pte_matches(0, _mfn(0), GNTMAP_host_map));
}

static void run_tests(void)
{
    test_flags();
    test_matches();
}
