#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by tests/linux/init when the command line has xenia_domu_test: Dom0's
# user space builds our PV test kernel as DomUs with dom0-tools/xenia-domu
# (libhcall + the shared PV builder), runs, watches and destroys them, and
# checks that the host's free memory comes back to the page.
G=/lib/guests
T=/tmp/domu
. /bin/checks.sh
free_pages() { xenia-domu free | sed -n 's/^free_pages \([0-9]*\).*/\1/p'; }
only_dom0() { test "$(xenia-domu list | grep -vc '^domain 0 ')" = 0; }
# Freed memory may take a moment to be counted free again (scrubbing, RCU).
free_back() { # want
    i=0
    while [ $i -lt 50 ]; do
        [ "$(free_pages)" = "$1" ] && return 0
        sleep 0.1; i=$((i + 1))
    done
    echo "free_pages $(free_pages), was $1"; return 1
}
domid_of() { sed -n 's/^domid \([0-9]*\)$/\1/p' "$1"; }
gone() { # domid: a dying domain may linger until its last page is freed
    i=0
    while [ $i -lt 50 ]; do
        ! xenia-domu info "$1" >$T/gone.out 2>&1 && grep -q "no domain $1" $T/gone.out &&
            return 0
        sleep 0.1; i=$((i + 1))
    done
    echo "domain $1 still there:"; xenia-domu info "$1"; return 1
}

# With what the console and xenstore back ends do first: grant refs 0 and 1
# map the pages the builder seeded them with; the console port, bound from
# Dom0, brings the guest's notifications.
run_backends() {
    xenia-domu create -m 16 -g -a "domu-test back ends" -w 120 -o -D $G/domu.elf > $T/g.out 2>&1
    rc=$?
    cat $T/g.out
    [ $rc = 0 ] && grep -q "Test result: SUCCESS" $T/g.out &&
        grep -q "grant refs 0 and 1 map the console and xenstore pages" $T/g.out &&
        grep -Eq "console events [1-9]" $T/g.out
}
check domu-backends-grants-and-console-port run_backends
# The same with the grants seeded by the builder's fallback (setup_table
# and a foreign map of the frame), used where acquire_resource is not.
run_backends_fallback() {
    xenia-domu create -m 16 -g -S -a "domu-test fallback" -w 120 -o -D $G/domu.elf > $T/s.out 2>&1
    rc=$?
    cat $T/s.out
    [ $rc = 0 ] && grep -q "Test result: SUCCESS" $T/s.out &&
        grep -q "grant refs 0 and 1 map the console and xenstore pages" $T/s.out
}
check domu-grants-by-setup-table run_backends_fallback

# Xen allocates Dom0's grant maptrack frame at its first grant map and keeps
# it: memory is counted from here, after the back ends' maps above.
free0=$(free_pages)
echo "DOMU free_pages at start: $free0"

# One DomU: runs its checks, reports on its console ring, powers off, is destroyed.
run_one() {
    xenia-domu create -m 16 -a "domu-test one" -w 120 -o -D -t $G/domu.elf > $T/one.out 2>&1
    rc=$?
    sed 's/^/    domu| /' $T/one.out
    [ $rc = 0 ] && grep -q "Test result: SUCCESS" $T/one.out &&
        grep -q "shut down: poweroff" $T/one.out && gone "$(domid_of $T/one.out)"
}
check domu-run-report-shutdown-destroy run_one

# Two at once: both spin on their CPUs until destroyed while running.
two() {
    xenia-domu create -m 16 -a spin -w 120 -u DOMU-SPINNING $G/domu.elf > $T/a.out 2>&1 &&
    xenia-domu create -m 16 -a spin -w 120 -u DOMU-SPINNING $G/domu.elf > $T/b.out 2>&1 || {
        cat $T/a.out $T/b.out; return 1; }
    a=$(domid_of $T/a.out) b=$(domid_of $T/b.out)
    xenia-domu list
    xenia-domu info $a | grep -q "flags" && xenia-domu info $b | grep -q "flags" &&
        [ "$a" != "$b" ] || return 1
    # Both still alive after a while (neither starved nor shut down).
    sleep 1
    ok=0
    for d in $a $b; do
        f=$(xenia-domu info $d | sed -n 's/.*flags \(0x[0-9a-f]*\).*/\1/p')
        [ -n "$f" ] && [ $(( f & 4 )) = 0 ] || { echo "domain $d flags '$f'"; ok=1; }
    done
    # Destroyed while running, whatever the verdict, so later checks start clean.
    xenia-domu destroy $a && xenia-domu destroy $b && gone $a && gone $b && return $ok
}
check domu-two-at-once-destroy-running two

paused() {
    xenia-domu create -m 16 -p $G/domu.elf > $T/p.out 2>&1 || { cat $T/p.out; return 1; }
    d=$(domid_of $T/p.out)
    f=$(xenia-domu info $d | sed -n 's/.*flags \(0x[0-9a-f]*\).*/\1/p')
    [ $(( ${f:-0} & 8 )) = 8 ] || { echo "domain $d not paused: flags $f"; return 1; }
    xenia-domu info $d | grep -q "address_size 64" || { xenia-domu info $d; return 1; }
    xenia-domu destroy $d && gone $d
}
check domu-destroy-paused paused

# Destroyed while Dom0 still maps one of its pages: it lingers as a dying
# domain and goes when the mapping does.
mapped() {
    xenia-domu create -m 16 -a spin -w 120 -u DOMU-SPINNING -K $G/domu.elf > $T/k.out 2>&1
    rc=$?
    cat $T/k.out
    [ $rc = 0 ] && grep -q "dying while mapped" $T/k.out && grep -q "gone after the unmap" $T/k.out
}
check domu-destroy-while-mapped mapped
check domu-memory-back-after-destroys free_back "$free0"

# Bad input from an admin: one clear line each, and nothing left behind.
bad() { # expected text, args...
    want=$1; shift
    if xenia-domu "$@" > $T/bad.out 2>&1; then echo "succeeded"; return 1; fi
    cat $T/bad.out
    [ "$(wc -l < $T/bad.out)" = 1 ] && grep -q "$want" $T/bad.out
}
check domu-bad-no-such-domain bad "no domain 1234" destroy 1234
check domu-bad-memory-beyond-host bad "more memory than the host has" create -m 1000000 $G/domu.elf
check domu-bad-not-a-pv-kernel bad "not a usable PV kernel: it has no Xen notes" create -m 16 /bin/busybox
if [ -s $G/vmlinuz ]; then
    head -c 1000000 $G/vmlinuz > $T/trunc
    check domu-bad-truncated-bzimage bad "bzImage payload lies outside the image" create -m 64 $T/trunc
fi
check domu-bad-leaves-nothing only_dom0

# Debian's own kernel (bzImage, XZ) as a DomU: the INIT_P2M and
# MOD_START_PFN layout. With no xenstored it stops at xenbus's first
# request, so the test waits for a line printed before that, then destroys it.
debian() {
    head -c 200000 /bin/busybox > $T/initrd
    xenia-domu create -m 256 -c 2 -r $T/initrd -a "console=hvc0 loglevel=8" -w 300 -o \
        -u "devtmpfs: initialized" -D -t $G/vmlinuz > $T/deb.out 2>&1
    rc=$?
    grep -E "^domid|build-us|Booting paravirtualized|RAMDISK|devtmpfs|xenia-domu|Kernel panic|BUG" \
        $T/deb.out | sed 's/^/    debian| /'
    [ $rc = 0 ] && grep -q "RAMDISK: " $T/deb.out && gone "$(domid_of $T/deb.out)"
}
if [ -s $G/vmlinuz ]; then
    check domu-debian-kernel debian
fi

# Create/destroy cycles: the host's free memory comes back exactly.
cycles() {
    before=$(free_pages)
    i=0
    while [ $i -lt 50 ]; do
        xenia-domu create -m 16 -a "cycle $i" -w 60 -D $G/domu.elf > $T/c.out 2>&1 ||
            { echo "cycle $i:"; cat $T/c.out; return 1; }
        i=$((i + 1))
    done
    only_dom0 && free_back "$before"
}
check domu-50-cycles-memory-back cycles
echo "DOMU free_pages at end: $(free_pages) (at start: $free0)"
