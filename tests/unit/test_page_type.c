/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of frame reference and type counting (common/page_type.c). */
#include "check.h"
#include "../../hypervisor/common/page_type.c"

#define NR 16
static struct page_info ft[NR];
/* children[i]: frames that "entries" of frame i reference as the next level. */
static int children[NR][4];
static int validations[NR], devalidations[NR], frees[NR];
static int released[NR], changing[NR];
/* The type_info each type_changing() call saw: the change is not yet done. */
static uint64_t changing_saw[NR];
static int fail_validate = -1;

static uint64_t lower(uint64_t type)
{
    return type - (1UL << PGT_type_shift);
}

int page_type_validate(struct page_info *pg, uint64_t type)
{
    int i = pg - ft, k, rc;

    validations[i]++;
    if ( i == fail_validate )
        return -EINVAL;
    for ( k = 0; k < 4 && children[i][k] >= 0; k++ )
    {
        uint64_t want = type == PGT_l1_page_table ? PGT_writable_page : lower(type);

        rc = get_page_and_type(&ft[children[i][k]], 1, want);
        if ( rc )
        {
            while ( k-- )
                put_page_and_type(&ft[children[i][k]]);
            return rc;
        }
    }
    return 0;
}

void page_type_devalidate(struct page_info *pg, uint64_t type)
{
    int i = pg - ft, k;

    (void)type;
    devalidations[i]++;
    for ( k = 0; k < 4 && children[i][k] >= 0; k++ )
        put_page_and_type(&ft[children[i][k]]);
}

void page_type_free(struct page_info *pg)
{
    frees[pg - ft]++;
}

void page_type_released(struct page_info *pg)
{
    /* Called while the frame still holds its last type reference. */
    CHECK_EQ(pg->type_info & PGT_count_mask, 1);
    released[pg - ft]++;
}

void page_type_changing(struct page_info *pg)
{
    changing_saw[pg - ft] = pg->type_info;
    changing[pg - ft]++;
}

static void reset(void)
{
    int i;

    memset(ft, 0, sizeof(ft));
    memset(validations, 0, sizeof(validations));
    memset(devalidations, 0, sizeof(devalidations));
    memset(frees, 0, sizeof(frees));
    memset(released, 0, sizeof(released));
    memset(changing, 0, sizeof(changing));
    memset(changing_saw, 0, sizeof(changing_saw));
    memset(children, 0xff, sizeof(children));
    fail_validate = -1;
    for ( i = 0; i < NR; i++ )
    {
        ft[i].owner = 1;
        ft[i].count_info = PGC_allocated | 1; /* the owner's allocation ref */
    }
}

static unsigned long tcount(int i)
{
    return ft[i].type_info & PGT_count_mask;
}

static unsigned long gcount(int i)
{
    return ft[i].count_info & PGC_count_mask;
}

static void test_general_refs(void)
{
    reset();
    CHECK(get_page(&ft[0], 1));
    CHECK_EQ(gcount(0), 2);
    CHECK(!get_page(&ft[0], 2)); /* someone else's frame */
    ft[1].count_info = 0;        /* not allocated */
    CHECK(!get_page(&ft[1], 1));
    ft[2].count_info = PGC_allocated | PGC_count_mask; /* would wrap */
    CHECK(!get_page(&ft[2], 1));
    put_page(&ft[0]);
    CHECK_EQ(gcount(0), 1);
    /* The allocation reference gone and the last put frees the frame. */
    ft[3].count_info = 1;
    put_page(&ft[3]);
    CHECK_EQ(frees[3], 1);
}

static void test_types_exclude_each_other(void)
{
    reset();
    CHECK_EQ(get_page_type(&ft[0], PGT_writable_page), 0);
    CHECK_EQ(get_page_type(&ft[0], PGT_l1_page_table), -EBUSY);
    CHECK_EQ(get_page_type(&ft[0], PGT_writable_page), 0);
    CHECK_EQ(tcount(0), 2);
    put_page_type(&ft[0]);
    put_page_type(&ft[0]);
    CHECK_EQ(tcount(0), 0);
    /* Unused now: it may become a page table, and is validated for it. */
    CHECK_EQ(get_page_type(&ft[0], PGT_l1_page_table), 0);
    CHECK_EQ(validations[0], 1);
    CHECK(ft[0].type_info & PGT_validated);
    CHECK_EQ(get_page_type(&ft[0], PGT_writable_page), -EBUSY);
    /* A second reference of the same type does not validate again. */
    CHECK_EQ(get_page_type(&ft[0], PGT_l1_page_table), 0);
    CHECK_EQ(validations[0], 1);
    put_page_type(&ft[0]);
    CHECK_EQ(devalidations[0], 0);
    put_page_type(&ft[0]);
    CHECK_EQ(devalidations[0], 1);
    CHECK(!(ft[0].type_info & PGT_validated));
    /* Devalidated: same type again means validating again. */
    CHECK_EQ(get_page_type(&ft[0], PGT_l1_page_table), 0);
    CHECK_EQ(validations[0], 2);
    put_page_type(&ft[0]);
}

static void test_cascade(void)
{
    /* L4 0 -> L3 1 -> L2 2 -> L1 3 -> data 4, 5 */
    reset();
    children[0][0] = 1;
    children[1][0] = 2;
    children[2][0] = 3;
    children[3][0] = 4;
    children[3][1] = 5;
    CHECK_EQ(get_page_and_type(&ft[0], 1, PGT_l4_page_table), 0);
    CHECK_EQ(tcount(1), 1);
    CHECK_EQ(tcount(3), 1);
    CHECK_EQ((long)(ft[4].type_info & PGT_type_mask), (long)PGT_writable_page);
    /* The L1 is in use as a page table: it cannot be made writable. */
    CHECK_EQ(get_page_type(&ft[3], PGT_writable_page), -EBUSY);
    CHECK_EQ(gcount(3), 2);
    /* Dropping the L4 devalidates down the whole tree. */
    put_page_and_type(&ft[0]);
    CHECK_EQ(devalidations[0], 1);
    CHECK_EQ(devalidations[1], 1);
    CHECK_EQ(devalidations[3], 1);
    CHECK_EQ(tcount(4), 0);
    CHECK_EQ(gcount(3), 1);
    CHECK_EQ(get_page_type(&ft[3], PGT_writable_page), 0);
    put_page_type(&ft[3]);
}

static void test_failed_validation(void)
{
    /* L2 6 -> L1 7 (fails) : nothing may stay referenced or typed. */
    reset();
    children[6][0] = 8; /* an L1 that validates */
    children[6][1] = 7; /* one that does not */
    fail_validate = 7;
    CHECK_EQ(get_page_and_type(&ft[6], 1, PGT_l2_page_table), -EINVAL);
    CHECK_EQ(tcount(6), 0);
    CHECK_EQ((long)(ft[6].type_info & PGT_type_mask), (long)PGT_none);
    CHECK_EQ(tcount(7), 0);
    CHECK_EQ(tcount(8), 0);
    CHECK_EQ(gcount(6), 1);
    CHECK_EQ(gcount(7), 1);
    CHECK_EQ(gcount(8), 1);
    CHECK_EQ(devalidations[8], 1); /* the good child was undone */
}

static void test_self_reference_refused(void)
{
    /* An L2 whose entry points to itself as an L1: different type, busy. */
    reset();
    children[9][0] = 9;
    CHECK(get_page_and_type(&ft[9], 1, PGT_l2_page_table) != 0);
    CHECK_EQ(tcount(9), 0);
    CHECK_EQ(gcount(9), 1);
}

static void test_overflow(void)
{
    reset();
    ft[10].type_info = PGT_writable_page | PGT_validated | PGT_count_mask;
    CHECK_EQ(get_page_type(&ft[10], PGT_writable_page), -EBUSY);
    CHECK_EQ(tcount(10), PGT_count_mask);
}

/*
 * A table still being validated (in use, PGT_validated clear) refuses a
 * second reference, whose fast path must not take it as validated.
 */
static void test_mid_validation_refused(void)
{
    reset();
    ft[11].type_info = PGT_l1_page_table | 1;
    CHECK_EQ(get_page_type(&ft[11], PGT_l1_page_table), -EINVAL);
    CHECK_EQ(tcount(11), 1);
    CHECK_EQ(validations[11], 0);
    CHECK_EQ(get_page_type(&ft[11], PGT_writable_page), -EBUSY);
    CHECK_EQ(tcount(11), 1);
}

/*
 * The TLB-safety hooks: a stamp as the last type reference goes, and a
 * flush decision on every change of type (but not on a second reference
 * of the same type, nor on revalidation as the same type).
 */
static void test_tlb_hooks(void)
{
    reset();
    CHECK_EQ(get_page_type(&ft[0], PGT_writable_page), 0);
    CHECK_EQ(changing[0], 1);           /* none -> writable */
    CHECK_EQ(get_page_type(&ft[0], PGT_writable_page), 0);
    CHECK_EQ(changing[0], 1);           /* same type: no new decision */
    put_page_type(&ft[0]);
    CHECK_EQ(released[0], 0);           /* one user left */
    put_page_type(&ft[0]);
    CHECK_EQ(released[0], 1);
    CHECK_EQ(get_page_type(&ft[0], PGT_l1_page_table), 0);
    CHECK_EQ(changing[0], 2);           /* writable -> L1 */
    /* The hook runs once the new type is claimed, before validation. */
    CHECK_EQ(changing_saw[0] & PGT_type_mask, PGT_l1_page_table);
    CHECK(!(changing_saw[0] & PGT_validated));
    put_page_type(&ft[0]);
    CHECK_EQ(released[0], 2);
    /* Revalidating as an L1 again is no change of type. */
    CHECK_EQ(get_page_type(&ft[0], PGT_l1_page_table), 0);
    CHECK_EQ(changing[0], 2);
    CHECK_EQ(validations[0], 2);
    put_page_type(&ft[0]);
    /* A refused type change decides nothing. */
    CHECK_EQ(get_page_type(&ft[1], PGT_writable_page), 0);
    CHECK_EQ(get_page_type(&ft[1], PGT_l1_page_table), -EBUSY);
    CHECK_EQ(changing[1], 1);
    put_page_type(&ft[1]);
}

static void run_tests(void)
{
    test_general_refs();
    test_types_exclude_each_other();
    test_cascade();
    test_failed_validation();
    test_self_reference_refused();
    test_overflow();
    test_mid_validation_refused();
    test_tlb_hooks();
}
