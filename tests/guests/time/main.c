/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks pvclock, wallclock, timer deadlines, the runstate area and vcpu_info relocation. */
#include "guest.h"

const char test_title[] = "time: pvclock, wallclock, timer deadlines, "
                          "runstate, vcpu_info";

static evtchn_port_t timer_port;
static uint64_t fired_at;

static void hook(evtchn_port_t port)
{
    if ( port == timer_port )
        fired_at = system_time_ns();
}

static void check_pvclock(void)
{
    const vcpu_time_info_t *t = &vcpu0->time;
    uint64_t prev = system_time_ns(), now, backwards = 0, khz;
    unsigned int i;

    for ( i = 0; i < 2000; i++ )
    {
        now = system_time_ns();
        backwards += now < prev;
        prev = now;
    }
    test_check(!backwards, "2000 pvclock reads never go backwards");
    test_check(t->tsc_shift >= -31 && t->tsc_shift <= 31,
               "tsc_shift %d in range", t->tsc_shift);
    /* TSC kHz as Linux's pvclock_tsc_khz computes it. */
    khz = (1000000ULL << 32) / t->tsc_to_system_mul;
    khz = t->tsc_shift < 0 ? khz << -t->tsc_shift : khz >> t->tsc_shift;
    test_check(khz > 100000 && khz < 20000000,
               "TSC frequency from mul/shift: %lu kHz", khz);
    test_note("pvclock flags %#x", t->flags);
}

static uint64_t block_until_timer(uint64_t deadline)
{
    struct vcpu_set_singleshot_timer st = {.timeout_abs_ns = deadline};
    unsigned int spins = 0;

    fired_at = 0;
    if ( hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st) )
        test_error("set_singleshot_timer failed");
    while ( !fired_at && spins++ < 100 )
    {
        hypercall_sched_op(SCHEDOP_block, NULL);
        vcpu0->evtchn_upcall_mask = 1;
    }
    return fired_at;
}

/* The clock must advance with the TSC across a sleep the hypervisor ends. */
static void check_rate(void)
{
    const vcpu_time_info_t *t = &vcpu0->time;
    uint64_t tsc0 = rdtsc(), ns0 = system_time_ns(), tsc1, ns1, want;
    int64_t err;

    block_until_timer(ns0 + 20000000);
    tsc1 = rdtsc();
    ns1 = system_time_ns();
    want =
        (uint64_t)(((unsigned __int128)(tsc1 - tsc0) * t->tsc_to_system_mul) >>
                   32);
    want = t->tsc_shift < 0 ? want >> -t->tsc_shift : want << t->tsc_shift;
    err = (int64_t)(ns1 - ns0) - (int64_t)want;
    test_check(ns1 - ns0 >= 20000000, "20 ms sleep took %lu ns of pvclock",
               ns1 - ns0);
    test_check(err < (int64_t)want / 20 && -err < (int64_t)want / 20,
               "pvclock advanced like the TSC: error %ld ns of %lu", err, want);
}

static void check_deadlines(void)
{
    static const uint64_t deltas[] = {10000000, 1000000, 3000000, 10000000};
    unsigned int i, early = 0, missing = 0, late = 0;
    uint64_t deadline, at;

    for ( i = 0; i < ARRAY_SIZE(deltas); i++ )
    {
        deadline = system_time_ns() + deltas[i];
        at = block_until_timer(deadline);
        missing += !at;
        early += at && at < deadline;
        late += at > deadline + 1000000000;
        test_note("timer %lu us ahead fired %ld us after its deadline",
                  deltas[i] / 1000, ((int64_t)at - (int64_t)deadline) / 1000);
    }
    test_check(!missing, "every timer fired");
    test_check(!early, "no timer fired before its deadline");
    test_check(!late, "none fired more than 1 s late");
}

static void check_wallclock(void)
{
    uint32_t v = shared_info->wc_version;

    test_check(!(v & 1), "wc_version %u even", v);
    /* QEMU's RTC starts at the host's time: after 2020, before 2100. */
    test_check(shared_info->wc_sec > 1577836800U &&
                   shared_info->wc_sec < 4102444800U,
               "wallclock at boot: %u s since 1970", shared_info->wc_sec);
    test_check(shared_info->wc_nsec < 1000000000U, "wc_nsec %u < 1e9",
               shared_info->wc_nsec);
}

static void check_runstate(void)
{
    static struct vcpu_runstate_info rs;
    struct vcpu_register_runstate_memory_area area = {.addr.v = &rs};
    struct vcpu_runstate_info got;

    test_rc(hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area),
            0, "register_runstate_memory_area (by VA)");
    block_until_timer(system_time_ns() + 2000000);
    test_check(rs.state == RUNSTATE_running && rs.state_entry_time,
               "runstate area: running, entered at %lu ns",
               (unsigned long)(rs.state_entry_time & ~XEN_RUNSTATE_UPDATE));
    test_check(rs.time[RUNSTATE_running] && rs.time[RUNSTATE_blocked],
               "time running %lu ns, blocked %lu ns", rs.time[RUNSTATE_running],
               rs.time[RUNSTATE_blocked]);
    memset(&got, 0, sizeof(got));
    test_rc(hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &got), 0,
            "VCPUOP_get_runstate_info");
    test_check(got.state == RUNSTATE_running, "state running");
}

/* Linux moves vcpu_info into per-CPU memory; time must follow it. */
static void check_vcpu_info(void)
{
    static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    struct vcpu_register_vcpu_info vi = {.mfn = virt_to_mfn(page),
                                         .offset = 128};
    vcpu_info_t *nv = (vcpu_info_t *)(page + 128);
    uint64_t t0;

    test_rc(hypercall_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), 0,
            "VCPUOP_register_vcpu_info at offset 128");
    test_check(nv->time.tsc_to_system_mul != 0 && nv->evtchn_upcall_mask,
               "new vcpu_info has time and keeps the mask");
    vcpu0 = nv;
    t0 = system_time_ns();
    test_check(block_until_timer(t0 + 2000000) >= t0 + 2000000,
               "timer upcall and pvclock through the new vcpu_info");
    test_rc(hypercall_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -XEN_EINVAL,
            "registering it a second time");
}

void test_main(void)
{
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};

    if ( hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv) )
        test_error("bind_virq(VIRQ_TIMER) failed");
    timer_port = bv.port;
    event_set_hook(hook);
    /*
     * A PV vCPU starts with a 10 ms periodic VIRQ_TIMER; stop it (as Linux
     * does) so that only our one-shot deadlines wake us, and drain a tick
     * that may already be pending.
     */
    test_rc(hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0,
            "VCPUOP_stop_periodic_timer");
    vcpu0->evtchn_upcall_mask = 0;
    hypercall_xen_version(XENVER_version, NULL);
    vcpu0->evtchn_upcall_mask = 1;
    check_pvclock();
    check_wallclock();
    check_rate();
    check_deadlines();
    check_runstate();
    check_vcpu_info();
}
