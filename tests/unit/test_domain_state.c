/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of domain id choice and the toolstack's pause count. */
#include "check.h"
#include "../../hypervisor/common/domain_state.c"

static bool taken[DOMID_FIRST_RESERVED];

static bool is_free(domid_t id, void *arg)
{
    (*(unsigned int *)arg)++;
    return id < DOMID_FIRST_RESERVED && !taken[id];
}

static void test_domid(void)
{
    domid_t rover = 0, id = 0;
    unsigned int calls = 0;

    taken[0] = true; /* Dom0 */
    /* 0 and the reserved ids ask for the next free one after the rover. */
    CHECK_EQ(domid_choose(0, &rover, is_free, &calls, &id), 0);
    CHECK_EQ(id, 1);
    CHECK_EQ(rover, 1);
    taken[1] = true;
    CHECK_EQ(domid_choose(DOMID_SELF, &rover, is_free, &calls, &id), 0);
    CHECK_EQ(id, 2);
    CHECK_EQ(domid_choose(DOMID_INVALID, &rover, is_free, &calls, &id), 0);
    CHECK_EQ(id, 3); /* 2 was not marked taken, but the rover moved on */

    /* Freed ids are not reused before the rover wraps. */
    taken[1] = false;
    taken[3] = true;
    CHECK_EQ(domid_choose(0, &rover, is_free, &calls, &id), 0);
    CHECK_EQ(id, 4);

    /* A requested id: that one or -EEXIST; the rover stays. */
    CHECK_EQ(domid_choose(1, &rover, is_free, &calls, &id), 0);
    CHECK_EQ(id, 1);
    CHECK_EQ(domid_choose(3, &rover, is_free, &calls, &id), -EEXIST);
    CHECK_EQ(rover, 4);
    CHECK_EQ(
        domid_choose(DOMID_FIRST_RESERVED - 1, &rover, is_free, &calls, &id),
        0);
    CHECK_EQ(id, DOMID_FIRST_RESERVED - 1);

    /* At the top it wraps to 1, never to 0. */
    rover = DOMID_FIRST_RESERVED - 2;
    taken[DOMID_FIRST_RESERVED - 1] = true;
    taken[1] = true;
    CHECK_EQ(domid_choose(0, &rover, is_free, &calls, &id), 0);
    CHECK_EQ(id, 2);

    /* Every id taken: -ENOMEM after looking at each once, no more. */
    for ( unsigned int i = 0; i < DOMID_FIRST_RESERVED; i++ )
        taken[i] = true;
    calls = 0;
    CHECK_EQ(domid_choose(0, &rover, is_free, &calls, &id), -ENOMEM);
    CHECK_EQ(calls, DOMID_FIRST_RESERVED - 1);
    CHECK_EQ(rover, 2);
    /* One left, wherever it is. */
    taken[77] = false;
    CHECK_EQ(domid_choose(0, &rover, is_free, &calls, &id), 0);
    CHECK_EQ(id, 77);
}

static void test_pause(void)
{
    unsigned int count = 1; /* born paused */
    bool finished = false, first = true;
    unsigned int i;

    CHECK_EQ(controller_unpause(&count, &finished, &first), 0);
    CHECK(first && finished && count == 0);
    CHECK_EQ(controller_unpause(&count, &finished, &first), -EINVAL);
    CHECK_EQ(count, 0);

    for ( i = 0; i < CONTROLLER_PAUSE_MAX; i++ )
        CHECK_EQ(controller_pause(&count), 0);
    CHECK_EQ(controller_pause(&count), -EOVERFLOW);
    CHECK_EQ(count, CONTROLLER_PAUSE_MAX);
    for ( i = 0; i < CONTROLLER_PAUSE_MAX; i++ )
    {
        CHECK_EQ(controller_unpause(&count, &finished, &first), 0);
        /* Creation finished once: later unpauses to 0 are not a start. */
        CHECK(!first);
    }
    CHECK_EQ(count, 0);
}

static void run_tests(void)
{
    test_domid();
    test_pause();
}
