#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boots Xenia in QEMU (TCG: no hardware virtualisation is assumed) with
# the serial console on this terminal. Stops when Xenia halts or Dom0
# powers the machine off, or after RUN_TIMEOUT seconds; Ctrl-A X quits
# earlier. Without DOM0_KERNEL, Dom0 is one of Xenia's own PV test
# kernels (tests/guests), which exercises hypercalls and powers off.
#
#   DOM0_KERNEL=path DOM0_INITRD=path  XEN_CMDLINE="..."  MEM=1G  CPU=max
#   DOM0_KERNEL=none: boot Xenia alone
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
timeout_s=${RUN_TIMEOUT:-120}
xen_cmdline=${XEN_CMDLINE:-"console=com1 com1=115200,8n1 loglvl=all noreboot dom0_mem=64M"}
dom0_cmdline=${DOM0_CMDLINE:-"console=hvc0 earlyprintk=xen"}
log=$build/run.log

[ -f "$build/xenia" ] || { echo "run: no $build/xenia; run make" >&2; exit 1; }
mods=()
if [ -z "${DOM0_KERNEL:-}" ]; then
    make -s -C "$top/tests/guests" BUILD="$build" >&2
    DOM0_KERNEL=$build/tests/guests/hypercalls.elf
    dom0_cmdline=${DOM0_CMDLINE:-"xenia-guest-test"}
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
serial=stdio
[ -t 0 ] && serial=mon:stdio

: > "$log"
qemu-system-x86_64 -accel tcg -cpu "${CPU:-max}" -m "${MEM:-1G}" \
    -nodefaults -display none -no-reboot -serial "$serial" \
    -kernel "$build/xenia" -append "$xen_cmdline" "${mods[@]}" \
    > >(tee "$log") &
qemu=$!
# End the run when Xenia halts; a Dom0 poweroff ends QEMU by itself.
for ((i = 0; i < timeout_s * 10; i++)); do
    kill -0 $qemu 2>/dev/null || break
    if grep -q "System halted" "$log"; then sleep 0.2; kill $qemu; break; fi
    sleep 0.1
done
if kill -0 $qemu 2>/dev/null; then
    echo "run: timed out after ${timeout_s}s" >&2
    kill $qemu
    exit 1
fi
wait $qemu 2>/dev/null || true
grep -q "Xenia boot complete" "$log"
