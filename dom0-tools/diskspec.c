/* SPDX-License-Identifier: GPL-2.0-only */
#include "diskspec.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * PREFIX followed by letters read as bijective base 26 ("a" 0, "z" 25,
 * "aa" 26), then an optional partition without leading zero.
 */
static bool letters(const char *s, const char *prefix, unsigned long max_disk,
                    unsigned long max_part, unsigned long *disk,
                    unsigned long *part)
{
    size_t pl = strlen(prefix);
    unsigned long d = 0;
    const char *p;
    char *end;

    if ( strncmp(s, prefix, pl) )
        return false;
    p = s + pl;
    if ( *p < 'a' || *p > 'z' )
        return false;
    for ( ; *p >= 'a' && *p <= 'z'; p++ )
    {
        d = d * 26 + (unsigned long)(*p - 'a' + 1);
        if ( d - 1 > max_disk )
            return false;
    }
    *disk = d - 1;
    *part = 0;
    if ( !*p )
        return true;
    if ( *p < '1' || *p > '9' )
        return false;
    errno = 0;
    *part = strtoul(p, &end, 10);
    return !errno && !*end && *part <= max_part;
}

/* "dNpM", decimal without sign. */
static bool dnpm(const char *s, unsigned long *disk, unsigned long *part)
{
    char *end;

    if ( s[0] != 'd' || s[1] < '0' || s[1] > '9' )
        return false;
    errno = 0;
    *disk = strtoul(s + 1, &end, 10);
    if ( errno || *end != 'p' || end[1] < '0' || end[1] > '9' )
        return false;
    *part = strtoul(end + 1, &end, 10);
    return !errno && !*end && *disk < (1UL << 20) && *part < 256;
}

int vdev_number(const char *vdev, unsigned int *out)
{
    unsigned long disk, part, n;
    char *end;

    if ( dnpm(vdev, &disk, &part) ||
         letters(vdev, "xvd", (1UL << 20) - 1, 255, &disk, &part) )
    {
        if ( disk <= 15 && part <= 15 )
            *out = (unsigned int)(202 << 8 | disk << 4 | part);
        else
            *out = (unsigned int)(1UL << 28 | disk << 8 | part);
        return 0;
    }
    if ( vdev[0] >= '0' && vdev[0] <= '9' )
    {
        errno = 0;
        n = strtoul(vdev, &end, 0);
        if ( errno || *end || n > INT_MAX )
            return -1;
        *out = (unsigned int)n;
        return 0;
    }
    if ( letters(vdev, "hd", 3, 63, &disk, &part) )
    {
        *out = (unsigned int)((disk < 2 ? 3 : 22) << 8 | (disk & 1) << 6 | part);
        return 0;
    }
    if ( letters(vdev, "sd", 15, 15, &disk, &part) )
    {
        *out = (unsigned int)(8 << 8 | disk << 4 | part);
        return 0;
    }
    return -1;
}

void diskspec_free(struct diskspec *d)
{
    free(d->target);
    free(d->vdev);
    d->target = d->vdev = NULL;
}

struct pstate {
    struct diskspec *d;
    char *err;
    size_t errlen;
    bool have_format, have_access, depr_prefix, failed;
    char *format;
};

static int bad(struct pstate *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int bad(struct pstate *s, const char *fmt, ...)
{
    va_list ap;

    if ( s->failed )
        return -1;
    va_start(ap, fmt);
    vsnprintf(s->err, s->errlen, fmt, ap);
    va_end(ap);
    s->failed = true;
    return -1;
}

static int set_str(struct pstate *s, char **slot, const char *what,
                   const char *v)
{
    if ( *slot )
        return bad(s, "%s given twice", what);
    *slot = strdup(v);
    return *slot ? 0 : bad(s, "out of memory");
}

static int set_format(struct pstate *s, const char *v)
{
    static const char *const known[] = {"", "raw", "qcow", "qcow2", "vhd",
                                        "qed", "empty", NULL};
    int i;

    if ( s->have_format )
        return bad(s, "format given twice");
    for ( i = 0; known[i]; i++ )
        if ( !strcmp(v, known[i]) )
            break;
    if ( !known[i] )
        return bad(s, "unknown format '%s' (raw, qcow, qcow2, vhd, qed)", v);
    s->have_format = true;
    free(s->format);
    s->format = strdup(v);
    return 0;
}

static int set_access(struct pstate *s, const char *v)
{
    if ( s->have_access )
        return bad(s, "access given twice");
    s->have_access = true;
    if ( !strcmp(v, "r") || !strcmp(v, "ro") )
        s->d->readonly = true;
    else if ( !strcmp(v, "w") || !strcmp(v, "rw") || !*v )
        s->d->readonly = false;
    else
        return bad(s, "unknown access '%s' (r, ro, w, rw)", v);
    return 0;
}

/* "vdev:cdrom" / "vdev:disk" (deprecated); false if v has no ':'. */
static bool vdev_devtype(struct pstate *s, const char *v)
{
    const char *colon = strrchr(v, ':');
    char *vd;

    if ( !colon )
        return false;
    if ( !strcmp(colon + 1, "cdrom") )
        s->d->cdrom = true;
    else if ( !strcmp(colon + 1, "disk") )
        s->d->cdrom = false;
    else
    {
        bad(s, "unknown device type '%s' (cdrom, disk)", colon + 1);
        return true;
    }
    vd = strndup(v, (size_t)(colon - v));
    if ( vd )
        set_str(s, &s->d->vdev, "vdev", vd);
    free(vd);
    return true;
}

static int positional(struct pstate *s, const char *v)
{
    if ( !s->d->target )
        return set_str(s, &s->d->target, "target", v);
    if ( !s->depr_prefix && !s->have_format )
    {
        if ( !*s->d->target && vdev_devtype(s, v) )
            return set_format(s, "empty");
        return set_format(s, v);
    }
    if ( !s->d->vdev )
    {
        if ( !vdev_devtype(s, v) )
            set_str(s, &s->d->vdev, "vdev", v);
        return s->failed ? -1 : 0;
    }
    if ( !s->have_access )
        return set_access(s, v);
    return bad(s, "too many positional parameters at '%s'", v);
}

/* Deprecated "prefix:" on the target: returns the rest, or NULL. */
static const char *strip_prefix(struct pstate *s, const char *item)
{
    static const char *const ignored[] = {"tapdisk:", "tap:", "tap2:",
                                          "aio:", "ioemu:", "file:", "phy:",
                                          NULL};
    static const char *const formats[] = {"raw:", "qcow:", "qcow2:", "vhd:",
                                          NULL};
    static const char *const scripts[] = {"iscsi:", "nbd:", "enbd:", "drbd:",
                                          NULL};
    int i;

    /* Prefixes chain: "tap:aio:/img". */
    for ( ;; )
    {
        bool hit = false;

        for ( i = 0; ignored[i]; i++ )
            if ( !strncmp(item, ignored[i], strlen(ignored[i])) )
                item += strlen(ignored[i]), hit = true;
        for ( i = 0; formats[i]; i++ )
            if ( !strncmp(item, formats[i], strlen(formats[i])) )
            {
                char f[8];

                snprintf(f, sizeof(f), "%.*s", (int)strlen(formats[i]) - 1,
                         formats[i]);
                if ( set_format(s, f) )
                    return NULL;
                item += strlen(formats[i]), hit = true;
            }
        for ( i = 0; scripts[i]; i++ )
            if ( !strncmp(item, scripts[i], strlen(scripts[i])) )
            {
                bad(s, "%.*s: disks need a block script, which is not "
                       "supported",
                    (int)strlen(scripts[i]) - 1, scripts[i]);
                return NULL;
            }
        if ( !hit )
            break;
        s->depr_prefix = true;
    }
    /* Any other "word:" before a path is an unknown prefix (as xl's lexer). */
    {
        const char *p = item;

        while ( (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') )
            p++;
        if ( p != item && *p == ':' && (p[1] == '/' || !p[1]) &&
             !strchr(item, ',') )
        {
            bad(s, "unknown deprecated disk prefix '%.*s:'", (int)(p - item),
                item);
            return NULL;
        }
    }
    return item;
}

static int item(struct pstate *s, const char *it)
{
    const char *eq = strchr(it, '=');
    const char *v = eq ? eq + 1 : NULL;
    size_t kl = eq ? (size_t)(eq - it) : 0;

#define KEY(k) (eq && kl == strlen(k) && !strncmp(it, k, kl))
    if ( KEY("format") )
        return set_format(s, v);
    if ( KEY("access") )
        return set_access(s, v);
    if ( KEY("vdev") )
        return set_str(s, &s->d->vdev, "vdev", v);
    if ( KEY("devtype") )
    {
        if ( !strcmp(v, "cdrom") || !strcmp(v, "disk") )
            s->d->cdrom = v[0] == 'c';
        else
            return bad(s, "unknown devtype '%s' (cdrom, disk)", v);
        return 0;
    }
    if ( KEY("backend") )
    {
        if ( strcmp(v, "0") && strcmp(v, "Domain-0") )
            return bad(s, "backend '%s': only Domain-0 can be a backend", v);
        return 0;
    }
    if ( KEY("backendtype") )
    {
        if ( !strcmp(v, "phy") )
            return 0;
        if ( !strcmp(v, "qdisk") || !strcmp(v, "standalone") ||
             !strcmp(v, "tap") )
            return bad(s, "backendtype '%s' is not supported: only phy", v);
        return bad(s, "unknown backendtype '%s' (phy, qdisk, standalone)", v);
    }
    if ( KEY("specification") )
    {
        if ( !strcmp(v, "xen") )
            return 0;
        if ( !strcmp(v, "virtio") )
            return bad(s, "specification 'virtio' is not supported: only xen");
        return bad(s, "unknown specification '%s' (xen, virtio)", v);
    }
    if ( KEY("script") )
        return bad(s, "script= is not supported (block devices and image "
                      "files need none)");
    if ( KEY("colo-host") || KEY("colo-port") || KEY("colo-export") ||
         KEY("active-disk") || KEY("hidden-disk") )
        return bad(s, "COLO (%.*s) is not supported", (int)kl, it);
    if ( eq && (it[0] >= 'a' && it[0] <= 'z') &&
         strspn(it, "abcdefghijklmnopqrstuvwxyz0123456789-") == kl )
        return bad(s, "unknown parameter '%.*s'", (int)kl, it);
#undef KEY
    if ( !strcmp(it, "cdrom") )
        return s->d->cdrom = true, 0;
    if ( !strcmp(it, "direct-io-safe") )
        return 0;
    if ( !strcmp(it, "discard") || !strcmp(it, "no-discard") )
        return s->d->discard = it[0] == 'd', 0;
    if ( !strcmp(it, "trusted") || !strcmp(it, "untrusted") )
        return s->d->trusted = it[0] == 't', 0;
    if ( !strcmp(it, "colo") )
        return bad(s, "COLO (colo) is not supported");
    if ( !strcmp(it, "no-colo") )
        return 0;
    if ( eq )
        return bad(s, "bad disk syntax at '%s'", it);
    if ( !s->d->target )
    {
        const char *rest = strip_prefix(s, it);

        if ( !rest )
            return -1;
        return positional(s, rest);
    }
    return positional(s, it);
}

int diskspec_parse(const char *spec, struct diskspec *d, char *err,
                   size_t errlen)
{
    struct pstate s = {.d = d, .err = err, .errlen = errlen};
    const char *p = spec;
    char *t;

    memset(d, 0, sizeof(*d));
    d->discard = d->trusted = true;
    err[0] = 0;
    while ( *p && !s.failed )
    {
        const char *end;
        char *it;

        while ( *p == ' ' || *p == '\t' || *p == '\n' )
            p++;
        if ( !*p )
            break;
        /* target= eats the rest, commas included. */
        if ( !strncmp(p, "target=", 7) )
        {
            set_str(&s, &d->target, "target", p + 7);
            break;
        }
        end = strchr(p, ',');
        it = end ? strndup(p, (size_t)(end - p)) : strdup(p);
        if ( !it )
            return bad(&s, "out of memory"), diskspec_free(d), -1;
        item(&s, it);
        free(it);
        p = end ? end + 1 : p + strlen(p);
    }
    if ( !s.failed && !d->vdev )
        bad(&s, "no vdev (e.g. xvda)");
    if ( !s.failed && vdev_number(d->vdev, &d->devid) )
        bad(&s, "bad vdev '%s' (xvdX[N], hdX[N], sdX[N], dNpM or a number)",
            d->vdev);
    if ( !s.failed && !d->target )
        d->target = strdup("");
    if ( !s.failed && s.format && strcmp(s.format, "raw") &&
         strcmp(s.format, "") && strcmp(s.format, "empty") )
        bad(&s, "format '%s' is not supported: only raw", s.format);
    if ( !s.failed && s.format && !strcmp(s.format, "empty") )
        d->target[0] = 0;
    if ( !s.failed && !d->target[0] && !d->cdrom )
        bad(&s, "no target (an image file or block device)");
    if ( !s.failed && d->cdrom && !d->target[0] )
        bad(&s, "empty CD-ROM drives are not supported");
    if ( !s.failed && d->cdrom && !s.have_access )
        d->readonly = true;
    /* A bare name is a device under /dev (xl-disk-configuration(5)). */
    if ( !s.failed && d->target[0] && d->target[0] != '/' )
    {
        if ( asprintf(&t, "/dev/%s", d->target) < 0 )
            bad(&s, "out of memory");
        else
            free(d->target), d->target = t;
    }
    free(s.format);
    if ( s.failed )
    {
        diskspec_free(d);
        return -1;
    }
    return 0;
}
