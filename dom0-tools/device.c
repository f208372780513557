/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Split-device xenstore layout and life cycle; see device.h and
 * /work/shared/research/pv-devices.md sections 2.1, 2.2, 2.6 (libxl's
 * libxl__device_generic_add and libxl__initiate_device_generic_remove).
 */
#include "device.h"
#include "devid.h"
#include "xswait.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void device_fe_path(const struct device *d, char *buf)
{
    snprintf(buf, DEV_PATH_MAX, "/local/domain/%u/device/%s/%u", d->domid,
             d->kind, d->devid);
}

void device_be_path(const struct device *d, char *buf)
{
    snprintf(buf, DEV_PATH_MAX, "/local/domain/%u/backend/%s/%u/%u",
             d->backend, d->kind, d->domid, d->devid);
}

void device_rec_path(const struct device *d, char *buf)
{
    snprintf(buf, DEV_PATH_MAX, "/libxl/%u/device/%s/%u", d->domid, d->kind,
             d->devid);
}

static bool put(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                const char *key, const char *val)
{
    char path[DEV_PATH_MAX + 64];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_write(xs, t, path, val, strlen(val));
}

static bool exists(struct xs_handle *xs, xs_transaction_t t, const char *p)
{
    unsigned int n;
    char **v = xs_directory(xs, t, p, &n);

    free(v);
    return v != NULL;
}

/* One attempt; false with errno (EAGAIN: the commit lost a race). */
static bool add_once(struct xs_handle *xs, const struct device *d,
                     const struct dev_kv *fe, size_t nfe,
                     const struct dev_kv *be, size_t nbe)
{
    char fep[DEV_PATH_MAX], bep[DEV_PATH_MAX], rec[DEV_PATH_MAX], num[16];
    /*
     * The directory is created and chmodded before its keys are written so
     * that the keys inherit it: the guest must own the FE keys it later
     * rewrites (state, protocol), the backend those of BE.
     */
    struct xs_permissions feperm[2] = {{d->domid, XS_PERM_NONE},
                                       {d->backend, XS_PERM_READ}};
    struct xs_permissions beperm[2] = {{d->backend, XS_PERM_NONE},
                                       {d->domid, XS_PERM_READ}};
    struct xs_permissions recperm[1] = {{0, XS_PERM_NONE}};
    xs_transaction_t t;
    bool ok;
    size_t i;
    int e;

    device_fe_path(d, fep);
    device_be_path(d, bep);
    device_rec_path(d, rec);
    t = xs_transaction_start(xs);
    if ( t == XBT_NULL )
        return false;
    if ( exists(xs, t, fep) || exists(xs, t, bep) )
    {
        xs_transaction_end(xs, t, true);
        errno = EEXIST;
        return false;
    }
    ok = xs_mkdir(xs, t, fep) && xs_set_permissions(xs, t, fep, feperm, 2) &&
         xs_mkdir(xs, t, bep) && xs_set_permissions(xs, t, bep, beperm, 2) &&
         xs_mkdir(xs, t, rec) && xs_set_permissions(xs, t, rec, recperm, 1);
    snprintf(num, sizeof(num), "%u", d->backend);
    ok = ok && put(xs, t, fep, "backend", bep) &&
         put(xs, t, fep, "backend-id", num) && put(xs, t, fep, "state", "1");
    for ( i = 0; ok && i < nfe; i++ )
        ok = put(xs, t, fep, fe[i].key, fe[i].val);
    snprintf(num, sizeof(num), "%u", d->domid);
    ok = ok && put(xs, t, bep, "frontend", fep) &&
         put(xs, t, bep, "frontend-id", num) && put(xs, t, bep, "online", "1") &&
         put(xs, t, bep, "state", "1");
    for ( i = 0; ok && i < nbe; i++ )
        ok = put(xs, t, bep, be[i].key, be[i].val);
    ok = ok && put(xs, t, rec, "frontend", fep) &&
         put(xs, t, rec, "backend", bep);
    if ( !ok )
    {
        e = errno;
        xs_transaction_end(xs, t, true);
        errno = e;
        return false;
    }
    return xs_transaction_end(xs, t, false);
}

int device_add(struct xs_handle *xs, const struct device *d,
               const struct dev_kv *fe, size_t nfe,
               const struct dev_kv *be, size_t nbe)
{
    int tries;

    for ( tries = 0; tries < 16; tries++ )
    {
        if ( add_once(xs, d, fe, nfe, be, nbe) )
            return 0;
        if ( errno != EAGAIN )
            return -1;
    }
    return -1;
}

int device_read_state(struct xs_handle *xs, const char *path)
{
    unsigned int len;
    char *v = xs_read(xs, XBT_NULL, path, &len), *end;
    long s;

    if ( !v )
        return DEV_STATE_GONE;
    s = strtol(v, &end, 10);
    if ( end == v || *end || s < 0 || s > 1000 )
        s = -1;
    free(v);
    return (int)s;
}

struct state_wait {
    const char *path;
    int want;
};

static bool state_reached(struct xs_handle *xs, void *ctx)
{
    const struct state_wait *sw = ctx;

    return device_read_state(xs, sw->path) == sw->want;
}

int device_wait_state(struct xs_handle *xs, const char *path, int want,
                      int timeout_ms)
{
    struct state_wait sw = {path, want};

    return xs_wait_until(xs, path, timeout_ms, state_reached, &sw) ? -1 : want;
}

char *device_be_read(struct xs_handle *xs, const struct device *d,
                     const char *key)
{
    char path[DEV_PATH_MAX + 64];
    unsigned int len;

    device_be_path(d, path);
    strcat(path, "/");
    strcat(path, key);
    return xs_read(xs, XBT_NULL, path, &len);
}

/* Removes path, then its parent if that is now empty (up to stop levels). */
static void rm_and_prune(struct xs_handle *xs, const char *path, int levels)
{
    char p[DEV_PATH_MAX];
    unsigned int n;
    char **v;

    xs_rm(xs, XBT_NULL, path);
    snprintf(p, sizeof(p), "%s", path);
    while ( levels-- > 0 )
    {
        char *slash = strrchr(p, '/');

        if ( !slash || slash == p )
            return;
        *slash = '\0';
        v = xs_directory(xs, XBT_NULL, p, &n);
        if ( !v )
            return;
        free(v);
        if ( n )
            return;
        xs_rm(xs, XBT_NULL, p);
    }
}

int device_destroy(struct xs_handle *xs, const struct device *d)
{
    char fep[DEV_PATH_MAX], bep[DEV_PATH_MAX], rec[DEV_PATH_MAX];

    device_fe_path(d, fep);
    device_be_path(d, bep);
    device_rec_path(d, rec);
    /* FE first: the backend's FE-state watch then reads 0 and lets go. */
    rm_and_prune(xs, fep, 1);
    rm_and_prune(xs, rec, 1);
    rm_and_prune(xs, bep, 1);
    return 0;
}

int device_remove(struct xs_handle *xs, const struct device *d,
                  int timeout_ms)
{
    char bep[DEV_PATH_MAX], st[DEV_PATH_MAX + 8];
    int tries, s;

    device_be_path(d, bep);
    snprintf(st, sizeof(st), "%s/state", bep);
    for ( tries = 0; tries < 16; tries++ )
    {
        xs_transaction_t t = xs_transaction_start(xs);
        bool ok = t != XBT_NULL;
        unsigned int len;
        char *v;

        if ( !ok )
            return -1;
        v = xs_read(xs, t, st, &len);
        if ( !v )
        {
            /* No backend directory left: only the leftovers to clean. */
            xs_transaction_end(xs, t, true);
            return device_destroy(xs, d);
        }
        ok = put(xs, t, bep, "online", "0") &&
             (strcmp(v, "6") == 0 || put(xs, t, bep, "state", "5"));
        free(v);
        if ( !ok )
        {
            int e = errno;

            xs_transaction_end(xs, t, true);
            errno = e;
            return -1;
        }
        if ( xs_transaction_end(xs, t, false) )
            break;
        if ( errno != EAGAIN )
            return -1;
    }
    /*
     * The backend answers 5 by closing the frontend and goes to 6; with
     * online=0 it then drops its device, which may remove BE/state first.
     */
    s = device_wait_state(xs, st, DEV_STATE_CLOSED, timeout_ms);
    device_destroy(xs, d);
    return s == DEV_STATE_CLOSED ? 0 : 1;
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

    return x < y ? -1 : x > y;
}

int device_list(struct xs_handle *xs, uint32_t domid, const char *kind,
                unsigned int **ids)
{
    char path[DEV_PATH_MAX];
    unsigned int n, i, k = 0;
    char **v;

    *ids = NULL;
    snprintf(path, sizeof(path), "/libxl/%u/device/%s", domid, kind);
    v = xs_directory(xs, XBT_NULL, path, &n);
    if ( !v )
        return errno == ENOENT ? 0 : -1;
    if ( n && !(*ids = calloc(n, sizeof(**ids))) )
    {
        free(v);
        return -1;
    }
    for ( i = 0; i < n; i++ )
        if ( devid_parse(v[i], &(*ids)[k]) )
            k++;
    free(v);
    qsort(*ids, k, sizeof(**ids), cmp_uint);
    return (int)k;
}

int device_next_devid(struct xs_handle *xs, uint32_t domid, const char *kind)
{
    char path[DEV_PATH_MAX];
    const char *fmt[2] = {"/local/domain/%u/device/%s", "/libxl/%u/device/%s"};
    int next = 0, i;

    for ( i = 0; i < 2; i++ )
    {
        unsigned int n;
        char **v;
        int x;

        snprintf(path, sizeof(path), fmt[i], domid, kind);
        v = xs_directory(xs, XBT_NULL, path, &n);
        if ( !v )
        {
            if ( errno != ENOENT )
                return -1;
            continue;
        }
        x = devid_next(v, n);
        free(v);
        if ( x < 0 )
        {
            errno = ENOSPC;
            return -1;
        }
        if ( x > next )
            next = x;
    }
    return next;
}
