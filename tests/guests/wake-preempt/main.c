/* SPDX-License-Identifier: GPL-2.0-only */
/* A vCPU waking from a block preempts a spinning vCPU on its CPU, and a waker that spins gives the CPU back. */
#include "guest.h"
#include <xen/vcpu.h>

const char test_title[] = "wake-preempt: a woken vCPU runs within the rate "
                          "limit, not after the spinner's slice";

#define MS 1000000ULL
/*
 * Xen's credit2 preempts for a vCPU waking from a block once the running
 * one has had its 1 ms rate limit; a round-robin without that leaves the
 * sleeper waiting for the rest of the spinner's slice (tens of ms). The
 * bound leaves room for TCG on a busy host.
 */
#define LATE_MAX (8 * MS)
#define SLEEP (3 * MS)
#define ROUNDS 9

static volatile unsigned long counter;
static volatile int stop;
static uint8_t stack1[8192] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static evtchn_port_t tport; /* VIRQ_TIMER of vCPU 0 */

/* vCPU 1 never blocks or yields: only preemption takes the CPU from it. */
void vcpu1_main(void);
void vcpu1_main(void)
{
    while ( !stop )
        counter++;
    hypercall_vcpu_op(VCPUOP_down, 1, NULL);
    for ( ;; )
        hypercall_sched_op(SCHEDOP_yield, NULL);
}

static long singleshot(uint64_t abs_ns)
{
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = abs_ns};

    return hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/* Blocks until VIRQ_TIMER (a watchdog deadline a second away at most). */
static void poll_timer(void)
{
    struct sched_poll p = {.nr_ports = 1, .timeout = system_time_ns() + 1000 * MS};

    set_xen_guest_handle(p.ports, &tport);
    hypercall_sched_op(SCHEDOP_poll, &p);
}

static uint64_t running_ns(unsigned int vcpu)
{
    struct vcpu_runstate_info rs;

    if ( hypercall_vcpu_op(VCPUOP_get_runstate_info, vcpu, &rs) )
        return 0;
    return rs.time[RUNSTATE_running];
}

static void sort(uint64_t *a, unsigned int n)
{
    for ( unsigned int i = 1; i < n; i++ )
        for ( unsigned int j = i; j > 0 && a[j - 1] > a[j]; j-- )
        {
            uint64_t t = a[j];

            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

void test_main(void)
{
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
    uint64_t late[ROUNDS], t0, ran1;
    unsigned int i, moved = 0;

    /* Events are seen in shared_info, never as upcalls. */
    vcpu0->evtchn_upcall_mask = 1;
    test_rc(hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0,
            "stop the default periodic timer");
    if ( hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv) )
        test_error("cannot bind VIRQ_TIMER");
    tport = bv.port;
    if ( hypercall_vcpu_op(VCPUOP_is_up, 1, NULL) == -XEN_ENOENT )
        test_skip("only one vCPU (boot with dom0_max_vcpus=2)");
    vcpu_context_init(&ctx, vcpu1_main, stack1, sizeof(stack1));
    test_rc(hypercall_vcpu_op(VCPUOP_initialise, 1, &ctx), 0, "initialise vCPU 1");
    test_rc(hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0, "vCPU 1 up, spinning");

    for ( i = 0; i < ROUNDS; i++ )
    {
        unsigned long c = counter;
        uint64_t deadline = system_time_ns() + SLEEP;

        evtchn_clear(tport);
        singleshot(deadline);
        poll_timer();
        late[i] = system_time_ns() - deadline;
        evtchn_clear(tport);
        moved += counter != c;
    }
    test_check(moved == ROUNDS, "the spinner ran while vCPU 0 slept (%u of %u sleeps)",
               moved, ROUNDS);
    sort(late, ROUNDS);
    test_check(late[ROUNDS / 2] < LATE_MAX,
               "vCPU 0 wakes %lu us after its %llu ms timer (median; min %lu, "
               "max %lu; bound %llu)", (unsigned long)(late[ROUNDS / 2] / 1000),
               SLEEP / MS, (unsigned long)(late[0] / 1000),
               (unsigned long)(late[ROUNDS - 1] / 1000), LATE_MAX / 1000);

    /*
     * The other side: having preempted, vCPU 0 now spins for 25 ms. Its
     * preemption must not have bought it a whole slice: the spinner runs
     * within that time.
     */
    evtchn_clear(tport);
    singleshot(system_time_ns() + SLEEP);
    poll_timer();
    ran1 = running_ns(1);
    t0 = system_time_ns();
    while ( system_time_ns() - t0 < 25 * MS )
        asm volatile("pause" ::: "memory");
    ran1 = running_ns(1) - ran1;
    test_check(ran1 >= 5 * MS, "the spinner ran %lu us of vCPU 0's 25 ms spin after "
               "its wake-up", (unsigned long)(ran1 / 1000));

    stop = 1;
    for ( i = 0; i < 100000 && hypercall_vcpu_op(VCPUOP_is_up, 1, NULL) != 0; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    test_rc(hypercall_vcpu_op(VCPUOP_is_up, 1, NULL), 0, "vCPU 1 took itself down");
}
