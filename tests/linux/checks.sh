#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the test scripts Dom0 runs from tests/linux/init
# (toolstack-test.sh, hostile-rings.sh, blk-test.sh, net-test.sh,
# domu-test.sh) and by tests/bench/io/bench.sh: the one
# check and wait_for they share. tests/linux/run counts the CHECK-PASS and
# CHECK-FAIL lines, so their form is fixed. Needs $T (a scratch
# directory, made here); sets $LOG, the console daemon's guest logs.
LOG=/var/log/xen/console
mkdir -p $T

# check NAME COMMAND...: one CHECK-PASS or CHECK-FAIL line; on failure the
# command's output follows, indented, so the log says why.
check() {
    name=$1; shift
    if "$@" >$T/check.out 2>&1; then echo "CHECK-PASS $name"
    else echo "CHECK-FAIL $name"; sed 's/^/    | /' $T/check.out | head -n 30; fi
}

uptime_s() { cut -d. -f1 /proc/uptime; }

# wait_for SECONDS COMMAND...: retries COMMAND every 0.2 s, SECONDS * 5
# times, then runs it once more with its output (for check to show). The
# tries are counted, not the clock: under TCG on a loaded host each try
# takes longer, and what is awaited runs slower alike.
wait_for() {
    n=$(($1 * 5)); shift
    while [ $n -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2; n=$((n - 1))
    done
    "$@"
}
