# SPDX-License-Identifier: GPL-2.0-only
# Helpers for boot tests: run QEMU (TCG) with a hard timeout, read the
# serial log, count verdicts.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/tests/boot
mkdir -p "$out"
passed=0
failed=0
qemu_pid=

# boot NAME TIMEOUT STOP_REGEX QEMU_ARGS...
# Starts QEMU with its serial port in $out/NAME.log and returns once the
# log matches STOP_REGEX (QEMU left running, pid in $qemu_pid), QEMU
# exits, or TIMEOUT seconds pass (then QEMU is killed and 1 returned).
boot() {
    local name=$1 timeout_s=$2 stop=$3
    shift 3
    log=$out/$name.log
    : > "$log"
    qemu-system-x86_64 -accel tcg -nodefaults -display none -no-reboot \
        -serial "file:$log" "$@" > "$out/$name.qemu.log" 2>&1 &
    qemu_pid=$!
    local i
    for ((i = 0; i < timeout_s * 10; i++)); do
        if grep -Eq "$stop" "$log"; then
            sleep 0.3   # let the rest of the message arrive
            return 0
        fi
        kill -0 $qemu_pid 2>/dev/null || return 0
        sleep 0.1
    done
    echo "  $name: timed out after ${timeout_s}s" >&2
    stop_qemu
    return 1
}

stop_qemu() {
    if [ -n "$qemu_pid" ]; then
        kill $qemu_pid 2>/dev/null
        wait $qemu_pid 2>/dev/null
        qemu_pid=
    fi
}

# Checks on the current $log; each failure is printed and remembered.
case_errors=()
# The serial line ends lines with CR LF; checks see plain lines.
expect() {
    tr -d '\r' < "$log" | grep -Eq -- "$1" || case_errors+=("missing /$1/")
}
expect_not() {
    ! tr -d '\r' < "$log" | grep -Eq -- "$1" || case_errors+=("unexpected /$1/")
}
expect_alive() {
    sleep "${1:-1}"
    kill -0 "$qemu_pid" 2>/dev/null || case_errors+=("QEMU exited (machine reset?)")
}
expect_exit_within() {
    local i
    for ((i = 0; i < $1 * 10; i++)); do
        kill -0 "$qemu_pid" 2>/dev/null || { wait "$qemu_pid"; qemu_pid=; return; }
        sleep 0.1
    done
    case_errors+=("QEMU still running after $1 s")
}

verdict() {
    local name=$1
    stop_qemu
    if [ ${#case_errors[@]} -eq 0 ]; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name: ${case_errors[*]} (log: $log)"
        failed=$((failed + 1))
        sed 's/^/    | /' "$log" | tail -n 40
    fi
    case_errors=()
}

trap 'stop_qemu' EXIT
