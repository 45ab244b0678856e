#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-guest-boots.sh - how long do the guests hvscope boots take? For each
# guest kind, BOOTS boots (default 5) through scripts/boot-guest.sh; the time
# is from QEMU's start to the guest's last console marker (after the
# command ran), as boot-guest.sh measures it. Also the initramfs build time
# and size.
#
#   bash scripts/bench-guest-boots.sh          (run by `make bench`)
#   BOOTS=9 bash scripts/bench-guest-boots.sh
#   KINDS="linux xen-pv" bash scripts/bench-guest-boots.sh
#
# Prints a Markdown table; the numbers go into docs/PERFORMANCE.md ("Guest
# boots") by hand, with the machine state. Exit 6 when QEMU, the kernel or
# Xen is missing (nothing measured), 1 when a boot fails.
set -euo pipefail
cd "$(dirname "$0")/.."
BOOTS=${BOOTS:-5}
KINDS=${KINDS:-"linux linux-probe xen-pv xen-pvh cpuid-kernel-tcg cpuid-kernel-kvm"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# initramfs: build time and size (minimal, and with the peers)
s=$(date +%s.%N)
scripts/mkinitramfs.sh -o "$tmp/min.cpio.gz" 2>/dev/null
e=$(date +%s.%N)
s2=$(date +%s.%N)
scripts/mkinitramfs.sh --peers -o "$tmp/peers.cpio.gz" 2>/dev/null
e2=$(date +%s.%N)
echo "initramfs: minimal $(stat -c %s "$tmp/min.cpio.gz") bytes in $(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }') s;" \
	"with peers $(stat -c %s "$tmp/peers.cpio.gz") bytes in $(awk -v a="$s2" -v b="$e2" 'BEGIN { printf "%.2f", b - a }') s"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| guest | command in the guest | boots | median s | min s | max s |"
echo "|---|---|---|---|---|---|"
for k in $KINDS; do
	case "$k" in
	linux) args=(--mode linux); cmd=true ;;
	linux-probe) args=(--mode linux); cmd='hvscope-static probe' ;;
	xen-pv) args=(--mode xen-pv); cmd=true ;;
	xen-pvh) args=(--mode xen-pvh); cmd=true ;;
	cpuid-kernel-tcg) args=(--mode cpuid-kernel --accel tcg); cmd='(cpuid dump)' ;;
	cpuid-kernel-kvm) args=(--mode cpuid-kernel --accel kvm); cmd='(cpuid dump)' ;;
	*) echo "bench-guest-boots.sh: unknown kind $k" >&2; exit 2 ;;
	esac
	: > "$tmp/t"
	for i in $(seq 1 "$BOOTS"); do
		set +e
		scripts/boot-guest.sh "${args[@]}" --out "$tmp/o" -- "$cmd" 2> "$tmp/err"
		rc=$?
		set -e
		if [ "$rc" != 0 ]; then
			cat "$tmp/err" >&2
			exit "$rc"
		fi
		cat "$tmp/o/boot.seconds" >> "$tmp/t"
	done
	printf '| %s | `%s` | %d | %s | %s | %s |\n' "$k" "$cmd" "$BOOTS" "$(median < "$tmp/t")" \
		"$(sort -n "$tmp/t" | head -n 1)" "$(sort -n "$tmp/t" | tail -n 1)"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
