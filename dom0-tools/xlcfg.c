/* SPDX-License-Identifier: GPL-2.0-only */
/* xl.cfg parsing: a small lexer, then one setter per key. */
#include "xlcfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const action_names[] = {
    [XLCFG_DESTROY] = "destroy",
    [XLCFG_RESTART] = "restart",
    [XLCFG_PRESERVE] = "preserve",
    [XLCFG_RENAME_RESTART] = "rename-restart",
    [XLCFG_COREDUMP_DESTROY] = "coredump-destroy",
    [XLCFG_COREDUMP_RESTART] = "coredump-restart",
    [XLCFG_SOFT_RESET] = "soft-reset",
};

const char *xlcfg_action_name(enum xlcfg_action a)
{
    return (unsigned)a < sizeof(action_names) / sizeof(action_names[0])
               ? action_names[a]
               : "?";
}

void xlcfg_init(struct xlcfg *c)
{
    memset(c, 0, sizeof(*c));
    c->memory_mib = 128;
    c->vcpus = 1;
    c->on_poweroff = XLCFG_DESTROY;
    c->on_reboot = XLCFG_RESTART;
    c->on_crash = XLCFG_DESTROY;
    c->on_watchdog = XLCFG_DESTROY;
}

void xlcfg_free(struct xlcfg *c)
{
    free(c->name);
    free(c->kernel);
    free(c->ramdisk);
    free(c->cmdline);
    free(c->extra);
    free(c->root);
    free(c->cpus);
    free(c->uuid);
    for ( unsigned int i = 0; i < c->ndisks; i++ )
        diskspec_free(&c->disks[i]);
    free(c->disks);
    for ( unsigned int i = 0; i < c->nvifs; i++ )
        vifspec_free(&c->vifs[i]);
    free(c->vifs);
    memset(c, 0, sizeof(*c));
}

/* The parser's state: where we are, for messages. */
struct lex {
    const char *p, *file;
    unsigned int line;
    char *err;
    size_t errlen;
};

static int fail(struct lex *l, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(l->err, l->errlen, "%s:%u: ", l->file, l->line);

    va_start(ap, fmt);
    if ( n >= 0 && (size_t)n < l->errlen )
        vsnprintf(l->err + n, l->errlen - n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Skips blanks and comments; newlines too when in_list. */
static void skip(struct lex *l, int in_list)
{
    for ( ;; )
    {
        if ( *l->p == ' ' || *l->p == '\t' || *l->p == '\r' )
            l->p++;
        else if ( *l->p == '\\' && l->p[1] == '\n' )
        {
            l->p += 2;
            l->line++;
        }
        else if ( *l->p == '#' )
            while ( *l->p && *l->p != '\n' )
                l->p++;
        else if ( in_list && *l->p == '\n' )
        {
            l->p++;
            l->line++;
        }
        else
            return;
    }
}

enum vkind { V_STRING, V_NUMBER, V_LIST };

struct value {
    enum vkind kind;
    char *s;            /* string or number text */
    unsigned int nlist; /* list length */
    char **list;
    unsigned int *lines; /* the line of each list item, for messages */
};

static void value_free(struct value *v)
{
    unsigned int i;

    free(v->s);
    for ( i = 0; i < v->nlist; i++ )
        free(v->list[i]);
    free(v->list);
    free(v->lines);
    memset(v, 0, sizeof(*v));
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if ( !d )
        abort();
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static int lex_string(struct lex *l, char **out)
{
    char q = *l->p++;
    size_t cap = 64, n = 0;
    char *s = malloc(cap);

    if ( !s )
        abort();
    for ( ;; )
    {
        char ch = *l->p;

        if ( !ch || ch == '\n' )
        {
            free(s);
            return fail(l, "unterminated string");
        }
        l->p++;
        if ( ch == q )
            break;
        if ( ch == '\\' && q == '"' )
        {
            ch = *l->p++;
            switch ( ch )
            {
            case 'n':
                ch = '\n';
                break;
            case 't':
                ch = '\t';
                break;
            case '\\':
            case '"':
            case '\'':
                break;
            default:
                free(s);
                return fail(l, "unknown escape \\%c in a string",
                            ch ? ch : '0');
            }
        }
        if ( n + 2 > cap )
        {
            cap *= 2;
            s = realloc(s, cap);
            if ( !s )
                abort();
        }
        s[n++] = ch;
    }
    s[n] = 0;
    *out = s;
    return 0;
}

static int lex_atom(struct lex *l, struct value *v)
{
    const char *start = l->p;

    if ( *l->p == '"' || *l->p == '\'' )
    {
        v->kind = V_STRING;
        return lex_string(l, &v->s);
    }
    while ( isalnum((unsigned char)*l->p) || *l->p == '.' || *l->p == '_' ||
            *l->p == '-' || *l->p == '+' )
        l->p++;
    if ( l->p == start )
        return fail(l, "expected a value, found '%c'", *l->p ? *l->p : ' ');
    v->kind = V_NUMBER;
    v->s = dup_n(start, l->p - start);
    if ( !isdigit((unsigned char)v->s[0]) && v->s[0] != '-' )
    {
        int r = fail(l, "'%s' is not a value: strings need quotes", v->s);

        value_free(v);
        return r;
    }
    return 0;
}

static int lex_value(struct lex *l, struct value *v)
{
    memset(v, 0, sizeof(*v));
    if ( *l->p != '[' )
        return lex_atom(l, v);
    l->p++;
    v->kind = V_LIST;
    for ( ;; )
    {
        struct value item;

        skip(l, 1);
        if ( *l->p == ']' )
        {
            l->p++;
            return 0;
        }
        if ( !*l->p )
            return fail(l, "unterminated list"), value_free(v), -1;
        if ( lex_atom(l, &item) )
            return value_free(v), -1;
        v->list = realloc(v->list, (v->nlist + 1) * sizeof(*v->list));
        v->lines = realloc(v->lines, (v->nlist + 1) * sizeof(*v->lines));
        if ( !v->list || !v->lines )
            abort();
        v->lines[v->nlist] = l->line;
        v->list[v->nlist++] = item.s;
        skip(l, 1);
        if ( *l->p == ',' )
            l->p++;
        else if ( *l->p != ']' )
            return fail(l, "expected ',' or ']' in a list"), value_free(v), -1;
    }
}

static int want_string(struct lex *l, const char *key, const struct value *v,
                       char **dst)
{
    if ( v->kind != V_STRING )
        return fail(l, "%s must be a string in quotes", key);
    free(*dst);
    *dst = strdup(v->s);
    return 0;
}

static int want_number(struct lex *l, const char *key, const struct value *v,
                       unsigned long max, unsigned long *dst)
{
    char *end;
    unsigned long n;

    if ( v->kind == V_LIST )
        return fail(l, "%s must be a number", key);
    errno = 0;
    n = strtoul(v->s, &end, 0);
    if ( errno || !v->s[0] || *end || v->s[0] == '-' )
        return fail(l, "%s must be a number, not '%s'", key, v->s);
    if ( n > max )
        return fail(l, "%s %lu is too large (at most %lu)", key, n, max);
    *dst = n;
    return 0;
}

static int want_action(struct lex *l, const char *key, const struct value *v,
                       enum xlcfg_action *dst)
{
    unsigned int i;

    if ( v->kind != V_STRING )
        return fail(l, "%s must be a string in quotes", key);
    for ( i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++ )
        if ( !strcmp(v->s, action_names[i]) )
        {
            *dst = (enum xlcfg_action)i;
            return 0;
        }
    return fail(l,
                "%s '%s' is not one of destroy, restart, preserve, "
                "rename-restart, coredump-destroy, coredump-restart, "
                "soft-reset",
                key, v->s);
}

static int valid_uuid(const char *s)
{
    static const int dash[] = {8, 13, 18, 23};
    unsigned int i, d = 0;

    if ( strlen(s) != 36 )
        return 0;
    for ( i = 0; i < 36; i++ )
    {
        if ( d < 4 && (int)i == dash[d] )
        {
            if ( s[i] != '-' )
                return 0;
            d++;
        }
        else if ( !isxdigit((unsigned char)s[i]) )
            return 0;
    }
    return 1;
}

static void free_vifs(struct xlcfg *c)
{
    unsigned int i;

    for ( i = 0; i < c->nvifs; i++ )
        vifspec_free(&c->vifs[i]);
    free(c->vifs);
    c->vifs = NULL;
    c->nvifs = 0;
}

/* vif = [ 'SPEC', ... ]: a later vif line replaces an earlier one, as in xl. */
static int want_vifs(struct lex *l, struct xlcfg *c, const struct value *v)
{
    unsigned int i, j;
    char why[256];

    if ( v->kind != V_LIST )
        return fail(l, "vif must be a list: vif = [ 'SPEC', ... ]");
    free_vifs(c);
    c->vifs = calloc(v->nlist ? v->nlist : 1, sizeof(*c->vifs));
    if ( !c->vifs )
        abort();
    for ( i = 0; i < v->nlist; i++ )
    {
        if ( vifspec_parse(&c->vifs[i], v->list[i], why, sizeof(why)) )
            return free_vifs(c), fail(l, "%s", why);
        c->nvifs = i + 1;
        if ( c->vifs[i].devid < 0 )
            c->vifs[i].devid = (int)i;
        for ( j = 0; j < i; j++ )
            if ( c->vifs[j].devid == c->vifs[i].devid )
                return fail(l, "vif devid %d is given twice",
                            c->vifs[i].devid);
    }
    return 0;
}

/* Keys xl knows that need devices or HVM: refused until they exist. */
static const char *const unsupported[] = {"pci",
                                          "pci",
                                          "vfb",
                                          "vkb",
                                          "usb",
                                          "usbdev",
                                          "channel",
                                          "p9",
                                          "vtpm",
                                          "device_model_version",
                                          "builder",
                                          "bootloader",
                                          NULL};

/* Keys accepted and, for a PV guest here, without effect. */
static const char *const ignored[] = {
    "localtime",     "serial",       "vnc",        "sdl",
    "on_xend_start", "on_xend_stop", "cpu_weight", "cpu_cap",
    "weight",        "cap",          NULL};

static int in(const char *const *set, const char *key)
{
    for ( ; *set; set++ )
        if ( !strcmp(*set, key) )
            return 1;
    return 0;
}

/*
 * disk = [ 'SPEC', ... ]: each parsed now, so a bad one names its line;
 * a later disk= replaces the list, as in xl.
 */
static int want_disks(struct lex *l, struct xlcfg *c, const struct value *v)
{
    struct diskspec *d;
    unsigned int i, j, line = l->line;
    char why[160];

    if ( v->kind != V_LIST )
        return fail(l, "disk must be a list: disk = [ 'SPEC', ... ]");
    d = calloc(v->nlist ? v->nlist : 1, sizeof(*d));
    if ( !d )
        abort();
    for ( i = 0; i < v->nlist; i++ )
    {
        l->line = v->lines[i];
        if ( diskspec_parse(v->list[i], &d[i], why, sizeof(why)) )
            goto bad;
        for ( j = 0; j < i; j++ )
            if ( d[j].devid == d[i].devid )
            {
                snprintf(why, sizeof(why), "vdev %s is the same disk as %s",
                         d[i].vdev, d[j].vdev);
                diskspec_free(&d[i]);
                goto bad;
            }
    }
    l->line = line;
    for ( j = 0; j < c->ndisks; j++ )
        diskspec_free(&c->disks[j]);
    free(c->disks);
    c->disks = d;
    c->ndisks = v->nlist;
    return 0;
bad:
    fail(l, "disk '%s': %s", v->list[i], why);
    l->line = line;
    while ( i-- )
        diskspec_free(&d[i]);
    free(d);
    return -1;
}

static int apply(struct lex *l, struct xlcfg *c, const char *key,
                 const struct value *v)
{
    unsigned long n;

    if ( !strcmp(key, "name") )
    {
        if ( want_string(l, key, v, &c->name) )
            return -1;
        if ( !c->name[0] )
            return fail(l, "name must not be empty");
        return 0;
    }
    if ( !strcmp(key, "type") )
    {
        if ( v->kind != V_STRING )
            return fail(l, "type must be a string in quotes");
        if ( strcmp(v->s, "pv") )
            return fail(l, "type \"%s\" is not supported: only \"pv\"", v->s);
        return 0;
    }
    if ( !strcmp(key, "kernel") )
        return want_string(l, key, v, &c->kernel);
    if ( !strcmp(key, "ramdisk") )
        return want_string(l, key, v, &c->ramdisk);
    if ( !strcmp(key, "cmdline") )
        return want_string(l, key, v, &c->cmdline);
    if ( !strcmp(key, "extra") )
        return want_string(l, key, v, &c->extra);
    if ( !strcmp(key, "root") )
        return want_string(l, key, v, &c->root);
    if ( !strcmp(key, "cpus") )
    {
        if ( v->kind == V_LIST )
            return fail(l, "cpus as a list is not supported: use \"0-3\"");
        free(c->cpus);
        c->cpus = strdup(v->s);
        return 0;
    }
    if ( !strcmp(key, "uuid") )
    {
        if ( want_string(l, key, v, &c->uuid) )
            return -1;
        if ( !valid_uuid(c->uuid) )
            return fail(l,
                        "uuid '%s' is not of the form "
                        "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
                        c->uuid);
        return 0;
    }
    if ( !strcmp(key, "memory") || !strcmp(key, "maxmem") )
    {
        if ( want_number(l, key, v, 1UL << 30, &n) )
            return -1;
        if ( !n )
            return fail(l, "%s must be at least 1 (MiB)", key);
        *(key[1] == 'e' ? &c->memory_mib : &c->maxmem_mib) = n;
        return 0;
    }
    if ( !strcmp(key, "vcpus") || !strcmp(key, "maxvcpus") )
    {
        if ( want_number(l, key, v, 128, &n) )
            return -1;
        if ( !n )
            return fail(l, "%s must be at least 1", key);
        *(key[0] == 'v' ? &c->vcpus : &c->maxvcpus) = (unsigned int)n;
        return 0;
    }
    if ( !strcmp(key, "on_poweroff") )
        return want_action(l, key, v, &c->on_poweroff);
    if ( !strcmp(key, "on_reboot") )
        return want_action(l, key, v, &c->on_reboot);
    if ( !strcmp(key, "on_crash") )
        return want_action(l, key, v, &c->on_crash);
    if ( !strcmp(key, "on_watchdog") )
        return want_action(l, key, v, &c->on_watchdog);
    if ( !strcmp(key, "disk") )
        return want_disks(l, c, v);
    if ( !strcmp(key, "vif") )
        return want_vifs(l, c, v);
    if ( in(unsupported, key) )
        return fail(l, "%s is not yet supported", key);
    if ( in(ignored, key) )
        return 0;
    return fail(l, "unknown key '%s'", key);
}

static int parse(struct xlcfg *c, struct lex *l)
{
    for ( ;; )
    {
        const char *start;
        char *key;
        struct value v;
        int r;

        skip(l, 0);
        if ( !*l->p )
            return 0;
        if ( *l->p == '\n' || *l->p == ';' )
        {
            l->line += *l->p == '\n';
            l->p++;
            continue;
        }
        start = l->p;
        while ( isalnum((unsigned char)*l->p) || *l->p == '_' )
            l->p++;
        if ( l->p == start )
            return fail(l, "expected a setting (KEY = VALUE), found '%c'",
                        *l->p);
        key = dup_n(start, l->p - start);
        skip(l, 0);
        if ( *l->p != '=' )
        {
            r = fail(l, "expected '=' after %s", key);
            free(key);
            return r;
        }
        l->p++;
        skip(l, 0);
        if ( lex_value(l, &v) )
        {
            free(key);
            return -1;
        }
        skip(l, 0);
        if ( *l->p && *l->p != '\n' && *l->p != ';' )
            r = fail(l, "unexpected '%c' after the value of %s", *l->p, key);
        else
            r = apply(l, c, key, &v);
        value_free(&v);
        free(key);
        if ( r )
            return r;
    }
}

int xlcfg_parse(struct xlcfg *c, const char *file, const char *text, char *err,
                size_t errlen)
{
    struct lex l = {text, file, 1, err, errlen};

    return parse(c, &l);
}

int xlcfg_override(struct xlcfg *c, const char *kv, char *err, size_t errlen)
{
    struct lex l = {kv, "command line", 1, err, errlen};

    if ( !strchr(kv, '=') )
    {
        snprintf(err, errlen, "command line: '%s' is not KEY=VALUE", kv);
        return -1;
    }
    if ( strchr(kv, '\n') )
    {
        snprintf(err, errlen, "command line: '%s' spans lines", kv);
        return -1;
    }
    return parse(c, &l);
}

int xlcfg_check(const struct xlcfg *c, const char *file, char *err,
                size_t errlen)
{
    if ( !c->name )
        return snprintf(err, errlen, "%s: no name = \"...\" given", file), -1;
    if ( !c->kernel )
        return snprintf(err, errlen, "%s: no kernel = \"...\" given", file), -1;
    if ( c->maxmem_mib && c->maxmem_mib < c->memory_mib )
        return snprintf(err, errlen, "%s: maxmem (%lu) is below memory (%lu)",
                        file, c->maxmem_mib, c->memory_mib),
               -1;
    if ( c->maxvcpus && c->maxvcpus < c->vcpus )
        return snprintf(err, errlen, "%s: maxvcpus (%u) is below vcpus (%u)",
                        file, c->maxvcpus, c->vcpus),
               -1;
    return 0;
}

char *xlcfg_kernel_cmdline(const struct xlcfg *c)
{
    size_t n;
    char *s;

    if ( c->cmdline )
        return strdup(c->cmdline);
    n = (c->root ? strlen(c->root) + 6 : 0) +
        (c->extra ? strlen(c->extra) : 0) + 1;
    s = malloc(n);
    if ( !s )
        abort();
    snprintf(s, n, "%s%s%s%s", c->root ? "root=" : "", c->root ? c->root : "",
             c->root && c->extra ? " " : "", c->extra ? c->extra : "");
    return s;
}
