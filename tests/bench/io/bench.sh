#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run in Dom0 by tests/linux/init (xenia_io_bench), put there by
# tests/bench/io/run: PV disk and network throughput against Dom0's own.
# Prints "BENCH <who> <persistent> <what> MBps=R" per run, where who is
# dom0 (the baseline) or domu, persistent is Y/N for the DomU's disk and
# - otherwise, and what is disk-read, disk-write, net-send (Dom0 -> peer)
# or net-recv (peer -> Dom0). Dom0's peer is itself over 10.0.0.1 for the
# baseline, the DomU's 10.0.0.2 otherwise. Every figure is timed by
# iobench on the side doing the I/O.
T=/tmp/io
export PATH=/bin:/usr/bin:/sbin
. /bin/checks.sh
mib=$(sed -n 's/.*io_mib=\([0-9]*\).*/\1/p' /proc/cmdline)
mib=${mib:-64}
runs=$(sed -n 's/.*io_runs=\([0-9]*\).*/\1/p' /proc/cmdline)
runs=${runs:-3}
fail() { echo "BENCH-FAIL $*"; }
# iobench's result line as a BENCH line: who, persistent.
# Anything else (an error) is kept, indented.
tag() { sed -e "s/^IOB \([a-z-]*\) .*MBps=\([0-9.]*\).*/BENCH $1 $2 \1 MBps=\2/" -e t -e 's/^/    | /'; }
# TCP to and from iobench's server at $2, runs times each way, as who $1.
net_runs() { # who, peer address
    r=0
    while [ $r -lt "$runs" ]; do
        iobench send $2 5001 "$mib" | tag $1 -
        iobench recv $2 5001 "$mib" | tag $1 -
        r=$((r + 1))
    done
}

sh /bin/toolstack-up.sh || { fail toolstack-up; exit 1; }
echo "BENCH-INFO $(xl info | grep -E '^(xen_version|free_memory)' | tr -s ' ' | tr '\n' ' ')"
iobench serve 5001 &
dd if=/dev/zero of=$T/disk.img bs=1M count=$mib 2>$T/dd.err ||
    { fail "image: $(tail -n 1 $T/dd.err)"; exit 1; }

# Dom0's baseline: the same image through a loop device, as blkback gets it.
dev=$(losetup -f)
losetup "$dev" $T/disk.img || fail "losetup $dev"
r=0
while [ $r -lt "$runs" ]; do
    iobench disk write "$dev" "$mib" | tag dom0 -
    iobench disk read "$dev" "$mib" | tag dom0 -
    r=$((r + 1))
done
losetup -d "$dev"
wait_for 10 iobench cmd 10.0.0.1 5001 true
net_runs dom0 10.0.0.1

cat > $T/io.cfg <<CFG
name = "io"
type = "pv"
kernel = "/lib/guests/vmlinuz"
ramdisk = "/lib/guests/io-domu.cpio"
extra = "console=hvc0 quiet loglevel=3"
memory = 256
vif = [ 'mac=00:16:3e:00:00:02,bridge=xenbr0' ]
on_poweroff = "destroy"
CFG
xl create -q $T/io.cfg || { fail "xl create"; exit 1; }
id=$(xl domid io)
wait_for 900 grep -q IOB-DOMU-READY /var/log/xen/console/guest-io.log ||
    { fail "DomU not ready"; tail -n 20 /var/log/xen/console/guest-io.log; exit 1; }
wait_for 300 ping -c 1 -W 2 10.0.0.2 || fail "no ping to the DomU"
wait_for 60 iobench cmd 10.0.0.2 5001 true || { fail "DomU's iobench"; exit 1; }
echo "BENCH-INFO DomU $id up at $(uptime_s)s"
BE=/local/domain/0/backend/vbd/$id/51728
for pers in Y N; do
    echo $pers > /sys/module/xen_blkback/parameters/feature_persistent
    xl block-attach io "$T/disk.img,raw,xvdb,w" || { fail "block-attach ($pers)"; continue; }
    wait_for 120 sh -c "test \"\$(xs-xenia read $BE/state)\" = 4" ||
        { fail "xvdb not connected ($pers)"; xl block-detach -f io xvdb; continue; }
    wait_for 60 iobench cmd 10.0.0.2 5001 "test -b /dev/xvdb" || fail "no /dev/xvdb ($pers)"
    echo "BENCH-INFO persistent=$pers: $(dmesg | grep "xen-blkback: backend/vbd/$id/51728" | tail -n 1)"
    r=0
    while [ $r -lt "$runs" ]; do
        iobench cmd 10.0.0.2 5001 "iobench disk write /dev/xvdb $mib" | tag domu $pers
        iobench cmd 10.0.0.2 5001 "iobench disk read /dev/xvdb $mib" | tag domu $pers
        r=$((r + 1))
    done
    xl block-detach io xvdb || fail "block-detach ($pers)"
    wait_for 60 sh -c "! xs-xenia exists $BE" || fail "xvdb still there ($pers)"
done
echo Y > /sys/module/xen_blkback/parameters/feature_persistent
net_runs domu 10.0.0.2
xl destroy io
