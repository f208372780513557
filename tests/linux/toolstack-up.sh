#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Starts Dom0's toolstack in the busybox initramfs, as Xen's xencommons
# does: xenstored (which connects Dom0's kernel through /proc/xen), the
# Domain-0 nodes, and the console daemon logging each guest to
# /var/log/xen/console/guest-NAME.log. Needs the /dev/xen modules loaded
# and xenfs on /proc/xen. Loads loop and xen-blkback (Debian builds both
# as modules) so disk = [...] works. Exits 0 once both daemons answer
# (10 s each).
mkdir -p /run/xenstored /var/lib/xenstored /var/log/xen/console /dev/pts
grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts
export PATH=/bin:/usr/bin
up() { # seconds, command...
    n=$(($1 * 5)); shift
    while [ $n -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2; n=$((n - 1))
    done
    return 1
}
# Loads module M unless it is loaded or built in; 1 if this kernel has no
# M at all (the lean guest kernel has no backends), which is not an error.
load() {
    [ -d /sys/module/$(echo $1 | tr - _) ] && return 0
    [ -f /lib/modules/$1.ko ] || return 1
    insmod /lib/modules/$1.ko || { echo "insmod $1 failed"; exit 1; }
}
# Dom0 as block backend: image files go through loop devices.
load loop && load xen-blkback || echo "no loop/xen-blkback: no disks"
xenstored --pid-file /run/xenstored.pid || exit 1
up 10 test -S /run/xenstored/socket || { echo "xenstored did not start"; exit 1; }
xs-xenia write /local/domain/0/name Domain-0 || exit 1
xs-xenia write /local/domain/0/domid 0
xenia-consoled --log=guest --pid-file=/run/xenconsoled.pid || exit 1
up 10 sh -c 'test "$(xs-xenia read /tool/xenconsoled/domid)" = 0' ||
    { echo "xenia-consoled did not start"; exit 1; }
# The PV network, as a distribution's Xen setup provides it: netback, and
# the bridge xenbr0 with Dom0 at 10.0.0.1/24 (xen-network-common.sh's
# create_bridge: no STP, so ports forward at once). No physical port is
# on it: guest traffic never leaves the machine. xl joins each vifD.N to
# its bridge itself (vif-bridge's work).
if load xen-netback && load llc && load stp && load bridge; then
    if [ ! -d /sys/class/net/xenbr0 ]; then
        brctl addbr xenbr0 || exit 1
        echo 0 > /sys/class/net/xenbr0/bridge/stp_state
        echo 0 > /sys/class/net/xenbr0/bridge/forward_delay
        ip addr add 10.0.0.1/24 dev xenbr0
        ip link set dev lo up
        ip link set dev xenbr0 up || exit 1
    fi
else
    echo "no xen-netback/bridge: no vifs"
fi
