/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vifs: what libxl's libxl_nic.c and the vif-bridge hotplug script do for
 * a PV network device (pv-devices.md §3): the NIC keys over the common
 * device layer (device.c), the bridging step once netback has made vifD.N,
 * and xl's network-attach, network-detach and network-list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "device.h"
#include "vifhotplug.h"
#include "xl.h"
#include "xl_vif.h"

#define VIF_SCRIPT_DIR "/etc/xen/scripts/"
/*
 * libxl gives netback 10 s to reach InitWait; a hot-attach on Xen 4.17
 * under a loaded QEMU TCG missed that, so three times as long here.
 */
#define VIF_INITWAIT_MS (3 * DEV_TIMEOUT_MS)

static const char *bridge_of(const struct vifspec *v)
{
    return v->bridge ? v->bridge : VIFSPEC_DEFAULT_BRIDGE;
}

int xl_vifs_check(const struct xlcfg *c, char *err, size_t errlen)
{
    unsigned int i;

    for ( i = 0; i < c->nvifs; i++ )
        if ( !vif_bridge_exists(bridge_of(&c->vifs[i])) )
            return snprintf(err, errlen, "vif %d: bridge '%s' does not exist",
                            c->vifs[i].devid, bridge_of(&c->vifs[i])),
                   -1;
    return 0;
}

static char *read_be(const struct device *d, const char *key)
{
    return device_be_read(xl_store(), d, key);
}

/* The Dom0 interface of a vif: BE vifname (hotplug wrote what it used). */
static void ifname_of(const struct device *d, char *buf)
{
    char *n = read_be(d, "vifname");

    if ( n && n[0] )
        snprintf(buf, 16, "%s", n);
    else
        snprintf(buf, 16, "vif%u.%u", d->domid, d->devid);
    free(n);
}

int xl_vif_add(uint32_t domid, const struct vifspec *v, unsigned int devid)
{
    struct xs_handle *xs = xl_store();
    struct device d = {.kind = "vif", .domid = domid, .devid = devid};
    char mac[18], handle[12], rate[48], mtu[12], script[256], bep[DEV_PATH_MAX];
    char ifname[16], dflt[16], err[256];
    unsigned char m[6];
    unsigned int used_mtu;
    struct dev_kv fe[4], be[12];
    size_t nfe = 0, nbe = 0;

    if ( v->has_mac )
        memcpy(m, v->mac, 6);
    else
    {
        unsigned char rnd[3];

        if ( getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd) )
            return xl_err("vif %u: getrandom: %s", devid, strerror(errno)), -1;
        vifspec_default_mac(m, rnd);
    }
    vifspec_mac_string(m, mac);
    snprintf(handle, sizeof(handle), "%u", devid);
    /* libxl writes the script's full path; netback only needs the key. */
    snprintf(script, sizeof(script), "%s%s",
             v->script && v->script[0] == '/' ? "" : VIF_SCRIPT_DIR,
             v->script ? v->script : VIFSPEC_DEFAULT_SCRIPT);
    fe[nfe++] = (struct dev_kv){"handle", handle};
    fe[nfe++] = (struct dev_kv){"mac", mac};
    fe[nfe++] = (struct dev_kv){"trusted", v->trusted ? "1" : "0"};
    be[nbe++] = (struct dev_kv){"handle", handle};
    be[nbe++] = (struct dev_kv){"mac", mac};
    be[nbe++] = (struct dev_kv){"script", script};
    be[nbe++] = (struct dev_kv){"bridge", bridge_of(v)};
    be[nbe++] = (struct dev_kv){"type", "vif"};
    /* Empty: a stale "connected" must not let netback connect early. */
    be[nbe++] = (struct dev_kv){"hotplug-status", ""};
    if ( v->rate_usecs )
    {
        snprintf(rate, sizeof(rate), "%lu,%lu", v->rate_bytes, v->rate_usecs);
        be[nbe++] = (struct dev_kv){"rate", rate};
    }
    if ( v->mtu && v->mtu != 1500 )
    {
        snprintf(mtu, sizeof(mtu), "%u", v->mtu);
        be[nbe++] = (struct dev_kv){"mtu", mtu};
    }
    if ( v->ip )
        be[nbe++] = (struct dev_kv){"ip", v->ip};
    if ( v->gatewaydev )
        be[nbe++] = (struct dev_kv){"gatewaydev", v->gatewaydev};
    if ( v->vifname )
        be[nbe++] = (struct dev_kv){"vifname", v->vifname};

    if ( !vif_bridge_exists(bridge_of(v)) )
        return xl_err("vif %u: bridge '%s' does not exist", devid,
                      bridge_of(v)),
               -1;
    if ( device_add(xs, &d, fe, nfe, be, nbe) )
        return xl_err("vif %u of domain %u: %s", devid, domid,
                      errno == EEXIST ? "the device exists already"
                                      : strerror(errno)),
               -1;
    device_be_path(&d, bep);
    strcat(bep, "/state");
    if ( device_wait_state(xs, bep, 2, VIF_INITWAIT_MS) != 2 )
    {
        xl_err("vif %u of domain %u: netback did not reach InitWait in %d s "
               "(is xen-netback loaded?)",
               devid, domid, VIF_INITWAIT_MS / 1000);
        goto fail;
    }
    snprintf(dflt, sizeof(dflt), "vif%u.%u", domid, devid);
    if ( vif_hotplug_online(dflt, v->vifname, bridge_of(v), v->mtu,
                            DEV_TIMEOUT_MS, ifname, &used_mtu, err,
                            sizeof(err)) )
    {
        xl_err("vif %u of domain %u: %s", devid, domid, err);
        goto fail;
    }
    /* netback connects (state 4) only once it reads this. */
    device_be_path(&d, bep);
    strcat(bep, "/hotplug-status");
    if ( !xs_write(xs, XBT_NULL, bep, "connected", 9) )
    {
        xl_err("vif %u of domain %u: hotplug-status: %s", devid, domid,
               strerror(errno));
        vif_hotplug_offline(ifname, bridge_of(v));
        goto fail;
    }
    return 0;
fail:
    device_destroy(xs, &d);
    return -1;
}

int xl_vifs_add_all(uint32_t domid, const struct xlcfg *c)
{
    unsigned int i;

    for ( i = 0; i < c->nvifs; i++ )
        if ( xl_vif_add(domid, &c->vifs[i], (unsigned int)c->vifs[i].devid) )
            return -1;
    return 0;
}

/* Takes one vif away: orderly (backend closes first) or forced. */
static int vif_remove(uint32_t domid, unsigned int devid, bool force)
{
    struct device d = {.kind = "vif", .domid = domid, .devid = devid};
    char ifname[16], *bridge;
    int rc;

    ifname_of(&d, ifname);
    bridge = read_be(&d, "bridge");
    if ( force )
        rc = device_destroy(xl_store(), &d);
    else
        rc = device_remove(xl_store(), &d, DEV_TIMEOUT_MS) < 0 ? -1 : 0;
    vif_hotplug_offline(ifname, bridge ? bridge : VIFSPEC_DEFAULT_BRIDGE);
    free(bridge);
    return rc;
}

void xl_vifs_teardown(uint32_t domid, bool force)
{
    unsigned int *ids = NULL;
    int i, n = device_list(xl_store(), domid, "vif", &ids);

    for ( i = 0; i < n; i++ )
        vif_remove(domid, ids[i], force);
    free(ids);
}

/* xl network-attach <Domain> [key=value...]: the args are one vif spec. */
int xl_cmd_network_attach(uint32_t domid, int argc, char **argv)
{
    struct vifspec v;
    char spec[1024] = "", err[1300];
    size_t len = 0;
    int i, rc, devid;

    for ( i = 0; i < argc; i++ )
    {
        int n = snprintf(spec + len, sizeof(spec) - len, "%s%s",
                         i ? "," : "", argv[i]);

        if ( n < 0 || (size_t)n >= sizeof(spec) - len )
            return xl_err("the vif spec is too long"), 1;
        len += (size_t)n;
    }
    if ( vifspec_parse(&v, spec, err, sizeof(err)) )
        return xl_err("%s", err), 1;
    devid = v.devid >= 0 ? v.devid
                         : device_next_devid(xl_store(), domid, "vif");
    if ( devid < 0 )
        rc = -1, xl_err("domain %u: cannot read its vifs: %s", domid,
                        strerror(errno));
    else
        rc = xl_vif_add(domid, &v, (unsigned int)devid);
    vifspec_free(&v);
    return rc ? 1 : 0;
}

/* xl network-detach <Domain> <DevId|mac>. */
int xl_cmd_network_detach(uint32_t domid, const char *which)
{
    unsigned int *ids = NULL;
    int i, n = device_list(xl_store(), domid, "vif", &ids), found = -1;

    for ( i = 0; i < n && found < 0; i++ )
    {
        struct device d = {.kind = "vif", .domid = domid, .devid = ids[i]};
        char num[12], *mac = read_be(&d, "mac");

        snprintf(num, sizeof(num), "%u", ids[i]);
        if ( strchr(which, ':') ? mac && !strcasecmp(mac, which)
                                : !strcmp(num, which) )
            found = (int)ids[i];
        free(mac);
    }
    free(ids);
    if ( found < 0 )
    {
        fprintf(stderr, "Unknown device %s.\n", which);
        return 1;
    }
    if ( vif_remove(domid, (unsigned int)found, false) )
        return xl_err("network-detach of vif %d: %s", found, strerror(errno)),
               1;
    return 0;
}

static long fe_number(uint32_t domid, unsigned int devid, const char *key)
{
    char leaf[96], *v;
    long n;

    snprintf(leaf, sizeof(leaf), "device/vif/%u/%s", devid, key);
    v = xl_read(domid, leaf);
    n = v && v[0] ? strtol(v, NULL, 10) : -1;
    free(v);
    return n;
}

/* xl network-list: xl's columns (X:tools/xl/xl_nic.c, main_networklist). */
void xl_vifs_list(uint32_t domid)
{
    unsigned int *ids = NULL;
    int i, n = device_list(xl_store(), domid, "vif", &ids);

    for ( i = 0; i < n; i++ )
    {
        struct device d = {.kind = "vif", .domid = domid, .devid = ids[i]};
        char bep[DEV_PATH_MAX], *mac = read_be(&d, "mac");

        device_be_path(&d, bep);
        printf("%-3u %-2u %-17s%6u %5ld %6ld %5ld/%-11ld %-30s\n", ids[i],
               d.backend, mac ? mac : "", ids[i],
               fe_number(domid, ids[i], "state"),
               fe_number(domid, ids[i], "event-channel"),
               fe_number(domid, ids[i], "tx-ring-ref"),
               fe_number(domid, ids[i], "rx-ring-ref"), bep);
        free(mac);
    }
    free(ids);
}
