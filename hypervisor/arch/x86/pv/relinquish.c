/* SPDX-License-Identifier: GPL-2.0-only */
/* What a dying PV domain's vCPUs and frames hold, given back (domain_kill). */
#include <xenia/arch.h>
#include <xenia/domain.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>

void arch_vcpu_relinquish(struct vcpu *v)
{
    unsigned long none[1] = {0};

    /* Its page-table bases: the trees then go with their pins. */
    if ( mfn_x(v->arch.guest_table) )
        put_page_and_type(mfn_to_page(v->arch.guest_table));
    if ( mfn_x(v->arch.guest_table_user) )
        put_page_and_type(mfn_to_page(v->arch.guest_table_user));
    v->arch.guest_table = v->arch.guest_table_user = _mfn(0);
    pv_set_gdt(v, none, 0);
    /* A vcpu_info it registered holds a writable reference. */
    if ( mfn_x(v->vcpu_info_mfn) )
    {
        v->vcpu_info = &v->domain->shared_info->vcpu_info[v->vcpu_id];
        put_page_and_type(mfn_to_page(v->vcpu_info_mfn));
        v->vcpu_info_mfn = _mfn(0);
    }
}

void arch_page_unpin(struct page_info *pg)
{
    if ( __atomic_fetch_and(&pg->type_info, ~PGT_pinned, __ATOMIC_ACQ_REL) &
         PGT_pinned )
        put_page_and_type(pg);
}

/*
 * Once no pin and no vCPU holds a table, only tables can reference
 * tables; one still validated then belongs to a cycle (an L4 that maps
 * itself read-only): drop its entries' references by force.
 */
void arch_page_break_cycles(struct page_info *pg)
{
    pv_force_devalidate(pg);
}
