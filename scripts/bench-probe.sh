#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-probe.sh - how long does a fingerprint take? Median wall time of a
# whole `hvscope probe` process (dynamic and static, no --timing, no
# --privileged) side by side with the peers systemd-detect-virt and
# virt-what on the same machine, plus `hvscope detect`, where the time of
# one probe goes (HVSCOPE_DEBUG phase timings) and the size of the static
# binary. Uses hyperfine (Debian package) for the runs.
#
# Run as root, it measures twice: as root (/dev/kvm usable, so the host
# facts create and destroy a VM), and as the user nobody (an unprivileged
# user without /dev/kvm access; virt-what refuses to run as non-root and is
# left out there).
#
#   bash scripts/bench-probe.sh            (run by `make bench`)
#   RUNS=500 bash scripts/bench-probe.sh
#
# Prints Markdown; the numbers go into docs/PERFORMANCE.md ("Probe") by
# hand, with the command line and the machine state.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-300}
if ! command -v hyperfine >/dev/null; then
	echo "bench-probe.sh: hyperfine not installed (scripts/install-deps.sh)" >&2
	exit 6
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 1777 "$tmp" # hyperfine as nobody writes its JSON here
# copies that every user can execute, whatever the permissions of the tree
cp "${HVSCOPE:-bin/hvscope}" "$tmp/hvscope"
cp "${HVSCOPE_STATIC:-bin/hvscope-static}" "$tmp/hvscope-static"
chmod 755 "$tmp/hvscope" "$tmp/hvscope-static"
HV=$tmp/hvscope
HVS=$tmp/hvscope-static
echo 'int main(void) { return 0; }' > "$tmp/empty.c"
cc -O2 -static -o "$tmp/empty-glibc" "$tmp/empty.c" 2>/dev/null || true
command -v musl-gcc >/dev/null && musl-gcc -O2 -static -o "$tmp/empty-musl" "$tmp/empty.c" 2>/dev/null || true
chmod 755 "$tmp"/empty-* 2>/dev/null || true

table() { # $1 = "" or a user to run as
	local as=$1 pre=() i r
	[ -n "$as" ] && pre=(setpriv --reuid="$as" --regid="$(id -gn "$as" 2>/dev/null || echo nogroup)" --clear-groups)
	local cmds=("$HVS probe" "$HV probe" "$HVS detect" "$HV detect")
	local names=("hvscope-static probe ($("$HVS" version | sed -n 's/^build: static, \([^,]*\),.*/\1/p'))" "hvscope probe" "hvscope-static detect" "hvscope detect")
	# the process floor: an empty static program with each libc (glibc's
	# start-up CPUIDs are VM exits in a guest; see harness/core/libc_compat.c)
	[ -x "$tmp/empty-glibc" ] && { cmds+=("$tmp/empty-glibc"); names+=("empty static program, glibc"); }
	[ -x "$tmp/empty-musl" ] && { cmds+=("$tmp/empty-musl"); names+=("empty static program, musl"); }
	if command -v systemd-detect-virt >/dev/null; then
		cmds+=("$(command -v systemd-detect-virt)"); names+=("systemd-detect-virt")
	fi
	if [ -z "$as" ] && [ "$(id -u)" = 0 ] && command -v virt-what >/dev/null; then
		cmds+=("$(command -v virt-what)"); names+=("virt-what")
	fi
	echo "| command | median ms | mean ms | min ms | max ms | user+sys ms (mean) | runs |"
	echo "|---|---|---|---|---|---|---|"
	for i in "${!cmds[@]}"; do
		r=$RUNS
		[ "${names[$i]}" = virt-what ] && r=$(( RUNS < 60 ? RUNS : 60 ))
		rm -f "$tmp/out.json"
		# -N: no intermediate shell; -i: detect and the peers exit 1 for "none"
		"${pre[@]}" hyperfine -N -i -w 5 -r "$r" --export-json "$tmp/out.json" "${cmds[$i]}" >/dev/null 2>&1 ||
			{ echo "| ${names[$i]} | (failed) | | | | | |"; continue; }
		python3 - "$tmp/out.json" "${names[$i]}" <<'PY'
import json, sys, statistics
d = json.load(open(sys.argv[1]))["results"][0]
t = [x * 1e3 for x in d["times"]]
cpu = (d.get("user", 0) + d.get("system", 0)) * 1e3
print("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d |" % (sys.argv[2], statistics.median(t), statistics.mean(t), min(t), max(t), cpu, len(t)))
PY
	done
	echo
	for b in "$HVS" "$HV"; do
		for i in $(seq 51); do HVSCOPE_DEBUG=1 "${pre[@]}" "$b" probe 2>&1 >/dev/null; done |
			python3 -c '
import re, sys, statistics, collections
ph = collections.OrderedDict()
for l in sys.stdin:
    m = re.match(r"hvscope\[debug\]: fingerprint: (.*) ([0-9.]+) ms", l)
    if m: ph.setdefault(m.group(1), []).append(float(m.group(2)))
print("- phases of `" + sys.argv[1] + " probe`, median ms of 51: " + ", ".join("%s %.3f" % (k, statistics.median(v)) for k, v in ph.items()))
' "$(basename "$b")"
	done
	echo
}

echo "# bench-probe: $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), runs $RUNS"
echo
echo "## as $(id -un)"
echo
table ""
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	echo "## as nobody (no /dev/kvm access)"
	echo
	table nobody
fi
echo "hvscope-static size: $(stat -c %s "$HVS") bytes ($(awk -v s="$(stat -c %s "$HVS")" 'BEGIN{printf "%.2f", s/1048576}') MiB)"
