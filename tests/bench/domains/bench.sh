#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run in Dom0 by tests/linux/init (xenia_domu_bench): creates idle DomUs of
# our tiny test kernel one after another up to BENCH_DOMAINS, and Debian's
# kernel (as Debian ships it, and unpacked) with none and with all of them
# running. Prints "BENCH <kernel> n=<running after> build_us=<builder>
# ready_us=<until its first line>" per creation, then BENCH-DONE.
G=/lib/guests
max=$(sed -n 's/.*bench_domains=\([0-9]*\).*/\1/p' /proc/cmdline)
max=${max:-50}
create() { # label n args...
    label=$1 n=$2; shift 2
    out=$(xenia-domu create -t "$@" 2>&1)
    rc=$?
    b=$(echo "$out" | sed -n 's/.*total \([0-9]*\)$/\1/p')
    r=$(echo "$out" | sed -n 's/^ready-us \([0-9]*\)$/\1/p')
    ph=$(echo "$out" | sed -n 's/^build-us load \([0-9]*\) create \([0-9]*\) populate \([0-9]*\) image \([0-9]*\) finish \([0-9]*\).*/\1,\2,\3,\4,\5/p')
    if [ $rc = 0 ] && [ -n "$b" ] && [ -n "$r" ]; then
        echo "BENCH $label n=$n build_us=$b ready_us=$r phases_us=$ph"
    else
        echo "BENCH-FAIL $label n=$n: $(echo "$out" | tail -n 1)"
    fi
}
debian() { # n
    create debian-bzimage "$1" -m 128 -a "console=hvc0" -w 600 -u "devtmpfs: initialized" -D \
        $G/vmlinuz
    create debian-elf "$1" -m 128 -a "console=hvc0" -w 600 -u "devtmpfs: initialized" -D \
        /tmp/vmlinux
}
xenia-domu unpack $G/vmlinuz /tmp/vmlinux || echo "BENCH-FAIL unpack"
echo "BENCH-INFO $(xenia-domu free)"
debian 0
n=1
while [ $n -le "$max" ]; do
    create tiny $n -m 8 -a idle -w 120 -u DOMU-IDLE $G/domu.elf
    n=$((n + 1))
done
debian "$max"
echo "BENCH-INFO $(xenia-domu list | grep -c '^domain') domains"
for d in $(xenia-domu list | sed -n 's/^domain \([0-9]*\) .*/\1/p'); do
    [ "$d" = 0 ] || xenia-domu destroy "$d"
done
echo "BENCH-INFO $(xenia-domu free)"
