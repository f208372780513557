/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks gnttab=transfer=0: GNTTABOP_transfer refused, the page kept, other grant ops unaffected. */
#include "guest.h"
#include <xen/grant_table.h>
#include <xen/memory.h>

const char test_title[] = "grant-transfer-off: gnttab=transfer=0 refuses "
                          "GNTTABOP_transfer";

void test_main(void)
{
    struct gnttab_transfer op = {.domid = 0, .ref = 10, .status = 99};
    struct gnttab_query_size qs = {.dom = DOMID_SELF};
    domid_t self = DOMID_SELF;
    long before = hypercall_memory_op(XENMEM_current_reservation, &self);
    uint64_t *va = alloc_page();

    if ( hypercall_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG) )
        test_error("cannot unmap a page");
    op.mfn = pfn_to_mfn(virt_to_pfn(va));
    test_rc(hypercall_grant_table_op(GNTTABOP_transfer, &op, 1),
            -XEN_EOPNOTSUPP, "transfer of a loose page");
    test_check(op.status == 99, "  no status written (%d)", op.status);
    test_check(hypercall_memory_op(XENMEM_current_reservation, &self) ==
                   before,
               "  the page is still ours");
    test_rc(map_mfn((unsigned long)va, op.mfn, PTE_P | PTE_RW | PTE_A | PTE_D),
            0, "  and maps again");
    test_rc(hypercall_grant_table_op(GNTTABOP_transfer, &op, 0),
            -XEN_EOPNOTSUPP, "count 0");
    test_rc(hypercall_grant_table_op(GNTTABOP_transfer,
                                     (void *)HYPERVISOR_VIRT_START, 1),
            -XEN_EFAULT, "an array in the hypervisor's range: -EFAULT first");
    test_rc(hypercall_grant_table_op(GNTTABOP_query_size, &qs, 1), 0,
            "query_size still answers");
    test_check(qs.status == GNTST_okay, "  status %d", qs.status);
}
