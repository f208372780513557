/* SPDX-License-Identifier: GPL-2.0-only */
/* The xenstore-* tools as one multi-call binary, options as in Xen's. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

enum mode {
    M_UNKNOWN,
    M_CHMOD,
    M_EXISTS,
    M_LIST,
    M_LS,
    M_READ,
    M_RM,
    M_WRITE,
    M_WATCH,
    M_CONTROL
};

struct opts {
    enum mode mode;
    bool prefix, tidy, upto, recurse, raw;
    int nr_watches;
    struct ls_opts ls;
};

/* Output of read and list is held back until the transaction commits. */
static char *out;
static size_t out_len, out_cap;

static void output(const char *data, size_t len)
{
    if ( out_len + len + 1 > out_cap )
    {
        out_cap = (out_len + len + 1) * 2;
        out = realloc(out, out_cap);
        if ( !out )
            err(1, "malloc");
    }
    memcpy(out + out_len, data, len);
    out_len += len;
}

static void outputf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void outputf(const char *fmt, ...)
{
    char *s;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if ( n < 0 )
        err(1, "output");
    output(s, (size_t)n);
    free(s);
}

static void usage(int code, enum mode m, int with_mode, const char *prog)
{
    static const char *const names[] = {
        "",      "chmod ", "exists ", "list ",  "ls ",
        "read ", "rm ",    "write ",  "watch ", "control "};
    const char *ms = with_mode ? names[m] : "";

    switch ( m )
    {
    case M_READ:
        errx(code, "Usage: %s %s[-h] [-p] [-s] [-R] key [...]", prog, ms);
    case M_WRITE:
        errx(code, "Usage: %s %s[-h] [-s] [-R] key value [...]", prog, ms);
    case M_RM:
        errx(code, "Usage: %s %s[-h] [-s] [-t] key [...]", prog, ms);
    case M_EXISTS:
    case M_LIST:
        errx(code, "Usage: %s %s[-h] [-p] [-s] key [...]", prog, ms);
    case M_LS:
        errx(code, "Usage: %s %s[-h] [-f] [-p] [-s] [path]", prog, ms);
    case M_CHMOD:
        errx(code, "Usage: %s %s[-h] [-u] [-r] [-s] key <mode [modes...]>",
             prog, ms);
    case M_WATCH:
        errx(code, "Usage: %s %s[-h] [-n NR] key", prog, ms);
    case M_CONTROL:
        errx(code, "Usage: %s %s<command> [<arg>...]", prog, ms);
    default:
        errx(code, "Usage: %s <mode> [-h] [...]", prog);
    }
}

static enum mode lookup_mode(const char *m)
{
    static const struct {
        const char *name;
        enum mode mode;
    } t[] = {{"read", M_READ},   {"chmod", M_CHMOD}, {"exists", M_EXISTS},
             {"list", M_LIST},   {"ls", M_LS},       {"rm", M_RM},
             {"write", M_WRITE}, {"watch", M_WATCH}, {"control", M_CONTROL}};
    size_t i;

    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
        if ( !strcmp(m, t[i].name) )
            return t[i].mode;
    errx(1, "unknown mode %s\n", m);
}

static int do_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    if ( xs_rm(h, t, path) )
        return 0;
    warnx("could not remove path %s", path);
    return 1;
}

/* -t: also remove parents left empty and valueless, up to the root. */
static int rm_tidy(struct xs_handle *h, xs_transaction_t t, const char *arg)
{
    char *p = strdup(arg), *slash;

    if ( !p )
        return 1;
    for ( ;; )
    {
        unsigned int len, num;
        char *val, **list;

        if ( do_rm(h, t, p) )
        {
            free(p);
            return 1;
        }
        slash = strrchr(p, '/');
        if ( !slash )
            break;
        *slash = 0;
        val = xs_read(h, t, p, &len);
        free(val);
        if ( !val || len )
            break;
        list = xs_directory(h, t, p, &num);
        free(list);
        if ( !list || num )
            break;
    }
    free(p);
    return 0;
}

static void do_chmod(struct xs_handle *h, xs_transaction_t t, char *path,
                     struct xs_permissions *p, unsigned int n,
                     const struct opts *o, bool upto, bool recurse)
{
    if ( !path[0] )
        return;
    if ( !xs_set_permissions(h, t, path, p, n) )
        err(1, "Error occurred setting permissions on '%s'", path);
    if ( upto )
    {
        char *s = strrchr(path, '/');

        if ( !s )
            errx(1, "Unable to locate path separator '/' in '%s'", path);
        *s = 0;
        do_chmod(h, t, path, p, n, o, true, false);
        *s = '/';
    }
    if ( recurse )
    {
        unsigned int num, i;
        char **kids = xs_directory(h, t, path, &num);

        for ( i = 0; kids && i < num; i++ )
        {
            char *c = malloc(strlen(path) + strlen(kids[i]) + 2);

            if ( !c )
                err(1, "malloc");
            sprintf(c, "%s/%s", path, kids[i]);
            do_chmod(h, t, c, p, n, o, false, true);
            free(c);
        }
        free(kids);
    }
}

static void chmod_mode(struct xs_handle *h, xs_transaction_t t, int argc,
                       char **argv, const struct opts *o)
{
    unsigned int n = (unsigned int)(argc - 1), i;
    struct xs_permissions *p = calloc(n ? n : 1, sizeof(*p));
    char *path = strdup(argv[0]);

    if ( !p || !path )
        err(1, "malloc");
    for ( i = 0; i < n; i++ )
    {
        const char *s = argv[i + 1];

        p[i].id = (unsigned int)atoi(s + 1);
        switch ( s[0] )
        {
        case 'n':
            p[i].perms = XS_PERM_NONE;
            break;
        case 'r':
            p[i].perms = XS_PERM_READ;
            break;
        case 'w':
            p[i].perms = XS_PERM_WRITE;
            break;
        case 'b':
            p[i].perms = XS_PERM_READ | XS_PERM_WRITE;
            break;
        default:
            errx(1, "Invalid permission specification: '%c'", s[0]);
        }
    }
    do_chmod(h, t, path, p, n, o, o->upto, o->recurse);
    free(path);
    free(p);
}

static void watch_mode(struct xs_handle *h, int argc, char **argv,
                       const struct opts *o)
{
    int i, count;

    for ( i = 0; i < argc; i++ )
        if ( !xs_watch(h, argv[i], argv[i]) )
            errx(1, "Unable to add watch on %s\n", argv[i]);
    for ( count = 0; o->nr_watches == -1 || count < o->nr_watches; count++ )
    {
        unsigned int num;
        char **v = xs_read_watch(h, &num);

        if ( !v )
        {
            if ( errno == EINTR )
                continue;
            err(1, "xs_read_watch");
        }
        printf("%s\n", v[XS_WATCH_PATH]);
        fflush(stdout);
        free(v);
    }
}

static int read_one(struct xs_handle *h, xs_transaction_t t, const char *k,
                    const struct opts *o)
{
    unsigned int len;
    char *val = xs_read(h, t, k, &len);

    if ( !val )
    {
        warnx("couldn't read path %s", k);
        return 1;
    }
    if ( o->prefix )
        outputf("%s: ", k);
    if ( o->raw )
        output(val, len);
    else
        outputf("%s\n", escape_value(val, len));
    free(val);
    return 0;
}

static int write_one(struct xs_handle *h, xs_transaction_t t, const char *k,
                     const char *spec, const struct opts *o)
{
    unsigned int len = (unsigned int)strlen(spec);
    char *val = malloc(len + 1);
    bool ok;

    if ( !val )
        err(1, "malloc");
    if ( o->raw )
        memcpy(val, spec, len + 1);
    else
        unescape_value(val, &len, spec);
    ok = xs_write(h, t, k, val, len);
    free(val);
    if ( !ok )
    {
        warnx("could not write path %s", k);
        return 1;
    }
    return 0;
}

static int list_one(struct xs_handle *h, xs_transaction_t t, const char *k,
                    const struct opts *o)
{
    unsigned int num, i;
    char **list = xs_directory(h, t, k, &num);
    /* Xen 4.17's tool prints "//x" for the root; so do we. */
    const char *pref = k;

    if ( !list )
    {
        warnx("could not list path %s", k);
        return 1;
    }
    for ( i = 0; i < num; i++ )
    {
        if ( o->prefix )
            outputf("%s/", pref);
        outputf("%s\n", list[i]);
    }
    free(list);
    return 0;
}

static int control_mode(struct xs_handle *h, int argc, char **argv)
{
    char *r = xs_control(h, (const char *const *)argv, (unsigned int)argc);

    if ( !r )
        err(1, "control %s", argv[0]);
    printf("%s%s", r, r[0] && r[strlen(r) - 1] != '\n' ? "\n" : "");
    free(r);
    return 0;
}

static int perform(struct xs_handle *h, xs_transaction_t t, int argc,
                   char **argv, const struct opts *o)
{
    int i;

    switch ( o->mode )
    {
    case M_LS:
        do_ls(h, argc ? argv[0] : "/", 0, &o->ls);
        return 0;
    case M_CHMOD:
        chmod_mode(h, t, argc, argv, o);
        return 0;
    case M_WATCH:
        watch_mode(h, argc, argv, o);
        return 0;
    case M_CONTROL:
        return control_mode(h, argc, argv);
    default:
        break;
    }
    for ( i = 0; i < argc; i++ )
    {
        unsigned int len;
        char *v;

        switch ( o->mode )
        {
        case M_READ:
            if ( read_one(h, t, argv[i], o) )
                return 1;
            break;
        case M_WRITE:
            if ( write_one(h, t, argv[i], argv[i + 1], o) )
                return 1;
            i++;
            break;
        case M_RM:
            if ( o->tidy ? rm_tidy(h, t, argv[i]) : do_rm(h, t, argv[i]) )
                return 1;
            break;
        case M_EXISTS:
            v = xs_read(h, t, argv[i], &len);
            if ( !v )
                return 1;
            free(v);
            break;
        default:
            if ( list_one(h, t, argv[i], o) )
                return 1;
            break;
        }
    }
    return 0;
}

static void parse_opts(int argc, char **argv, int sw, struct opts *o)
{
    static const struct option lo[] = {
        {"help", 0, NULL, 'h'},    {"flat", 0, NULL, 'f'},
        {"socket", 0, NULL, 's'},  {"prefix", 0, NULL, 'p'},
        {"tidy", 0, NULL, 't'},    {"upto", 0, NULL, 'u'},
        {"recurse", 0, NULL, 'r'}, {"number", 1, NULL, 'n'},
        {"raw", 0, NULL, 'R'},     {NULL, 0, NULL, 0}};
    enum mode m = o->mode;
    const char *prog = argv[0];
    int c;

    if ( m == M_CONTROL )
        return;
    while ( (c = getopt_long(argc - sw, argv + sw, "hfspturn:R", lo, NULL)) !=
            -1 )
    {
        bool ok = true;

        switch ( c )
        {
        case 'h':
            usage(0, m, sw, prog);
            break;
        case 's':
            break;
        case 'f':
            ok = m == M_LS;
            o->ls.max_width = INT_MAX / 2;
            o->ls.desired_width = 0;
            o->ls.whole_path = true;
            break;
        case 'p':
            ok = m == M_READ || m == M_LIST || m == M_LS;
            o->prefix = o->ls.perms = true;
            break;
        case 't':
            ok = m == M_RM;
            o->tidy = true;
            break;
        case 'u':
            ok = m == M_CHMOD;
            o->upto = true;
            break;
        case 'r':
            ok = m == M_CHMOD;
            o->recurse = true;
            break;
        case 'n':
            ok = m == M_WATCH;
            o->nr_watches = atoi(optarg);
            break;
        case 'R':
            ok = m == M_READ || m == M_WRITE;
            o->raw = true;
            break;
        default:
            ok = false;
            break;
        }
        if ( !ok )
            usage(1, m, sw, prog);
    }
}

static bool wants_transaction(enum mode m, int nargs)
{
    switch ( m )
    {
    case M_READ:
        return nargs > 1;
    case M_WRITE:
        return nargs > 2;
    case M_LS:
    case M_WATCH:
    case M_CONTROL:
        return false;
    default:
        return true;
    }
}

int main(int argc, char **argv)
{
    const char *cmd = strrchr(argv[0], '/');
    struct opts o;
    struct xs_handle *h;
    xs_transaction_t t = XBT_NULL;
    struct winsize ws;
    int sw = 0, nargs, ret;
    char **args;

    memset(&o, 0, sizeof(o));
    o.nr_watches = -1;
    o.ls.max_width = 80;
    o.ls.desired_width = 60;
    cmd = cmd ? cmd + 1 : argv[0];
    if ( !strncmp(cmd, "xenstore-", 9) )
        cmd += 9;
    else if ( argc < 2 )
        usage(1, M_UNKNOWN, 0, argv[0]);
    else
    {
        cmd = argv[1];
        sw = 1;
    }
    o.mode = lookup_mode(cmd);
    parse_opts(argc, argv, sw, &o);
    if ( o.mode == M_CONTROL )
        optind = 1;
    args = argv + sw + optind;
    nargs = argc - sw - optind;
    if ( (o.mode == M_WRITE && nargs % 2) || (o.mode != M_LS && !nargs) )
        usage(1, o.mode, sw, argv[0]);
    if ( o.mode == M_LS && !o.ls.whole_path &&
         !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) )
        o.ls.max_width = ws.ws_col - 2;
    h = xs_open(0);
    if ( !h )
        err(1, "xs_open");
again:
    if ( wants_transaction(o.mode, nargs) )
    {
        t = xs_transaction_start(h);
        if ( t == XBT_NULL )
            errx(1, "couldn't start transaction");
    }
    ret = perform(h, t, nargs, args, &o);
    if ( wants_transaction(o.mode, nargs) && !xs_transaction_end(h, t, ret) )
    {
        if ( ret == 0 && errno == EAGAIN )
        {
            out_len = 0;
            goto again;
        }
        errx(1, "couldn't end transaction");
    }
    if ( out_len )
        fwrite(out, 1, out_len, stdout);
    free(out);
    xs_close(h);
    return ret;
}
