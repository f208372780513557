#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run in Dom0 by tests/linux/init (xenia_xl_bench): starts the toolstack
# (tests/bench/toolstack-up.sh: Xen's xenstored and xenconsoled with
# Debian's xl when they are in the initramfs, as tests/bench/xl/run puts
# them for Xen 4.17; ours otherwise) and times xl create of our tiny test kernel and of Debian's
# kernel. Prints per run "BENCH <kernel> n=<running> create_us=<xl create
# returned, the domain running> line_us=<its first console line>
# init_us=<its /init, Debian only> destroy_us=<xl destroy>", and for the
# tiny kernel "BENCH cycle ... cycle_us=" (xl create -p + xl destroy),
# then BENCH-DONE (printed by init).
G=/lib/guests
T=/tmp/xlb
LOG=/var/log/xen/console
mkdir -p $T
export PATH=/bin:/usr/bin
runs=$(sed -n 's/.*bench_runs=\([0-9]*\).*/\1/p' /proc/cmdline)
runs=${runs:-5}
idle=$(sed -n 's/.*bench_idle=\([0-9]*\).*/\1/p' /proc/cmdline)
idle=${idle:-10}
debian=$(sed -n 's/.*bench_debian=\([0-9]*\).*/\1/p' /proc/cmdline)
debian=${debian:-1}
now() { benchclock now; }

sh /bin/bench-toolstack-up.sh > $T/toolstack.out || { cat $T/toolstack.out; exit 1; }
grep -v '^XL=' $T/toolstack.out
XL=$(sed -n 's/^XL=//p' $T/toolstack.out)
sleep 1

cfg() { # name kernel memory extra
    printf 'name = "%s"\ntype = "pv"\nkernel = "%s"\nmemory = %s\nextra = "%s"\n' \
        "$1" "$2" "$3" "$4"
    [ "$2" = $G/vmlinuz ] && printf 'ramdisk = "%s"\n' $G/domu-initrd.cpio
    printf 'on_poweroff = "destroy"\non_reboot = "destroy"\non_crash = "destroy"\n'
}
cfg tiny $G/domu.elf 16 idle > $T/tiny.cfg
cfg deb $G/vmlinuz 128 "console=hvc0 quiet loglevel=3" > $T/deb.cfg

one() { # label n cfg name init-text
    rm -f $LOG/guest-$4.log
    t0=$(now)
    $XL create -q $3 > $T/create.out 2>&1 || {
        echo "BENCH-FAIL $1 n=$2: xl create: $(tail -n 1 $T/create.out)"
        sed 's/^/    | /' $T/create.out | head -n 20; $XL destroy $4 2>/dev/null; return 1; }
    t1=$(now)
    t2=$(benchclock wait $LOG/guest-$4.log "" 600) || {
        echo "BENCH-FAIL $1 n=$2: no console line"; $XL destroy $4; return 1; }
    t3=$t2
    if [ -n "$5" ]; then
        t3=$(benchclock wait $LOG/guest-$4.log "$5" 900) || {
            echo "BENCH-FAIL $1 n=$2: no '$5'"; $XL destroy $4; return 1; }
    fi
    t4=$(now)
    $XL destroy $4 || { echo "BENCH-FAIL $1 n=$2: xl destroy"; return 1; }
    t5=$(now)
    echo "BENCH $1 n=$2 create_us=$((t1 - t0)) line_us=$((t2 - t0)) init_us=$((t3 - t0)) destroy_us=$((t5 - t4))"
}
cycle() { # n
    t0=$(now)
    $XL create -q -p $T/tiny.cfg > $T/create.out 2>&1 && $XL destroy tiny || {
        echo "BENCH-FAIL cycle n=$1: $(tail -n 1 $T/create.out)"
        sed 's/^/    | /' $T/create.out | head -n 20; $XL destroy tiny 2>/dev/null; return 1; }
    echo "BENCH cycle n=$1 cycle_us=$(($(now) - t0))"
}
series() { # n running
    i=0
    while [ $i -lt "$runs" ]; do
        one tiny "$1" $T/tiny.cfg tiny ""
        cycle "$1"
        i=$((i + 1))
    done
    [ "$debian" = 0 ] || one debian "$1" $T/deb.cfg deb DOMU-INIT-REACHED
}
series 0
# The same with idle domains running: creation should not slow down.
i=1
while [ $i -le "$idle" ]; do
    cfg idle$i $G/domu.elf 16 idle > $T/idle.cfg
    $XL create -q $T/idle.cfg || echo "BENCH-FAIL idle$i"
    i=$((i + 1))
done
series "$idle"
echo "BENCH-INFO $($XL list | tail -n +2 | wc -l) domains at the end"
