/* SPDX-License-Identifier: GPL-2.0-only */
/* Two vCPUs on two physical CPUs: parallel runs, wake-ups, TLB flushes. */
#include "guest.h"
#include <xen/vcpu.h>

const char test_title[] = "smp: two vCPUs on two CPUs (parallel running, "
                          "remote wake-up, remote TLB flushes, retyping a "
                          "frame another CPU still caches)";

/* What vCPU 1 does next; it clears cmd and bumps ack when done. */
enum { CMD_IDLE, CMD_SPIN, CMD_POLL, CMD_KICKS, CMD_READ, CMD_WRITE, CMD_DOWN };
static volatile int cmd;
static volatile unsigned int ack;
static volatile unsigned long spin_count;
static volatile unsigned long arg_va;
static volatile uint64_t arg_val, result, woke_at;
static volatile evtchn_port_t poll_port;
/* check_kicks(): the round vCPU 1 waits in, the round vCPU 0 released. */
static volatile unsigned int kick_waiting, kick_released, kick_lost;
#define KICK_ROUNDS 3000

static uint8_t stack1[16384] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;

static void pause_cpu(void)
{
    asm volatile("pause" ::: "memory");
}

/*
 * vCPU 1 waits for commands spinning in place, without hypercalls: its
 * CPU then keeps whatever its TLB holds, which is the point of the TLB
 * checks. Its upcalls stay masked; traps go to the shared handlers,
 * which only it uses while vCPU 0 waits.
 */
void vcpu1_main(void);
void vcpu1_main(void)
{
    for ( ;; )
    {
        int c;

        while ( (c = cmd) == CMD_IDLE )
            pause_cpu();
        switch ( c )
        {
        case CMD_SPIN:
            while ( cmd == CMD_SPIN )
                spin_count++;
            break;
        case CMD_POLL:
        {
            evtchn_port_t port = poll_port;
            struct sched_poll p = {.nr_ports = 1,
                                   .timeout = system_time_ns() + 2000000000ULL};

            set_xen_guest_handle(p.ports, &port);
            result = (uint64_t)hypercall_sched_op(SCHEDOP_poll, &p);
            woke_at = system_time_ns();
            break;
        }
        case CMD_KICKS:
            /* Linux's PV spinlock waiter: clear, publish, re-check, poll. */
            for ( unsigned int i = 1; i <= KICK_ROUNDS; i++ )
            {
                evtchn_port_t port = poll_port;
                struct sched_poll p = {.nr_ports = 1};

                set_xen_guest_handle(p.ports, &port);
                evtchn_clear(port);
                kick_waiting = i;
                if ( kick_released == i )
                    continue;
                p.timeout = system_time_ns() + 200000000ULL;
                hypercall_sched_op(SCHEDOP_poll, &p);
                if ( kick_released != i )
                {
                    kick_lost++; /* the timeout ended it: a lost kick */
                    while ( kick_released != i )
                        pause_cpu();
                }
            }
            break;
        case CMD_READ:
            for ( unsigned int i = 0; i < 1000; i++ )
                result = *(volatile uint64_t *)arg_va;
            break;
        case CMD_WRITE:
            result = (uint64_t)(int64_t)probe_write((void *)arg_va, arg_val);
            break;
        case CMD_DOWN:
            hypercall_vcpu_op(VCPUOP_down, 1, NULL);
            break;
        }
        cmd = CMD_IDLE;
        ack++;
    }
}

/* Hand vCPU 1 a command and wait (spinning, up to 2 s) until it is done. */
static bool run_on_1(int c)
{
    unsigned int before = ack;
    uint64_t end = system_time_ns() + 2000000000ULL;

    cmd = c;
    while ( ack == before && system_time_ns() < end )
        pause_cpu();
    return ack != before;
}

static uint64_t read_on_1(void *va)
{
    arg_va = (unsigned long)va;
    result = ~0ULL;
    if ( !run_on_1(CMD_READ) )
        test_error("vCPU 1 does not answer");
    return result;
}

static bool start_vcpu1(void)
{
    vcpu_context_init(&ctx, vcpu1_main, stack1, sizeof(stack1));
    traps_copy_table(ctx.trap_ctxt, 256);
    return test_rc(hypercall_vcpu_op(VCPUOP_initialise, 1, &ctx), 0,
                   "VCPUOP_initialise vCPU 1") &&
           test_rc(hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0,
                   "VCPUOP_up vCPU 1");
}

static int runstate_of_1(void)
{
    struct vcpu_runstate_info rs;

    if ( hypercall_vcpu_op(VCPUOP_get_runstate_info, 1, &rs) )
        return -1;
    return rs.state;
}

/* Only a second CPU lets vCPU 1 be running while vCPU 0 is in a hypercall. */
static void check_parallel(void)
{
    uint64_t end;
    unsigned long before;
    int state;

    cmd = CMD_SPIN;
    end = system_time_ns() + 1000000000ULL;
    while ( !spin_count && system_time_ns() < end )
        pause_cpu();
    state = runstate_of_1();
    before = spin_count;
    end = system_time_ns() + 20000000ULL;
    while ( system_time_ns() < end )
        pause_cpu();
    test_check(state == RUNSTATE_running,
               "vCPU 1 is running while vCPU 0 makes a hypercall (state %d)",
               state);
    test_check(spin_count > before, "vCPU 1 keeps counting while vCPU 0 "
                                    "spins (%lu more)",
               spin_count - before);
    run_on_1(CMD_IDLE); /* stop the spin: cmd = IDLE, vCPU 1 acks */
}

/*
 * vCPU 1 sleeps in SCHEDOP_poll with no timer of its own running: only
 * the hypervisor's wake-up IPI to its idle CPU can end the sleep before
 * the poll's 2 s timeout.
 */
static void check_remote_wakeup(void)
{
    struct evtchn_bind_ipi ipi = {.vcpu = 1};
    struct evtchn_send send;
    uint64_t sent, end;
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_ipi, &ipi);

    test_rc(rc, 0, "bind_ipi to vCPU 1 -> port %u", ipi.port);
    evtchn_mask(ipi.port);
    test_rc(hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL), 0,
            "stop vCPU 1's periodic timer");
    poll_port = ipi.port;
    cmd = CMD_POLL;
    end = system_time_ns() + 1000000000ULL;
    while ( runstate_of_1() != RUNSTATE_blocked && system_time_ns() < end )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    test_check(runstate_of_1() == RUNSTATE_blocked, "vCPU 1 blocks in "
                                                    "SCHEDOP_poll");
    sent = system_time_ns();
    send.port = ipi.port;
    test_rc(hypercall_event_channel_op(EVTCHNOP_send, &send), 0,
            "send to vCPU 1's port");
    end = sent + 3000000000ULL;
    while ( cmd != CMD_IDLE && system_time_ns() < end )
        pause_cpu();
    test_check(cmd == CMD_IDLE && result == 0, "vCPU 1's poll returned 0");
    test_check(woke_at - sent < 500000000ULL,
               "woken %lu us after the send (the poll timeout is 2 s)",
               (unsigned long)((woke_at - sent) / 1000));
    evtchn_clear(ipi.port);
}

/*
 * Linux's PV spinlock handoff, many times over: vCPU 1 clears its masked
 * kicker port, says it waits, and polls with no other wake-up; vCPU 0
 * releases and sends as soon as it sees that. A send landing while the
 * hypervisor was between reading the port's pending bit and recording
 * the poller woke no one (the waiter sat out its timeout: Linux's has
 * none, and Dom0 hung with an RCU stall).
 */
static void check_kicks(void)
{
    struct evtchn_bind_ipi ipi = {.vcpu = 1};
    struct evtchn_send send;
    uint64_t end;
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_ipi, &ipi);

    test_rc(rc, 0, "bind_ipi to vCPU 1 -> port %u", ipi.port);
    evtchn_mask(ipi.port);
    poll_port = send.port = ipi.port;
    kick_waiting = kick_released = kick_lost = 0;
    cmd = CMD_KICKS;
    for ( unsigned int i = 1; i <= KICK_ROUNDS; i++ )
    {
        end = system_time_ns() + 2000000000ULL;
        while ( kick_waiting != i && system_time_ns() < end )
            pause_cpu();
        if ( kick_waiting != i )
            break;
        kick_released = i;
        hypercall_event_channel_op(EVTCHNOP_send, &send);
    }
    end = system_time_ns() + 5000000000ULL;
    while ( cmd != CMD_IDLE && system_time_ns() < end )
        pause_cpu();
    test_check(cmd == CMD_IDLE && kick_waiting == KICK_ROUNDS,
               "%u poll/kick rounds done", kick_waiting);
    test_check(kick_lost == 0, "no kick lost (%u polls ended by their "
                               "timeout)", kick_lost);
    evtchn_clear(ipi.port);
}

static long remap(void *va, void *to, unsigned long flags)
{
    return hypercall_update_va_mapping((unsigned long)va,
                                       ((uint64_t)virt_to_mfn(to) << 12) |
                                           PTE_P | PTE_RW | PTE_A | PTE_D,
                                       flags);
}

static long mmuext_va(unsigned int op, void *va, const unsigned long *mask)
{
    struct mmuext_op o = {.cmd = op};

    o.arg1.linear_addr = (unsigned long)va;
    set_xen_guest_handle(o.arg2.vcpumask, (void *)mask);
    return hypercall_mmuext_op(&o, 1, NULL, DOMID_SELF);
}

static void expect_seen(void *x, uint64_t want, const char *name)
{
    uint64_t seen = read_on_1(x);

    test_check(seen == want, "vCPU 1 reads %s through X (%#lx)", name,
               (unsigned long)seen);
}

/* A mapping vCPU 0 changes must be seen by vCPU 1 after each kind of flush. */
static void check_remote_flushes(void)
{
    uint64_t *x = alloc_page(), *a = alloc_page(), *b = alloc_page();
    static unsigned long mask1 = 1UL << 1;

    a[0] = 0xaaaa;
    b[0] = 0xbbbb;
    test_rc(remap(x, a, UVMF_INVLPG | UVMF_LOCAL), 0, "map X -> A");
    expect_seen(x, 0xaaaa, "A");
    test_rc(remap(x, b, UVMF_INVLPG | UVMF_ALL), 0,
            "remap X -> B, UVMF_INVLPG|UVMF_ALL");
    expect_seen(x, 0xbbbb, "B");
    test_rc(remap(x, a, UVMF_TLB_FLUSH | (unsigned long)&mask1), 0,
            "remap X -> A, UVMF_TLB_FLUSH with vCPU mask {1}");
    expect_seen(x, 0xaaaa, "A");
    test_rc(remap(x, b, UVMF_NONE), 0, "remap X -> B, no flush");
    test_rc(mmuext_va(MMUEXT_INVLPG_ALL, x, NULL), 0, "MMUEXT_INVLPG_ALL X");
    expect_seen(x, 0xbbbb, "B");
    test_rc(remap(x, a, UVMF_NONE), 0, "remap X -> A, no flush");
    test_rc(mmuext_va(MMUEXT_TLB_FLUSH_ALL, NULL, NULL), 0,
            "MMUEXT_TLB_FLUSH_ALL");
    expect_seen(x, 0xaaaa, "A");
    test_rc(remap(x, b, UVMF_NONE), 0, "remap X -> B, no flush");
    test_rc(mmuext_va(MMUEXT_INVLPG_MULTI, x, &mask1), 0,
            "MMUEXT_INVLPG_MULTI X, vCPU mask {1}");
    expect_seen(x, 0xbbbb, "B");
    test_rc(remap(x, a, UVMF_NONE), 0, "remap X -> A, no flush");
    test_rc(mmuext_va(MMUEXT_TLB_FLUSH_MULTI, NULL, &mask1), 0,
            "MMUEXT_TLB_FLUSH_MULTI, vCPU mask {1}");
    expect_seen(x, 0xaaaa, "A");
}

/*
 * The attack the hypervisor must stop: vCPU 1's CPU caches a writable
 * mapping of W; vCPU 0 drops the mapping without a flush and pins W's
 * frame as an L1. Had the hypervisor not flushed that CPU on the change
 * of type, vCPU 1 could write any PTE into a live page table.
 */
static void check_retype_flush(void)
{
    uint64_t *w = alloc_page(), *l1 = alloc_page();
    unsigned long mfn = virt_to_mfn(w);
    uint64_t evil = ((uint64_t)virt_to_mfn(l1) << 12) | PTE_P | PTE_RW;

    arg_va = (unsigned long)w;
    arg_val = 0;
    test_check(run_on_1(CMD_WRITE) && result == (uint64_t)-1,
               "vCPU 1 writes W (its TLB now holds W writable)");
    test_rc(hypercall_update_va_mapping((unsigned long)w, 0, UVMF_NONE), 0,
            "unmap W without any flush");
    test_rc(pin_table(1, mfn), 0, "pin W's frame as an L1");
    arg_val = evil;
    run_on_1(CMD_WRITE);
    test_check(result == 14, "vCPU 1's write through its old mapping "
                             "faults (%ld)",
               (long)result);
    test_rc(map_mfn((unsigned long)w, mfn, PTE_P | PTE_A), 0,
            "map the L1 read-only");
    test_check(w[0] == 0, "the pinned L1 is untouched (%#lx)",
               (unsigned long)w[0]);
    test_rc(unpin_table(mfn), 0, "unpin it");
    test_rc(map_mfn((unsigned long)w, mfn, PTE_P | PTE_RW | PTE_A | PTE_D), 0,
            "map W writable again");
}

void test_main(void)
{
    long rc = hypercall_vcpu_op(VCPUOP_is_up, 1, NULL);

    if ( rc == -XEN_ENOENT )
        test_skip("only one vCPU (boot with dom0_max_vcpus=2 and -smp 2)");
    if ( !start_vcpu1() )
        return;
    check_parallel();
    check_remote_wakeup();
    check_kicks();
    check_remote_flushes();
    check_retype_flush();
    cmd = CMD_DOWN;
    for ( unsigned int i = 0; i < 100000; i++ )
        if ( hypercall_vcpu_op(VCPUOP_is_up, 1, NULL) == 0 )
            break;
        else
            hypercall_sched_op(SCHEDOP_yield, NULL);
    test_rc(hypercall_vcpu_op(VCPUOP_is_up, 1, NULL), 0, "vCPU 1 went down");
}
