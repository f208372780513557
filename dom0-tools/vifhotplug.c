/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vif-bridge's online/offline steps (X:tools/hotplug/Linux/vif-bridge,
 * xen-network-common.sh) as ioctls on an AF_INET socket: the same calls
 * brctl and ip make, without needing either in Dom0.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "vifhotplug.h"

bool vif_bridge_exists(const char *name)
{
    char path[64];
    struct stat st;

    if ( !name[0] || strlen(name) >= IFNAMSIZ || strchr(name, '/') )
        return false;
    snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", name);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void ifr_for(struct ifreq *r, const char *name)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->ifr_name, IFNAMSIZ, "%s", name);
}

static int set_up(int s, const char *name, bool up)
{
    struct ifreq r;

    ifr_for(&r, name);
    if ( ioctl(s, SIOCGIFFLAGS, &r) )
        return -1;
    if ( up )
        r.ifr_flags |= IFF_UP;
    else
        r.ifr_flags &= ~IFF_UP;
    return ioctl(s, SIOCSIFFLAGS, &r);
}

static void sleep_ms(unsigned int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000};

    nanosleep(&t, NULL);
}

int vif_hotplug_online(const char *ifname, const char *vifname,
                       const char *bridge, unsigned int mtu,
                       unsigned int wait_ms, char *name_out,
                       unsigned int *mtu_out, char *err, size_t errlen)
{
    struct ifreq r;
    const char *name = ifname, *what;
    unsigned int waited;
    int s;

    if ( !vif_bridge_exists(bridge) )
        return snprintf(err, errlen, "bridge '%s' does not exist", bridge), -1;
    for ( waited = 0; !if_nametoindex(ifname); waited += 50 )
    {
        if ( waited >= wait_ms )
            return snprintf(err, errlen,
                            "netback made no interface %s in %u ms", ifname,
                            wait_ms),
                   -1;
        sleep_ms(50);
    }
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if ( s < 0 )
        return snprintf(err, errlen, "socket: %s", strerror(errno)), -1;
    what = "down";
    if ( set_up(s, name, false) )
        goto fail;
    if ( vifname && vifname[0] && strcmp(vifname, ifname) )
    {
        what = "rename";
        ifr_for(&r, ifname);
        snprintf(r.ifr_newname, IFNAMSIZ, "%s", vifname);
        if ( ioctl(s, SIOCSIFNAME, &r) )
            goto fail;
        name = vifname;
    }
    what = "set its MAC";
    ifr_for(&r, name);
    r.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memset(r.ifr_hwaddr.sa_data, 0xff, 6);
    r.ifr_hwaddr.sa_data[0] = (char)0xfe;
    if ( ioctl(s, SIOCSIFHWADDR, &r) )
        goto fail;
    what = "read the bridge's MTU";
    if ( !mtu )
    {
        ifr_for(&r, bridge);
        if ( ioctl(s, SIOCGIFMTU, &r) )
            goto fail;
        mtu = (unsigned int)r.ifr_mtu;
    }
    what = "set its MTU";
    ifr_for(&r, name);
    r.ifr_mtu = (int)mtu;
    if ( ioctl(s, SIOCSIFMTU, &r) )
        goto fail;
    what = "add it to the bridge";
    ifr_for(&r, bridge);
    r.ifr_ifindex = (int)if_nametoindex(name);
    if ( !r.ifr_ifindex || ioctl(s, SIOCBRADDIF, &r) )
        goto fail;
    /* Without "up" netback's queues never start (interface.c:602-612). */
    what = "up";
    if ( set_up(s, name, true) )
        goto fail;
    close(s);
    snprintf(name_out, IFNAMSIZ, "%s", name);
    *mtu_out = mtu;
    return 0;

fail:
    snprintf(err, errlen, "%s: %s: %s", name, what, strerror(errno));
    close(s);
    return -1;
}

void vif_hotplug_offline(const char *ifname, const char *bridge)
{
    struct ifreq r;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if ( s < 0 )
        return;
    set_up(s, ifname, false);
    ifr_for(&r, bridge);
    r.ifr_ifindex = (int)if_nametoindex(ifname);
    if ( r.ifr_ifindex )
        ioctl(s, SIOCBRDELIF, &r);
    close(s);
}
