#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Turns `nm -n` output (file or - for stdin) into the hypervisor's symbol
# table: sorted text addresses and their names, for stack traces.
set -euo pipefail
src=${1:--}
cat <<'HDR'
        .section .rodata.symbols, "a", @progbits
        .balign 8
HDR
awk 'BEGIN { n = 0 }
    $2 ~ /^[tTwW]$/ && $3 !~ /^\./ { addr[n] = $1; name[n] = $3; n++ }
    END {
        printf "        .globl symbols_count\nsymbols_count:\n        .quad %d\n", n
        printf "        .globl symbols_addr\nsymbols_addr:\n"
        for (i = 0; i < n; i++) printf "        .quad 0x%s\n", addr[i]
        printf "        .globl symbols_name_off\nsymbols_name_off:\n"
        off = 0
        for (i = 0; i < n; i++) { printf "        .long %d\n", off; off += length(name[i]) + 1 }
        printf "        .globl symbols_names\nsymbols_names:\n"
        for (i = 0; i < n; i++) printf "        .asciz \"%s\"\n", name[i]
    }' "$src"
