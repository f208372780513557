/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xl create: the config, the builder, the xenstore nodes libxl writes for
 * a PV domain (toolstack-abi.md §5.3), the introduction to xenstored, the
 * wait for the console daemon's pty, the unpause, and the monitor process
 * that applies on_poweroff / on_reboot / on_crash / on_watchdog.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "builder.h"
#include "xl.h"
#include "blkdev.h"
#include "xl_vif.h"
#include "xswait.h"
#include <xen/sched.h>

#define CONSOLE_WAIT_MS 10000 /* libxl's LIBXL_INIT_TIMEOUT */

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if ( !f )
    {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    do
    {
        if ( len + 4096 + 1 > cap )
        {
            cap = (len + 4096 + 1) * 2;
            buf = realloc(buf, cap);
            if ( !buf )
                abort();
        }
        n = fread(buf + len, 1, 4096, f);
        len += n;
    } while ( n );
    fclose(f);
    buf[len] = 0;
    if ( strlen(buf) != len )
    {
        snprintf(err, errlen, "%s: contains a NUL byte", path);
        free(buf);
        return NULL;
    }
    return buf;
}

static void make_uuid(char out[37])
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), i;

    if ( fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b) )
        for ( i = 0; i < 16; i++ )
            b[i] = (unsigned char)(rand() ^ time(NULL));
    if ( fd >= 0 )
        close(fd);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
}

/* Writes and sets perms in one transaction; nperms 0: inherit. */
struct node {
    char path[256];
    char val[512];
    int perm; /* 0 inherit, 'o' read-only for the guest, 'w' guest's */
};

static int nnodes;
static struct node nodes[96];

static void add(int perm, const char *val, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(int perm, const char *val, const char *fmt, ...)
{
    va_list ap;
    struct node *n = &nodes[nnodes++];

    va_start(ap, fmt);
    vsnprintf(n->path, sizeof(n->path), fmt, ap);
    va_end(ap);
    snprintf(n->val, sizeof(n->val), "%s", val);
    n->perm = perm;
}

/*
 * The nodes in one transaction, sent as one batch: a round trip per node
 * (a write and often an ACL) was most of xl create's time.
 */
static int write_nodes(uint32_t domid)
{
    struct xs_handle *xs = xl_store();
    struct xs_permissions ro[2] = {{0, XS_PERM_NONE}, {domid, XS_PERM_READ}};
    struct xs_permissions rw[1] = {{domid, XS_PERM_NONE}};
    struct xs_batch_op ops[2 * sizeof(nodes) / sizeof(nodes[0])];
    unsigned int nops = 0, bad;
    int tries, i;

    for ( i = 0; i < nnodes; i++ )
    {
        ops[nops++] = (struct xs_batch_op){nodes[i].path, nodes[i].val,
                                           (unsigned int)strlen(nodes[i].val),
                                           NULL, 0};
        if ( nodes[i].perm == 'o' )
            ops[nops++] = (struct xs_batch_op){nodes[i].path, NULL, 0, ro, 2};
        else if ( nodes[i].perm == 'w' )
            ops[nops++] = (struct xs_batch_op){nodes[i].path, NULL, 0, rw, 1};
    }
    for ( tries = 0; tries < 10; tries++ )
    {
        xs_transaction_t t = xs_transaction_start(xs);

        if ( t == XBT_NULL )
            break;
        if ( !xs_batch(xs, t, ops, nops, &bad) )
        {
            int e = errno;

            xs_transaction_end(xs, t, true);
            xl_err("writing %s for domain %u: %s", ops[bad].path, domid,
                   strerror(e));
            return -1;
        }
        if ( xs_transaction_end(xs, t, false) )
            return 0;
        if ( errno != EAGAIN )
            break;
    }
    xl_err("writing the xenstore nodes of domain %u: %s", domid,
           strerror(errno));
    return -1;
}

static void fill_nodes(const struct xlcfg *c, const struct domu *d,
                       const char *uuid, const char *cmdline)
{
    unsigned int maxv = c->maxvcpus ? c->maxvcpus : c->vcpus, i;
    unsigned long maxmem = c->maxmem_mib ? c->maxmem_mib : c->memory_mib;
    uint32_t n = d->domid;
    char v[64], dp[64], vm[64];

    nnodes = 0;
    snprintf(dp, sizeof(dp), "/local/domain/%u", n);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid);
    add('o', "", "%s", dp);
    add(0, vm, "%s/vm", dp);
    add(0, c->name, "%s/name", dp);
    snprintf(v, sizeof(v), "%u", n);
    add(0, v, "%s/domid", dp);
    add('o', "", "%s/cpu", dp);
    for ( i = 0; i < maxv && i < 32; i++ )
        add('o', i < c->vcpus ? "online" : "offline", "%s/cpu/%u/availability",
            dp, i);
    add('o', "", "%s/memory", dp);
    snprintf(v, sizeof(v), "%lu", maxmem * 1024);
    add('o', v, "%s/memory/static-max", dp);
    snprintf(v, sizeof(v), "%lu", c->memory_mib * 1024);
    add('o', v, "%s/memory/target", dp);
    add('o', "0", "%s/memory/videoram", dp);
    add('o', "", "%s/device", dp);
    add('w', "", "%s/device/suspend/event-channel", dp);
    add('o', "", "%s/control", dp);
    add('w', "", "%s/control/shutdown", dp);
    add('w', "", "%s/control/feature-poweroff", dp);
    add('w', "", "%s/control/feature-reboot", dp);
    add('w', "", "%s/control/feature-suspend", dp);
    add('w', "", "%s/control/sysrq", dp);
    add('o', "1", "%s/control/platform-feature-multiprocessor-suspend", dp);
    add('o', "1", "%s/control/platform-feature-xs_reset_watches", dp);
    add('w', "", "%s/data", dp);
    add('w', "", "%s/drivers", dp);
    add('w', "", "%s/feature", dp);
    add('w', "", "%s/attr", dp);
    add('w', "", "%s/error", dp);
    snprintf(v, sizeof(v), "%u", d->store_port);
    add('o', v, "%s/store/port", dp);
    snprintf(v, sizeof(v), "%llu", (unsigned long long)d->store_mfn);
    add('o', v, "%s/store/ring-ref", dp);
    add('o', "", "%s/console", dp);
    snprintf(v, sizeof(v), "/local/domain/0/backend/console/%u/0", n);
    add(0, v, "%s/console/backend", dp);
    add('w', "0", "%s/console/backend-id", dp);
    add(0, "1048576", "%s/console/limit", dp);
    add(0, "xenconsoled", "%s/console/type", dp);
    add(0, "pty", "%s/console/output", dp);
    add(0, "", "%s/console/tty", dp);
    snprintf(v, sizeof(v), "%llu", (unsigned long long)d->console_mfn);
    add(0, v, "%s/console/ring-ref", dp);
    /* The port last: the console daemon connects when it appears. */
    snprintf(v, sizeof(v), "%u", d->console_port);
    add(0, v, "%s/console/port", dp);
    add('o', "", "/local/domain/0/backend/console/%u/0", n);
    add(0, dp, "/local/domain/0/backend/console/%u/0/frontend", n);
    snprintf(v, sizeof(v), "%u", n);
    add(0, v, "/local/domain/0/backend/console/%u/0/frontend-id", n);
    add(0, "1", "/local/domain/0/backend/console/%u/0/online", n);
    add(0, "1", "/local/domain/0/backend/console/%u/0/state", n);
    add(0, "vt100", "/local/domain/0/backend/console/%u/0/protocol", n);
    add('o', "", "%s", vm);
    add(0, uuid, "%s/uuid", vm);
    add(0, c->name, "%s/name", vm);
    add(0, "linux", "%s/image/ostype", vm);
    add(0, c->kernel, "%s/image/kernel", vm);
    add(0, c->ramdisk ? c->ramdisk : "", "%s/image/ramdisk", vm);
    add(0, cmdline, "%s/image/cmdline", vm);
    snprintf(v, sizeof(v), "%ld.00", (long)time(NULL));
    add(0, v, "%s/start_time", vm);
    add(0, "pv", "/libxl/%u/type", n);
    add(0, vm, "/libxl/%u/vm-path", n);
}

static bool console_written(struct xs_handle *xs, void *ctx)
{
    char *tty = xs_read(xs, XBT_NULL, ctx, NULL);
    bool ok = tty && tty[0];

    free(tty);
    return ok;
}

/*
 * Until the console daemon has written the pty's path, as libxl waits: by
 * a watch, as soon as the path is there. Polling every 20 ms made each
 * create sleep 20 ms for a daemon that answers in well under one.
 */
static int wait_console(uint32_t domid)
{
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", domid);
    return xs_wait_until(xl_store(), path, CONSOLE_WAIT_MS, console_written,
                         path);
}

/* Builds, describes and (unless paused) starts one domain: its id or -1. */
static int build_one(const struct xlcfg *c, int paused, uint32_t *domid)
{
    struct domu_config dc;
    struct domu d;
    char msg[512], uuid[37];
    char *cmdline = xlcfg_kernel_cmdline(c);
    hcall_t *h = xl_hcall();
    unsigned int i;

    /* A missing image is reported before anything is built. */
    for ( i = 0; i < c->ndisks; i++ )
        if ( blk_check(&c->disks[i]) )
        {
            free(cmdline);
            return -1;
        }
    memset(&dc, 0, sizeof(dc));
    dc.kernel = c->kernel;
    dc.initrd = c->ramdisk;
    dc.cmdline = cmdline;
    dc.memory_mib = c->memory_mib;
    dc.vcpus = c->maxvcpus ? c->maxvcpus : c->vcpus;
    dc.domid = DOMID_INVALID;
    dc.start_paused = 1;
    if ( domu_build(h, &dc, &d, msg, sizeof(msg)) )
    {
        xl_err("%s", msg);
        free(cmdline);
        return -1;
    }
    *domid = d.domid;
    if ( c->maxmem_mib > c->memory_mib &&
         hcall_domain_max_mem(h, d.domid, (c->maxmem_mib + 1) * 1024) )
    {
        xl_err("%s", hcall_error(h));
        goto fail;
    }
    if ( c->uuid )
        snprintf(uuid, sizeof(uuid), "%s", c->uuid);
    else
        make_uuid(uuid);
    fill_nodes(c, &d, uuid, cmdline);
    if ( write_nodes(d.domid) )
        goto fail;
    if ( !xs_introduce_domain(xl_store(), d.domid, d.store_mfn, d.store_port) )
    {
        xl_err("introducing domain %u to xenstored: %s", d.domid,
               strerror(errno));
        goto fail;
    }
    if ( wait_console(d.domid) )
    {
        xl_err("no console daemon answered for domain %u in %d s "
               "(is xenia-consoled running?)",
               d.domid, CONSOLE_WAIT_MS / 1000);
        goto fail;
    }
    /* Devices while the domain is still paused, as xl does. */
    for ( i = 0; i < c->ndisks; i++ )
        if ( blk_attach(d.domid, &c->disks[i]) )
            goto fail;
    /* Devices go in while it is paused, as xl does: backends are ready
     * before the guest's first instruction. */
    if ( xl_vifs_add_all(d.domid, c) )
        goto fail;
    if ( !paused && hcall_domain_unpause(h, d.domid) )
    {
        xl_err("%s", hcall_error(h));
        goto fail;
    }
    free(cmdline);
    return 0;
fail:
    free(cmdline);
    xl_destroy_domain(d.domid);
    return -1;
}

static void monitor_log(const char *name)
{
    char path[4096];
    int fd;

    mkdir("/var/log/xen", 0755);
    snprintf(path, sizeof(path), "/var/log/xen/xl-%s.log", name);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if ( fd < 0 )
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    dup2(fd, 0);
    close(fd);
}

static const char *const reasons[] = {"poweroff", "reboot",   "suspend",
                                      "crash",    "watchdog", "soft_reset"};

/*
 * The per-domain monitor xl leaves behind: on @releaseDomain it looks at
 * the domain and applies the config's action for the shutdown reason.
 */
static void monitor(struct xlcfg *c, uint32_t domid)
{
    struct xs_handle *xs;
    hcall_t *h = xl_hcall();
    char **ev;
    unsigned int num;
    int restarts = 0;

    monitor_log(c->name);
    xs = xl_store();
    if ( !xs_watch(xs, "@releaseDomain", "xl-monitor") )
        _exit(1);
    printf("monitoring domain %u (%s)\n", domid, c->name);
    fflush(stdout);
    while ( (ev = xs_read_watch(xs, &num)) )
    {
        struct xen_domctl_getdomaininfo info;
        enum xlcfg_action act;
        unsigned int reason;

        free(ev);
        if ( hcall_domain_getinfo(h, domid, &info) ||
             (info.flags & XEN_DOMINF_dying) )
        {
            printf("domain %u is gone\n", domid);
            xl_forget(domid);
            _exit(0);
        }
        if ( !(info.flags & XEN_DOMINF_shutdown) )
            continue;
        reason =
            (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
        switch ( reason )
        {
        case SHUTDOWN_poweroff:
            act = c->on_poweroff;
            break;
        case SHUTDOWN_reboot:
            act = c->on_reboot;
            break;
        case SHUTDOWN_watchdog:
            act = c->on_watchdog;
            break;
        case SHUTDOWN_suspend:
            continue;
        default:
            act = c->on_crash;
            break;
        }
        printf("domain %u shut down (%s): %s\n", domid,
               reason < 6 ? reasons[reason] : "?", xlcfg_action_name(act));
        fflush(stdout);
        switch ( act )
        {
        case XLCFG_PRESERVE:
        case XLCFG_SOFT_RESET:
            _exit(0);
        case XLCFG_RENAME_RESTART:
        {
            char newname[128];

            snprintf(newname, sizeof(newname), "%s-%u", c->name, domid);
            xl_write(domid, "name", newname);
            break;
        }
        case XLCFG_DESTROY:
        case XLCFG_COREDUMP_DESTROY:
        case XLCFG_RESTART:
        case XLCFG_COREDUMP_RESTART:
            xl_destroy_domain(domid);
            break;
        }
        if ( act == XLCFG_DESTROY || act == XLCFG_COREDUMP_DESTROY )
            _exit(0);
        /* Restart: a fresh domain of the same config, watched in turn. */
        if ( ++restarts > 100 || build_one(c, 0, &domid) )
            _exit(1);
        printf("restarted as domain %u\n", domid);
        fflush(stdout);
    }
    _exit(0);
}

static int usage(FILE *f)
{
    fputs(
        "Usage: xl create [-c] [-p] [-q] <ConfigFile> [KEY=VALUE...]\n\n"
        "Create a domain from a config file.\n\n"
        "Options:\n"
        "-h                      Print this help.\n"
        "-p                      Leave the domain paused after it is created.\n"
        "-c                      Connect to the console after the domain is "
        "created.\n"
        "-q, --quiet             Quiet.\n"
        "-F                      Run in foreground until death of the "
        "domain.\n",
        f);
    return f == stdout ? 0 : 1;
}

int xl_cmd_create(int argc, char **argv)
{
    static const struct option lo[] = {
        {"quiet", 0, NULL, 'q'}, {"help", 0, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int paused = 0, console = 0, quiet = 0, fg = 0, opt, i;
    struct xlcfg c;
    char err[512], *text;
    const char *file;
    uint32_t domid, tmp;
    pid_t pid;

    optind = 1;
    while ( (opt = getopt_long(argc, argv, "+hpcqFf:", lo, NULL)) != -1 )
        switch ( opt )
        {
        case 'p':
            paused = 1;
            break;
        case 'c':
            console = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'F':
            fg = 1;
            break;
        case 'h':
            return usage(stdout);
        default:
            return usage(stderr);
        }
    if ( optind >= argc )
        return usage(stderr);
    file = argv[optind++];
    xlcfg_init(&c);
    if ( !quiet )
        fprintf(stderr, "Parsing config from %s\n", file);
    text = read_file(file, err, sizeof(err));
    if ( !text || xlcfg_parse(&c, file, text, err, sizeof(err)) )
        goto bad;
    free(text);
    text = NULL;
    for ( i = optind; i < argc; i++ )
        if ( xlcfg_override(&c, argv[i], err, sizeof(err)) )
            goto bad;
    if ( xlcfg_check(&c, file, err, sizeof(err)) )
        goto bad;
    if ( access(c.kernel, R_OK) )
    {
        snprintf(err, sizeof(err), "%s: kernel %s: %s", file, c.kernel,
                 strerror(errno));
        goto bad;
    }
    if ( c.ramdisk && access(c.ramdisk, R_OK) )
    {
        snprintf(err, sizeof(err), "%s: ramdisk %s: %s", file, c.ramdisk,
                 strerror(errno));
        goto bad;
    }
    if ( xl_vifs_check(&c, err, sizeof(err)) )
        goto bad;
    if ( xl_find_domain_quiet(c.name, &tmp) == 0 )
    {
        snprintf(err, sizeof(err), "domain with name \"%s\" already exists",
                 c.name);
        goto bad;
    }
    if ( build_one(&c, paused, &domid) )
    {
        xlcfg_free(&c);
        return 1;
    }
    if ( !quiet )
        fprintf(stderr, "Started domain %s (id=%u)\n", c.name, domid);
    fflush(NULL);
    if ( fg )
        monitor(&c, domid);
    pid = fork();
    if ( pid == 0 )
    {
        /* The monitor outlives this command, as xl's does. */
        setsid();
        if ( fork() == 0 )
        {
            xs_close(xl_xs);
            xl_xs = NULL;
            monitor(&c, domid);
        }
        _exit(0);
    }
    if ( pid > 0 )
        waitpid(pid, NULL, 0);
    xlcfg_free(&c);
    if ( console )
        return xl_console(domid) ? 1 : 0;
    return 0;
bad:
    free(text);
    xl_err("%s", err);
    xlcfg_free(&c);
    return 1;
}
