#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by tests/linux/init when the command line has xenia_blk_test: the PV
# block path end to end (pv-devices.md milestones M0-M4).  Dom0 loads
# loop, blkback and blkfront, starts the toolstack, attaches an image to
# itself through blkfront (read/write compare, removal, attach/detach
# cycles that must leak no event channel or page), then xl creates
# Debian's kernel as a DomU with an ext4 image as xvda; the DomU mounts it
# and writes files, powers off, and the image is fsck-clean and holds
# them, and is shut down by xl shutdown with it mounted and busy; a second
# is destroyed in the same state, a third while paused.  After the cycles
# and after each end, Dom0 holds no more grant mappings and event
# channels than before (debug keys 'g' and 'e', leaks.sh), no grant of
# the dead DomU is in use, the memory is back, the loop device and the
# xenstore paths are gone.  Persistent grants are tested on and off
# (module parameter feature_persistent at both ends).  Broken disk specs
# give one line and create nothing.  xenia_blk_cycles=N sets the number
# of attach/detach cycles (20).
T=/tmp/blk
export PATH=/bin:/usr/bin:/sbin
. /bin/checks.sh
# The toolstack's start loads loop and blkback; blkfront (Dom0 as its own
# frontend) and ext4 (to read the image back) are this test's.
check toolstack-up sh /bin/toolstack-up.sh
check toolstack-loaded-loop-blkback test -d /sys/module/loop -a -d /sys/module/xen_blkback
for m in xen-blkfront crc16 mbcache jbd2 crc32c_generic ext4; do
    check "insmod-$m" insmod /lib/modules/$m.ko
done
# M0: blkback registered its xenbus driver (the backend watch is on).
check blkback-driver wait_for 10 test -d /sys/bus/xen-backend/drivers/vbd

# Free memory: xl info's free_memory (MiB; physinfo's free pages).  Xenia's
# 'm' debug key gives KiB, but reading it back through xl dmesg -c proved
# unreliable in this loop (left to do).
free_unit=MiB
free_k() { xl info | sed -n 's/^free_memory *: //p'; }
# Dom0's event channels in use (its xen-dyn interrupts).
dom0_ports() { grep -c 'xen-dyn' /proc/interrupts; }
loops_bound() { cat /sys/block/loop*/loop/backing_file 2>/dev/null | wc -l; }
no_loops() { [ "$(loops_bound)" = 0 ]; }
# No page lost: free memory is back to at least what it was.
free_is() { local f; f=$(free_k); echo "free $f $free_unit, want >= $1"; [ "$f" -ge "$1" ]; }
# Both ends of Dom0's own xvdb (51728) gone.
vbd_gone() { # domid devid
    ! xenstore-exists /local/domain/$1/device/vbd/$2 &&
        ! xenstore-exists /local/domain/0/backend/vbd/$1/$2 &&
        ! xenstore-exists /libxl/$1/device/vbd/$2
}
ln -sf /bin/xs-xenia /bin/xenstore-exists 2>/dev/null
ln -sf /bin/xs-xenia /bin/xenstore-read 2>/dev/null
. /bin/leaks.sh
# Everything a finished DomU (or Dom0's own xvdb) must have given back,
# against what was counted before (count_before).
count_before() { held0=$(grants_held 0); evt0=$(evtchns_of 0); }
check_back() { # prefix, domid whose grants must be unused (or none)
    check $1-dom0-grant-mappings-back wait_for 20 is "Dom0's grant mappings" "$held0" grants_held 0
    check $1-dom0-event-channels-back wait_for 20 is "Dom0's event channels" "$evt0" evtchns_of 0
    [ -z "$2" ] ||
        check $1-no-domu-grant-in-use wait_for 20 is "grants of d$2 in use" 0 grants_used_of $2
}
# While a device is up, Dom0 maps its grants: the counts can tell.
in_use() { # domid
    [ "$(grants_used_of $1)" -gt 0 ] && [ "$(grants_held 0)" -gt "$held0" ]
}
# xl dmesg -c clears what it read: the next read starts after it.
check xl-dmesg-clears sh -c "xl debug-keys g && xl dmesg -c | grep -q 'grant.table' &&
    ! xl dmesg | grep -q 'grant.table'"


# ---- M1: Dom0 is its own frontend ----
dd if=/dev/urandom of=$T/self.img bs=1M count=4 2>/dev/null
attach_self() {
    xl block-attach 0 "$T/self.img,raw,xvdb,w" &&
        wait_for 30 test -b /dev/xvdb &&
        wait_for 10 sh -c 'test "$(xenstore-read /local/domain/0/device/vbd/51728/state)" = 4'
}
check m1-attach attach_self
check m1-block-list sh -c 'xl block-list 0 > '$T'/bl && cat '$T'/bl &&
    head -n 1 '$T'/bl | grep -q "^Vdev  BE  handle state evt-ch ring-ref BE-path" &&
    grep -q "^51728 0   0      4     [-0-9]" '$T'/bl'
check m1-size test "$(cat /sys/block/xvdb/size)" = 8192
check m1-read-compare cmp /dev/xvdb $T/self.img
write_through() {
    dd if=/dev/urandom of=$T/chunk bs=4096 count=16 2>/dev/null &&
        dd if=$T/chunk of=/dev/xvdb bs=4096 seek=100 conv=fsync 2>/dev/null &&
        dd if=$T/self.img of=$T/back bs=4096 skip=100 count=16 2>/dev/null &&
        cmp $T/chunk $T/back
}
check m1-write-visible-in-image write_through
check m1-loop-node sh -c 'xenstore-read /local/domain/0/backend/vbd/0/51728/node | grep -q "^/dev/loop"'
check m1-physical-device-hex sh -c \
    'test "$(xenstore-read /local/domain/0/backend/vbd/0/51728/physical-device)" = 7:$(xenstore-read /local/domain/0/backend/vbd/0/51728/node | sed "s|/dev/loop||" | xargs printf %x)'
dmesg | grep 'xen-blkback: backend/vbd/0/51728' | tail -n 1 | sed 's/^/    dom0| /'
detach_self() {
    xl block-detach 0 xvdb && wait_for 10 sh -c '! test -b /dev/xvdb' &&
        vbd_gone 0 51728 && wait_for 10 no_loops
}
check m1-detach detach_self
# Persistent grants off at both ends: every request maps and unmaps, and
# the frontend checks each grant's flags are clear on the response.  Then
# a forced removal (-f) while it is connected.
persistent_off() {
    echo N > /sys/module/xen_blkback/parameters/feature_persistent &&
        echo N > /sys/module/xen_blkfront/parameters/feature_persistent &&
        attach_self && write_through && cmp /dev/xvdb $T/self.img &&
        dmesg | grep 'xen-blkback: backend/vbd/0/51728' | tail -n 1 |
            grep -v 'persistent grants'
}
check m1-persistent-off-read-write persistent_off
force_detach() {
    xl block-detach -f 0 xvdb && wait_for 20 sh -c '! test -b /dev/xvdb' &&
        vbd_gone 0 51728 && wait_for 10 no_loops
}
check m1-forced-detach force_detach
echo Y > /sys/module/xen_blkback/parameters/feature_persistent
echo Y > /sys/module/xen_blkfront/parameters/feature_persistent
ports0=$(dom0_ports)
free0=$(free_k)
count_before
echo "BLK before the cycles: Dom0 holds $held0 grant mappings, $evt0 event channels"
ncycles=$(sed -n 's/.*xenia_blk_cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
ncycles=${ncycles:-20}
cycles() {
    i=0
    while [ $i -lt $ncycles ]; do
        attach_self || { echo "attach $i"; return 1; }
        dd if=/dev/xvdb of=/dev/null bs=64k count=16 2>/dev/null || { echo "read $i"; return 1; }
        [ $i = 0 ] && grants_held 0 > $T/held-attached
        detach_self || { echo "detach $i"; return 1; }
        i=$((i + 1))
    done
}
t0=$(cut -d. -f1 /proc/uptime)
check m1-attach-detach-cycles cycles
echo "BLK $ncycles attach/detach cycles in $(($(cut -d. -f1 /proc/uptime) - t0)) s"
check m1-no-event-channel-leaked sh -c "test \$(grep -c xen-dyn /proc/interrupts) = $ports0"
check m1-no-page-leaked wait_for 10 free_is $free0
echo "BLK free memory before/after cycles: $free0 / $(free_k) $free_unit"
check m1-attached-dom0-holds-mappings sh -c "cat $T/held-attached; test \$(cat $T/held-attached) -gt $held0"
check_back m1-cycles

# ---- bad specs: one line, nothing created, no loop left ----
n0=$(xl list | wc -l)
bad() { # expected text, config text
    want=$1
    printf 'name = "bad"\nkernel = "/lib/guests/vmlinuz"\nmemory = 64\n%s\n' "$2" > $T/bad.cfg
    if xl create -q $T/bad.cfg > $T/bad.out 2>&1; then echo "created"; return 1; fi
    cat $T/bad.out
    [ "$(wc -l < $T/bad.out)" = 1 ] && grep -qF "$want" $T/bad.out &&
        [ "$(xl list | wc -l)" = "$n0" ] && [ "$(loops_bound)" = 0 ]
}
check bad-missing-image bad "disk /nonexistent.img: No such file or directory" \
    "disk = [ '/nonexistent.img,raw,xvda,w' ]"
check bad-format bad "bad.cfg:4: disk '$T/self.img,qcow2,xvda': format 'qcow2' is not supported: only raw" \
    "disk = [ '$T/self.img,qcow2,xvda' ]"
check bad-vdev bad "bad.cfg:4: disk '$T/self.img,raw,vda': bad vdev 'vda'" \
    "disk = [ '$T/self.img,raw,vda' ]"
check bad-no-vdev bad "bad.cfg:4: disk '$T/self.img': no vdev (e.g. xvda)" \
    "disk = [ '$T/self.img' ]"
check bad-malformed bad "bad.cfg:4: disk '$T/self.img,raw,xvda,frob=1': unknown parameter 'frob'" \
    "disk = [ '$T/self.img,raw,xvda,frob=1' ]"
check bad-block-attach sh -c "! xl block-attach 0 /nonexistent,raw,xvdc 2>$T/e && cat $T/e &&
    test \$(wc -l < $T/e) = 1 && ! xenstore-exists /local/domain/0/device/vbd/51744"
check bad-block-detach sh -c "! xl block-detach 0 xvdq 2>$T/e && cat $T/e &&
    grep -q 'not connected' $T/e"

# ---- M2/M3: a Debian DomU on an ext4 image ----
cp /lib/guests/blk.img $T/domu.img
cat > $T/domu.cfg <<CFG
name = "blk1"
type = "pv"
kernel = "/lib/guests/vmlinuz"
ramdisk = "/lib/guests/domu-blk-initrd.cpio"
extra = "console=hvc0 quiet loglevel=3"
memory = 128
disk = [ 'file:$T/domu.img,xvda,w' ]
on_poweroff = "destroy"
CFG
free1=$(free_k)
count_before
check m2-xl-create xl create $T/domu.cfg 'extra="console=hvc0 quiet loglevel=3 xenia_blk_hold"'
id=$(xl domid blk1)
check m2-vbd-connected wait_for 300 sh -c \
    "test \"\$(xenstore-read /local/domain/0/backend/vbd/$id/51712/state)\" = 4"
check m2-domu-sees-xvda wait_for 60 grep -q DOMU-BLK-XVDA $LOG/guest-blk1.log
check m3-domu-mounts-ext4 wait_for 60 grep -q DOMU-BLK-MOUNTED $LOG/guest-blk1.log
check m3-domu-reads-host-file wait_for 30 grep -q DOMU-BLK-READ-OK $LOG/guest-blk1.log
check m3-domu-holds-disk-busy wait_for 120 grep -q DOMU-BLK-HOLDING $LOG/guest-blk1.log
dmesg | grep "xen-blkback: backend/vbd/$id/51712" | tail -n 1 | sed 's/^/    dom0| /'
echo "BLK blk1 running: Dom0 holds $(grants_held 0) grant mappings, $(grants_used_of $id) grants of d$id in use"
check m4-dom0-maps-domu-grants in_use $id
# M4 after xl shutdown with the disk mounted and busy: the DomU's own
# shutdown unmounts it, the monitor destroys it and takes the device down.
check m4-xl-shutdown timeout 120 xl shutdown -w blk1
check m3-domu-unmounts wait_for 20 grep -q DOMU-BLK-UMOUNTED $LOG/guest-blk1.log
grep DOMU-BLK $LOG/guest-blk1.log | sed 's/^/    blk1| /'
check m4-domu-powered-off wait_for 60 sh -c "! xl list $id"
check m4-shutdown-paths-gone wait_for 20 vbd_gone $id 51712
check m4-shutdown-loop-detached wait_for 20 no_loops
check_back m4-shutdown $id
check m3-image-fsck-clean e2fsck -fn $T/domu.img
check_files() {
    mkdir -p $T/mnt && mount -t ext4 -o ro,loop $T/domu.img $T/mnt || return 1
    cat $T/mnt/from-domu.txt
    r=0
    grep -q '^written-by-domu-' $T/mnt/from-domu.txt || r=1
    [ "$(md5sum $T/mnt/big.bin | cut -d' ' -f1)" = "$(cat $T/mnt/big.md5)" ] || r=1
    umount $T/mnt
    return $r
}
check m3-image-holds-domu-files check_files
check m4-shutdown-memory-back wait_for 20 free_is $free1

# ---- M4 after destroy: a DomU with its disk mounted and busy ----
cp /lib/guests/blk.img $T/domu.img
check m4-xl-create-busy xl create $T/domu.cfg 'name="blk2"' \
    'extra="console=hvc0 quiet loglevel=3 xenia_blk_hold"'
id=$(xl domid blk2)
check m4-busy-domu-holds-disk wait_for 300 grep -q DOMU-BLK-HOLDING $LOG/guest-blk2.log
check m4-busy-dom0-maps-domu-grants in_use $id
check m4-xl-destroy-busy xl destroy blk2
check m4-destroy-busy-gone wait_for 20 sh -c "! xl list $id"
check m4-destroy-busy-paths-gone wait_for 20 vbd_gone $id 51712
check m4-destroy-busy-loop-detached wait_for 20 no_loops
check_back m4-destroy-busy $id
check m4-destroy-busy-memory-back wait_for 20 free_is $free1

# ---- M4 after destroy: a paused DomU with its disk attached ----
cp /lib/guests/blk.img $T/domu.img
check m4-xl-create-paused xl create -p $T/domu.cfg 'name="blk3"'
id=$(xl domid blk3)
check m4-paused-vbd-present xenstore-exists /local/domain/0/backend/vbd/$id/51712/physical-device
check m4-xl-destroy xl destroy blk3
check m4-destroy-gone wait_for 20 sh -c "! xl list $id"
check m4-destroy-paths-gone wait_for 20 vbd_gone $id 51712
check m4-destroy-loop-detached wait_for 20 no_loops
check_back m4-destroy $id
check m4-destroy-memory-back wait_for 20 free_is $free1
echo "BLK-DONE uptime=$(cut -d" " -f1 /proc/uptime)"
