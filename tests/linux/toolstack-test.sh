#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by tests/linux/init when the command line has xenia_toolstack_test:
# Dom0 starts our xenstored (Dom0's kernel connects through xsd_kva) and
# the console daemon, then xl creates Debian's own kernel as a DomU with
# a busybox initramfs, watches it reach /init on hvc0, types a command
# through xl console, reads the tree with Debian's xenstore-utils, shuts
# it down cleanly, destroys a second one, and refuses broken configs.
T=/tmp/ts
export PATH=/bin:/usr/bin
. /bin/checks.sh
mkdir -p $LOG /run/xenstored /var/lib/xenstored /var/log/xen /dev/pts
# The console daemon's ptys.
grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts
# Debian's xenstore-utils: one binary named by argv[0].
debian_xs=0
if [ -x /usr/bin/xenstore ] && /usr/bin/xenstore 2>&1 | grep -qi usage; then
    for t in read write ls rm exists list chmod watch; do
        ln -sf /usr/bin/xenstore /usr/bin/xenstore-$t
    done
    debian_xs=1
else
    echo "TOOLSTACK: Debian's xenstore-utils do not run here; using ours"
    for t in read write ls rm exists list chmod watch; do
        ln -sf /bin/xs-xenia /bin/xenstore-$t
    done
fi

# xenstored serves Dom0's kernel: Linux's xenbus_probe wakes and Dom0's
# shutdown watcher writes its control/feature-* nodes through the ring.
xenstored --pid-file /run/xenstored.pid
check xenstored-socket wait_for 10 test -S /run/xenstored/socket
check dom0-kernel-connected wait_for 20 sh -c \
    'test "$(xenstore-read /local/domain/0/control/feature-poweroff)" = 1'
xenstore-write /local/domain/0/name Domain-0 /local/domain/0/domid 0
check debian-xenstore-utils test $debian_xs = 1

xenia-consoled -i --log=guest --log-dir=$LOG 2>$T/consoled.err &
check consoled-running wait_for 10 sh -c \
    'test "$(xenstore-read /tool/xenconsoled/domid)" = 0'

free_mb() { xl info | sed -n 's/^free_memory *: //p'; }
free0=$(free_mb)
echo "TOOLSTACK free_memory at start: $free0 MiB"

cat > $T/deb.cfg <<CFG
# A Debian DomU: the same kernel as Dom0, a busybox initramfs.
name = "deb1"
type = "pv"
kernel = "/lib/guests/vmlinuz"
ramdisk = "/lib/guests/domu-initrd.cpio"
extra = "console=hvc0 quiet loglevel=3"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
CFG

check xl-create xl create $T/deb.cfg
check xl-create-second xl create -q $T/deb.cfg 'name="deb2"' memory=96 \
    'on_crash="preserve"'
xl list
check xl-list-memory-vcpus sh -c \
    'xl list deb1 | awk "NR == 2 && \$1 == \"deb1\" && \$3 == 128 && \$4 == 1 { ok = 1 } END { exit !ok }"'
check xl-list-format sh -c 'xl list | head -n 1 | grep -q "^Name  *ID   Mem VCPUs.State.Time(s)$"'
id1=$(xl domid deb1)
id2=$(xl domid deb2)
if [ -z "$id1" ] || [ -z "$id2" ]; then
    echo "CHECK-FAIL toolstack-no-domus"
    sed 's/^/    consoled| /' $T/consoled.err
    echo "TOOLSTACK-DONE"
    exit 1
fi
check xl-domid-domname sh -c "test \"\$(xl domname $id1)\" = deb1"

# The DomU's kernel reaches /init on hvc0 (the console daemon's log).
check domu-reaches-init wait_for 400 grep -q DOMU-INIT-REACHED $LOG/guest-deb1.log
sed 's/^/    deb1| /' $LOG/guest-deb1.log | tail -n 5
# Its xenbus talks to our xenstored: Linux wrote its own nodes.
check domu-xenbus-connected wait_for 30 sh -c \
    "test \"\$(xenstore-read /local/domain/$id1/control/feature-poweroff)\" = 1"
check debian-xenstore-ls sh -c \
    "xenstore-ls /local/domain/$id1 | grep -q '^name = \"deb1\"'"
xenstore-ls -f /local/domain/$id1 | head -n 40 | sed 's/^/    xs| /'

# A command typed through xl console runs in the DomU; Ctrl-] leaves.
console() {
    (sleep 2; echo 'echo HELLO-$((6*7))'; sleep 5; printf '\035') |
        timeout 60 xl console deb1 > $T/con.out 2>&1
    cat $T/con.out
    grep -q HELLO-42 $T/con.out
}
check xl-console-command console

# The other commands on a running DomU, their output as Xen's xl prints it.
check xl-info sh -c 'xl info > $T/info && grep -q "^nr_cpus                : 2$" $T/info &&
    grep -q "^free_memory            : [0-9]" $T/info && grep -q "^xen_major" $T/info'
check xl-dmesg sh -c 'xl dmesg | grep -q .'
# Debug key 'q' dumps the domains into the hypervisor's console ring.
check xl-debug-keys sh -c "xl debug-keys q && xl dmesg | grep -qi 'domain $id1:'"
check xl-vcpu-list sh -c "xl vcpu-list deb1 | awk 'NR == 2 && \$1 == \"deb1\" && \$2 == $id1 && \$3 == 0 { ok = 1 } END { exit !ok }'"
check xl-vcpu-pin sh -c "xl vcpu-pin deb1 0 1 && xl vcpu-pin deb1 all all"
check xl-uptime sh -c "xl uptime deb1 | grep -q '^deb1 '"
check xl-top-batch sh -c "xl top -b -i 1 | grep -q '^      deb1 '"
pause_unpause() {
    xl pause deb1 && xl list deb1 | awk 'NR == 2 { exit substr($5, 3, 1) != "p" }' &&
        xl unpause deb1 && xl list deb1 | awk 'NR == 2 { exit substr($5, 3, 1) != "-" }'
}
check xl-pause-unpause pause_unpause
check xl-rename sh -c "xl rename deb1 debx && test \"\$(xl domid debx)\" = $id1 && xl rename debx deb1"
# mem-set drives the guest's balloon through memory/target.
memset() {
    xl mem-set deb1 100m || return 1
    wait_for 60 sh -c "xl list deb1 | awk 'NR == 2 { exit !(\$3 <= 100) }'" || { xl list; return 1; }
    xl mem-set deb1 128m
}
check xl-mem-set-balloon memset

# The second one crashes (a sysrq typed on its console); on_crash is
# "preserve" there, so it stays, shut down with reason crash ('c').
crash() {
    wait_for 400 grep -q DOMU-INIT-REACHED $LOG/guest-deb2.log || return 1
    (sleep 1; echo 'echo c > /proc/sysrq-trigger'; sleep 3; printf '\035') |
        timeout 60 xl console deb2 > $T/crash.out 2>&1
    wait_for 60 sh -c "xl list $id2 | awk 'NR == 2 && substr(\$5, 4, 2) == \"sc\" { ok = 1 } END { exit !ok }'" ||
        { xl list; return 1; }
}
check domu-crash-preserved crash
# Then it goes by xl destroy, nodes and all.
check xl-destroy xl destroy deb2
check xl-destroy-gone wait_for 20 sh -c "! xl list $id2"
check xl-destroy-nodes-gone wait_for 20 sh -c "! xenstore-exists /local/domain/$id2"

# xl reboot: Linux reboots, the monitor restarts it (on_reboot="restart")
# as a new domain of the same name that boots to /init again.
reboot_restart() {
    xl reboot deb1 || return 1
    wait_for 60 sh -c "xl domid deb1 && test \"\$(xl domid deb1)\" != $id1" || return 1
    wait_for 400 sh -c "test \$(grep -c DOMU-INIT-REACHED $LOG/guest-deb1.log) -ge 2"
}
check xl-reboot-restarts reboot_restart
! xl list $id1 >/dev/null 2>&1
check xl-reboot-old-domain-gone test $? = 0
id1=$(xl domid deb1)

# Broken configs: one line each, nothing created.
n0=$(xl list | wc -l)
bad() { # expected text, xl create arguments...
    want=$1; shift
    if xl create -q "$@" > $T/bad.out 2>&1; then echo "created"; return 1; fi
    cat $T/bad.out
    [ "$(wc -l < $T/bad.out)" = 1 ] && grep -q "$want" $T/bad.out &&
        [ "$(xl list | wc -l)" = "$n0" ]
}
printf 'name = "x"\nkernel = "/lib/guests/vmlinuz"\nfoo = 1\n' > $T/unknown.cfg
check xl-bad-unknown-key bad "unknown.cfg:3: unknown key 'foo'" $T/unknown.cfg
printf 'name = "x"\nkernel = "/nonexistent"\n' > $T/nokernel.cfg
check xl-bad-missing-kernel bad "kernel /nonexistent: No such file" $T/nokernel.cfg
check xl-bad-duplicate-name bad 'domain with name "deb1" already exists' $T/deb.cfg
check xl-bad-memory-beyond-host bad "more memory than the host has" $T/deb.cfg \
    'name="big"' memory=100000
printf 'name = "x"\nkernel = "/k"\nmemory = 12x\n' > $T/syntax.cfg
check xl-bad-syntax bad "syntax.cfg:3: memory must be a number" $T/syntax.cfg
nosuch() {
    ! xl destroy nosuch 2>$T/e && cat $T/e &&
        grep -qx "nosuch is an invalid domain identifier (rc=-6)" $T/e
}
check xl-bad-no-such-domain nosuch

# Create/destroy cycles (paused, our small test kernel: unpacking
# Debian's bzImage 20 times would take minutes under TCG): no node or page
# left behind.
printf 'name = "cyc"\nkernel = "/lib/guests/domu.elf"\nmemory = 16\n' > $T/cyc.cfg
cycles() {
    i=0
    while [ $i -lt 20 ]; do
        xl create -q -p $T/cyc.cfg || return 1
        xl destroy cyc || return 1
        i=$((i + 1))
    done
    wait_for 20 sh -c '! xl domid cyc' && xl list
}
check xl-20-create-destroy-cycles cycles

# xl shutdown -w: Linux powers off cleanly; on_poweroff destroys it.
check xl-shutdown-wait timeout 120 xl shutdown -w deb1
check domu-shutdown-reason-poweroff wait_for 20 grep -q "shut down (poweroff): destroy" \
    /var/log/xen/xl-deb1.log
# Linux's last line: busybox's poweroff -f halts, which a PV guest turns
# into a poweroff shutdown.
check domu-powered-off-cleanly wait_for 20 grep -Eq "reboot: (Power down|System halted)" \
    $LOG/guest-deb1.log
sed 's/^/    xl-monitor| /' /var/log/xen/xl-deb1.log
tail -n 3 $LOG/guest-deb1.log | sed 's/^/    deb1| /'
check domu-destroyed-by-monitor wait_for 30 sh -c "! xl list $id1"
check no-domu-nodes-left wait_for 20 sh -c \
    'test "$(xenstore-list /local/domain)" = 0'
check memory-back wait_for 20 sh -c "test \"\$(xl info | sed -n 's/^free_memory *: //p')\" = $free0"
xl list
sed 's/^/    consoled| /' $T/consoled.err
echo "TOOLSTACK-DONE"
