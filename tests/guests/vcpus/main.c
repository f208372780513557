/* SPDX-License-Identifier: GPL-2.0-only */
/* A second vCPU: initialised, brought up, scheduled beside the first, downed. */
#include "guest.h"
#include <xen/vcpu.h>

const char test_title[] = "vcpus: VCPUOP_initialise/up/down and two vCPUs "
                          "sharing one CPU";

static volatile unsigned long counter;
static volatile int stop;
static uint8_t stack1[8192] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;

/*
 * vCPU 1 counts and yields until told to stop, then takes itself down.
 * Its upcalls stay masked (the ABI's start state), so it needs no
 * handlers of its own.
 */
void vcpu1_main(void);
void vcpu1_main(void)
{
    while ( !stop )
    {
        counter++;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    hypercall_vcpu_op(VCPUOP_down, 1, NULL);
    for ( ;; )
        hypercall_sched_op(SCHEDOP_yield, NULL);
}

static void fill_context(void)
{
    vcpu_context_init(&ctx, vcpu1_main, stack1, sizeof(stack1));
}

/* Yield until the other vCPU has moved the counter, or give up. */
static bool counter_moves(void)
{
    unsigned long start = counter;
    unsigned int i;

    for ( i = 0; i < 100000 && counter < start + 10; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    return counter >= start + 10;
}

void test_main(void)
{
    struct vcpu_runstate_info rs;
    long rc;
    unsigned int i;

    rc = hypercall_vcpu_op(VCPUOP_is_up, 1, NULL);
    if ( rc == -XEN_ENOENT )
        test_skip("only one vCPU (boot with dom0_max_vcpus=2)");
    test_rc(rc, 0, "vCPU 1 exists and is down at boot");
    test_rc(hypercall_vcpu_op(VCPUOP_is_up, 0, NULL), 1, "vCPU 0 is up");
    test_rc(hypercall_vcpu_op(VCPUOP_is_up, 64, NULL), -XEN_ENOENT,
            "VCPUOP_is_up of a vCPU that does not exist");
    test_rc(hypercall_vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL,
            "VCPUOP_up before VCPUOP_initialise");

    fill_context();
    ctx.flags = 0;
    test_rc(hypercall_vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EINVAL,
            "initialise without VGCF_in_kernel");
    fill_context();
    test_rc(hypercall_vcpu_op(VCPUOP_initialise, 1, NULL), -XEN_EFAULT,
            "initialise from a NULL context");
    test_rc(hypercall_vcpu_op(VCPUOP_initialise, 1, &ctx), 0,
            "VCPUOP_initialise vCPU 1");
    test_rc(hypercall_vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EEXIST,
            "initialise it again");
    test_rc(hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0, "VCPUOP_up vCPU 1");
    test_rc(hypercall_vcpu_op(VCPUOP_is_up, 1, NULL), 1, "vCPU 1 is up");

    {
        bool moved = counter_moves();

        test_check(moved, "vCPU 1 runs beside vCPU 0 (counter %lu)", counter);
    }
    test_rc(hypercall_vcpu_op(VCPUOP_get_runstate_info, 1, &rs), 0,
            "runstate of vCPU 1");
    test_check(rs.time[RUNSTATE_running] > 0,
               "vCPU 1 has run: %lu ns running, %lu ns runnable",
               (unsigned long)rs.time[RUNSTATE_running],
               (unsigned long)rs.time[RUNSTATE_runnable]);

    stop = 1;
    for ( i = 0; i < 100000; i++ )
    {
        if ( hypercall_vcpu_op(VCPUOP_is_up, 1, NULL) == 0 )
            break;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    test_rc(hypercall_vcpu_op(VCPUOP_is_up, 1, NULL), 0,
            "vCPU 1 took itself down");
    {
        unsigned long frozen = counter;

        for ( i = 0; i < 100; i++ )
            hypercall_sched_op(SCHEDOP_yield, NULL);
        test_check(counter == frozen, "a down vCPU does not run");
    }
}
