#!/usr/bin/env bash
# bench-probe.sh - how long does a fingerprint take? Median wall time of a
# whole `hvscope probe` process (dynamic and static, no --timing,
# unprivileged) side by side with the peers systemd-detect-virt and
# virt-what on the same machine, plus `hvscope detect` and the size of the
# static binary. Uses hyperfine (Debian package) for the runs.
#
#   bash scripts/bench-probe.sh            (run by `make bench`)
#   RUNS=500 bash scripts/bench-probe.sh
#
# Prints a Markdown table; the numbers go into docs/PERFORMANCE.md
# ("Probe") by hand, with the command line and the machine state.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-300}
HV=${HVSCOPE:-bin/hvscope}
HVS=${HVSCOPE_STATIC:-bin/hvscope-static}
if ! command -v hyperfine >/dev/null; then
	echo "bench-probe.sh: hyperfine not installed (scripts/install-deps.sh)" >&2
	exit 6
fi
for b in "$HV" "$HVS"; do
	[ -x "$b" ] || { echo "bench-probe.sh: $b missing: run make" >&2; exit 6; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmds=("$HVS probe" "$HV probe" "$HVS detect" "$HV detect")
names=("hvscope-static probe" "hvscope probe" "hvscope-static detect" "hvscope detect")
if command -v systemd-detect-virt >/dev/null; then
	cmds+=("systemd-detect-virt"); names+=("systemd-detect-virt")
fi
if command -v virt-what >/dev/null; then
	# virt-what is a shell script running many tools: fewer runs
	cmds+=("virt-what"); names+=("virt-what")
fi

echo "# bench-probe: $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), runs $RUNS"
echo
echo "| command | median ms | mean ms | min ms | max ms | user+sys ms (mean) | runs |"
echo "|---|---|---|---|---|---|---|"
for i in "${!cmds[@]}"; do
	r=$RUNS
	[ "${names[$i]}" = virt-what ] && r=$(( RUNS < 60 ? RUNS : 60 ))
	# -N: no shell in between (hyperfine >= 1.13); -i: detect/peers exit 1 for "none"
	hyperfine -N -i -w 5 -r "$r" --export-json "$tmp/$i.json" "${cmds[$i]}" >/dev/null 2>&1
	python3 - "$tmp/$i.json" "${names[$i]}" <<'PY'
import json, sys, statistics
d = json.load(open(sys.argv[1]))["results"][0]
t = [x * 1e3 for x in d["times"]]
cpu = (d.get("user", 0) + d.get("system", 0)) * 1e3
print("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d |" % (sys.argv[2], statistics.median(t), statistics.mean(t), min(t), max(t), cpu, len(t)))
PY
done
echo
# where the time of one probe goes (HVSCOPE_DEBUG phase timings, median of 51 runs)
for b in "$HVS" "$HV"; do
	for i in $(seq 51); do HVSCOPE_DEBUG=1 $b probe 2>&1 >/dev/null; done |
		python3 -c '
import re, sys, statistics, collections
ph = collections.OrderedDict()
for l in sys.stdin:
    m = re.match(r"hvscope\[debug\]: fingerprint: (.*) ([0-9.]+) ms", l)
    if m: ph.setdefault(m.group(1), []).append(float(m.group(2)))
print("phases of " + sys.argv[1] + " probe (median ms): " + ", ".join("%s %.3f" % (k, statistics.median(v)) for k, v in ph.items()))
' "$(basename "$b")"
done
echo
echo "hvscope-static size: $(stat -c %s "$HVS") bytes ($(awk -v s="$(stat -c %s "$HVS")" 'BEGIN{printf "%.2f", s/1048576}') MiB)"
