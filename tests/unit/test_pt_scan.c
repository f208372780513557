/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the present-entry scan of page tables (asm/pt_scan.h). */
#include "check.h"
#include <asm/pt_scan.h>

static pte_t t[PT_ENTRIES];

/* What the scan must answer: each entry tested in turn. */
static unsigned int naive(unsigned int i, unsigned int end, unsigned int hf,
                          unsigned int hl)
{
    for ( ; i < end; i++ )
        if ( (t[i] & _PAGE_PRESENT) && (i < hf || i > hl) )
            return i;
    return end;
}

static uint64_t rnd_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* Every start and end in the table agree with the entry-by-entry answer. */
static bool agrees(void)
{
    unsigned int i, end;

    for ( i = 0; i <= PT_ENTRIES; i++ )
    {
        for ( end = i; end <= PT_ENTRIES; end += 1 + (end & 7) )
            if ( pt_next_present(t, i, end) != naive(i, end, 1, 0) )
                return false;
        if ( pt_next_present(t, i, PT_ENTRIES) != naive(i, PT_ENTRIES, 1, 0) )
            return false;
        /* An L4's hypervisor slots, 256-271. */
        if ( pt_next_present_outside(t, i, 256, 271) !=
             naive(i, PT_ENTRIES, 256, 271) )
            return false;
    }
    return true;
}

static void fill(unsigned int one_in)
{
    for ( unsigned int i = 0; i < PT_ENTRIES; i++ )
    {
        uint64_t r = rnd();

        /* Not present but not zero too: swap and PROT_NONE entries. */
        t[i] = (r % one_in) ? (r & ~(pte_t)_PAGE_PRESENT) & -(r & 2)
                            : (r | _PAGE_PRESENT);
    }
}

static void run_tests(void)
{
    unsigned int k;

    memset(t, 0, sizeof(t));
    CHECK_EQ(pt_next_present(t, 0, PT_ENTRIES), PT_ENTRIES);
    CHECK_EQ(pt_next_present_outside(t, 0, 256, 271), PT_ENTRIES);
    /*
     * A single present entry is found from every start before it: every
     * slot near a 16-entry group's edge, the table's and the hole's.
     */
    for ( k = 0; k < PT_ENTRIES;
          k += (k % 16 < 2 || k % 16 > 13 || (k >= 250 && k <= 275)) ? 1 : 3 )
    {
        t[k] = _PAGE_PRESENT;
        CHECK(agrees());
        t[k] = ~(pte_t)_PAGE_PRESENT; /* every other bit: still not present */
        CHECK(agrees());
        t[k] = 0;
    }
    /* Entries in the hole are never answered, those beyond it are. */
    t[260] = t[300] = _PAGE_PRESENT;
    CHECK_EQ(pt_next_present_outside(t, 0, 256, 271), 300);
    CHECK_EQ(pt_next_present_outside(t, 260, 256, 271), 300);
    CHECK_EQ(pt_next_present(t, 0, PT_ENTRIES), 260);
    t[255] = _PAGE_PRESENT;
    CHECK_EQ(pt_next_present_outside(t, 0, 256, 271), 255);
    /* Random tables, dense to sparse. */
    for ( k = 0; k < 24; k++ )
    {
        fill(1 + k * 3);
        CHECK(agrees());
    }
}
