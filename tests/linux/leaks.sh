#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# Sourced by blk-test.sh and net-test.sh: what a teardown must give back,
# read from the hypervisor through its debug keys ('g' grant tables, 'e'
# event channels; xl debug-keys, then xl dmesg), on Xenia and on Xen 4.17
# alike: each parser reads Xenia's count lines and Xen's per-entry lists.
# Needs $T (a scratch directory; checks.sh, sourced first, makes it).

# The output of debug key $1 alone: cleared before, read back after.
key_dump() {
    xl dmesg -c >/dev/null && xl debug-keys "$1" && xl dmesg > $T/key-$1.out
}

# Mappings domain $1 holds of grants (its own or others'). Xenia counts
# its maptrack handles in use; Xen lists each pinned entry of each table
# with the domain using it ("localdom"), so there it is the entries $1
# pins: both go back to where they were when $1 has unmapped everything.
grants_held() {
    key_dump g || return 1
    awk -v d="$1" '
        $0 ~ "\\(d" d "\\) grant table" {
            for (i = 1; i < NF; i++) if ($i == "maptrack" && $(i + 1) == "handles") n += $(i - 1)
        }
        {
            for (i = 1; i < NF; i++) if ($i ~ /^\[0x[0-9a-f]+\]$/) { if ($(i + 1) == d) n++; break }
        }
        END { print n + 0 }' $T/key-g.out
}

# Entries of domain $1's grant table that someone still uses (maps or
# copies): "active" in both; 0 once the domain and its table are gone.
grants_used_of() {
    key_dump g || return 1
    awk -v d="$1" '
        $0 ~ "\\(d" d "\\) grant table" {
            for (i = 2; i <= NF; i++) if ($i == "active;") n += $(i - 1)
        }
        /grant-table for remote d/ { cur = $0; sub(/.*remote d/, "", cur); sub(/ .*/, "", cur) }
        /^[(]XEN[)] / && cur == d {
            for (i = 1; i < NF; i++) if ($i ~ /^\[0x[0-9a-f]+\]$/) { n++; break }
        }
        END { print n + 0 }' $T/key-g.out
}

# Event channels domain $1 has in use: Xenia's count line after its
# ports, or Xen's port lines ("    3 [0/1/...]: s=...") under its header.
evtchns_of() {
    key_dump e || return 1
    awk -v d="$1" '
        /Event channel information for domain / { cur = $NF; sub(/:$/, "", cur) }
        /^[(]XEN[)] +[0-9]+ \[[01]\/[01]\// && cur == d { n++ }
        $0 ~ "\\(d" d "\\) [0-9]+ event channels in use" {
            for (i = 2; i <= NF; i++) if ($i == "event") n += $(i - 1)
        }
        END { print n + 0 }' $T/key-e.out
}

# is NAME WANT COMMAND...: COMMAND prints WANT (for wait_for; says both).
is() {
    local what=$1 want=$2 got
    shift 2
    got=$("$@")
    echo "$what: $got, want $want"
    [ "$got" = "$want" ]
}
