/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xl: Xen's domain management command for Xenia (and Xen 4.17), over
 * libhcall and our xenstore library. Output formats follow Xen 4.17's xl
 * where scripts read them (list, info, vcpu-list, domid, domname);
 * errors are one line on stderr and a non-zero exit status.
 */
#include "xl.h"
#include "blkdev.h"
#include "xl_vif.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xen/version.h>

hcall_t *xl_hc;
struct xs_handle *xl_xs;

void xl_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

hcall_t *xl_hcall(void)
{
    if ( !xl_hc && !(xl_hc = hcall_open()) )
    {
        xl_err("cannot reach the hypervisor: %s", hcall_open_error());
        exit(1);
    }
    return xl_hc;
}

struct xs_handle *xl_store(void)
{
    if ( !xl_xs && !(xl_xs = xs_open(0)) )
    {
        xl_err("cannot connect to xenstored (%s): %s", xs_daemon_socket(),
               strerror(errno));
        exit(1);
    }
    return xl_xs;
}

char *xl_read(uint32_t domid, const char *leaf)
{
    char path[256];

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, leaf);
    return xs_read(xl_store(), XBT_NULL, path, NULL);
}

bool xl_write(uint32_t domid, const char *leaf, const char *val)
{
    char path[256];

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, leaf);
    return xs_write(xl_store(), XBT_NULL, path, val, strlen(val));
}

char *xl_domain_name(uint32_t domid)
{
    char *n = xl_read(domid, "name");

    if ( !n && domid == 0 )
        n = strdup("Domain-0");
    return n ? n : strdup("");
}

static int exists(uint32_t domid)
{
    struct xen_domctl_getdomaininfo info;

    return hcall_domain_getinfo(xl_hcall(), domid, &info) == 0;
}

int xl_find_domain_quiet(const char *q, uint32_t *domid)
{
    struct xen_domctl_getdomaininfo info[1024];
    char *end;
    unsigned long v;
    int n, i;

    errno = 0;
    v = strtoul(q, &end, 10);
    if ( q[0] && !*end && !errno && isdigit((unsigned char)q[0]) )
    {
        if ( v >= DOMID_FIRST_RESERVED || !exists((uint32_t)v) )
            return -1;
        *domid = (uint32_t)v;
        return 0;
    }
    n = hcall_domain_list(xl_hcall(), 0, 1024, info);
    for ( i = 0; i < n; i++ )
    {
        char *name = xl_domain_name(info[i].domain);
        int same = !strcmp(name, q);

        free(name);
        if ( same && !(info[i].flags & XEN_DOMINF_dying) )
        {
            *domid = info[i].domain;
            return 0;
        }
    }
    return -1;
}

int xl_find_domain(const char *q, uint32_t *domid)
{
    if ( xl_find_domain_quiet(q, domid) == 0 )
        return 0;
    xl_err("%s is an invalid domain identifier (rc=-6)", q);
    return -1;
}

void xl_forget(uint32_t domid)
{
    struct xs_handle *xs = xl_store();
    char path[128], *vm;

    /*
     * Devices first, forced (the guest may be dead): their records under
     * /libxl/N say what to undo, and backends let go of its grants.
     */
    blk_teardown(domid);
    xl_vifs_teardown(domid, true);
    vm = xl_read(domid, "vm");
    if ( vm && !strncmp(vm, "/vm/", 4) )
        xs_rm(xs, XBT_NULL, vm);
    free(vm);
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    xs_rm(xs, XBT_NULL, path);
    snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u", domid);
    xs_rm(xs, XBT_NULL, path);
    snprintf(path, sizeof(path), "/libxl/%u", domid);
    xs_rm(xs, XBT_NULL, path);
}

int xl_destroy_domain(uint32_t domid)
{
    hcall_t *h = xl_hcall();

    if ( domid == 0 )
    {
        xl_err("cannot destroy privileged domain 0");
        return -1;
    }
    xl_forget(domid);
    if ( hcall_domain_destroy(h, domid) && errno != ESRCH )
    {
        xl_err("%s", hcall_error(h));
        return -1;
    }
    return 0;
}

/* ---- the console ------------------------------------------------------ */

static struct termios saved;
static int restore_tty;

static void tty_restore(void)
{
    if ( restore_tty )
        tcsetattr(0, TCSANOW, &saved);
}

int xl_console(uint32_t domid)
{
    char *tty = NULL;
    int fd, waited;
    struct termios t;

    for ( waited = 0; waited < 10000; waited += 50 )
    {
        free(tty);
        tty = xl_read(domid, "console/tty");
        if ( tty && tty[0] )
            break;
        usleep(50000);
    }
    if ( !tty || !tty[0] )
    {
        xl_err("domain %u has no console (is xenia-consoled running?)", domid);
        free(tty);
        return -1;
    }
    fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if ( fd < 0 )
    {
        xl_err("%s: %s", tty, strerror(errno));
        free(tty);
        return -1;
    }
    free(tty);
    if ( isatty(0) && tcgetattr(0, &saved) == 0 )
    {
        t = saved;
        cfmakeraw(&t);
        restore_tty = tcsetattr(0, TCSANOW, &t) == 0;
        atexit(tty_restore);
    }
    for ( ;; )
    {
        struct pollfd p[2] = {{0, POLLIN, 0}, {fd, POLLIN, 0}};
        char buf[4096];
        ssize_t n, i;

        if ( poll(p, 2, 500) < 0 && errno != EINTR )
            break;
        if ( !exists(domid) )
            break;
        if ( p[0].revents & (POLLIN | POLLHUP) )
        {
            n = read(0, buf, sizeof(buf));
            if ( n <= 0 )
            {
                /* Input closed (a script): keep showing output a while. */
                p[0].fd = -1;
                break;
            }
            for ( i = 0; i < n; i++ )
                if ( buf[i] == 0x1d ) /* Ctrl-] leaves */
                {
                    if ( i && write(fd, buf, i) < 0 )
                        break;
                    close(fd);
                    return 0;
                }
            if ( write(fd, buf, n) < 0 )
                break;
        }
        if ( p[1].revents & POLLIN )
        {
            n = read(fd, buf, sizeof(buf));
            if ( n > 0 && write(1, buf, n) < 0 )
                break;
        }
    }
    close(fd);
    return 0;
}

/* ---- commands --------------------------------------------------------- */

struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage, *help;
};

static const struct cmd *cur;

static int usage_of(const struct cmd *c, FILE *f)
{
    fprintf(f, "Usage: xl %s %s\n\n%s\n", c->name, c->usage, c->help);
    return f == stdout ? 0 : 1;
}

/* Options: those in opts, -h prints help. Returns the option or -1/-2. */
static int getopt_cmd(int argc, char **argv, const char *opts)
{
    char spec[64];
    int o;

    snprintf(spec, sizeof(spec), "+h%s", opts);
    o = getopt(argc, argv, spec);
    if ( o == 'h' )
        exit(usage_of(cur, stdout));
    if ( o == '?' )
        exit(usage_of(cur, stderr));
    return o;
}

static void need_args(int argc, int n)
{
    if ( argc - optind < n )
        exit(usage_of(cur, stderr));
}

static void print_list_line(const struct xen_domctl_getdomaininfo *in,
                            int verbose)
{
    static const char letters[] = "-rscwS";
    unsigned int reason =
        (in->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    int shut = !!(in->flags & XEN_DOMINF_shutdown);
    char *name = xl_domain_name(in->domain);

    if ( !shut )
        reason = 0;
    printf("%-40s %5u %5lu %5u     %c%c%c%c%c%c  %8.1f", name, in->domain,
           (unsigned long)(in->tot_pages * 4 / 1024), in->nr_online_vcpus,
           in->flags & XEN_DOMINF_running ? 'r' : '-',
           in->flags & XEN_DOMINF_blocked ? 'b' : '-',
           in->flags & XEN_DOMINF_paused ? 'p' : '-', shut ? 's' : '-',
           reason < sizeof(letters) - 1 ? letters[reason] : '?',
           in->flags & XEN_DOMINF_dying ? 'd' : '-',
           (double)in->cpu_time / 1e9);
    if ( verbose )
    {
        const uint8_t *u = in->handle;

        printf(" %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
               "%02x%02x%02x%02x%02x%02x",
               u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
               u[10], u[11], u[12], u[13], u[14], u[15]);
        if ( shut )
            printf(" %8x", reason);
        else
            printf(" %8s", "-");
        printf(" %16s", "-");
    }
    putchar('\n');
    free(name);
}

static int cmd_list(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo info[1024];
    int verbose = 0, longf = 0, o, n, i;
    uint32_t domid;

    while ( (o = getopt_cmd(argc, argv, "lvZcnp")) != -1 )
        if ( o == 'v' )
            verbose = 1;
        else if ( o == 'l' )
            longf = 1;
    if ( optind < argc )
    {
        if ( xl_find_domain(argv[optind], &domid) )
            return 1;
        if ( hcall_domain_getinfo(xl_hcall(), domid, info) )
            return xl_err("%s", hcall_error(xl_hcall())), 1;
        n = 1;
    }
    else if ( (n = hcall_domain_list(xl_hcall(), 0, 1024, info)) < 0 )
        return xl_err("%s", hcall_error(xl_hcall())), 1;
    if ( longf )
    {
        /* A JSON array of the domains, as libxl's: the fields we have. */
        printf("[\n");
        for ( i = 0; i < n; i++ )
        {
            char *name = xl_domain_name(info[i].domain);

            printf(
                "    {\n        \"domid\": %u,\n        \"config\": {\n"
                "            \"c_info\": {\n                \"type\": \"pv\",\n"
                "                \"name\": \"%s\"\n            },\n"
                "            \"b_info\": {\n                \"max_vcpus\": "
                "%u,\n"
                "                \"max_memkb\": %llu\n            }\n"
                "        }\n    }%s\n",
                info[i].domain, name, info[i].max_vcpu_id + 1,
                (unsigned long long)info[i].max_pages * 4,
                i + 1 < n ? "," : "");
            free(name);
        }
        printf("]\n");
        return 0;
    }
    printf("Name                                        ID   Mem "
           "VCPUs\tState\tTime(s)");
    if ( verbose )
        printf(
            "   UUID                            Reason-Code\tSecurity Label");
    printf("\n");
    for ( i = 0; i < n; i++ )
        print_list_line(&info[i], verbose);
    return 0;
}

static int one_domain(int argc, char **argv, const char *opts, uint32_t *domid)
{
    while ( getopt_cmd(argc, argv, opts) != -1 )
        ;
    need_args(argc, 1);
    return xl_find_domain(argv[optind], domid);
}

static int cmd_destroy(int argc, char **argv)
{
    uint32_t domid;

    if ( one_domain(argc, argv, "f", &domid) )
        return 1;
    return xl_destroy_domain(domid) ? 1 : 0;
}

static int cmd_pause(int argc, char **argv)
{
    uint32_t domid;

    if ( one_domain(argc, argv, "", &domid) )
        return 1;
    if ( hcall_domain_pause(xl_hcall(), domid) )
        return xl_err("%s", hcall_error(xl_hcall())), 1;
    return 0;
}

static int cmd_unpause(int argc, char **argv)
{
    uint32_t domid;

    if ( one_domain(argc, argv, "", &domid) )
        return 1;
    if ( hcall_domain_unpause(xl_hcall(), domid) )
        return xl_err("%s", hcall_error(xl_hcall())), 1;
    return 0;
}

/* Shut down or dead: what xl shutdown -w waits for. */
static int done_with(uint32_t domid)
{
    struct xen_domctl_getdomaininfo info;

    return hcall_domain_getinfo(xl_hcall(), domid, &info) ||
           (info.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying));
}

static int shutdown_reboot(int argc, char **argv, const char *what)
{
    static struct xen_domctl_getdomaininfo info[1024];
    uint32_t doms[1024];
    int all = 0, wait = 0, o, n = 0, i, left;

    while ( (o = getopt_cmd(argc, argv, "awF")) != -1 )
        if ( o == 'a' )
            all = 1;
        else if ( o == 'w' )
            wait = 1;
    if ( all )
    {
        int k = hcall_domain_list(xl_hcall(), 1, 1024, info);

        for ( i = 0; i < k; i++ )
            if ( !(info[i].flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown)) )
                doms[n++] = info[i].domain;
    }
    else
    {
        need_args(argc, 1);
        if ( xl_find_domain(argv[optind], &doms[0]) )
            return 1;
        n = 1;
    }
    for ( i = 0; i < n; i++ )
    {
        char *fp, *feat = NULL;

        if ( doms[i] == 0 )
            return xl_err("cannot %s domain 0 from here", what), 1;
        fp = xl_read(doms[i], "control/shutdown");
        feat = xl_read(doms[i], !strcmp(what, "poweroff")
                                    ? "control/feature-poweroff"
                                    : "control/feature-reboot");
        free(fp);
        free(feat);
        fprintf(stderr, "%s domain %u\n",
                !strcmp(what, "poweroff") ? "Shutting down" : "Rebooting",
                doms[i]);
        if ( !xl_write(doms[i], "control/shutdown", what) )
            return xl_err("writing control/shutdown of domain %u: %s", doms[i],
                          strerror(errno)),
                   1;
    }
    if ( !wait )
        return 0;
    fprintf(stderr, "Waiting for %d domains\n", n);
    for ( ;; )
    {
        for ( i = 0, left = 0; i < n; i++ )
            left += !done_with(doms[i]);
        if ( !left )
            break;
        usleep(100000);
    }
    fprintf(stderr, "All domains have been shut down\n");
    return 0;
}

static int cmd_shutdown(int argc, char **argv)
{
    return shutdown_reboot(argc, argv, "poweroff");
}

static int cmd_reboot(int argc, char **argv)
{
    return shutdown_reboot(argc, argv, "reboot");
}

static int cmd_console(int argc, char **argv)
{
    uint32_t domid;

    if ( one_domain(argc, argv, "t:n:", &domid) )
        return 1;
    return xl_console(domid) ? 1 : 0;
}

static int cmd_domid(int argc, char **argv)
{
    uint32_t domid;

    while ( getopt_cmd(argc, argv, "") != -1 )
        ;
    need_args(argc, 1);
    if ( xl_find_domain_quiet(argv[optind], &domid) )
        return xl_err("Can't get domid of domain name '%s', maybe this "
                      "domain does not exist.",
                      argv[optind]),
               1;
    printf("%u\n", domid);
    return 0;
}

static int cmd_domname(int argc, char **argv)
{
    char *end, *name;
    unsigned long v;

    while ( getopt_cmd(argc, argv, "") != -1 )
        ;
    need_args(argc, 1);
    v = strtoul(argv[optind], &end, 10);
    if ( !argv[optind][0] || *end || v >= DOMID_FIRST_RESERVED ||
         !exists((uint32_t)v) )
        return xl_err("Can't get domain name of domain id '%s', maybe this "
                      "domain does not exist.",
                      argv[optind]),
               1;
    name = xl_domain_name((uint32_t)v);
    printf("%s\n", name);
    free(name);
    return 0;
}

static int cmd_rename(int argc, char **argv)
{
    uint32_t domid, other;
    char *vm, path[256];

    if ( one_domain(argc, argv, "", &domid) )
        return 1;
    need_args(argc, 2);
    if ( xl_find_domain_quiet(argv[optind + 1], &other) == 0 && other != domid )
        return xl_err("domain with name \"%s\" already exists",
                      argv[optind + 1]),
               1;
    if ( !xl_write(domid, "name", argv[optind + 1]) )
        return xl_err("renaming domain %u: %s", domid, strerror(errno)), 1;
    vm = xl_read(domid, "vm");
    if ( vm && !strncmp(vm, "/vm/", 4) )
    {
        snprintf(path, sizeof(path), "%s/name", vm);
        xs_write(xl_store(), XBT_NULL, path, argv[optind + 1],
                 strlen(argv[optind + 1]));
    }
    free(vm);
    return 0;
}

/* xl's memory sizes: a number with b, k (the default), m, g or t. */
static int parse_mem_kb(const char *s, unsigned long long *kb)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if ( errno || end == s || s[0] == '-' )
        return -1;
    switch ( *end )
    {
    case 0:
    case 'k':
    case 'K':
        break;
    case 'b':
    case 'B':
        v /= 1024;
        break;
    case 'm':
    case 'M':
        v <<= 10;
        break;
    case 'g':
    case 'G':
        v <<= 20;
        break;
    case 't':
    case 'T':
        v <<= 30;
        break;
    default:
        return -1;
    }
    if ( *end && end[1] )
        return -1;
    *kb = v;
    return 0;
}

/* "DOM SIZE", as mem-set and mem-max take them; nonzero: already said. */
static int domain_and_size(int argc, char **argv, uint32_t *domid,
                           unsigned long long *kb)
{
    if ( one_domain(argc, argv, "", domid) )
        return 1;
    need_args(argc, 2);
    if ( parse_mem_kb(argv[optind + 1], kb) )
        return xl_err("invalid memory size: %s", argv[optind + 1]), 1;
    return 0;
}

static int cmd_mem_set(int argc, char **argv)
{
    unsigned long long kb;
    uint32_t domid;
    char v[32];

    if ( domain_and_size(argc, argv, &domid, &kb) )
        return 1;
    snprintf(v, sizeof(v), "%llu", kb);
    /* The guest's balloon driver follows memory/target. */
    if ( !xl_write(domid, "memory/target", v) )
        return xl_err("setting memory/target of domain %u: %s", domid,
                      strerror(errno)),
               1;
    return 0;
}

static int cmd_mem_max(int argc, char **argv)
{
    unsigned long long kb;
    uint32_t domid;
    char v[32];

    if ( domain_and_size(argc, argv, &domid, &kb) )
        return 1;
    /* libxl adds LIBXL_MAXMEM_CONSTANT (1 MiB) of slack. */
    if ( hcall_domain_max_mem(xl_hcall(), domid, kb + 1024) )
        return xl_err("%s", hcall_error(xl_hcall())), 1;
    snprintf(v, sizeof(v), "%llu", kb);
    xl_write(domid, "memory/static-max", v);
    return 0;
}

static int cmd_vcpu_list(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo info[1024];
    uint32_t domid;
    int n, i;
    unsigned int v;

    while ( getopt_cmd(argc, argv, "") != -1 )
        ;
    if ( optind < argc )
    {
        if ( xl_find_domain(argv[optind], &domid) ||
             hcall_domain_getinfo(xl_hcall(), domid, info) )
            return 1;
        n = 1;
    }
    else
        n = hcall_domain_list(xl_hcall(), 0, 1024, info);
    printf("Name                                ID  VCPU   CPU State   Time(s) "
           "Affinity (Hard / Soft)\n");
    for ( i = 0; i < n; i++ )
    {
        char *name = xl_domain_name(info[i].domain);

        for ( v = 0; v <= info[i].max_vcpu_id; v++ )
        {
            struct xen_domctl_getvcpuinfo vi;

            if ( hcall_vcpu_getinfo(xl_hcall(), info[i].domain, v, &vi) )
                continue;
            printf("%-32s %5u %5u", name, info[i].domain, v);
            if ( vi.online )
                printf(" %5u", vi.cpu);
            else
                printf("     -");
            printf("   %c%c%c   %9.1f  all / all\n",
                   vi.online && vi.running ? 'r' : '-',
                   vi.online && vi.blocked ? 'b' : '-', vi.online ? '-' : 'p',
                   (double)vi.cpu_time / 1e9);
        }
        free(name);
    }
    return 0;
}

static int cmd_vcpu_pin(int argc, char **argv)
{
    struct xen_domctl d;
    uint32_t domid;
    unsigned long vcpu, cpu = 0, lo, hi;
    uint8_t *map;
    const char *spec;
    hcall_t *h = xl_hcall();
    char *end;
    int all;

    if ( one_domain(argc, argv, "f", &domid) )
        return 1;
    need_args(argc, 3);
    all = !strcmp(argv[optind + 1], "all");
    vcpu = strtoul(argv[optind + 1], &end, 10);
    if ( !all && (*end || !argv[optind + 1][0]) )
        return xl_err("invalid vcpu: %s", argv[optind + 1]), 1;
    spec = argv[optind + 2];
    map = hcall_buf_alloc(h, 32);
    if ( !map )
        return xl_err("out of memory"), 1;
    if ( !strcmp(spec, "all") )
        memset(map, 0xff, 32);
    else
        while ( *spec )
        {
            lo = hi = strtoul(spec, &end, 10);
            if ( end == spec )
                return xl_err("invalid cpu list: %s", argv[optind + 2]), 1;
            if ( *end == '-' )
                hi = strtoul(end + 1, &end, 10);
            if ( hi < lo || hi >= 256 )
                return xl_err("invalid cpu list: %s", argv[optind + 2]), 1;
            for ( cpu = lo; cpu <= hi; cpu++ )
                map[cpu / 8] |= 1u << (cpu % 8);
            spec = *end == ',' ? end + 1 : end;
            if ( *end && *end != ',' )
                return xl_err("invalid cpu list: %s", argv[optind + 2]), 1;
        }
    for ( unsigned long v = all ? 0 : vcpu; v <= (all ? 127 : vcpu); v++ )
    {
        memset(&d, 0, sizeof(d));
        d.cmd = XEN_DOMCTL_setvcpuaffinity;
        d.domain = (domid_t)domid;
        d.u.vcpuaffinity.vcpu = (uint32_t)v;
        d.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
        set_xen_guest_handle(d.u.vcpuaffinity.cpumap_hard.bitmap, map);
        d.u.vcpuaffinity.cpumap_hard.nr_bits = 256;
        if ( hcall_domctl(h, &d) )
        {
            if ( all && v > 0 )
                break;
            xl_err("setting the affinity of vcpu %lu of domain %u: %s", v,
                   domid, strerror(errno));
            return 1;
        }
    }
    return 0;
}

static int cmd_info(int argc, char **argv)
{
    struct xen_sysctl_physinfo pi;
    hcall_t *h;
    struct utsname u;
    char ver[1024], extra[XEN_EXTRAVERSION_LEN],
        caps[XEN_CAPABILITIES_INFO_LEN];
    char cmdline[1024], chg[XEN_CHANGESET_INFO_LEN];
    long v;

    while ( getopt_cmd(argc, argv, "n") != -1 )
        ;
    h = xl_hcall();
    if ( hcall_physinfo(h, &pi) )
        return xl_err("%s", hcall_error(h)), 1;
    uname(&u);
    printf("%-23s: %s\n", "host", u.nodename);
    printf("%-23s: %s\n", "release", u.release);
    printf("%-23s: %s\n", "version", u.version);
    printf("%-23s: %s\n", "machine", u.machine);
    printf("%-23s: %u\n", "nr_cpus", pi.nr_cpus);
    printf("%-23s: %u\n", "max_cpu_id", pi.max_cpu_id);
    printf("%-23s: %u\n", "nr_nodes", pi.nr_nodes);
    printf("%-23s: %u\n", "cores_per_socket", pi.cores_per_socket);
    printf("%-23s: %u\n", "threads_per_core", pi.threads_per_core);
    printf("%-23s: %u.%03u\n", "cpu_mhz", pi.cpu_khz / 1000, pi.cpu_khz % 1000);
    printf("%-23s: %08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x\n", "hw_caps",
           pi.hw_cap[0], pi.hw_cap[1], pi.hw_cap[2], pi.hw_cap[3], pi.hw_cap[4],
           pi.hw_cap[5], pi.hw_cap[6], pi.hw_cap[7]);
    printf("%-23s:%s%s%s%s\n", "virt_caps",
           pi.capabilities & XEN_SYSCTL_PHYSCAP_pv ? " pv" : "",
           pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm ? " hvm" : "",
           pi.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1 ? " gnttab-v1" : "",
           pi.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? " gnttab-v2" : "");
    printf("%-23s: %llu\n", "total_memory",
           (unsigned long long)pi.total_pages / 256);
    printf("%-23s: %llu\n", "free_memory",
           (unsigned long long)(pi.free_pages - pi.outstanding_pages) / 256);
    printf("%-23s: %d\n", "sharing_freed_memory", 0);
    printf("%-23s: %d\n", "sharing_used_memory", 0);
    printf("%-23s: %llu\n", "outstanding_claims",
           (unsigned long long)pi.outstanding_pages / 256);
    v = hcall_xen_version(h, XENVER_version, NULL, 0);
    memset(extra, 0, sizeof(extra));
    memset(caps, 0, sizeof(caps));
    memset(cmdline, 0, sizeof(cmdline));
    memset(chg, 0, sizeof(chg));
    hcall_xen_version(h, XENVER_extraversion, extra, sizeof(extra));
    hcall_xen_version(h, XENVER_capabilities, caps, sizeof(caps));
    hcall_xen_version(h, XENVER_commandline, cmdline, sizeof(cmdline));
    hcall_xen_version(h, XENVER_changeset, chg, sizeof(chg));
    extra[sizeof(extra) - 1] = caps[sizeof(caps) - 1] = 0;
    cmdline[sizeof(cmdline) - 1] = chg[sizeof(chg) - 1] = 0;
    snprintf(ver, sizeof(ver), "%ld.%ld%s", v >> 16, v & 0xffff, extra);
    printf("%-23s: %ld\n", "xen_major", v >> 16);
    printf("%-23s: %ld\n", "xen_minor", v & 0xffff);
    printf("%-23s: %s\n", "xen_extra", extra);
    printf("%-23s: %s\n", "xen_version", ver);
    printf("%-23s: %s\n", "xen_caps", caps);
    printf("%-23s: %s\n", "xen_scheduler", "credit2");
    printf("%-23s: %d\n", "xen_pagesize", 4096);
    printf("%-23s: %s\n", "xen_changeset", chg);
    printf("%-23s: %s\n", "xen_commandline", cmdline);
    printf("%-23s: %d\n", "xend_config_format", 4);
    return 0;
}

static int cmd_dmesg(int argc, char **argv)
{
    hcall_t *h;
    char *buf;
    int clear = 0, o;
    struct xen_sysctl s;
    const uint32_t len = 16384;

    while ( (o = getopt_cmd(argc, argv, "c")) != -1 )
        clear |= o == 'c';
    h = xl_hcall();
    buf = hcall_buf_alloc(h, len);
    if ( !buf )
        return xl_err("out of memory"), 1;
    /*
     * From the start (or the last clear) on; with -c each read also clears
     * up to where it got, as libxl does: the hypervisor clears only what a
     * read consumed, so a separate empty read with clear set clears nothing.
     */
    for ( uint32_t index = 0;; )
    {
        memset(&s, 0, sizeof(s));
        s.cmd = XEN_SYSCTL_readconsole;
        s.u.readconsole.incremental = 1;
        s.u.readconsole.index = index;
        s.u.readconsole.count = len;
        s.u.readconsole.clear = (uint8_t)clear;
        set_xen_guest_handle(s.u.readconsole.buffer, buf);
        if ( hcall_sysctl(h, &s) < 0 )
            return xl_err("sysctl readconsole: %s", strerror(errno)), 1;
        if ( !s.u.readconsole.count )
            break;
        fwrite(buf, 1, s.u.readconsole.count, stdout);
        index = s.u.readconsole.index;
    }
    hcall_buf_free(h, buf, len);
    return 0;
}

static int cmd_debug_keys(int argc, char **argv)
{
    struct xen_sysctl s;
    hcall_t *h;
    size_t len;
    char *keys;

    while ( getopt_cmd(argc, argv, "") != -1 )
        ;
    need_args(argc, 1);
    h = xl_hcall();
    len = strlen(argv[optind]);
    keys = hcall_buf_alloc(h, len + 1);
    if ( !keys )
        return xl_err("out of memory"), 1;
    memcpy(keys, argv[optind], len);
    memset(&s, 0, sizeof(s));
    s.cmd = XEN_SYSCTL_debug_keys;
    set_xen_guest_handle(s.u.debug_keys.keys, keys);
    s.u.debug_keys.nr_keys = (uint32_t)len;
    if ( hcall_sysctl(h, &s) < 0 )
    {
        xl_err("cannot send debug keys: %s", strerror(errno));
        hcall_buf_free(h, keys, len + 1);
        return 1;
    }
    hcall_buf_free(h, keys, len + 1);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_uptime(uint32_t domid, int shortf)
{
    char *name = xl_domain_name(domid), *vm = xl_read(domid, "vm"), path[256];
    char *st = NULL;
    double start = 0, up;
    unsigned long s;

    if ( vm )
    {
        snprintf(path, sizeof(path), "%s/start_time", vm);
        st = xs_read(xl_store(), XBT_NULL, path, NULL);
    }
    if ( st )
        start = strtod(st, NULL);
    if ( domid == 0 || !st )
    {
        struct timespec ts;

        clock_gettime(CLOCK_BOOTTIME, &ts);
        up = ts.tv_sec;
    }
    else
        up = now_s() - start;
    s = up > 0 ? (unsigned long)up : 0;
    if ( shortf )
        printf("%02lu:%02lu:%02lu up %lu days, %s (%u)\n", s / 3600 % 24,
               s / 60 % 60, s % 60, s / 86400, name, domid);
    else
    {
        printf("%-30s %5u ", name, domid);
        if ( s >= 86400 )
            printf("%lu days, ", s / 86400);
        printf("%2lu:%02lu:%02lu\n", s / 3600 % 24, s / 60 % 60, s % 60);
    }
    free(name);
    free(vm);
    free(st);
}

static int cmd_uptime(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo info[1024];
    int shortf = 0, o, n, i;
    uint32_t domid;

    while ( (o = getopt_cmd(argc, argv, "s")) != -1 )
        shortf |= o == 's';
    if ( !shortf )
        printf("%-30s %5s %s\n", "Name", "ID", "Uptime");
    if ( optind < argc )
    {
        for ( i = optind; i < argc; i++ )
        {
            if ( xl_find_domain(argv[i], &domid) )
                return 1;
            print_uptime(domid, shortf);
        }
        return 0;
    }
    n = hcall_domain_list(xl_hcall(), 0, 1024, info);
    for ( i = 0; i < n; i++ )
        print_uptime(info[i].domain, shortf);
    return 0;
}

/* A xentop-style table; -b batch (no screen control), -i N, -d SECS. */
static int cmd_top(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo info[1024], prev[1024];
    int o, n, i, j, iters = -1, batch = 0, pn = 0;
    double delay = 3, t0 = now_s();
    struct xen_sysctl_physinfo pi;

    while ( (o = getopt_cmd(argc, argv, "bi:d:")) != -1 )
        if ( o == 'b' )
            batch = 1;
        else if ( o == 'i' )
            iters = atoi(optarg);
        else if ( o == 'd' )
            delay = atof(optarg);
    if ( !batch && iters < 0 )
        iters = -1;
    for ( int it = 0; iters < 0 || it < iters; it++ )
    {
        double t1 = now_s();

        if ( it )
            usleep((useconds_t)(delay * 1e6));
        t1 = now_s();
        n = hcall_domain_list(xl_hcall(), 0, 1024, info);
        if ( n < 0 || hcall_physinfo(xl_hcall(), &pi) )
            return xl_err("%s", hcall_error(xl_hcall())), 1;
        if ( !batch )
            printf("\033[H\033[2J");
        printf("      NAME  STATE   CPU(sec) CPU(%%)     MEM(k) MEM(%%)  "
               "MAXMEM(k) MAXMEM(%%) VCPUS\n");
        for ( i = 0; i < n; i++ )
        {
            char *name = xl_domain_name(info[i].domain);
            double pct = 0;
            unsigned long long mem = info[i].tot_pages * 4ULL,
                               maxm = info[i].max_pages * 4ULL,
                               tot = pi.total_pages * 4ULL;

            for ( j = 0; j < pn; j++ )
                if ( prev[j].domain == info[i].domain && t1 > t0 )
                    pct =
                        (info[i].cpu_time - prev[j].cpu_time) / 1e7 / (t1 - t0);
            printf("%10.10s %c%c%c%c%c%c %10llu %6.1f %10llu %6.1f %10llu "
                   "%9.1f %5u\n",
                   name, info[i].flags & XEN_DOMINF_dying ? 'd' : '-',
                   info[i].flags & XEN_DOMINF_shutdown ? 's' : '-',
                   info[i].flags & XEN_DOMINF_blocked ? 'b' : '-', '-',
                   info[i].flags & XEN_DOMINF_paused ? 'p' : '-',
                   info[i].flags & XEN_DOMINF_running ? 'r' : '-',
                   (unsigned long long)(info[i].cpu_time / 1000000000ULL), pct,
                   mem, tot ? 100.0 * mem / tot : 0, maxm,
                   tot ? 100.0 * maxm / tot : 0, info[i].nr_online_vcpus);
            free(name);
        }
        fflush(stdout);
        memcpy(prev, info, sizeof(info[0]) * (size_t)n);
        pn = n;
        t0 = t1;
    }
    return 0;
}

static int cmd_network_attach(int argc, char **argv)
{
    uint32_t domid;

    while ( getopt_cmd(argc, argv, "") != -1 )
        ;
    need_args(argc, 1);
    if ( xl_find_domain(argv[optind], &domid) )
        return 1;
    return xl_cmd_network_attach(domid, argc - optind - 1, argv + optind + 1);
}

static int cmd_network_detach(int argc, char **argv)
{
    uint32_t domid;

    while ( getopt_cmd(argc, argv, "") != -1 )
        ;
    need_args(argc, 2);
    if ( xl_find_domain(argv[optind], &domid) )
        return 1;
    return xl_cmd_network_detach(domid, argv[optind + 1]);
}

static int cmd_network_list(int argc, char **argv)
{
    uint32_t domid;
    int i;

    while ( getopt_cmd(argc, argv, "") != -1 )
        ;
    need_args(argc, 1);
    printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE",
           "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref",
           "BE-path");
    for ( i = optind; i < argc; i++ )
        if ( xl_find_domain(argv[i], &domid) == 0 )
            xl_vifs_list(domid);
    return 0;
}

static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
    {"create", xl_cmd_create, "[-c] [-p] [-q] <ConfigFile> [KEY=VALUE...]",
     "Create a domain from a config file."},
    {"list", cmd_list, "[-l] [-v] [Domain]",
     "List information about all/some domains."},
    {"destroy", cmd_destroy, "<Domain>", "Terminate a domain immediately."},
    {"network-attach", cmd_network_attach,
     "<Domain> [mac=<mac>] [bridge=<bridge>] [key=value...]",
     "Create a new virtual network device (keys as in vif = [...])."},
    {"network-detach", cmd_network_detach, "<Domain> <DevId|mac>",
     "Destroy a domain's virtual network device."},
    {"network-list", cmd_network_list, "<Domain(s)>",
     "List virtual network interfaces for a domain."},
    {"shutdown", cmd_shutdown, "[-w] <-a|Domain>",
     "Issue a shutdown signal to a domain.\n\n"
     "-a  Shutdown all guest domains.\n-w  Wait for guest(s) to shutdown."},
    {"reboot", cmd_reboot, "[-w] <-a|Domain>",
     "Issue a reboot signal to a domain."},
    {"pause", cmd_pause, "<Domain>", "Pause execution of a domain."},
    {"unpause", cmd_unpause, "<Domain>", "Unpause a paused domain."},
    {"console", cmd_console, "[-t <type>] [-n <number>] <Domain>",
     "Attach to domain's console (Ctrl-] leaves)."},
    {"info", cmd_info, "[-n]", "Get information about Xen host."},
    {"dmesg", cmd_dmesg, "[-c]",
     "Read and/or clear dmesg buffer.\n\n-c  Clear dmesg buffer as well as "
     "printing it."},
    {"debug-keys", cmd_debug_keys, "<Keys>",
     "Send debug keys to the hypervisor (its output: xl dmesg)."},
    {"domid", cmd_domid, "<DomainName>", "Convert a domain name to domain id."},
    {"domname", cmd_domname, "<DomainId>",
     "Convert a domain id to domain name."},
    {"rename", cmd_rename, "<Domain> <NewDomainName>", "Rename a domain."},
    {"vcpu-list", cmd_vcpu_list, "[Domain, ...]",
     "List the VCPUs for all/some domains."},
    {"vcpu-pin", cmd_vcpu_pin, "<Domain> <VCPU|all> <CPUs|all>",
     "Set which CPUs a VCPU can use."},
    {"mem-set", cmd_mem_set, "<Domain> <MemKB>",
     "Set the current memory usage for a domain (the guest's balloon target).\n"
     "The default unit is KiB; add m, g or t for MiB, GiB, TiB."},
    {"mem-max", cmd_mem_max, "<Domain> <MemKB>",
     "Set the maximum amount reservation for a domain."},
    {"uptime", cmd_uptime, "[-s] [Domain]",
     "Print uptime for all/some domains."},
    {"top", cmd_top, "[-b] [-i ITERATIONS] [-d DELAY]",
     "Monitor a host and the domains in real time (-b: batch output)."},
    {"block-attach", xl_cmd_block_attach,
     "<Domain> <disk-spec-component(s)>...",
     "Create a new virtual block device."},
    {"block-list", xl_cmd_block_list, "<Domain(s)>",
     "List virtual block devices for a domain."},
    {"block-detach", xl_cmd_block_detach, "[-f] <Domain> <DevId>",
     "Destroy a domain's virtual block device."},
    {"help", cmd_help, "[command]", "Print this help."},
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static int cmd_help(int argc, char **argv)
{
    size_t i;

    if ( argc > 1 )
        for ( i = 0; i < NCMDS; i++ )
            if ( !strcmp(cmds[i].name, argv[1]) )
                return usage_of(&cmds[i], stdout);
    printf("Usage xl [-v] [-N] <subcommand> [args]\n\nxl full list of "
           "subcommands:\n\n");
    for ( i = 0; i < NCMDS; i++ )
    {
        const char *nl = strchr(cmds[i].help, '\n');
        int len = nl ? (int)(nl - cmds[i].help) : (int)strlen(cmds[i].help);

        printf(" %-19s %.*s\n", cmds[i].name, len, cmds[i].help);
    }
    return 0;
}

int main(int argc, char **argv)
{
    size_t i;

    /* Global options of xl: -v (verbose), -N (dry run) are accepted. */
    while ( argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "-h") &&
            strcmp(argv[1], "--help") )
    {
        argv++;
        argc--;
    }
    if ( argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") )
    {
        cmd_help(1, argv);
        return argc < 2 ? 1 : 0;
    }
    for ( i = 0; i < NCMDS; i++ )
        if ( !strcmp(cmds[i].name, argv[1]) )
        {
            cur = &cmds[i];
            optind = 1;
            return cmds[i].fn(argc - 1, argv + 1);
        }
    xl_err("command not implemented");
    cmd_help(1, argv);
    return 1;
}
