/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What Xen's vif-bridge hotplug script does for a vif, done by xl itself
 * (pv-devices.md §3.4): join netback's vifD.N to its bridge and bring it
 * up. Linux network ioctls, no shell.
 */
#ifndef DOM0_TOOLS_VIFHOTPLUG_H
#define DOM0_TOOLS_VIFHOTPLUG_H

#include <stdbool.h>
#include <stddef.h>

/* NAME is a Linux bridge here. */
bool vif_bridge_exists(const char *name);

/*
 * "online": waits up to wait_ms for netback's interface ifname (it writes
 * BE state 2 before it registers the netdev, §3.3), renames it to vifname
 * if one is given, gives it fe:ff:ff:ff:ff:ff (so the bridge never takes
 * its address), the MTU mtu or else the bridge's, adds it to bridge and
 * brings it up. The name and MTU it ends with go to name_out (16 bytes)
 * and *mtu_out. 0, or -1 with one line in err.
 */
int vif_hotplug_online(const char *ifname, const char *vifname,
                       const char *bridge, unsigned int mtu,
                       unsigned int wait_ms, char *name_out,
                       unsigned int *mtu_out, char *err, size_t errlen);

/*
 * "offline": down and off the bridge. Usually netback has unregistered
 * the interface already, which also took it off the bridge: not an error.
 */
void vif_hotplug_offline(const char *ifname, const char *bridge);

#endif
