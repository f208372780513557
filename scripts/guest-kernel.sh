#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the lean 64-bit PV guest kernel (make guest-kernel) from Debian's
# linux-source-6.1: the patch series in guest-linux-patches/ applied with
# git am, xenia-guest.config merged onto allnoconfig, out-of-tree build.
#
#   scripts/guest-kernel.sh [--no-patches]
#   GUEST_KERNEL_DIR=$BUILD/guest-kernel   (--no-patches: ...-unpatched)
#   GUEST_KERNEL_CONFIG="a.config b.config"   further fragments, merged last
#   GUEST_KERNEL_JOBS=$(nproc)
#   GUEST_KERNEL_PATCHES=guest-linux-patches   another series (the tests')
#
# Writes vmlinux (ELF with the Xen notes), bzImage, System.map and .config
# to $GUEST_KERNEL_DIR; the source is a git tree in linux-source-6.1/ there
# (tag "base" is Debian's pristine source), objects in obj/. Only a change
# to the series or the config re-applies or reconfigures, and re-applying
# rewrites only the files the patches touch, so make rebuilds just those.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-$top/build}
patches=${GUEST_KERNEL_PATCHES:-$top/guest-linux-patches}
tarball=/usr/src/linux-source-6.1.tar.xz
series=$patches/series
out=${GUEST_KERNEL_DIR:-$build/guest-kernel}
if [ "${1:-}" = --no-patches ]; then
    series=/dev/null
    out=${GUEST_KERNEL_DIR:-$build/guest-kernel-unpatched}
elif [ -n "${1:-}" ]; then
    echo "usage: $0 [--no-patches]" >&2; exit 2
fi
jobs=${GUEST_KERNEL_JOBS:-$(nproc)}
src=$out/linux-source-6.1
obj=$out/obj
say() { echo "guest-kernel: $*" >&2; }
die() { say "$*"; exit 1; }
git_src() { git -C "$src" -c user.name=guest-kernel -c user.email=guest-kernel@localhost \
                -c advice.detachedHead=false "$@"; }

[ -r "$tarball" ] || die "no $tarball: install linux-source-6.1 (scripts/install-deps.sh)"

# --- the source: Debian's tarball, once, as a git tree -------------------
if ! git_src rev-parse -q --verify base >/dev/null 2>&1; then
    say "unpacking $tarball"
    rm -rf "$src" "$obj"
    mkdir -p "$out"
    tar -C "$out" -xJf "$tarball"
    # Debian's .gitignore ignores the whole top level: -f adds it anyway.
    git_src init -q
    git_src add -f -A
    git_src commit -q -m "Debian linux-source-6.1 $(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null)"
    git_src tag base
fi

# --- the patch series: re-applied from base whenever it changes ----------
list=()
while read -r p _; do
    case $p in ''|'#'*) continue ;; esac
    [ -f "$patches/$p" ] || die "series names $p, which is not in $patches/"
    list+=("$p")
done < <(cat "$series" 2>/dev/null)
stamp=$(cd "$patches" && { echo "${list[*]:-}"; cat ${list[@]+"${list[@]}"}; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/series.applied" 2>/dev/null)" != "$stamp" ] ||
    [ -n "$(git_src status --porcelain)" ]; then
    rm -f "$out/series.applied"
    git_src am --abort >/dev/null 2>&1 || true
    # checkout rewrites only files that differ: make sees just those change.
    git_src checkout -q --detach base
    git_src clean -q -f -d
    for p in ${list[@]+"${list[@]}"}; do
        git_src am -q --keep-cr "$patches/$p" >"$out/am.log" 2>&1 || {
            sed 's/^/    | /' "$out/am.log" >&2
            git_src am --abort >/dev/null 2>&1 || true
            die "patch $p does not apply ($patches/series)"
        }
        say "applied $p"
    done
    echo "$stamp" > "$out/series.applied"
fi

# --- the configuration: allnoconfig + our fragment -----------------------
fragments=("$patches/xenia-guest.config")
for f in ${GUEST_KERNEL_CONFIG:-}; do
    [ -r "$f" ] || die "GUEST_KERNEL_CONFIG: no fragment $f"
    fragments+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done
cfgstamp=$(cat "${fragments[@]}" | sha256sum | cut -d' ' -f1)
mkdir -p "$obj"
if [ "$(cat "$out/config.merged" 2>/dev/null)" != "$cfgstamp" ] || [ ! -s "$obj/.config" ]; then
    rm -f "$out/config.merged"
    (cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -n -O "$obj" "${fragments[@]}") \
        >"$out/config.log" 2>&1 || { cat "$out/config.log" >&2; die "merge_config.sh failed"; }
    # A requested value the dependencies refused is a broken fragment.
    if grep -q "not in final .config" "$out/config.log"; then
        grep -A3 "not in final .config" "$out/config.log" >&2
        die "the config fragment asks for options Kconfig did not grant"
    fi
    echo "$cfgstamp" > "$out/config.merged"
fi

# --- the build ---------------------------------------------------------------
say "building in $obj ($jobs jobs)"
nice make -C "$obj" -s ARCH=x86_64 -j"$jobs" vmlinux bzImage ||
    die "kernel build failed"
for f in vmlinux System.map .config; do
    cp -p "$obj/$f" "$out/$f.tmp" && mv "$out/$f.tmp" "$out/$f"
done
cp -p "$obj/arch/x86/boot/bzImage" "$out/bzImage.tmp" && mv "$out/bzImage.tmp" "$out/bzImage"
readelf -n "$out/vmlinux" | grep -q 'Xen' || die "vmlinux has no Xen ELF notes"
say "$out/vmlinux ($(cat "$obj/include/config/kernel.release"))"
