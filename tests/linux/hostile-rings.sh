#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by tests/linux/init when the command line has xenia_hostile_rings_test:
# with xenstored and the console daemon up (toolstack-up.sh), xl creates
# our test kernel tests/guests/ring-hostile as DomUs that abuse their
# xenstore and console rings (flood, bad type, bad length, bad indexes,
# garbage, death mid-request), one at a time, next to a well-behaved DomU
# ("good") doing xenstore round trips. After each: both daemons still
# run, Dom0 is served, the good DomU goes on, and once the hostile one is
# destroyed xenstored's connections and nodes, and the console daemon's
# file descriptors, are back to where they were.
T=/tmp/hr
export PATH=/bin:/usr/bin
. /bin/checks.sh
if ! sh /bin/toolstack-up.sh; then
    echo "CHECK-FAIL hostile-toolstack-up"
    echo "HOSTILE-DONE"
    exit 1
fi
xsd=$(cat /run/xenstored.pid)
csd=$(cat /run/xenconsoled.pid)
conns() { xs-xenia control memreport | sed -n 's/^connections: //p'; }
fds() { ls /proc/$csd/fd | wc -l; }
alive() { kill -0 $xsd && kill -0 $csd; }
ping=0
dom0_served() {
    ping=$((ping + 1))
    xs-xenia write /tool/hostile/ping $ping && test "$(xs-xenia read /tool/hostile/ping)" = $ping
}

cat > $T/h.cfg <<CFG
name = "good"
type = "pv"
kernel = "/lib/guests/ring-hostile.elf"
extra = "ring=good"
memory = 16
on_poweroff = "preserve"
on_crash = "destroy"
CFG
check hostile-good-created xl create -q $T/h.cfg
gid=$(xl domid good)
check hostile-good-running wait_for 120 grep -q "RING-GOOD 1 round trips, 0 failed" $LOG/guest-good.log
good_n() { xs-xenia read /local/domain/$gid/data/n; }
# The good DomU's round trips go on: data/n grows by 3 or more.
good_goes_on() {
    n0=$(good_n) || return 1
    wait_for 60 sh -c "test \$(xs-xenia read /local/domain/$gid/data/n) -ge $((n0 + 3))" &&
        ! grep RING-GOOD-FAIL $LOG/guest-good.log
}
c0=$(conns)
f0=$(fds)
echo "HOSTILE baseline: $c0 xenstored connections, $f0 console daemon fds"

# The daemons after a hostile DomU: alive, serving; once it is destroyed,
# nothing of it left.
after() { # mode
    check hostile-$1-daemons-alive alive
    check hostile-$1-dom0-served dom0_served
    check hostile-$1-good-domu-served good_goes_on
}
gone() { # mode domid
    check hostile-$1-no-nodes-left wait_for 30 sh -c "! xs-xenia exists /local/domain/$2"
    check hostile-$1-connection-freed wait_for 30 sh -c "test \$(xs-xenia control memreport | sed -n 's/^connections: //p') = $c0"
    check hostile-$1-console-fds-freed wait_for 30 sh -c "test \$(ls /proc/$csd/fd | wc -l) = $f0"
}
create() { # mode: paused until its domid is known (die and cdie go fast)
    xl create -q -p $T/h.cfg "name=\"h-$1\"" "extra=\"ring=$1\"" || return 1
    xl domid h-$1 > $T/id-$1 && xl unpause h-$1
}

# Each reports what the daemon did to it, then its verdict, and powers off.
for m in badtype badlen badidx rspidx garbage cbadidx; do
    check hostile-$m-created create $m
    id=$(cat $T/id-$m)
    wait_for 120 grep -q "Test result:" $LOG/guest-h-$m.log
    check hostile-$m-verdict grep -q "Test result: SUCCESS" $LOG/guest-h-$m.log
    grep -E "RING-HOSTILE|FAIL|Test result" $LOG/guest-h-$m.log | sed "s/^/    h-$m| /"
    after $m
    check hostile-$m-destroyed xl destroy h-$m
    gone $m $id
done

# Floods: for ever, until destroyed.
check hostile-flood-created create flood
id=$(cat $T/id-flood)
check hostile-flood-running wait_for 120 grep -q "RING-HOSTILE flood started" $LOG/guest-h-flood.log
sleep 5
after flood
# Its replies wait for it, bounded: the daemon stopped reading its ring.
check hostile-flood-output-bounded sh -c \
    "xs-xenia control memreport | tee /dev/stderr | awk '/^queued output:/ { exit !(\$3 < 1048576) }'"
check hostile-flood-destroyed xl destroy h-flood
gone flood $id

check hostile-cflood-created create cflood
id=$(cat $T/id-cflood)
check hostile-cflood-running wait_for 120 grep -q "CFLOOD 100 " $LOG/guest-h-cflood.log
good_lines() { grep -c "RING-GOOD " $LOG/guest-good.log; }
# The good DomU's console is still relayed: a new line (one per 3 s).
good_console() {
    l0=$(good_lines)
    wait_for 60 sh -c "test \$(grep -c 'RING-GOOD ' $LOG/guest-good.log) -gt $l0"
}
check hostile-cflood-good-console-relayed good_console
after cflood
check hostile-cflood-destroyed xl destroy h-cflood
gone cflood $id

# Death mid-request / mid-line: on_crash="destroy" takes them.
for m in die cdie; do
    check hostile-$m-created create $m
    id=$(cat $T/id-$m)
    check hostile-$m-crashed-and-destroyed wait_for 120 sh -c "! xl list $id"
    tail -n 2 $LOG/guest-h-$m.log | awk "{ print \"    h-$m| \" \$0 }"
    after $m
    gone $m $id
done

check hostile-good-destroyed xl destroy good
check hostile-all-connections-freed wait_for 30 sh -c \
    "test \$(xs-xenia control memreport | sed -n 's/^connections: //p') -lt $c0"
check hostile-no-domu-nodes-left wait_for 20 sh -c \
    'test -z "$(xs-xenia list /local/domain | grep -vx 0)"'
check hostile-daemons-alive-at-end alive
xs-xenia control memreport | sed 's/^/    xenstored| /'
echo "HOSTILE-DONE"
