/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FPU state as a PV guest sees it: fpu_taskswitch's virtual CR0.TS kept
 * across deschedules and per vCPU, #NM clearing it; XSAVE as Xen offers
 * it (CPUID, CR4.OSXSAVE, XSETBV validated), AVX registers per vCPU across
 * switches, and a new vCPU starting with clean registers. Both vCPUs share
 * one CPU, so every yield switches between them.
 */
#include "guest.h"
#include <xen/event_channel.h>
#include <xen/vcpu.h>

const char test_title[] = "fpu: virtual TS across deschedules and vCPUs, "
                          "#NM clears it, XSAVE/AVX per vCPU, XSETBV checks";

#define CR0_TS      (1UL << 3)
#define CR4_OSXSAVE (1UL << 18)
#define XCR0_X87    1ULL
#define XCR0_SSE    2ULL
#define XCR0_YMM    4ULL
#define XCR0_PKRU   (1ULL << 9)
#define SWITCHES    40

typedef uint8_t ymm_regs[16][32];

static void cpuid_forced(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    asm volatile("ud2a; .ascii \"xen\"; cpuid"
                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "a"(leaf), "c"(sub));
}

/* Each try_* returns the vector the instruction raised (it is then skipped), or -1. */
static int try_fnop(void)
{
    unsigned int before = last_trap.count;

    asm volatile("1: fnop\n2:\n" EXTABLE(1b, 2b)::: "memory");
    return last_trap.count != before ? (int)last_trap.vector : -1;
}

static int try_xsetbv(uint32_t index, uint64_t val)
{
    unsigned int before = last_trap.count;

    asm volatile("1: xsetbv\n2:\n" EXTABLE(1b, 2b)::"c"(index),
                 "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                 : "memory");
    return last_trap.count != before ? (int)last_trap.vector : -1;
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/* Emulated for a PV kernel, as on Xen. */
static unsigned long read_cr0(void)
{
    unsigned long v;

    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static unsigned long read_cr4(void)
{
    unsigned long v;

    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static void write_cr4(unsigned long v)
{
    asm volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

static void ymm_load(const ymm_regs *r)
{
    asm volatile("vmovdqu 0(%0), %%ymm0\n\tvmovdqu 32(%0), %%ymm1\n\t"
                 "vmovdqu 64(%0), %%ymm2\n\tvmovdqu 96(%0), %%ymm3\n\t"
                 "vmovdqu 128(%0), %%ymm4\n\tvmovdqu 160(%0), %%ymm5\n\t"
                 "vmovdqu 192(%0), %%ymm6\n\tvmovdqu 224(%0), %%ymm7\n\t"
                 "vmovdqu 256(%0), %%ymm8\n\tvmovdqu 288(%0), %%ymm9\n\t"
                 "vmovdqu 320(%0), %%ymm10\n\tvmovdqu 352(%0), %%ymm11\n\t"
                 "vmovdqu 384(%0), %%ymm12\n\tvmovdqu 416(%0), %%ymm13\n\t"
                 "vmovdqu 448(%0), %%ymm14\n\tvmovdqu 480(%0), %%ymm15"
                 :
                 : "r"(r)
                 : "memory");
}

static void ymm_store(ymm_regs *r)
{
    asm volatile("vmovdqu %%ymm0, 0(%0)\n\tvmovdqu %%ymm1, 32(%0)\n\t"
                 "vmovdqu %%ymm2, 64(%0)\n\tvmovdqu %%ymm3, 96(%0)\n\t"
                 "vmovdqu %%ymm4, 128(%0)\n\tvmovdqu %%ymm5, 160(%0)\n\t"
                 "vmovdqu %%ymm6, 192(%0)\n\tvmovdqu %%ymm7, 224(%0)\n\t"
                 "vmovdqu %%ymm8, 256(%0)\n\tvmovdqu %%ymm9, 288(%0)\n\t"
                 "vmovdqu %%ymm10, 320(%0)\n\tvmovdqu %%ymm11, 352(%0)\n\t"
                 "vmovdqu %%ymm12, 384(%0)\n\tvmovdqu %%ymm13, 416(%0)\n\t"
                 "vmovdqu %%ymm14, 448(%0)\n\tvmovdqu %%ymm15, 480(%0)"
                 :
                 : "r"(r)
                 : "memory");
}

/* The low halves alone: SSE's registers, usable whatever XCR0 says. */
static void xmm_load(const ymm_regs *r)
{
    asm volatile("movdqu 0(%0), %%xmm0\n\tmovdqu 32(%0), %%xmm1\n\t"
                 "movdqu 64(%0), %%xmm2\n\tmovdqu 96(%0), %%xmm3\n\t"
                 "movdqu 128(%0), %%xmm4\n\tmovdqu 160(%0), %%xmm5\n\t"
                 "movdqu 192(%0), %%xmm6\n\tmovdqu 224(%0), %%xmm7\n\t"
                 "movdqu 256(%0), %%xmm8\n\tmovdqu 288(%0), %%xmm9\n\t"
                 "movdqu 320(%0), %%xmm10\n\tmovdqu 352(%0), %%xmm11\n\t"
                 "movdqu 384(%0), %%xmm12\n\tmovdqu 416(%0), %%xmm13\n\t"
                 "movdqu 448(%0), %%xmm14\n\tmovdqu 480(%0), %%xmm15"
                 :
                 : "r"(r)
                 : "memory");
}

static void xmm_store(ymm_regs *r)
{
    asm volatile("movdqu %%xmm0, 0(%0)\n\tmovdqu %%xmm1, 32(%0)\n\t"
                 "movdqu %%xmm2, 64(%0)\n\tmovdqu %%xmm3, 96(%0)\n\t"
                 "movdqu %%xmm4, 128(%0)\n\tmovdqu %%xmm5, 160(%0)\n\t"
                 "movdqu %%xmm6, 192(%0)\n\tmovdqu %%xmm7, 224(%0)\n\t"
                 "movdqu %%xmm8, 256(%0)\n\tmovdqu %%xmm9, 288(%0)\n\t"
                 "movdqu %%xmm10, 320(%0)\n\tmovdqu %%xmm11, 352(%0)\n\t"
                 "movdqu %%xmm12, 384(%0)\n\tmovdqu %%xmm13, 416(%0)\n\t"
                 "movdqu %%xmm14, 448(%0)\n\tmovdqu %%xmm15, 480(%0)"
                 :
                 : "r"(r)
                 : "memory");
}

static bool xmm_equal(const ymm_regs *a, const ymm_regs *b)
{
    for ( unsigned int i = 0; i < 16; i++ )
        if ( memcmp((*a)[i], (*b)[i], 16) )
            return false;
    return true;
}

static void fill(ymm_regs *r, uint8_t seed)
{
    for ( unsigned int i = 0; i < 16; i++ )
        for ( unsigned int j = 0; j < 32; j++ )
            (*r)[i][j] = (uint8_t)(seed + i * 32 + j * 7);
}

static void yield(void)
{
    hypercall_sched_op(SCHEDOP_yield, NULL);
}

/* ---- vCPU 1 ---- */

enum { PHASE_IDLE, PHASE_AVX, PHASE_TS, PHASE_STOP };
static volatile int phase;
static volatile unsigned int iters1, ymm_bad1, nm_seen1;
static volatile bool ready1, stopped1;
static volatile unsigned long cr4_at_start1;
static volatile uint64_t xcr0_at_start1;
static volatile int xsetbv_vec1 = -2;
static ymm_regs pattern_a, pattern_b, pattern_c, seen1, seen0;
static volatile bool clean_at_start1;
static uint8_t stack1[16384] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static bool have_avx;

void vcpu1_main(void);
void vcpu1_main(void)
{
    cr4_at_start1 = read_cr4();
    xcr0_at_start1 = have_avx ? xgetbv0() : 0;
    if ( have_avx )
    {
        write_cr4(read_cr4() | CR4_OSXSAVE);
        xsetbv_vec1 = try_xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_YMM);
        if ( xsetbv_vec1 < 0 )
        {
            /* vCPU 0's registers hold pattern A: none of it may show. */
            bool clean = true;

            ymm_store(&seen1);
            for ( unsigned int i = 0; i < 16; i++ )
                for ( unsigned int j = 0; j < 32; j++ )
                    clean &= seen1[i][j] == 0;
            clean_at_start1 = clean;
            ymm_load(&pattern_b);
        }
    }
    ready1 = true;
    while ( phase != PHASE_STOP )
    {
        yield();
        if ( phase == PHASE_IDLE )
            continue;
        /* vCPU 0 may have TS set meanwhile; ours is clear. */
        if ( try_fnop() == 7 )
            nm_seen1++;
        if ( have_avx && xsetbv_vec1 < 0 )
        {
            ymm_store(&seen1);
            if ( memcmp(seen1, pattern_b, sizeof(seen1)) )
                ymm_bad1++;
        }
        iters1++;
    }
    stopped1 = true;
    hypercall_vcpu_op(VCPUOP_down, 1, NULL);
    for ( ;; )
        yield();
}

/* ---- vCPU 0 ---- */

static evtchn_port_t poll_port;

/* Deschedule to the idle vCPU: poll a port nobody sends to, for 20 ms. */
static long sleep_20ms(void)
{
    evtchn_port_t port = poll_port;
    struct sched_poll p = {.nr_ports = 1,
                           .timeout = system_time_ns() + 20000000ULL};

    set_xen_guest_handle(p.ports, &port);
    return hypercall_sched_op(SCHEDOP_poll, &p);
}

/* Issue 16 bug 4: a deschedule with TS set must not fault in the hypervisor. */
static void check_ts_deschedule(void)
{
    struct evtchn_alloc_unbound au = {.dom = DOMID_SELF,
                                      .remote_dom = DOMID_SELF};

    test_rc(hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0,
            "alloc_unbound: a port to poll");
    poll_port = au.port;
    test_check(try_fnop() == -1, "x87 instruction without TS: no trap");
    test_rc(hypercall_fpu_taskswitch(1), 0, "fpu_taskswitch(1)");
    test_check(try_fnop() == 7, "x87 instruction with TS: #NM");
    test_check(try_fnop() == -1, "delivering #NM cleared the virtual TS");
    test_rc(hypercall_fpu_taskswitch(1), 0, "fpu_taskswitch(1) again");
    test_rc(sleep_20ms(), 0, "descheduled for 20 ms with TS set");
    test_check(try_fnop() == 7, "TS still set after the deschedule: #NM");
    test_rc(hypercall_fpu_taskswitch(1), 0, "fpu_taskswitch(1) again");
    test_check(read_cr0() & CR0_TS, "mov from %%cr0 shows the virtual TS");
    asm volatile("clts" ::: "memory");
    test_check(!(read_cr0() & CR0_TS) && try_fnop() == -1,
               "clts (emulated) clears it: no #NM");
    test_rc(hypercall_fpu_taskswitch(1), 0, "fpu_taskswitch(1) again");
    test_rc(hypercall_fpu_taskswitch(0), 0, "fpu_taskswitch(0)");
    test_rc(sleep_20ms(), 0, "descheduled with TS clear");
    test_check(try_fnop() == -1, "TS still clear after the deschedule");
}

/* CPUID through the forced path, as Linux's xen_cpuid asks. */
static bool check_cpuid(void)
{
    uint32_t r[4];
    bool ok;

    /* The CPU's own answer (not intercepted here): is there AVX to offer? */
    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "a"(1), "c"(0));
    if ( (r[2] >> 26 & 5) != 5 )
    {
        test_skip("the CPU has no XSAVE with AVX (ECX %#x): use -cpu max",
                  r[2]);
        return false;
    }
    cpuid_forced(1, 0, r);
    ok = test_check((r[2] >> 26 & 7) == 7, "CPUID.1 ECX: XSAVE, OSXSAVE and "
                                           "AVX offered (%#x)", r[2]);
    cpuid_forced(0xd, 0, r);
    test_check((r[0] & 7) == 7 && !(r[0] & XCR0_PKRU),
               "CPUID.0xd.0: XCR0 may have x87|SSE|AVX, not PKRU (%#x)", r[0]);
    test_check(r[2] >= 832, "CPUID.0xd.0 ECX: area size %u >= 832", r[2]);
    cpuid_forced(0xd, 2, r);
    test_check(r[0] == 256 && r[1] == 576,
               "CPUID.0xd.2: AVX state of 256 bytes at 576 (%u at %u)", r[0],
               r[1]);
    cpuid_forced(7, 0, r);
    test_check(r[1] & (1u << 5), "CPUID.7.0 EBX: AVX2 offered (%#x)", r[1]);
    return ok;
}

static void check_xsetbv(void)
{
    static const struct {
        uint32_t index;
        uint64_t val;
        const char *why;
    } bad[] = {
        {0, 0, "no x87"},
        {0, XCR0_SSE, "no x87"},
        {0, XCR0_X87 | XCR0_YMM, "AVX without SSE"},
        {0, XCR0_X87 | XCR0_SSE | XCR0_YMM | XCR0_PKRU, "PKRU (not for PV)"},
        {0, XCR0_X87 | XCR0_SSE | (1ULL << 62), "a bit no CPU has"},
        {1, XCR0_X87 | XCR0_SSE, "XCR1"},
    };
    unsigned int i;
    int vec;

    test_check(!(read_cr4() & CR4_OSXSAVE), "a new vCPU's CR4.OSXSAVE is clear");
    test_check(try_xsetbv(0, 3) == 6, "XSETBV with CR4.OSXSAVE clear: #UD");
    write_cr4(read_cr4() | CR4_OSXSAVE);
    test_check(read_cr4() & CR4_OSXSAVE, "CR4.OSXSAVE set (reads back)");
    test_check(xgetbv0() == 3, "XCR0 starts as x87|SSE (%#lx)",
               (unsigned long)xgetbv0());
    for ( i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        vec = try_xsetbv(bad[i].index, bad[i].val);
        test_check(vec == 13 && last_trap.error_code == 0,
                   "XSETBV(%u, %#lx), %s: #GP(0) (vector %d)", bad[i].index,
                   (unsigned long)bad[i].val, bad[i].why, vec);
    }
    test_check(xgetbv0() == 3, "XCR0 unchanged by the refused writes (%#lx)",
               (unsigned long)xgetbv0());
    vec = try_xsetbv(0, 7);
    test_check(vec == -1 && xgetbv0() == 7,
               "XSETBV(0, x87|SSE|AVX) accepted (vector %d, XCR0 %#lx)", vec,
               (unsigned long)xgetbv0());
}

static bool wait_for(volatile unsigned int *counter, unsigned int n)
{
    uint64_t end = system_time_ns() + 5000000000ULL;

    while ( *counter < n && system_time_ns() < end )
        yield();
    return *counter >= n;
}

static void check_two_vcpus(void)
{
    unsigned int bad0 = 0, start;
    uint64_t end;
    bool ok;
    int vec;

    fill(&pattern_a, 0x11);
    fill(&pattern_b, 0xa5);
    if ( have_avx )
        ymm_load(&pattern_a);
    vcpu_context_init(&ctx, vcpu1_main, stack1, sizeof(stack1));
    traps_copy_table(ctx.trap_ctxt, 256);
    if ( !test_rc(hypercall_vcpu_op(VCPUOP_initialise, 1, &ctx), 0,
                  "VCPUOP_initialise vCPU 1") ||
         !test_rc(hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0, "VCPUOP_up vCPU 1") )
        return;
    end = system_time_ns() + 5000000000ULL;
    while ( !ready1 && system_time_ns() < end )
        yield();
    if ( !test_check(ready1, "vCPU 1 runs") )
        return;
    test_check(!(cr4_at_start1 & CR4_OSXSAVE), "vCPU 1 starts with its own "
                                               "CR4.OSXSAVE clear");
    if ( have_avx )
    {
        test_check(xcr0_at_start1 == 3,
                   "vCPU 1 starts with XCR0 x87|SSE, not vCPU 0's (%#lx)",
                   (unsigned long)xcr0_at_start1);
        test_check(xsetbv_vec1 == -1, "vCPU 1 enables AVX (%d)", xsetbv_vec1);
        test_check(clean_at_start1, "vCPU 1's AVX registers start at zero, "
                                    "none of vCPU 0's values");
        phase = PHASE_AVX;
        start = iters1;
        for ( unsigned int i = 0; i < SWITCHES && iters1 < start + SWITCHES; i++ )
        {
            yield();
            ymm_store(&seen0);
            if ( memcmp(seen0, pattern_a, sizeof(seen0)) )
                bad0++;
        }
        ok = wait_for(&iters1, start + SWITCHES);
        test_check(ok, "vCPU 1 ran %u rounds between vCPU 0's",
                   iters1 - start);
        ymm_store(&seen0);
        test_check(bad0 == 0 && !memcmp(seen0, pattern_a, sizeof(seen0)),
                   "vCPU 0's ymm0-15 survive switches to vCPU 1 (%u bad)",
                   bad0);
        test_check(ymm_bad1 == 0, "vCPU 1's ymm0-15 survive switches to "
                                  "vCPU 0 (%u bad)", ymm_bad1);
        /*
         * XCR0 without SSE is legal and leaves the XMM registers in use:
         * they must survive switches all the same (as on Xen, which saves
         * with every component it offers enabled).
         */
        vec = try_xsetbv(0, XCR0_X87);
        test_check(vec == -1 && xgetbv0() == XCR0_X87,
                   "vCPU 0: XSETBV(0, x87 alone) accepted (vector %d)", vec);
        fill(&pattern_c, 0x3c);
        xmm_load(&pattern_c);
        bad0 = 0;
        start = iters1;
        for ( unsigned int i = 0; i < SWITCHES && iters1 < start + SWITCHES; i++ )
        {
            yield();
            xmm_store(&seen0);
            if ( !xmm_equal(&seen0, &pattern_c) )
                bad0++;
        }
        ok = wait_for(&iters1, start + SWITCHES);
        xmm_store(&seen0);
        test_check(ok && bad0 == 0 && xmm_equal(&seen0, &pattern_c),
                   "with XCR0 = x87 alone, vCPU 0's xmm0-15 survive switches "
                   "(%u bad)", bad0);
        test_check(xgetbv0() == XCR0_X87, "and its XCR0 stays x87 alone "
                                          "(%#lx)", (unsigned long)xgetbv0());
        test_check(ymm_bad1 == 0, "vCPU 1's ymm0-15 still intact (%u bad)",
                   ymm_bad1);
        vec = try_xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_YMM);
        test_check(vec == -1, "vCPU 0: back to x87|SSE|AVX (vector %d)", vec);
    }
    /* vCPU 0 sets TS and yields: vCPU 1 runs x87 code without #NM. */
    phase = PHASE_TS;
    test_rc(hypercall_fpu_taskswitch(1), 0, "vCPU 0: fpu_taskswitch(1)");
    start = iters1;
    ok = wait_for(&iters1, start + SWITCHES);
    test_check(ok, "vCPU 1 ran %u rounds while vCPU 0 has TS",
               iters1 - start);
    phase = PHASE_STOP;
    end = system_time_ns() + 5000000000ULL;
    while ( !stopped1 && system_time_ns() < end )
        yield();
    test_check(nm_seen1 == 0, "vCPU 1 never saw vCPU 0's TS (%u #NM)",
               nm_seen1);
    test_check(try_fnop() == 7, "vCPU 0's TS kept across the switches: #NM");
    test_check(try_fnop() == -1, "and cleared by it");
}

void test_main(void)
{
    check_ts_deschedule();
    have_avx = check_cpuid();
    if ( have_avx )
        check_xsetbv();
    check_two_vcpus();
}
