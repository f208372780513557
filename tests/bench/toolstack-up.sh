#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run in a benchmark's Dom0: starts Debian's toolstack (xen-utils-4.17's
# xenstored, xen-init-dom0 and xenconsoled, logging each guest's console to
# /var/log/xen/console/guest-NAME.log) when the initramfs has it, as the
# benchmarks' runs put it there for Xen 4.17 (tests/bench/xen-utils-root.sh);
# ours (tests/linux/toolstack-up.sh) otherwise. Prints which on a BENCH-INFO
# line, the xl to use on an "XL=" line; exits 1 on failure.
XEN=/usr/lib/xen-4.17/bin
LOG=/var/log/xen/console
mkdir -p $LOG /run/xenstored /var/run/xenstored /var/lib/xenstored /var/log/xen \
    /var/lib/xen /var/run/xen /var/lock /dev/pts
grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts
export PATH=/bin:/usr/bin
if [ -x $XEN/xl ]; then
    $XEN/xenstored --pid-file /var/run/xenstored.pid || { echo "BENCH-FAIL toolstack: xenstored"; exit 1; }
    i=0
    while [ ! -S /var/run/xenstored/socket ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
    $XEN/xen-init-dom0 > /tmp/init-dom0.out 2>&1 || cat /tmp/init-dom0.out
    $XEN/xenconsoled --log=guest --log-dir=$LOG --pid-file=/var/run/xenconsoled.pid ||
        { echo "BENCH-FAIL toolstack: xenconsoled"; exit 1; }
    echo "BENCH-INFO toolstack: Debian's xl, xenstored and xenconsoled (xen-utils-4.17)"
    echo "XL=$XEN/xl"
else
    sh /bin/toolstack-up.sh || { echo "BENCH-FAIL toolstack: toolstack-up"; exit 1; }
    echo "BENCH-INFO toolstack: Xenia's xl, xenstored and xenia-consoled"
    echo "XL=xl"
fi
