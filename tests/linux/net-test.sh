#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by tests/linux/init when the command line has xenia_net_test: the PV
# network (pv-devices.md §6, M5 and M6). Dom0 loads netback and sets up
# xenbr0 (toolstack-up.sh); two Debian DomUs get a vif each and load
# netfront from their initramfs. Dom0 <-> DomU and DomU <-> DomU ping with
# no loss and a 64 MiB transfer arrives whole (bytes, checksum); vif
# attach/detach cycles (xenia_net_cycles=N, 20) and teardown after xl
# shutdown and xl destroy, each with traffic on the vif, leave no path,
# vif, page, event channel or grant mapping behind (the last two read
# through the debug keys 'e' and 'g', leaks.sh).
T=/tmp/net
export PATH=/bin:/usr/bin
. /bin/checks.sh
. /bin/leaks.sh
check toolstack-up sh /bin/toolstack-up.sh
check xenbr0-up sh -c 'ip addr show dev xenbr0 | grep -q "inet 10.0.0.1/24"'
check netback-loaded grep -q '^xen_netback ' /proc/modules
free_mb() { xl info | sed -n 's/^free_memory *: //p'; }
free0=$(free_mb)
# What Dom0 holds with no DomU: grant mappings and event channels.
held0=$(grants_held 0)
evt0=$(evtchns_of 0)
echo "NET before the DomUs: Dom0 holds $held0 grant mappings, $evt0 event channels"

# The DomU config: Debian's kernel as Dom0's, busybox and netfront.
domu_cfg() { # name, mac, extra command line
    cat <<CFG
name = "$1"
kernel = "/lib/guests/vmlinuz"
ramdisk = "/lib/guests/domu-initrd.cpio"
extra = "console=hvc0 quiet loglevel=3 $3"
memory = 128
vif = [ 'mac=$2,bridge=xenbr0' ]
CFG
}

# Bad vif specs: one line each, nothing created.
n0=$(xl list | wc -l)
bad() { # expected text, config file
    if xl create -q "$2" > $T/bad.out 2>&1; then echo "created"; return 1; fi
    cat $T/bad.out
    [ "$(wc -l < $T/bad.out)" = 1 ] && grep -qF "$1" $T/bad.out &&
        [ "$(xl list | wc -l)" = "$n0" ]
}
domu_cfg badmac 00:16:3e:zz:00:01 > $T/badmac.cfg
check xl-bad-vif-mac bad "malformed mac '00:16:3e:zz:00:01'" $T/badmac.cfg
printf 'name="x"\nkernel="/lib/guests/vmlinuz"\nvif=["bridge=xenbr0,colour=red"]\n' > $T/badkey.cfg
check xl-bad-vif-key bad "unknown key 'colour'" $T/badkey.cfg
printf 'name="x"\nkernel="/lib/guests/vmlinuz"\nvif=["bridge=xenbr9"]\n' > $T/badbr.cfg
check xl-bad-vif-bridge bad "bridge 'xenbr9' does not exist" $T/badbr.cfg
printf 'name="x"\nkernel="/lib/guests/vmlinuz"\nvif=["type=ioemu"]\n' > $T/ioemu.cfg
check xl-bad-vif-ioemu bad "type=ioemu is an emulated NIC" $T/ioemu.cfg

# M5/M6: the sink DomU first, then the one that pings and sends to it.
domu_cfg net2 00:16:3e:00:00:02 "xenia_ip=10.0.0.3/24 xenia_sink=5001" > $T/net2.cfg
domu_cfg net1 00:16:3e:00:00:01 \
    "xenia_ip=10.0.0.2/24 xenia_ping=10.0.0.1,10.0.0.3 xenia_send=10.0.0.3:5001" > $T/net1.cfg
check xl-create-net2 xl create -q $T/net2.cfg
check xl-create-net1 xl create -q $T/net1.cfg
id1=$(xl domid net1)
id2=$(xl domid net2)
diag() {
    echo "    | backends: $(ls /sys/bus/xen-backend/devices 2>&1 | tr '\n' ' ')"
    xs-xenia ls /local/domain/0/backend 2>&1 | head -n 40 | sed 's/^/    | /'
    dmesg | grep -iE 'vif|netback|xen' | tail -n 10 | sed 's/^/    | /'
}
[ -n "$id1" ] && [ -n "$id2" ] || diag
[ -n "$id1" ] && [ -n "$id2" ] || { echo "CHECK-FAIL net-no-domus"; echo NET-DONE; exit 1; }
BE1=/local/domain/0/backend/vif/$id1/0
FE1=/local/domain/$id1/device/vif/0
BE2=/local/domain/0/backend/vif/$id2/0
FE2=/local/domain/$id2/device/vif/0

check vif1-be-connected wait_for 400 sh -c "test \"\$(xs-xenia read $BE1/state)\" = 4"
[ "$(xs-xenia read $BE1/state)" = 4 ] || diag
check vif1-fe-connected wait_for 30 sh -c "test \"\$(xs-xenia read $FE1/state)\" = 4"
check vif1-hotplug-status test "$(xs-xenia read $BE1/hotplug-status)" = connected
check vif1-on-bridge test -e /sys/class/net/xenbr0/brif/vif$id1.0
check vif2-on-bridge wait_for 60 test -e /sys/class/net/xenbr0/brif/vif$id2.0
check domu1-eth0-up wait_for 60 grep -q DOMU-NET-UP $LOG/guest-net1.log
# (the console log's lines end in CR LF, so no '$' anchor)
check fe-mac-is-eth0-mac sh -c "grep -q \"DOMU-NET-UP mac=\$(xs-xenia read $FE1/mac)\" $LOG/guest-net1.log"
check be-mac-is-fe-mac test "$(xs-xenia read $BE1/mac)" = "$(xs-xenia read $FE1/mac)"
ping_ok() { ping -c 1 -W 2 $1 >/dev/null 2>&1; }
check dom0-reaches-domu1 wait_for 120 ping_ok 10.0.0.2
check dom0-ping-domu1-no-loss sh -c 'ping -c 20 -i 0.2 -W 2 10.0.0.2 | grep -q " 0% packet loss"'
check domu1-ping-dom0-no-loss wait_for 300 grep -q "DOMU-PING 10.0.0.1 loss=0%" $LOG/guest-net1.log
check domu1-ping-domu2-no-loss wait_for 300 grep -q "DOMU-PING 10.0.0.3 loss=0%" $LOG/guest-net1.log
# 64 MiB DomU1 -> DomU2 over the bridge: both ends' checksums agree.
sums() {
    s=$(sed -n 's/.*DOMU-SENT-SUM \([0-9a-f]*\).*/\1/p' $LOG/guest-net1.log)
    r=$(sed -n 's/.*DOMU-NC-SUM \([0-9a-f]*\).*/\1/p' $LOG/guest-net2.log)
    echo "sent $s received $r"
    [ -n "$s" ] && [ "$s" = "$r" ]
}
check domu-64mib-checksum wait_for 300 sums
check domu-64mib-complete grep -q "DOMU-NC-SUM [0-9a-f]* bytes=67108864" $LOG/guest-net2.log
cat $T/check.out
grep -h DOMU- $LOG/guest-net1.log $LOG/guest-net2.log | sed 's/^/    domu| /'

# xl network-list, in xl's columns.
check xl-network-list sh -c "xl network-list net1 | tee /dev/stderr | awk '
    NR == 1 && \$1 == \"Idx\" && \$3 == \"Mac\" { h = 1 }
    NR == 2 && \$1 == 0 && \$3 == \"00:16:3e:00:00:01\" && \$5 == 4 { ok = 1 }
    END { exit !(h && ok) }'"
# Hot-plug: vif 1 of net2 attached and detached again and again; each time
# it connects and joins the bridge, and afterwards nothing of it is left.
irqs() { grep -c "vif$id2\." /proc/interrupts; }
ncycles=$(sed -n 's/.*xenia_net_cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
ncycles=${ncycles:-20}
cycles() {
    i=0
    while [ $i -lt $ncycles ]; do
        xl network-attach net2 bridge=xenbr0 || return 1
        wait_for 60 sh -c "test \"\$(xs-xenia read /local/domain/0/backend/vif/$id2/1/state)\" = 4" ||
            return 1
        test -e /sys/class/net/xenbr0/brif/vif$id2.1 || return 1
        xl network-detach net2 1 || return 1
        wait_for 30 sh -c "! test -e /sys/class/net/vif$id2.1" || return 1
        ! xs-xenia exists /local/domain/0/backend/vif/$id2/1 || return 1
        ! xs-xenia exists /local/domain/$id2/device/vif/1 || return 1
        i=$((i + 1))
    done
    echo "$i cycles; Dom0 irqs of vif$id2.*: $(irqs)"
}
irq0=$(irqs)
held1=$(grants_held 0)
evt1=$(evtchns_of 0)
t0=$(uptime_s)
check xl-network-attach-detach-cycles cycles
echo "NET $ncycles attach/detach cycles in $(($(uptime_s) - t0)) s"
check cycles-leave-no-event-channels test "$(irqs)" = "$irq0"
check cycles-dom0-event-channels-back wait_for 30 is "Dom0's event channels" "$evt1" evtchns_of 0
# vif 0 stays up, and netback maps its transmit grants while packets are
# in flight: no more than before (a leak of one a cycle is 20 more).
held_no_more() { local h; h=$(grants_held 0); echo "Dom0's grant mappings: $h, before $held1"; [ "$h" -le "$held1" ]; }
check cycles-dom0-grant-mappings-not-more wait_for 30 held_no_more
check vif0-still-works sh -c 'ping -c 3 -W 2 10.0.0.3 | grep -q " 0% packet loss"'
detach_bad() {
    ! xl network-detach net2 7 2>$T/e && grep -qx "Unknown device 7." $T/e
}
check xl-network-detach-unknown detach_bad

# Teardown: shutdown of one, destroy of the other; nothing left behind.
gone() { # domid, devid
    ! xs-xenia exists /local/domain/0/backend/vif/$1/$2 &&
        ! xs-xenia exists /local/domain/$1 && ! test -e /sys/class/net/vif$1.$2 &&
        ! ls /sys/class/net/xenbr0/brif | grep -q "^vif$1\."
}
# Dom0 maps each DomU's rings (and netback its receive grants) till then.
maps_grants() { # Dom0 maps DomU $1's grants, and more than with no DomU
    [ "$(grants_used_of $1)" -gt 0 ] && [ "$(grants_held 0)" -gt "$held0" ]
}
check dom0-maps-domu-grants maps_grants $id1
# Each with traffic on its vif: Dom0 pings it meanwhile.
ping -i 0.2 -W 1 10.0.0.2 > $T/ping1.out 2>&1 & pid=$!
check xl-shutdown-net1 timeout 120 xl shutdown -w net1
kill $pid
check shutdown-with-traffic grep -q "bytes from 10.0.0.2" $T/ping1.out
check teardown-after-shutdown wait_for 30 gone $id1 0
check shutdown-no-domu-grant-in-use wait_for 30 is "grants of d$id1 in use" 0 grants_used_of $id1
ping -i 0.2 -W 1 10.0.0.3 > $T/ping2.out 2>&1 & pid=$!
check destroy-with-traffic wait_for 30 grep -q "bytes from 10.0.0.3" $T/ping2.out
check xl-destroy-net2 xl destroy net2
kill $pid
check teardown-after-destroy wait_for 30 gone $id2 0
check destroy-no-domu-grant-in-use wait_for 30 is "grants of d$id2 in use" 0 grants_used_of $id2
check teardown-dom0-grant-mappings-back wait_for 30 is "Dom0's grant mappings" "$held0" grants_held 0
check teardown-dom0-event-channels-back wait_for 30 is "Dom0's event channels" "$evt0" evtchns_of 0
check no-vif-backends-left wait_for 20 sh -c '! xs-xenia exists /local/domain/0/backend/vif || test -z "$(xs-xenia list /local/domain/0/backend/vif)"'
check net-memory-back wait_for 30 sh -c "test \"\$(xl info | sed -n 's/^free_memory *: //p')\" = $free0"
xl list
echo "NET-DONE uptime=$(cut -d" " -f1 /proc/uptime)"
