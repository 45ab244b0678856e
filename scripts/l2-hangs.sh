#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# l2-hangs.sh - how often an L2 boot hangs: N boots of
# `boot-guest.sh --mode kvm-l2` one after another (--paging npt and shadow
# alternating), each running the commands of scripts/matrix-l2.conf's L2
# targets, with extra boot-guest.sh options for the configuration under
# test. One line per boot in OUT/boots.txt (start, load average, paging,
# exit code, seconds; 8 = a stall or watchdog, its hang.txt kept in
# OUT/bN/), a total line at the end.
#
#   scripts/l2-hangs.sh [-n N] [-o OUT] [-e VAR=VALUE]... [--] [BOOT-GUEST OPTIONS]
#
#   e.g. scripts/l2-hangs.sh -n 30 -o /tmp/c1 -e HVS_L2_IDLE=halt
#        scripts/l2-hangs.sh -n 30 -o /tmp/c2 -- --smp 2
#
# One guest at a time: every boot costs one host CPU for ~20 s (a hang
# 60-100 s until boot-guest.sh's stall watchdog ends it).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=30 out="" envs=()
while [ $# -gt 0 ]; do
	case "$1" in
	-n) n=$2; shift 2 ;;
	-o) out=$2; shift 2 ;;
	-e) envs+=("$2"); shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '2,/^set -uo/p' "$0" | sed 's/^# \{0,1\}//; /^set -uo/d'; exit 0 ;;
	*) break ;;
	esac
done
[ -n "$out" ] || { echo "l2-hangs.sh: -o OUT wanted" >&2; exit 2; }
[[ "$n" =~ ^[0-9]+$ ]] || { echo "l2-hangs.sh: -n wants a number" >&2; exit 2; }
mkdir -p "$out"
echo "# $(date -u +%FT%TZ) l2-hangs.sh -n $n ${envs[*]} -- $*" >> "$out/boots.txt"
# a hang is what is counted here: boot-guest.sh's retry after a stall stays off
export HVS_L2_RETRY=0
hangs=0 other=0 done_=0
for i in $(seq 1 "$n"); do
	p=npt; [ $((i % 2)) -eq 0 ] && p=shadow
	d=$out/b$i; rm -rf "$d"
	st=$(date -u +%H:%M:%S) la=$(cut -d' ' -f1 /proc/loadavg) t0=$(date +%s)
	env "${envs[@]}" bash "$here/scripts/boot-guest.sh" --mode kvm-l2 --paging "$p" --timeout 240 --out "$d" "$@" \
		--cmd 'ip link set lo up' --cmd 'hvscope-static probe --json' \
		--cmd 'hvscope-static run --bench exit.cpuid,syscall.getppid,mm.pagefault --quick --processes 1 --out -' \
		> /dev/null 2> "$d.stderr"
	rc=$?
	done_=$((done_ + 1))
	# a hang: exit 8 (a stall or a watchdog), its account in hang.txt
	if [ "$rc" = 8 ]; then hangs=$((hangs + 1)); elif [ "$rc" != 0 ]; then other=$((other + 1)); fi
	echo "b$i start=$st load=$la paging=$p rc=$rc secs=$(( $(date +%s) - t0 ))$([ -s "$d/hang.txt" ] && echo " hang.txt")$([ -s "$d/stalls.txt" ] && echo " stalls.txt")" >> "$out/boots.txt"
done
echo "total: $hangs of $done_ boots hung (exit 8), $other failed otherwise" | tee -a "$out/boots.txt"
