/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding a page table's present entries quickly. */
#ifndef ASM_PT_SCAN_H
#define ASM_PT_SCAN_H

#include <asm/page.h>

/*
 * The first entry in [i, end) with _PAGE_PRESENT, or end. Validating
 * and devalidating a table looks only at its present entries, and a
 * fork's tables are mostly empty: testing each entry cost thousands of
 * instructions a table, one test of 16 entries' OR skips them. An entry
 * missed here would be one left unchecked: tests/unit/test_pt_scan.c.
 */
static inline unsigned int pt_next_present(const pte_t *t, unsigned int i,
                                           unsigned int end)
{
    const pte_t *p;

    for ( ; i < end && (i & 15); i++ )
        if ( t[i] & _PAGE_PRESENT )
            return i;
    for ( p = &t[i]; i + 16 <= end; i += 16, p += 16 )
        if ( (p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7] | p[8] |
              p[9] | p[10] | p[11] | p[12] | p[13] | p[14] | p[15]) &
             _PAGE_PRESENT )
            break;
    for ( ; i < end; i++ )
        if ( t[i] & _PAGE_PRESENT )
            return i;
    return end;
}

/*
 * The first present entry of the table at or after i that is not in
 * the slots [hole_first, hole_last] (an L4's hypervisor slots), or
 * PT_ENTRIES.
 */
static inline unsigned int pt_next_present_outside(const pte_t *t,
                                                   unsigned int i,
                                                   unsigned int hole_first,
                                                   unsigned int hole_last)
{
    if ( i < hole_first )
    {
        i = pt_next_present(t, i, hole_first);
        if ( i < hole_first )
            return i;
    }
    if ( i <= hole_last )
        i = hole_last + 1;
    return pt_next_present(t, i, PT_ENTRIES);
}

#endif /* ASM_PT_SCAN_H */
