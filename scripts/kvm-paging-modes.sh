#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kvm-paging-modes.sh - run `hvscope kvm` under both paging modes of the
# host's KVM: two-dimensional (EPT/NPT) and shadow paging, by reloading
# kvm_intel with ept=Y/N or kvm_amd with npt=1/0.
#
#   sudo scripts/kvm-paging-modes.sh --yes [--out DIR] [-- hvscope kvm args]
#
# Why root and --yes: reloading the vendor module is only possible when no
# VM is running and it briefly removes /dev/kvm for everyone; the script
# refuses without --yes, refuses when the module is in use, and always
# restores the parameter it found. Where the mode cannot be switched (kvm_pvm,
# which is always shadow paging; a built-in module; no VMX/SVM) it says why
# and runs once in the mode in force.
#
# Output: DIR/kvm-tdp.txt and DIR/kvm-shadow.txt (the `hvscope kvm` tables,
# whose first line names the paging mode). Exit codes: 0 done (both modes,
# or the one in force when switching is impossible), 2 usage, 7 not root,
# 9 a reload failed (the original parameter is restored before exiting).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
hv=${HVSCOPE:-$here/bin/hvscope}
yes=0
out=.
while [ $# -gt 0 ]; do
	case "$1" in
	--yes) yes=1; shift ;;
	--out) out=$2; shift 2 ;;
	--) shift; break ;;
	-h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "kvm-paging-modes.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
args=("$@")
mkdir -p "$out"

run_once() {
	local tag=$1
	echo "== hvscope kvm (${tag}) -> $out/kvm-$tag.txt"
	"$hv" kvm "${args[@]}" | tee "$out/kvm-$tag.txt" || true
}

current_mode() {
	"$hv" kvm cpuid.0 --quick --samples 3 2>/dev/null | sed -n 's/^# hvscope kvm: paging \([A-Za-z]*\).*/\1/p'
}

if [ -d /sys/module/kvm_pvm ]; then
	echo "kvm-paging-modes.sh: kvm_pvm is loaded: it always uses shadow paging, nothing to switch"
	run_once "$(current_mode)"
	exit 0
fi
mod=""
param=""
if [ -e /sys/module/kvm_intel/parameters/ept ]; then
	mod=kvm_intel param=ept on=Y off=N
elif [ -e /sys/module/kvm_amd/parameters/npt ]; then
	mod=kvm_amd param=npt on=1 off=0
fi
if [ -z "$mod" ]; then
	echo "kvm-paging-modes.sh: neither kvm_intel nor kvm_amd is loaded: cannot switch"
	run_once "$(current_mode || echo unknown)"
	exit 0
fi
if [ ! -e "/sys/module/$mod/refcnt" ]; then
	echo "kvm-paging-modes.sh: $mod is built into the kernel: boot with $mod.$param=... to switch"
	run_once "$(current_mode)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "kvm-paging-modes.sh: reloading $mod needs root" >&2
	exit 7
fi
if [ "$yes" != 1 ]; then
	echo "kvm-paging-modes.sh: this reloads $mod (no VM may run meanwhile); pass --yes to proceed" >&2
	exit 2
fi
if [ "$(cat "/sys/module/$mod/refcnt")" != 0 ]; then
	echo "kvm-paging-modes.sh: $mod is in use (VMs running?): refusing to reload" >&2
	exit 9
fi

orig=$(cat "/sys/module/$mod/parameters/$param")
restore() { modprobe -r "$mod" 2>/dev/null || true; modprobe "$mod" "$param=$orig" || true; }
trap restore EXIT
for mode in tdp shadow; do
	val=$on
	[ "$mode" = shadow ] && val=$off
	if ! { modprobe -r "$mod" && modprobe "$mod" "$param=$val"; }; then
		echo "kvm-paging-modes.sh: could not load $mod $param=$val" >&2
		exit 9
	fi
	run_once "$mode"
done
