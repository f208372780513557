#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run in Dom0 by tests/linux/init (xenia_ubench_domu=pv|pvh|hvm): starts
# the toolstack (tests/bench/toolstack-up.sh), creates one DomU of that type
# with Debian's kernel and the benchmark's initramfs (the same /init and
# ubench as the native and Dom0 runs), and relays its console log to Dom0's
# console, each line prefixed "(domu) ", so that its BENCH lines reach the
# serial log tests/bench/linux/run reads. Returns when the DomU is gone.
G=/lib/guests
T=/tmp/ubench
LOG=/var/log/xen/console/guest-ubench.log
mkdir -p $T
export PATH=/bin:/usr/bin
type=$(sed -n 's/.*xenia_ubench_domu=\([a-z]*\).*/\1/p' /proc/cmdline)
mem=$(sed -n 's/.*ubench_domu_mem=\([0-9]*\).*/\1/p' /proc/cmdline)
scale=$(sed -n 's/.*BENCH_SCALE=\([0-9.]*\).*/\1/p' /proc/cmdline)
case $type in
pv|pvh|hvm) ;;
*) echo "BENCH-FAIL domu: xenia_ubench_domu=$type: not pv, pvh or hvm"; exit 1 ;;
esac

sh /bin/bench-toolstack-up.sh > $T/toolstack.out || { cat $T/toolstack.out; exit 1; }
grep -v '^XL=' $T/toolstack.out
XL=$(sed -n 's/^XL=//p' $T/toolstack.out)

{
    echo "name = \"ubench\""
    echo "type = \"$type\""
    echo "kernel = \"$G/vmlinuz\""
    echo "ramdisk = \"$G/ubench-initrd.cpio\""
    echo "extra = \"console=hvc0 panic=-1${scale:+ BENCH_SCALE=$scale}\""
    echo "memory = ${mem:-512}"
    echo "vcpus = 1"
    echo 'on_poweroff = "destroy"'
    # A crashed or rebooting (panic=-1) DomU is kept until its last
    # console lines are relayed, and its state reported.
    echo 'on_reboot = "preserve"'
    echo 'on_crash = "preserve"'
    # Xen emulates the TSC (rdtsc traps to it) unless the host's TSC is
    # known invariant, which QEMU TCG's is not; real hardware's is, and
    # Xenia does not emulate it. "native" makes all types read it directly.
    # (Our xl has no such key.)
    [ "$XL" = xl ] || echo 'tsc_mode = "native"'
    if [ "$type" = hvm ]; then
        # No display and no serial port: the console is the PV one
        # (hvc0), as for the other types.
        echo 'device_model_version = "qemu-xen"'
        echo 'device_model_override = "/usr/libexec/xen-qemu-system-i386"'
        echo 'vga = "none"'
        echo 'vnc = 0'
        echo 'sdl = 0'
        echo 'serial = "none"'
    fi
} > $T/ubench.cfg
echo "BENCH-INFO domu: type $type, $(grep '^memory' $T/ubench.cfg)"
rm -f $LOG
if ! $XL create -q $T/ubench.cfg > $T/create.out 2>&1; then
    echo "BENCH-FAIL domu: xl create failed: $(tail -n 1 $T/create.out)"
    sed 's/^/    | /' $T/create.out | head -n 30
    # An HVM guest's device model (QEMU) logs why it stopped here.
    dm=/var/log/xen/qemu-dm-ubench.log
    [ -s $dm ] && { echo "    $dm:"; tail -n 20 $dm | sed 's/^/    | /'; }
    exit 1
fi
# The console daemon opens the log once it sees the console.
i=0
while [ ! -e $LOG ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i + 1)); done
[ -e $LOG ] || { echo "BENCH-FAIL domu: no console log $LOG"; $XL destroy ubench; exit 1; }
# The DomU's state letters in xl list (r b p s c d), empty once it is gone.
state() { $XL list ubench 2>/dev/null | awk 'NR == 2 { print $5 }'; }
# tail -f relays as the lines come (a run killed by its timeout still
# shows how far the DomU got); it polls once a second, and the watcher
# every 5 s: the little Dom0 work that runs beside the DomU's benchmarks.
# The watcher ends the relay when the DomU is shut down, crashed, or gone
# twice in a row (one failed xl list is no proof).
mkfifo $T/fifo
tail -n +1 -f $LOG > $T/fifo &
tail_pid=$!
( miss=0
  while [ $miss -lt 2 ]; do
      s=$(state)
      case $s in
      "") miss=$((miss + 1)) ;;
      *[sc]*) break ;;
      *) miss=0 ;;
      esac
      sleep 5
  done
  sleep 2; kill $tail_pid ) &
watch_pid=$!
while IFS= read -r line; do
    echo "(domu) $line"
done < $T/fifo
kill $watch_pid 2>/dev/null
s=$(state)
echo "BENCH-INFO domu: ended, xl list state '${s:-gone}'"
[ -n "$s" ] && $XL destroy ubench
exit 0
