/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenia-consoled: the console daemon, as Xen's xenconsoled. For each
 * DomU it maps the console ring (grant ref 0, GNTTAB_RESERVED_CONSOLE,
 * through gntdev; a foreign map of console/ring-ref if that fails), binds
 * the console event channel, relays the ring to a pty whose slave path it
 * writes to /local/domain/N/console/tty (where xl console and libxl look),
 * and with --log=guest keeps DIR/guest-NAME.log. Domains are found on
 * @introduceDomain / @releaseDomain; a dying or vanished one is let go.
 *
 *   xenia-consoled [-i] [--log=none|guest|all] [--log-dir=DIR]
 *                  [--pid-file=FILE]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "hcall.h"
#include <xen/io/console.h>
#include <xenia/xs.h>

#define CONSOLE_REF 0           /* GNTTAB_RESERVED_CONSOLE */
#define BUF_MAX     (64 * 1024) /* unread output kept per domain */
#define MAX_DOMS    1024

struct dom {
    uint32_t domid;
    int watching, connected;
    struct xencons_interface *ring;
    int ring_by_grant;
    hcall_evtchn_t *ev;
    evtchn_port_t local, remote;
    int master, slave, log;
    char buf[BUF_MAX];
    size_t blen;
    struct dom *next;
};

static hcall_t *hc;
static hcall_gntdev_t *gnt;
static struct xs_handle *xs;
static struct dom *doms;
static int log_guest;
static const char *log_dir = "/var/log/xen/console";
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static char *xs_get(uint32_t domid, const char *leaf)
{
    char path[128];

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, leaf);
    return xs_read(xs, XBT_NULL, path, NULL);
}

static void read_ring(struct dom *d);
static void flush_pty(struct dom *d);

static void dom_disconnect(struct dom *d)
{
    if ( !d->connected )
        return;
    /* The guest's last words (its power-down line) go to the log too. */
    read_ring(d);
    flush_pty(d);
    hcall_evtchn_close(d->ev); /* unbinds the port */
    if ( d->ring_by_grant )
        hcall_gntdev_unmap(gnt, d->ring, 1);
    else
        hcall_unmap(hc, d->ring, 1);
    close(d->master);
    close(d->slave);
    if ( d->log >= 0 )
        close(d->log);
    d->connected = 0;
    d->blen = 0;
}

static void dom_free(struct dom *d)
{
    char path[64], token[32];

    dom_disconnect(d);
    if ( d->watching )
    {
        snprintf(path, sizeof(path), "/local/domain/%u/console", d->domid);
        snprintf(token, sizeof(token), "dom%u", d->domid);
        xs_unwatch(xs, path, token);
    }
    free(d);
}

static int open_pty(struct dom *d)
{
    struct termios t;
    char *name;

    d->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if ( d->master < 0 || grantpt(d->master) || unlockpt(d->master) ||
         !(name = ptsname(d->master)) )
        return -1;
    /* Held open so the guest's output is kept while no client reads. */
    d->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if ( d->slave < 0 )
        return -1;
    if ( tcgetattr(d->slave, &t) == 0 )
    {
        cfmakeraw(&t);
        tcsetattr(d->slave, TCSANOW, &t);
    }
    fcntl(d->master, F_SETFL, O_NONBLOCK);
    return 0;
}

static void open_log(struct dom *d)
{
    char *name = xs_get(d->domid, "name"), path[4096];

    d->log = -1;
    if ( !log_guest )
        goto out;
    mkdir(log_dir, 0755);
    snprintf(path, sizeof(path), "%s/guest-%s.log", log_dir,
             name ? name : "unknown");
    d->log = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if ( d->log < 0 )
        fprintf(stderr, "xenia-consoled: %s: %s\n", path, strerror(errno));
out:
    free(name);
}

/* console/ring-ref and console/port exist: connect, as xenconsoled does. */
static void dom_connect(struct dom *d)
{
    char *ref = xs_get(d->domid, "console/ring-ref");
    char *port = xs_get(d->domid, "console/port");
    char *type = xs_get(d->domid, "console/type");
    char path[64];
    grant_ref_t gref = CONSOLE_REF;
    int local;

    if ( !ref || !port || (type && strcmp(type, "xenconsoled")) )
        goto out;
    if ( d->connected && strtoul(port, NULL, 10) == d->remote )
        goto out;
    dom_disconnect(d);
    d->remote = (evtchn_port_t)strtoul(port, NULL, 10);
    d->ring = hcall_gntdev_map(gnt, d->domid, &gref, 1, PROT_READ | PROT_WRITE);
    d->ring_by_grant = d->ring != NULL;
    if ( !d->ring )
    {
        xen_pfn_t mfn = strtoull(ref, NULL, 10);

        d->ring = hcall_map_foreign(hc, (domid_t)d->domid,
                                    PROT_READ | PROT_WRITE, &mfn, NULL, 1);
    }
    if ( !d->ring )
    {
        fprintf(stderr, "xenia-consoled: domain %u: cannot map its ring\n",
                d->domid);
        goto out;
    }
    d->ev = hcall_evtchn_open();
    local =
        d->ev ? hcall_evtchn_bind_interdomain(d->ev, d->domid, d->remote) : -1;
    d->master = d->slave = -1;
    if ( local < 0 || open_pty(d) )
    {
        fprintf(stderr, "xenia-consoled: domain %u: %s\n", d->domid,
                local < 0 && d->ev ? hcall_evtchn_error(d->ev)
                                   : strerror(errno));
        if ( d->master >= 0 )
            close(d->master);
        if ( d->slave >= 0 )
            close(d->slave);
        hcall_evtchn_close(d->ev);
        if ( d->ring_by_grant )
            hcall_gntdev_unmap(gnt, d->ring, 1);
        else
            hcall_unmap(hc, d->ring, 1);
        goto out;
    }
    d->local = (evtchn_port_t)local;
    fcntl(hcall_evtchn_fd(d->ev), F_SETFL, O_NONBLOCK);
    open_log(d);
    d->connected = 1;
    fprintf(stderr, "xenia-consoled: domain %u: ring by %s, port %u, %s\n",
            d->domid, d->ring_by_grant ? "grant" : "foreign map", d->remote,
            ptsname(d->master));
    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", d->domid);
    xs_write(xs, XBT_NULL, path, ptsname(d->master),
             strlen(ptsname(d->master)));
    /* Output the guest wrote before we came. */
    hcall_evtchn_notify(d->ev, d->local);
out:
    free(ref);
    free(port);
    free(type);
}

static struct dom *dom_find(uint32_t domid)
{
    struct dom *d;

    for ( d = doms; d; d = d->next )
        if ( d->domid == domid )
            return d;
    return NULL;
}

/* Walks the hypervisor's domains: new ones watched, gone ones dropped. */
static void enum_domains(void)
{
    static struct xen_domctl_getdomaininfo info[MAX_DOMS];
    int n = hcall_domain_list(hc, 1, MAX_DOMS, info), i;
    struct dom **pp, *d;

    if ( n < 0 )
        return;
    for ( i = 0; i < n; i++ )
    {
        uint32_t domid = info[i].domain;
        char path[64], token[32];

        if ( (info[i].flags & XEN_DOMINF_dying) || dom_find(domid) )
            continue;
        d = calloc(1, sizeof(*d));
        if ( !d )
            abort();
        d->domid = domid;
        d->log = -1;
        snprintf(path, sizeof(path), "/local/domain/%u/console", domid);
        snprintf(token, sizeof(token), "dom%u", domid);
        d->watching = xs_watch(xs, path, token);
        d->next = doms;
        doms = d;
    }
    for ( pp = &doms; (d = *pp); )
    {
        int alive = 0;

        for ( i = 0; i < n; i++ )
            if ( info[i].domain == d->domid &&
                 !(info[i].flags & XEN_DOMINF_dying) )
                alive = 1;
        if ( alive )
        {
            pp = &d->next;
            continue;
        }
        *pp = d->next;
        dom_free(d);
    }
}

static void append(struct dom *d, const char *s, size_t n)
{
    if ( d->log >= 0 && write(d->log, s, n) < 0 )
    {
        close(d->log);
        d->log = -1;
    }
    if ( n > BUF_MAX )
    {
        s += n - BUF_MAX;
        n = BUF_MAX;
    }
    /* Nobody reads: the oldest output goes, as xenconsoled discards. */
    if ( d->blen + n > BUF_MAX )
    {
        size_t drop = d->blen + n - BUF_MAX;

        memmove(d->buf, d->buf + drop, d->blen - drop);
        d->blen -= drop;
    }
    memcpy(d->buf + d->blen, s, n);
    d->blen += n;
}

static void flush_pty(struct dom *d)
{
    while ( d->blen )
    {
        ssize_t w = write(d->master, d->buf, d->blen);

        if ( w <= 0 )
            return;
        memmove(d->buf, d->buf + w, d->blen - w);
        d->blen -= (size_t)w;
    }
}

static void read_ring(struct dom *d)
{
    struct xencons_interface *r = d->ring;
    XENCONS_RING_IDX cons, prod;
    char tmp[sizeof(r->out)];
    size_t n = 0;
    int port;

    while ( (port = hcall_evtchn_pending(d->ev)) >= 0 )
        hcall_evtchn_unmask(d->ev, (evtchn_port_t)port);
    cons = r->out_cons;
    prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    /* A guest's indices are not trusted: at most one ring's worth. */
    if ( prod - cons > sizeof(r->out) )
        cons = prod - sizeof(r->out);
    while ( cons != prod )
        tmp[n++] = r->out[MASK_XENCONS_IDX(cons++, r->out)];
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    if ( n )
    {
        append(d, tmp, n);
        hcall_evtchn_notify(d->ev, d->local);
    }
}

static void write_ring(struct dom *d)
{
    struct xencons_interface *r = d->ring;
    XENCONS_RING_IDX cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = r->in_prod;
    size_t space = sizeof(r->in) - (prod - cons), i;
    char tmp[80];
    ssize_t n;

    if ( prod - cons > sizeof(r->in) )
        return; /* a guest's garbage: wait until it makes sense */
    if ( space > sizeof(tmp) )
        space = sizeof(tmp);
    if ( !space )
        return;
    n = read(d->master, tmp, space);
    if ( n <= 0 )
        return;
    for ( i = 0; i < (size_t)n; i++ )
        r->in[MASK_XENCONS_IDX(prod++, r->in)] = tmp[i];
    __atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
    hcall_evtchn_notify(d->ev, d->local);
}

static void handle_watch(char **ev)
{
    uint32_t domid;
    struct dom *d;

    if ( !strcmp(ev[XS_WATCH_TOKEN], "domlist") )
        enum_domains();
    else if ( sscanf(ev[XS_WATCH_TOKEN], "dom%u", &domid) == 1 &&
              (d = dom_find(domid)) )
        dom_connect(d);
}

static void loop(void)
{
    struct pollfd *pfd = NULL;
    struct dom **who = NULL;
    size_t cap = 0;

    while ( !stop )
    {
        struct dom *d;
        size_t n = 0, i;
        char **ev;

        while ( (ev = xs_check_watch(xs)) )
        {
            handle_watch(ev);
            free(ev);
        }
        if ( errno != EAGAIN )
        {
            fprintf(stderr, "xenia-consoled: lost xenstore: %s\n",
                    strerror(errno));
            return;
        }
        for ( d = doms; d; d = d->next )
            n += d->connected ? 2 : 0;
        if ( n + 1 > cap )
        {
            cap = 2 * (n + 1);
            pfd = realloc(pfd, cap * sizeof(*pfd));
            who = realloc(who, cap * sizeof(*who));
            if ( !pfd || !who )
                abort();
        }
        pfd[0] = (struct pollfd){xs_fileno(xs), POLLIN, 0};
        n = 1;
        for ( d = doms; d; d = d->next )
        {
            if ( !d->connected )
                continue;
            who[n] = d;
            pfd[n++] = (struct pollfd){hcall_evtchn_fd(d->ev), POLLIN, 0};
            who[n] = d;
            pfd[n++] = (struct pollfd){
                d->master, (short)(POLLIN | (d->blen ? POLLOUT : 0)), 0};
        }
        if ( poll(pfd, n, -1) < 0 && errno != EINTR )
            break;
        for ( i = 1; i < n; i++ )
        {
            d = who[i];
            if ( !pfd[i].revents || !d->connected )
                continue;
            if ( pfd[i].fd == d->master )
            {
                if ( pfd[i].revents & POLLIN )
                    write_ring(d);
                flush_pty(d);
            }
            else
            {
                read_ring(d);
                flush_pty(d);
            }
        }
    }
    free(pfd);
    free(who);
}

static void usage(FILE *f)
{
    fputs("usage: xenia-consoled [-i] [--log=none|guest|all] [--log-dir=DIR]\n"
          "                      [--pid-file=FILE]\n",
          f);
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        {"interactive", 0, NULL, 'i'}, {"log", 1, NULL, 'l'},
        {"log-dir", 1, NULL, 'r'},     {"pid-file", 1, NULL, 'p'},
        {"help", 0, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *pidfile = NULL;
    int fg = 0, opt;

    while ( (opt = getopt_long(argc, argv, "il:r:p:h", lo, NULL)) != -1 )
        switch ( opt )
        {
        case 'i':
            fg = 1;
            break;
        case 'l':
            if ( !strcmp(optarg, "guest") || !strcmp(optarg, "all") )
                log_guest = 1;
            else if ( strcmp(optarg, "none") && strcmp(optarg, "hv") )
            {
                fprintf(stderr, "xenia-consoled: unknown --log=%s\n", optarg);
                return 1;
            }
            break;
        case 'r':
            log_dir = optarg;
            break;
        case 'p':
            pidfile = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 1;
        }
    hc = hcall_open();
    if ( !hc )
    {
        fprintf(stderr, "xenia-consoled: %s\n", hcall_open_error());
        return 1;
    }
    gnt = hcall_gntdev_open();
    if ( !gnt )
    {
        fprintf(stderr, "xenia-consoled: /dev/xen/gntdev: %s\n",
                strerror(errno));
        return 1;
    }
    xs = xs_open(0);
    if ( !xs )
    {
        fprintf(stderr, "xenia-consoled: cannot reach xenstored: %s\n",
                strerror(errno));
        return 1;
    }
    if ( !xs_watch(xs, "@introduceDomain", "domlist") ||
         !xs_watch(xs, "@releaseDomain", "domlist") )
    {
        fprintf(stderr, "xenia-consoled: cannot watch domains: %s\n",
                strerror(errno));
        return 1;
    }
    if ( !fg && daemon(0, 0) )
        return 1;
    if ( pidfile )
    {
        FILE *f = fopen(pidfile, "w");

        if ( f )
        {
            fprintf(f, "%ld\n", (long)getpid());
            fclose(f);
        }
    }
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    signal(SIGPIPE, SIG_IGN);
    xs_write(xs, XBT_NULL, "/tool/xenconsoled/domid", "0", 1);
    enum_domains();
    loop();
    while ( doms )
    {
        struct dom *d = doms;

        doms = d->next;
        dom_free(d);
    }
    xs_close(xs);
    hcall_gntdev_close(gnt);
    hcall_close(hc);
    return 0;
}
