/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstored: command line, daemon setup and the single-threaded poll loop. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "conn.h"
#include "db.h"
#include "domain.h"
#include "hostring.h"
#include "log.h"
#include "quota.h"
#include "ring.h"
#include "sock.h"
#include "state.h"
#include "xenring.h"

struct options {
    bool fork;
    bool print_pid;
    bool sync;
    const char *pidfile;
    const char *tracefile;
    const char *ringdir;
    const char *dbfile;
};

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
    if ( sig == SIGHUP )
        got_hup = 1;
    else
        got_term = 1;
}

static void usage(FILE *f)
{
    fputs(
        "Usage: xenstored [options]\n"
        "  -N, --no-fork            stay in the foreground\n"
        "  -F, --pid-file FILE      write the daemon's pid to FILE\n"
        "  -P, --output-pid         print the daemon's pid on stdout\n"
        "  -T, --trace-file FILE    trace every message to FILE\n"
        "  -E, --entry-nb N         nodes per domain (quota nodes)\n"
        "  -S, --entry-size N       bytes per node (quota node-size)\n"
        "  -W, --watch-nb N         watches per domain (quota watches)\n"
        "  -t, --transaction N      transactions per domain\n"
        "  -A, --perm-nb N          ACL entries per node\n"
        "  -M, --path-max N         path length below a domain's home\n"
        "  -Q, --quota WHAT=N       set a quota: nodes, watches, outstanding,\n"
        "                           memory, transactions, transaction-nodes,\n"
        "                           node-permissions, path-max, node-size\n"
        "  -q, --quota-soft WHAT=N  accepted for compatibility (ignored)\n"
        "  -w, --timeout WHAT=SECS  accepted for compatibility (ignored)\n"
        "  -K, --keep-orphans       give a released domain's nodes to dom0\n"
        "  -R, --no-recovery        accepted for compatibility (ignored)\n"
        "  -V, --verbose            log to stderr as well\n"
        "      --database FILE      the tdb file (default\n"
        "                           $XENSTORED_ROOTDIR/tdb)\n"
        "      --fsync              commit every change to the disk\n"
        "      --ring-dir DIR       serve guests whose rings are files in DIR\n"
        "                           (default in Dom0: Dom0's kernel through\n"
        "                           /proc/xen/xsd_kva, guests by grant ref 1)\n"
        "  -H, --help               this text\n"
        "Environment: XENSTORED_RUNDIR (socket directory, default\n"
        "/run/xenstored), XENSTORED_PATH (socket path), XENSTORED_ROOTDIR\n"
        "(database directory, default /var/lib/xenstored).\n",
        f);
}

static void die(const char *what, int err)
{
    fprintf(stderr, "xenstored: %s: %s\n", what, strerror(err));
    exit(1);
}

static int set_quota(enum quota_id q, const char *v)
{
    return quota_set(q, v);
}

static int parse_opt(int opt, struct options *o)
{
    switch ( opt )
    {
    case 'N':
        o->fork = false;
        return 0;
    case 'F':
        o->pidfile = optarg;
        return 0;
    case 'P':
        o->print_pid = true;
        return 0;
    case 'T':
        o->tracefile = optarg;
        return 0;
    case 'E':
        return set_quota(Q_NODES, optarg);
    case 'S':
        return set_quota(Q_NODE_SIZE, optarg);
    case 'W':
        return set_quota(Q_WATCHES, optarg);
    case 't':
        return set_quota(Q_TRANS, optarg);
    case 'A':
        return set_quota(Q_NODE_PERMS, optarg);
    case 'M':
        return set_quota(Q_PATH_MAX, optarg);
    case 'Q':
        return quota_set_option(optarg);
    case 'K':
        xsd.keep_orphans = true;
        return 0;
    case 'q':
    case 'w':
    case 'R':
    case 'V':
    case 'e':
    case 'm':
    case 'p':
        return 0;
    case 1:
        o->dbfile = optarg;
        return 0;
    case 2:
        o->sync = true;
        return 0;
    case 3:
        o->ringdir = optarg;
        return 0;
    case 'H':
        usage(stdout);
        exit(0);
    default:
        return -EINVAL;
    }
}

static void parse_args(int argc, char **argv, struct options *o)
{
    static const struct option lo[] = {
        {"no-fork", 0, NULL, 'N'},     {"pid-file", 1, NULL, 'F'},
        {"output-pid", 0, NULL, 'P'},  {"trace-file", 1, NULL, 'T'},
        {"entry-nb", 1, NULL, 'E'},    {"entry-size", 1, NULL, 'S'},
        {"watch-nb", 1, NULL, 'W'},    {"transaction", 1, NULL, 't'},
        {"perm-nb", 1, NULL, 'A'},     {"path-max", 1, NULL, 'M'},
        {"quota", 1, NULL, 'Q'},       {"quota-soft", 1, NULL, 'q'},
        {"timeout", 1, NULL, 'w'},     {"keep-orphans", 0, NULL, 'K'},
        {"no-recovery", 0, NULL, 'R'}, {"verbose", 0, NULL, 'V'},
        {"event", 1, NULL, 'e'},       {"master-domid", 1, NULL, 'm'},
        {"priv-domid", 1, NULL, 'p'},  {"help", 0, NULL, 'H'},
        {"database", 1, NULL, 1},      {"fsync", 0, NULL, 2},
        {"ring-dir", 1, NULL, 3},      {NULL, 0, NULL, 0}};
    int opt;

    o->fork = true;
    while ( (opt = getopt_long(argc, argv, "NF:PT:E:S:W:t:A:M:Q:q:w:KRVe:m:p:H",
                               lo, NULL)) != -1 )
        if ( parse_opt(opt, o) )
        {
            if ( opt != '?' )
                fprintf(stderr, "xenstored: invalid value for -%c: %s\n", opt,
                        optarg ? optarg : "");
            usage(stderr);
            exit(1);
        }
    if ( optind != argc )
    {
        fprintf(stderr, "xenstored: no arguments expected\n");
        exit(1);
    }
}

static char *env_path(const char *var, const char *def, const char *leaf)
{
    const char *d = getenv(var);
    char *p;

    d = (d && *d) ? d : def;
    p = xmalloc(strlen(d) + strlen(leaf) + 2);
    sprintf(p, "%s/%s", d, leaf);
    return p;
}

static void write_pidfile(const char *path)
{
    char buf[32];
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    if ( fd < 0 )
        die(path, errno);
    /* The lock lives as long as we do: a second daemon cannot start. */
    if ( flock(fd, LOCK_EX | LOCK_NB) )
    {
        fprintf(stderr, "xenstored: %s: another daemon is running\n", path);
        exit(1);
    }
    snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
    if ( ftruncate(fd, 0) || write(fd, buf, strlen(buf)) < 0 )
        die(path, errno);
}

static void daemonize(void)
{
    pid_t pid = fork();
    int fd;

    if ( pid < 0 )
        die("fork", errno);
    if ( pid > 0 )
        _exit(0);
    setsid();
    pid = fork();
    if ( pid < 0 )
        die("fork", errno);
    if ( pid > 0 )
        _exit(0);
    if ( chdir("/") )
        die("chdir", errno);
    fd = open("/dev/null", O_RDWR);
    if ( fd >= 0 )
    {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if ( fd > 2 )
            close(fd);
    }
}

static void mkdirs(const char *path)
{
    char *p = xstrdup(path), *s;

    for ( s = p + 1; *s; s++ )
        if ( *s == '/' )
        {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
    free(p);
}

static void dirname_mkdirs(const char *file)
{
    char *d = xstrdup(file), *s = strrchr(d, '/');

    if ( s && s != d )
    {
        *s = 0;
        mkdirs(d);
    }
    free(d);
}

static void setup_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

struct pollset {
    struct pollfd *fds;
    struct conn **who; /* conn per fd slot; NULL for the listener */
    struct domain **dom;
    nfds_t n, cap;
    nfds_t virq; /* the slot of VIRQ_DOM_EXC, 0 if none */
};

static bool xen_backend;

static void ps_add(struct pollset *ps, int fd, short ev, struct conn *c,
                   struct domain *d)
{
    if ( ps->n == ps->cap )
    {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->fds = xrealloc(ps->fds, ps->cap * sizeof(*ps->fds));
        ps->who = xrealloc(ps->who, ps->cap * sizeof(*ps->who));
        ps->dom = xrealloc(ps->dom, ps->cap * sizeof(*ps->dom));
    }
    ps->fds[ps->n].fd = fd;
    ps->fds[ps->n].events = ev;
    ps->fds[ps->n].revents = 0;
    ps->who[ps->n] = c;
    ps->dom[ps->n++] = d;
}

static int build_pollset(struct pollset *ps, int lfd)
{
    struct conn *c;
    struct domain *d;
    int timeout = -1;

    ps->n = 0;
    ps_add(ps, lfd, POLLIN, NULL, NULL);
    ps->virq = 0;
    if ( xen_backend )
    {
        ps->virq = ps->n;
        ps_add(ps, xenring_virq_fd(ring_backend), POLLIN, NULL, NULL);
    }
    for ( d = domain_list; d; d = d->next )
        ps_add(ps, d->port.pollfd, POLLIN, NULL, d);
    for ( c = conn_list; c; c = c->next )
    {
        short ev = 0;

        if ( c->fd < 0 || c->dead )
            continue;
        if ( conn_wants_input(c) )
            ev |= POLLIN;
        if ( c->out_head )
            ev |= POLLOUT;
        ps_add(ps, c->fd, ev, c, NULL);
        /* Requests already buffered need no wait. */
        if ( c->roff < c->rlen && conn_wants_input(c) )
            timeout = 0;
    }
    return timeout;
}

static void serve_sockets(struct pollset *ps)
{
    nfds_t i;

    for ( i = 1; i < ps->n; i++ )
    {
        struct conn *c = ps->who[i];

        if ( !c || c->dead )
            continue;
        c->rtried = !(ps->fds[i].revents & (POLLIN | POLLHUP | POLLERR));
        conn_pump_in(c);
        if ( !c->dead && c->out_head && !conn_pump_out(c) )
            c->dead = true;
    }
}

static void serve_domains(struct pollset *ps)
{
    nfds_t i;

    for ( i = 1; i < ps->n; i++ )
        if ( ps->dom[i] && (ps->fds[i].revents & POLLIN) && ring_backend )
            ring_backend->ack(&ps->dom[i]->port);
}

/* Delivers what requests queued for others; frees closed clients. */
static void flush_all(void)
{
    struct conn *c, *next;

    for ( c = conn_list; c; c = c->next )
    {
        if ( c->dom && !c->retired )
            ring_service(c);
        else if ( !c->dead && c->out_head && !conn_pump_out(c) )
            c->dead = true;
    }
    for ( c = conn_list; c; c = next )
    {
        next = c->next;
        if ( c->dead && (c->fd >= 0 || c->retired) )
            conn_free(c);
    }
}

static void main_loop(int lfd)
{
    struct pollset ps = {NULL, NULL, NULL, 0, 0, 0};

    while ( !got_term )
    {
        int timeout = build_pollset(&ps, lfd);

        if ( poll(ps.fds, ps.n, timeout) < 0 && errno != EINTR )
            die("poll", errno);
        if ( got_hup && trace_path() )
            trace_open(trace_path());
        got_hup = 0;
        if ( ps.fds[0].revents & POLLIN )
            sock_accept(lfd);
        serve_domains(&ps);
        serve_sockets(&ps);
        /* After the rings: a dying domain's last requests are served. */
        if ( ps.virq && (ps.fds[ps.virq].revents & POLLIN) )
            xenring_check_domains(ring_backend);
        flush_all();
    }
    free(ps.fds);
    free(ps.who);
    free(ps.dom);
}

static void open_store(const struct options *o)
{
    char *dbfile =
        o->dbfile ? xstrdup(o->dbfile)
                  : env_path("XENSTORED_ROOTDIR", "/var/lib/xenstored", "tdb");
    int rc;

    dirname_mkdirs(dbfile);
    rc = db_open(&xsd.db, dbfile, o->sync);
    if ( rc )
        die(dbfile, -rc);
    rc = state_load();
    if ( rc )
        die("loading the store", -rc);
    free(dbfile);
}

int main(int argc, char **argv)
{
    struct options o;
    char *sockpath;
    int lfd, rc;

    memset(&o, 0, sizeof(o));
    parse_args(argc, argv, &o);
    log_init(!o.fork);
    if ( o.tracefile && (rc = trace_open(o.tracefile)) )
        die(o.tracefile, -rc);
    conn_setup_watches();
    open_store(&o);
    if ( o.ringdir )
        ring_backend = hostring_new(o.ringdir);
    else if ( xenring_available() )
    {
        ring_backend = xenring_new();
        if ( !ring_backend )
            exit(1);
        xen_backend = true;
    }
    sockpath = getenv("XENSTORED_PATH") && *getenv("XENSTORED_PATH")
                   ? xstrdup(getenv("XENSTORED_PATH"))
                   : env_path("XENSTORED_RUNDIR", "/run/xenstored", "socket");
    dirname_mkdirs(sockpath);
    lfd = sock_listen(sockpath);
    if ( lfd < 0 )
        die(sockpath, -lfd);
    if ( o.fork )
        daemonize();
    if ( o.pidfile )
        write_pidfile(o.pidfile);
    if ( o.print_pid )
    {
        printf("%ld\n", (long)getpid());
        fflush(stdout);
    }
    setup_signals();
    if ( xen_backend && (rc = xenring_connect_dom0()) )
        die("connecting Dom0's kernel (/proc/xen/xsd_kva, xsd_port)", -rc);
    main_loop(lfd);
    close(lfd);
    unlink(sockpath);
    free(sockpath);
    domain_release_all();
    while ( conn_list )
        conn_free(conn_list);
    if ( xen_backend )
        xenring_free(ring_backend);
    else
        hostring_free(ring_backend);
    state_fini();
    return 0;
}
