#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kvm-paging-modes.sh - run `hvscope kvm` under both paging modes of a KVM:
# two-dimensional (EPT/NPT) and shadow paging, in interleaved rounds
# (tdp, shadow, tdp, shadow, ...), and set the rows side by side.
#
#   scripts/kvm-paging-modes.sh --guest [--rounds N] [--out DIR] [-- hvscope kvm args]
#   sudo scripts/kvm-paging-modes.sh --yes [--rounds N] [--out DIR] [-- hvscope kvm args]
#
# --guest: in one boot of Linux with kvm_amd on QEMU TCG's emulated SVM+NPT
# (scripts/boot-guest.sh --mode kvm-amd), reloading kvm_amd with npt=1 / npt=0
# between rounds. Unprivileged; the absolute times are TCG's emulation of SVM,
# the exit counts and the ratios to the same run's CPUID exit are KVM's.
#
# --yes: on this host, by reloading kvm_intel with ept=Y/N or kvm_amd with
# npt=1/0. Root, because reloading the vendor module briefly removes
# /dev/kvm for everyone; refused without --yes and when the module is in use;
# the parameter found is always restored. Where the mode cannot be switched
# (kvm_pvm, which is always shadow paging; a built-in module; no VMX/SVM) it
# says why and runs once in the mode in force.
#
# Output: DIR/kvm-MODE-ROUND.json (result files, tags paging= and round=),
# DIR/kvm-MODE-ROUND.txt (the tables) and DIR/table.md (both modes side by
# side: exits/op, ns and units of the same round's cpuid.0, medians over the
# rounds). Without --out, DIR is a new directory under ${TMPDIR:-/tmp}, named
# at the end; nothing is written to the current directory.
# Exit codes: 0 done, 1 the guest failed, 2 usage, 6 nothing to boot here,
# 7 not root, 8 the guest's watchdog fired, 9 a reload failed (the original
# parameter is restored before exiting).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
hv=${HVSCOPE:-$here/bin/hvscope}
me=kvm-paging-modes.sh
yes=0
guest=0
rounds=2
out=""
timeout=600
while [ $# -gt 0 ]; do
	case "$1" in
	--yes) yes=1; shift ;;
	--guest) guest=1; shift ;;
	--rounds) rounds=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--) shift; break ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'; exit 0 ;;
	*) echo "$me: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
[[ "$rounds" =~ ^[0-9]+$ ]] && [ "$rounds" -ge 1 ] && [ "$rounds" -le 5 ] || { echo "$me: --rounds wants 1..5 (--guest: the commands travel on the kernel command line)" >&2; exit 2; }
[[ "$timeout" =~ ^[0-9]+$ ]] && [ "$timeout" -gt 0 ] || { echo "$me: --timeout wants seconds" >&2; exit 2; }
args=("$@")
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/hvs-paging-modes.XXXXXX")
fi
mkdir -p "$out"

# table.md from the result files: per row and mode, the medians over rounds.
table() {
	python3 - "$out" <<'PY'
import glob, json, os, statistics as st, sys
d = sys.argv[1]
rows, modes = {}, {}
for f in sorted(glob.glob(os.path.join(d, "kvm-*-*.json"))):
    mode = os.path.basename(f).split("-")[1]
    r = json.load(open(f))
    ms = {m["name"]: m for m in r["metrics"]}
    cpu = ms.get("kvm.cpuid.0", {}).get("summary", {}).get("median")
    modes.setdefault(mode, 0)
    modes[mode] += 1
    for n, m in ms.items():
        e = rows.setdefault(n, {}).setdefault(mode, {"ns": [], "ex": [], "x": [], "st": set()})
        e["st"].add(m["outcome"] + (": " + m["reason"] if m["outcome"] != "pass" and m.get("reason") else ""))
        if m["outcome"] != "pass":
            continue
        med = m["summary"]["median"]
        e["ns"].append(med)
        if "exits_per_op" in m.get("extra", {}):
            e["ex"].append(m["extra"]["exits_per_op"])
        if cpu:
            e["x"].append(med / cpu)
def si(ns):
    for u, f in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if abs(ns) >= f:
            return "%.3g %s" % (ns / f, u)
    return "%.3g ns" % ns
order = [m for m in ("tdp", "shadow") if m in modes]
print("| row | " + " | ".join("%s exits/op | %s time | %s in cpuid.0" % (m, m, m) for m in order) + " |")
print("|---|" + "---:|---:|---:|" * len(order))
for n in rows:
    cells = []
    for m in order:
        e = rows[n].get(m)
        if not e or not e["ns"]:
            why = "; ".join(sorted(e["st"])) if e else "not run"
            cells += ["-", "-", why[:60]]
            continue
        cells += ["%.2f" % st.median(e["ex"]) if e["ex"] else "-", si(st.median(e["ns"])),
                  "%.3g" % st.median(e["x"]) if e["x"] else "-"]
    print("| %s | %s |" % (n.replace("kvm.", ""), " | ".join(cells)))
print("\n%s round(s) per mode: %s" % (", ".join("%d" % modes[m] for m in order), ", ".join(order)))
PY
}

if [ "$guest" = 1 ]; then
	# One boot; each command reloads kvm_amd in the mode and runs the
	# suite: its table to stderr (N.err), its result file to stdout (N.out).
	# Kept short: all of them travel on the guest's kernel command line.
	q=""
	for a in "${args[@]}"; do q="$q '${a//\'/\'\\\'\'}'"; done
	cmds=()
	names=()
	for r in $(seq 1 "$rounds"); do
		for mode in tdp shadow; do
			v=1
			[ "$mode" = shadow ] && v=0
			cmds+=("rmmod kvm_amd&&insmod /lib/modules/kvm-amd.ko npt=$v&&hvscope-static kvm$q --tag round=$r --out /tmp/k.json>&2;r=\$?;cat /tmp/k.json;exit \$r")
			names+=("kvm-$mode-$r")
		done
	done
	bargs=()
	for c in "${cmds[@]}"; do bargs+=(--cmd "$c"); done
	set +e
	"$here/scripts/boot-guest.sh" --mode kvm-amd --timeout "$timeout" --out "$out/boot" "${bargs[@]}"
	rc=$?
	set -e
	[ "$rc" = 0 ] || exit "$rc"
	for i in "${!names[@]}"; do
		n=$((i + 1))
		cp "$out/boot/$n.out" "$out/${names[$i]}.json"
		cp "$out/boot/$n.err" "$out/${names[$i]}.txt"
		# the mode in force, from hvscope kvm's own header: NPT or shadow
		want=NPT
		case "${names[$i]}" in *shadow*) want=shadow ;; esac
		head -n 1 "$out/${names[$i]}.txt" | grep -q "paging $want " ||
			{ echo "$me: ${names[$i]}: kvm_amd did not reload in that mode: $(head -n 2 "$out/${names[$i]}.txt")" >&2; exit 9; }
	done
	table > "$out/table.md"
	cat "$out/table.md"
	echo "$me: results in $out"
	exit 0
fi

run_once() {
	local tag=$1 r=$2
	echo "== hvscope kvm (${tag}, round $r) -> $out/kvm-$tag-$r.txt"
	"$hv" kvm "${args[@]}" --tag "round=$r" --out "$out/kvm-$tag-$r.json" | tee "$out/kvm-$tag-$r.txt" || true
}

current_mode() {
	"$hv" kvm cpuid.0 --quick --samples 3 2>/dev/null | sed -n 's/^# hvscope kvm: paging \([A-Za-z]*\).*/\1/p'
}

if [ -d /sys/module/kvm_pvm ]; then
	echo "$me: kvm_pvm is loaded: it always uses shadow paging, nothing to switch (--guest runs both modes in a kvm_amd guest)"
	run_once "$(current_mode)" 1
	echo "$me: results in $out"
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
	echo "$me: neither kvm_intel nor kvm_amd is loaded: cannot switch"
	run_once "$(current_mode || echo unknown)" 1
	echo "$me: results in $out"
	exit 0
fi
if [ ! -e "/sys/module/$mod/refcnt" ]; then
	echo "$me: $mod is built into the kernel: boot with $mod.$param=... to switch"
	run_once "$(current_mode)" 1
	echo "$me: results in $out"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$me: reloading $mod needs root" >&2
	exit 7
fi
if [ "$yes" != 1 ]; then
	echo "$me: this reloads $mod (no VM may run meanwhile); pass --yes to proceed" >&2
	exit 2
fi
if [ "$(cat "/sys/module/$mod/refcnt")" != 0 ]; then
	echo "$me: $mod is in use (VMs running?): refusing to reload" >&2
	exit 9
fi

orig=$(cat "/sys/module/$mod/parameters/$param")
restore() { modprobe -r "$mod" 2>/dev/null || true; modprobe "$mod" "$param=$orig" || true; }
trap restore EXIT
for r in $(seq 1 "$rounds"); do
	for mode in tdp shadow; do
		val=$on
		[ "$mode" = shadow ] && val=$off
		if ! { modprobe -r "$mod" && modprobe "$mod" "$param=$val"; }; then
			echo "$me: could not load $mod $param=$val" >&2
			exit 9
		fi
		run_once "$mode" "$r"
	done
done
table > "$out/table.md"
cat "$out/table.md"
echo "$me: results in $out"
