/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A DomU that abuses the two rings Dom0's daemons serve: its xenstore
 * ring (xenstored) and its console ring (xenia-consoled). One behaviour
 * per domain, named on the command line (ring=MODE); tests/linux/hostile-rings.sh
 * creates them with xl and checks from Dom0 that the daemons survive,
 * keep serving Dom0 and a well-behaved DomU ("good"), and forget the
 * hostile domain when it goes. Each behaviour prints what the daemon did
 * to it ("RING-HOSTILE <mode> ..."), then "RING-HOSTILE-DONE <mode>" and
 * its verdict; it powers off (xl's on_poweroff="preserve" keeps it).
 *
 *   good     write and read back data/n for ever, a round trip every 0.3 s
 *   flood    queue XS_READ requests without ever taking a reply
 *   badtype  a message of an unknown type (Xen answers ENOSYS, goes on)
 *   badlen   a header whose length is beyond XENSTORE_PAYLOAD_MAX
 *   badidx   req_prod more than a ring ahead of req_cons
 *   rspidx   rsp_cons beyond rsp_prod, then a valid request
 *   garbage  a ring's worth of pseudo-random bytes
 *   die      half a request, then crash
 *   cflood   console output for ever, as fast as the ring takes it
 *   cbadidx  console indexes a long way past each other, then a line
 *   cdie     half a console line, then crash
 */
#include "guest.h"

#include <xen/io/console.h>
#include <xen/io/xs_wire.h>

const char test_title[] = "ring-hostile: a DomU against Dom0's ring daemons";

static struct xenstore_domain_interface *xs;
static evtchn_port_t xs_port;

static void notify(evtchn_port_t port)
{
    struct evtchn_send send = {.port = port};

    hypercall_event_channel_op(EVTCHNOP_send, &send);
}

static evtchn_port_t timer_port;

/*
 * Waits for an event (a reply, the console daemon taking output) or
 * until t, whichever comes first: blocked, not spinning, so that the
 * hostile domain does not take the CPUs Dom0 needs to judge it.
 */
static void pause_until(uint64_t t)
{
    struct vcpu_set_singleshot_timer st = {.timeout_abs_ns = t};

    hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
    hypercall_sched_op(SCHEDOP_block, NULL);
    vcpu0->evtchn_upcall_mask = 1;
}

/* The next wake-up while polling a ring: at most 5 ms, never past end. */
static void pause_short(uint64_t end)
{
    uint64_t t = system_time_ns() + 5000000;

    pause_until(t < end ? t : end);
}

static void sleep_ms(uint64_t ms)
{
    uint64_t end = system_time_ns() + ms * 1000000;

    while ( system_time_ns() < end )
        pause_until(end);
}

static uint32_t load(const volatile uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Puts len bytes on the request ring; false if no room came in time. */
static bool xs_put(const void *buf, uint32_t len, uint64_t timeout_ms)
{
    uint64_t end = system_time_ns() + timeout_ms * 1000000;
    const char *p = buf;
    uint32_t prod = xs->req_prod;

    while ( len )
    {
        if ( prod - load(&xs->req_cons) >= XENSTORE_RING_SIZE )
        {
            __atomic_store_n(&xs->req_prod, prod, __ATOMIC_RELEASE);
            notify(xs_port);
            if ( system_time_ns() > end )
                return false;
            pause_short(end);
            continue;
        }
        xs->req[MASK_XENSTORE_IDX(prod++)] = *p++;
        len--;
    }
    __atomic_store_n(&xs->req_prod, prod, __ATOMIC_RELEASE);
    notify(xs_port);
    return true;
}

static bool xs_send(uint32_t type, const char *body, uint32_t len)
{
    struct xsd_sockmsg h = {.type = type, .req_id = 7, .len = len};

    return xs_put(&h, sizeof(h), 2000) && xs_put(body, len, 2000);
}

/* Takes len bytes of reply; false after timeout_ms without them. */
static bool xs_get(void *buf, uint32_t len, uint64_t timeout_ms)
{
    uint64_t end = system_time_ns() + timeout_ms * 1000000;
    char *p = buf;
    uint32_t cons = xs->rsp_cons;

    while ( len )
    {
        if ( load(&xs->rsp_prod) == cons )
        {
            if ( system_time_ns() > end )
                return false;
            pause_short(end);
            continue;
        }
        *p++ = xs->rsp[MASK_XENSTORE_IDX(cons++)];
        __atomic_store_n(&xs->rsp_cons, cons, __ATOMIC_RELEASE);
        len--;
    }
    notify(xs_port);
    return true;
}

/* One request and its reply (the payload NUL-terminated in out). */
static bool xs_call(uint32_t type, const char *body, uint32_t len,
                    struct xsd_sockmsg *h, char *out, uint32_t outsz)
{
    if ( !xs_send(type, body, len) || !xs_get(h, sizeof(*h), 5000) ||
         h->len >= outsz || !xs_get(out, h->len, 5000) )
        return false;
    out[h->len] = 0;
    return true;
}

/* XS_WRITE data/n = v and XS_READ it back. */
static bool round_trip(unsigned int v)
{
    char body[64], want[16], out[64];
    struct xsd_sockmsg h;
    int n = snprintf(want, sizeof(want), "%u", v);
    int b = snprintf(body, sizeof(body), "data/n%c%s", 0, want);

    if ( !xs_call(XS_WRITE, body, (uint32_t)b, &h, out, sizeof(out)) ||
         h.type != XS_WRITE )
        return false;
    return xs_call(XS_READ, "data/n", 7, &h, out, sizeof(out)) &&
           h.type == XS_READ && (int)h.len == n && !memcmp(out, want, (size_t)n);
}

/* The daemon's verdict on this ring: the error field it sets. */
static uint32_t wait_error(uint64_t timeout_ms)
{
    uint64_t end = system_time_ns() + timeout_ms * 1000000;

    while ( !load(&xs->error) && system_time_ns() < end )
        pause_short(end);
    return load(&xs->error);
}

static void report_error(const char *mode, uint32_t want)
{
    uint32_t e = wait_error(5000);

    test_check(e == want, "%s: the ring's error field is %u (want %u)", mode, e, want);
    printk("RING-HOSTILE %s error=%u\n", mode, e);
}

static void good(void)
{
    unsigned int i, fails = 0;

    for ( i = 1;; i++ )
    {
        if ( !round_trip(i) )
        {
            fails++;
            printk("RING-GOOD-FAIL %u (error field %u)\n", i, load(&xs->error));
        }
        else if ( i % 10 == 1 )
            printk("RING-GOOD %u round trips, %u failed\n", i, fails);
        sleep_ms(300);
    }
}

static void flood(void)
{
    struct xsd_sockmsg h = {.type = XS_READ, .len = 5};
    unsigned int sent = 0;

    printk("RING-HOSTILE flood started\n");
    for ( ;; )
    {
        h.req_id = sent;
        /* Blocks once the daemon stops taking requests. */
        while ( !xs_put(&h, sizeof(h), 1000) || !xs_put("name", 5, 1000) )
            ;
        if ( ++sent % 1000 == 0 )
            printk("RING-HOSTILE flood %u requests queued\n", sent);
    }
}

static void badtype(void)
{
    struct xsd_sockmsg h;
    char out[64];

    test_check(xs_call(0x7777, "x", 2, &h, out, sizeof(out)) && h.type == XS_ERROR &&
                   !strcmp(out, "ENOSYS"),
               "badtype: an unknown type is answered XS_ERROR ENOSYS ('%s')", out);
    test_check(round_trip(5), "badtype: the connection still works");
    printk("RING-HOSTILE badtype error=%u\n", load(&xs->error));
}

static void badlen(void)
{
    struct xsd_sockmsg h = {.type = XS_WRITE, .len = XENSTORE_PAYLOAD_MAX + 1};
    static char junk[XENSTORE_RING_SIZE / 2];

    memset(junk, 'A', sizeof(junk));
    xs_put(&h, sizeof(h), 1000);
    xs_put(junk, sizeof(junk), 1000);
    report_error("badlen", XENSTORE_ERROR_PROTO);
}

static void badidx(void)
{
    __atomic_store_n(&xs->req_prod, xs->req_cons + 2 * XENSTORE_RING_SIZE + 7,
                     __ATOMIC_RELEASE);
    notify(xs_port);
    report_error("badidx", XENSTORE_ERROR_RINGIDX);
}

static void rspidx(void)
{
    __atomic_store_n(&xs->rsp_cons, xs->rsp_prod + 5000, __ATOMIC_RELEASE);
    xs_send(XS_READ, "name", 5);
    report_error("rspidx", XENSTORE_ERROR_RINGIDX);
}

static void garbage(void)
{
    static char junk[XENSTORE_RING_SIZE];
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    unsigned int i;

    for ( i = 0; i < sizeof(junk); i++ )
    {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        junk[i] = (char)x;
    }
    /* The seed makes the first header's length beyond the maximum. */
    if ( ((const struct xsd_sockmsg *)junk)->len <= XENSTORE_PAYLOAD_MAX )
        test_error("garbage: the first header's length is valid");
    xs_put(junk, sizeof(junk), 2000);
    report_error("garbage", XENSTORE_ERROR_PROTO);
}

static void crash(void)
{
    struct sched_shutdown s = {.reason = SHUTDOWN_crash};

    hypercall_sched_op(SCHEDOP_shutdown, &s);
    for ( ;; )
        hypercall_sched_op(SCHEDOP_yield, NULL);
}

static void die(void)
{
    struct xsd_sockmsg h = {.type = XS_WRITE, .req_id = 1, .len = 200};

    /* A watch and a transaction to leave behind, then a request cut short. */
    test_check(xs_send(XS_WATCH, "data\0tok", 9), "die: a watch request sent");
    xs_put(&h, sizeof(h), 1000);
    xs_put("data/half", 9, 1000);
    printk("RING-HOSTILE die: crashing mid-request\n");
    crash();
}

static volatile struct xencons_interface *cons;

static void cflood(void)
{
    unsigned int i;

    for ( i = 0;; i++ )
        printk("CFLOOD %u xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", i);
}

static void cbadidx(void)
{
    __atomic_store_n(&cons->out_prod, cons->out_cons + 0x7fff0000u, __ATOMIC_RELEASE);
    __atomic_store_n(&cons->in_cons, cons->in_prod + 12345, __ATOMIC_RELEASE);
    notify(start_info->console.domU.evtchn);
    sleep_ms(1000);
    /* Back to sane indexes from where the daemon left them. */
    __atomic_store_n(&cons->out_prod, load(&cons->out_cons), __ATOMIC_RELEASE);
    __atomic_store_n(&cons->in_cons, load(&cons->in_prod), __ATOMIC_RELEASE);
    printk("\nRING-HOSTILE cbadidx survived\n");
}

static void cdie(void)
{
    printk("RING-HOSTILE cdie: half a line");
    crash();
}

static const struct {
    const char *name;
    void (*fn)(void);
} modes[] = {
    {"good", good},       {"flood", flood},     {"badtype", badtype},
    {"badlen", badlen},   {"badidx", badidx},   {"rspidx", rspidx},
    {"garbage", garbage}, {"cflood", cflood},   {"cbadidx", cbadidx},
    {"cdie", cdie},       {"die", die},
};

void test_main(void)
{
    const char *cmdline = (const char *)start_info->cmd_line;
    const char *mode = strstr(cmdline, "ring=");
    size_t len;
    unsigned int i;

    if ( !is_domu() )
    {
        test_skip("needs a toolstack's xenstore and console rings");
        return;
    }
    struct evtchn_bind_virq tv = {.virq = VIRQ_TIMER, .vcpu = 0};

    if ( hypercall_event_channel_op(EVTCHNOP_bind_virq, &tv) )
        test_error("cannot bind VIRQ_TIMER");
    timer_port = tv.port;
    evtchn_unmask_local(timer_port);
    evtchn_unmask_local(start_info->store_evtchn);
    evtchn_unmask_local(start_info->console.domU.evtchn);
    xs = pfn_to_virt(M2P[start_info->store_mfn]);
    xs_port = start_info->store_evtchn;
    cons = pfn_to_virt(M2P[start_info->console.domU.mfn]);
    if ( !mode )
        test_error("no ring=MODE on the command line '%s'", cmdline);
    mode += 5;
    for ( len = 0; mode[len] && mode[len] != ' '; len++ )
        ;
    for ( i = 0; i < ARRAY_SIZE(modes); i++ )
        if ( strlen(modes[i].name) == len && !strncmp(mode, modes[i].name, len) )
        {
            modes[i].fn();
            printk("RING-HOSTILE-DONE %s\n", modes[i].name);
            return;
        }
    test_error("unknown ring=MODE in '%s'", cmdline);
}
