#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boots Xenia in QEMU (TCG: no hardware virtualisation is assumed) with
# the serial console on this terminal. By default Dom0 is Debian's stock
# kernel (fetched by tests/linux/fetch.sh) with a busybox initramfs: on a
# terminal it gives you a Dom0 shell ('poweroff -f' ends the machine;
# Ctrl-A three times switches the input to Xenia's debug keys, 'h' lists
# them); otherwise it runs the Dom0 checks and powers off. Either way Dom0
# starts xenstored and the console daemon and creates a Debian DomU with
# xl from dom0-tools/examples/debian.cfg ('xl console debian').
#
#   DOM0_KERNEL=path DOM0_INITRD=path DOM0_CMDLINE="..."  (DOM0_KERNEL=none:
#   Xenia alone)  XEN_CMDLINE="..."  MEM=1G  CPU=max  SMP=2
#   RUN_TIMEOUT=900: limit when not on a terminal
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
timeout_s=${RUN_TIMEOUT:-900} # the DomU's boot under TCG takes minutes
xen_cmdline=${XEN_CMDLINE:-"console=com1 com1=115200,8n1 loglvl=all noreboot dom0_mem=512M"}
log=$build/run.log
tty=0
[ -t 0 ] && [ -t 1 ] && tty=1

[ -f "$build/xenia" ] || { echo "run: no $build/xenia; run make" >&2; exit 1; }
mods=()
if [ -z "${DOM0_KERNEL:-}" ]; then
    "$top/tests/linux/fetch.sh" || { echo "run: cannot fetch Debian's kernel" >&2; exit 1; }
    DOM0_KERNEL=$build/linux-cache/vmlinuz
    DOM0_INITRD=${DOM0_INITRD:-$build/linux-cache/initrd.cpio}
    smp=${SMP:-2}
    end=$([ $tty = 1 ] && echo xenia_shell || echo xenia_end=poweroff)
    dom0_cmdline=${DOM0_CMDLINE:-"console=hvc0 earlyprintk=xen xenia_cpus=$smp $end xenia_toolstack"}
else
    dom0_cmdline=${DOM0_CMDLINE:-"console=hvc0 earlyprintk=xen"}
fi
[ "$DOM0_KERNEL" = none ] && DOM0_KERNEL=
if [ -n "${DOM0_KERNEL:-}" ]; then
    [ -f "$DOM0_KERNEL" ] || { echo "run: DOM0_KERNEL '$DOM0_KERNEL' not found" >&2; exit 1; }
    m="$DOM0_KERNEL $dom0_cmdline"
    if [ -n "${DOM0_INITRD:-}" ]; then
        [ -f "$DOM0_INITRD" ] || { echo "run: DOM0_INITRD '$DOM0_INITRD' not found" >&2; exit 1; }
        m="$m,$DOM0_INITRD"
    fi
    mods=(-initrd "$m")
fi
qemu=(qemu-system-x86_64 -accel tcg -cpu "${CPU:-max}" -smp "${smp:-${SMP:-1}}"
      -m "${MEM:-1G}" -nodefaults -display none -no-reboot
      -kernel "$build/xenia" -append "$xen_cmdline" "${mods[@]}")

if [ $tty = 1 ]; then
    # Raw terminal, no QEMU escape key and no signals: Ctrl-A and Ctrl-C
    # reach Xenia and Dom0 as they would on a real serial line.
    exec "${qemu[@]}" -chardev stdio,id=con,signal=off -serial chardev:con
fi

: > "$log"
"${qemu[@]}" -serial stdio < /dev/null > >(tee "$log") &
pid=$!
# End the run when Xenia halts; a Dom0 poweroff ends QEMU by itself.
for ((i = 0; i < timeout_s * 10; i++)); do
    kill -0 $pid 2>/dev/null || break
    if grep -q "System halted" "$log"; then sleep 0.2; kill $pid; break; fi
    sleep 0.1
done
if kill -0 $pid 2>/dev/null; then
    echo "run: timed out after ${timeout_s}s" >&2
    kill $pid
    exit 1
fi
wait $pid 2>/dev/null || true
grep -q "Xenia boot complete" "$log"
