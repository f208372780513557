/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenia-domu: build, start, watch and destroy PV DomUs from Dom0 with
 * libhcall and the DomU builder. A test and benchmark tool, not xl.
 *
 *   xenia-domu create [-m MiB] [-c vcpus] [-r initrd] [-a cmdline]
 *                     [-d domid] [-p] [-g] [-S] [-w secs [-o] [-u text] [-D]]
 *                     [-K] [-t] KERNEL
 *   xenia-domu destroy|pause|unpause|info DOMID
 *   xenia-domu free | list
 *   xenia-domu unpack KERNEL OUT   (the ELF inside a bzImage, for benchmarks)
 *
 * create prints "domid N". -p leaves it paused; -w waits up to secs for it
 * to shut down (or, with -u, until its console shows text), draining its
 * console ring (-o: to stdout); -g first does what the console and xenstore
 * back ends would (map grant refs 0 and 1, bind the console port, which
 * then wakes the wait); -S seeds the grants by the builder's fallback
 * (setup_table and a foreign map); -D destroys it at the end; -K destroys it
 * while this process still maps its console page, shows that it lingers as
 * a dying domain until the unmap, then unmaps it; -t prints the
 * builder's time per phase (and, with -u, the time until the text showed).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "builder.h"
#include <xen/io/console.h>

static const char *const reasons[] = {"poweroff", "reboot",   "suspend",
                                      "crash",    "watchdog", "soft_reset"};

static int usage(void)
{
    fprintf(stderr, "usage: xenia-domu create [-m MiB] [-c vcpus] [-r initrd] "
                    "[-a cmdline]\n"
                    "                         [-d domid] [-p] [-g] [-S] "
                    "[-w secs [-o] [-u text] [-D]] [-K] [-t] KERNEL\n"
                    "       xenia-domu destroy|pause|unpause|info DOMID\n"
                    "       xenia-domu free | list\n"
                    "       xenia-domu unpack KERNEL OUT\n");
    return 2;
}

static int parse_ulong(const char *s, unsigned long *v, const char *what)
{
    char *end;

    errno = 0;
    *v = strtoul(s, &end, 0);
    if ( errno || !*s || *end || s[0] == '-' )
    {
        fprintf(stderr, "xenia-domu: %s '%s' is not a number\n", what, s);
        return -1;
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Guest output so far, kept whole so that -u can search it. */
struct console {
    struct xencons_interface *ring;
    char *text;
    size_t len;
    int echo;
};

static void drain(struct console *c)
{
    XENCONS_RING_IDX cons = c->ring->out_cons, prod;

    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    prod = __atomic_load_n(&c->ring->out_prod, __ATOMIC_ACQUIRE);
    if ( prod - cons > sizeof(c->ring->out) )
        cons = prod -
               sizeof(c->ring->out); /* a guest that lies: keep its last ring */
    while ( cons != prod )
    {
        char ch = c->ring->out[MASK_XENCONS_IDX(cons, c->ring->out)];
        char *t = realloc(c->text, c->len + 2);

        cons++;
        if ( !t )
            break;
        c->text = t;
        c->text[c->len++] = ch;
        c->text[c->len] = '\0';
        if ( c->echo )
            putchar(ch);
    }
    __atomic_store_n(&c->ring->out_cons, cons, __ATOMIC_RELEASE);
    if ( c->echo )
        fflush(stdout);
}

/*
 * What xenconsoled and xenstored do first, before the guest runs: map
 * grant refs 0 and 1 through gntdev (a marker written there must show
 * through a foreign map of the page the builder gave), and bind the
 * console port. The domain is paused.
 */
static int backends(hcall_t *h, const struct domu *d, hcall_evtchn_t **ev)
{
    static const grant_ref_t refs[2] = {GNTTAB_RESERVED_CONSOLE,
                                        GNTTAB_RESERVED_XENSTORE};
    xen_pfn_t mfns[2] = {d->console_mfn, d->store_mfn};
    hcall_gntdev_t *g = hcall_gntdev_open();
    unsigned int i;
    int rc = 0;

    if ( !g )
    {
        fprintf(stderr, "xenia-domu: /dev/xen/gntdev: %s\n", strerror(errno));
        return -1;
    }
    for ( i = 0; i < 2 && !rc; i++ )
    {
        uint8_t *gp =
            hcall_gntdev_map(g, d->domid, &refs[i], 1, PROT_READ | PROT_WRITE);
        uint8_t *fp =
            gp ? hcall_map_foreign(h, (domid_t)d->domid, PROT_READ | PROT_WRITE,
                                   &mfns[i], NULL, 1)
               : NULL;

        /* Past both ring structures: a byte neither side uses. */
        if ( !gp || !fp )
        {
            fprintf(stderr, "xenia-domu: grant ref %u: %s\n", refs[i],
                    gp ? hcall_error(h) : hcall_gntdev_error(g));
            rc = -1;
        }
        else
        {
            memcpy(gp + 4000, "xenia-gnt", 9);
            if ( memcmp(fp + 4000, "xenia-gnt", 9) )
            {
                fprintf(
                    stderr,
                    "xenia-domu: grant ref %u is not the page at mfn %#lx\n",
                    refs[i], (unsigned long)mfns[i]);
                rc = -1;
            }
            memset(gp + 4000, 0, 9);
        }
        if ( fp )
            hcall_unmap(h, fp, 1);
        if ( gp )
            hcall_gntdev_unmap(g, gp, 1);
    }
    hcall_gntdev_close(g);
    if ( rc )
        return rc;
    printf("grant refs 0 and 1 map the console and xenstore pages\n");
    *ev = hcall_evtchn_open();
    if ( !*ev )
    {
        fprintf(stderr, "xenia-domu: /dev/xen/evtchn: %s\n", strerror(errno));
        return -1;
    }
    if ( hcall_evtchn_bind_interdomain(*ev, d->domid, d->console_port) < 0 )
    {
        fprintf(stderr, "xenia-domu: %s\n", hcall_evtchn_error(*ev));
        return -1;
    }
    return 0;
}

/* Wait up to us for an event on ev (or just sleep): events seen. */
static unsigned int nap_for(hcall_evtchn_t *ev, useconds_t us)
{
    struct pollfd p;
    int port;

    if ( !ev )
    {
        usleep(us);
        return 0;
    }
    p = (struct pollfd){.fd = hcall_evtchn_fd(ev), .events = POLLIN};
    if ( poll(&p, 1, !us ? 0 : us < 1000 ? 1 : (int)(us / 1000)) != 1 )
        return 0;
    port = hcall_evtchn_pending(ev);
    if ( port < 0 )
        return 0;
    hcall_evtchn_unmask(ev, (evtchn_port_t)port);
    return 1;
}

/* 0 once it shut down (or showed until), 1 on timeout, -1 on error. */
static int watch(hcall_t *h, const struct domu *d, double secs, int echo,
                 const char *until, double start, int timing,
                 hcall_evtchn_t *ev)
{
    unsigned int events = 0;
    struct console c = {.echo = echo};
    xen_pfn_t mfn = d->console_mfn;
    double end = now() + secs;
    useconds_t nap = 500;
    int rc = 1;

    c.ring = hcall_map_foreign(h, (domid_t)d->domid, PROT_READ | PROT_WRITE,
                               &mfn, NULL, 1);
    if ( !c.ring )
    {
        fprintf(stderr, "xenia-domu: console of domain %u: %s\n", d->domid,
                hcall_error(h));
        return -1;
    }
    while ( now() < end )
    {
        struct xen_domctl_getdomaininfo info;

        drain(&c);
        if ( until && c.text && strstr(c.text, until) )
        {
            if ( timing )
                printf("ready-us %.0f\n", (now() - start) * 1e6);
            rc = 0;
            break;
        }
        if ( hcall_domain_getinfo(h, d->domid, &info) )
        {
            fprintf(stderr, "xenia-domu: %s\n", hcall_error(h));
            rc = -1;
            break;
        }
        if ( info.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying) )
        {
            unsigned int r = (info.flags >> XEN_DOMINF_shutdownshift) &
                             XEN_DOMINF_shutdownmask;

            drain(&c);
            printf("domain %u shut down: %s\n", d->domid,
                   r < sizeof(reasons) / sizeof(reasons[0]) ? reasons[r] : "?");
            rc = until ? 1 : 0;
            break;
        }
        /* Short naps first, so that -t's ready time is not the nap's length. */
        events += nap_for(ev, nap);
        nap = nap < 20000 ? nap * 2 : 20000;
    }
    if ( rc == 1 )
        fprintf(stderr, "xenia-domu: domain %u: %s within %.0f s\n", d->domid,
                until ? "the awaited output did not appear" : "no shutdown",
                secs);
    /* A quick guest may be done before the first nap: count what is queued. */
    while ( ev && nap_for(ev, 0) )
        events++;
    if ( ev )
        printf("console events %u\n", events);
    hcall_unmap(h, c.ring, 1);
    free(c.text);
    return rc;
}

/* Destroy d while holding a mapping of one of its pages; 0 if Xen's rules held. */
static int destroy_while_mapped(hcall_t *h, const struct domu *d)
{
    struct xen_domctl_getdomaininfo info;
    xen_pfn_t mfn = d->console_mfn;
    void *p = hcall_map_foreign(h, (domid_t)d->domid, PROT_READ, &mfn, NULL, 1);
    int i;

    if ( !p )
    {
        fprintf(stderr, "xenia-domu: %s\n", hcall_error(h));
        return -1;
    }
    if ( hcall_domain_destroy(h, d->domid) )
    {
        fprintf(stderr, "xenia-domu: %s\n", hcall_error(h));
        hcall_unmap(h, p, 1);
        return -1;
    }
    if ( hcall_domain_getinfo(h, d->domid, &info) ||
         !(info.flags & XEN_DOMINF_dying) )
    {
        fprintf(stderr,
                "xenia-domu: domain %u is not dying while its page is mapped\n",
                d->domid);
        hcall_unmap(h, p, 1);
        return -1;
    }
    printf("domain %u dying while mapped: tot_pages %llu\n", d->domid,
           (unsigned long long)info.tot_pages);
    hcall_unmap(h, p, 1);
    for ( i = 0; i < 100; i++ )
    {
        if ( hcall_domain_getinfo(h, d->domid, &info) && errno == ESRCH )
        {
            printf("domain %u gone after the unmap\n", d->domid);
            return 0;
        }
        usleep(50000);
    }
    fprintf(stderr, "xenia-domu: domain %u still there 5 s after the unmap\n",
            d->domid);
    return -1;
}

static int cmd_create(hcall_t *h, int argc, char **argv)
{
    struct domu_config cfg = {
        .memory_mib = 32, .vcpus = 1, .domid = DOMID_INVALID, .cmdline = ""};
    unsigned long v, wait_secs = 0;
    int opt, echo = 0, destroy = 0, timing = 0, mapped = 0, back = 0, paused;
    int rc;
    hcall_evtchn_t *ev = NULL;
    const char *until = NULL;
    char msg[256];
    struct domu d;
    double start;

    optind = 1;
    while ( (opt = getopt(argc, argv, "m:c:r:a:d:pw:ou:DKgSt")) != -1 )
    {
        switch ( opt )
        {
        case 'm':
            if ( parse_ulong(optarg, &cfg.memory_mib, "memory") )
                return 2;
            break;
        case 'c':
            if ( parse_ulong(optarg, &v, "vCPU count") )
                return 2;
            cfg.vcpus = v > 1024 ? 1024 : (unsigned int)v;
            break;
        case 'r':
            cfg.initrd = optarg;
            break;
        case 'a':
            cfg.cmdline = optarg;
            break;
        case 'd':
            if ( parse_ulong(optarg, &v, "domid") )
                return 2;
            cfg.domid = (uint32_t)(v > DOMID_INVALID ? DOMID_INVALID + 1 : v);
            break;
        case 'p':
            cfg.start_paused = 1;
            break;
        case 'w':
            if ( parse_ulong(optarg, &wait_secs, "wait") )
                return 2;
            break;
        case 'o':
            echo = 1;
            break;
        case 'u':
            until = optarg;
            break;
        case 'D':
            destroy = 1;
            break;
        case 'g':
            back = 1;
            break;
        case 'S':
            cfg.grants_by_setup_table = 1;
            break;
        case 'K':
            mapped = 1;
            break;
        case 't':
            timing = 1;
            break;
        default:
            return usage();
        }
    }
    if ( optind != argc - 1 )
        return usage();
    cfg.kernel = argv[optind];
    paused = cfg.start_paused;
    cfg.start_paused |= back;
    start = now();
    if ( domu_build(h, &cfg, &d, msg, sizeof(msg)) )
    {
        fprintf(stderr, "xenia-domu: %s\n", msg);
        return 1;
    }
    printf("domid %u\n", d.domid);
    if ( timing )
        printf("build-us load %llu create %llu populate %llu image %llu finish "
               "%llu "
               "total %.0f\n",
               (unsigned long long)d.us_load, (unsigned long long)d.us_create,
               (unsigned long long)d.us_populate,
               (unsigned long long)d.us_build, (unsigned long long)d.us_finish,
               (now() - start) * 1e6);
    fflush(stdout);
    if ( back && (backends(h, &d, &ev) ||
                  (!paused && hcall_domain_unpause(h, d.domid) &&
                   fprintf(stderr, "xenia-domu: %s\n", hcall_error(h)))) )
    {
        hcall_evtchn_close(ev);
        hcall_domain_destroy(h, d.domid);
        return 1;
    }
    rc = wait_secs
             ? watch(h, &d, (double)wait_secs, echo, until, start, timing, ev)
             : 0;
    hcall_evtchn_close(ev);
    if ( mapped )
        return destroy_while_mapped(h, &d) || rc ? 1 : 0;
    if ( destroy && hcall_domain_destroy(h, d.domid) )
    {
        fprintf(stderr, "xenia-domu: %s\n", hcall_error(h));
        return 1;
    }
    return rc ? 1 : 0;
}

static int cmd_domain(hcall_t *h, const char *cmd, const char *arg)
{
    struct xen_domctl_getdomaininfo info;
    unsigned long domid;
    int rc;

    if ( parse_ulong(arg, &domid, "domid") )
        return 2;
    if ( !strcmp(cmd, "destroy") )
        rc = hcall_domain_destroy(h, (uint32_t)domid);
    else if ( !strcmp(cmd, "pause") )
        rc = hcall_domain_pause(h, (uint32_t)domid);
    else if ( !strcmp(cmd, "unpause") )
        rc = hcall_domain_unpause(h, (uint32_t)domid);
    else
    {
        uint32_t bits = 0;

        rc = hcall_domain_getinfo(h, (uint32_t)domid, &info) ||
             hcall_domain_get_address_size(h, (uint32_t)domid, &bits);
        if ( !rc )
            printf(
                "domain %u flags 0x%x tot_pages %llu max_pages %llu vcpus %u "
                "address_size %u\n",
                info.domain, info.flags, (unsigned long long)info.tot_pages,
                (unsigned long long)info.max_pages, info.nr_online_vcpus, bits);
    }
    if ( rc )
    {
        fprintf(stderr, "xenia-domu: %s\n", hcall_error(h));
        return 1;
    }
    return 0;
}

static int cmd_list(hcall_t *h)
{
    struct xen_domctl_getdomaininfo info[64];
    uint32_t next = 0;
    int n, i;

    do
    {
        n = hcall_domain_list(h, next, 64, info);
        if ( n < 0 )
        {
            fprintf(stderr, "xenia-domu: %s\n", hcall_error(h));
            return 1;
        }
        for ( i = 0; i < n; i++ )
        {
            printf("domain %u flags 0x%x tot_pages %llu\n", info[i].domain,
                   info[i].flags, (unsigned long long)info[i].tot_pages);
            next = info[i].domain + 1u;
        }
    } while ( n == 64 );
    return 0;
}

static int cmd_unpack(const char *in, const char *out)
{
    char msg[256];
    uint8_t *img;
    size_t len;
    FILE *f;

    if ( domu_load_kernel(in, &img, &len, msg, sizeof(msg)) )
    {
        fprintf(stderr, "xenia-domu: %s\n", msg);
        return 1;
    }
    f = fopen(out, "wb");
    if ( !f || fwrite(img, 1, len, f) != len || fclose(f) )
    {
        fprintf(stderr, "xenia-domu: %s: %s\n", out, strerror(errno));
        domu_free_kernel(img, len);
        return 1;
    }
    domu_free_kernel(img, len);
    return 0;
}

int main(int argc, char **argv)
{
    struct xen_sysctl_physinfo pi;
    hcall_t *h;
    int rc;

    if ( argc < 2 )
        return usage();
    if ( argc == 4 && !strcmp(argv[1], "unpack") )
        return cmd_unpack(argv[2], argv[3]);
    h = hcall_open();
    if ( !h )
    {
        fprintf(stderr, "xenia-domu: %s\n", hcall_open_error());
        return 1;
    }
    if ( !strcmp(argv[1], "create") )
        rc = cmd_create(h, argc - 1, argv + 1);
    else if ( argc == 3 &&
              (!strcmp(argv[1], "destroy") || !strcmp(argv[1], "pause") ||
               !strcmp(argv[1], "unpause") || !strcmp(argv[1], "info")) )
        rc = cmd_domain(h, argv[1], argv[2]);
    else if ( argc == 2 && !strcmp(argv[1], "free") )
    {
        rc = hcall_physinfo(h, &pi) ? 1 : 0;
        if ( rc )
            fprintf(stderr, "xenia-domu: %s\n", hcall_error(h));
        else
            printf("free_pages %llu total_pages %llu\n",
                   (unsigned long long)pi.free_pages,
                   (unsigned long long)pi.total_pages);
    }
    else if ( argc == 2 && !strcmp(argv[1], "list") )
        rc = cmd_list(h);
    else
        rc = usage();
    hcall_close(h);
    return rc;
}
