#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest-matrix.t - `hvscope guest --matrix`: bad matrix files and options
# give one line and their exit code; then a live matrix in one command:
# a target with a broken kernel path and a hung guest (init waits for ever,
# short watchdog) are reported, and the rest of the matrix still completes:
# native, and QEMU TCG booting Debian's kernel with hvscope-static inside
# running probe + the quick suite, plus the network workload from the host
# (QEMU user networking, 127.0.0.1 only). Results must come back, validate
# against the result schema, and carry their target tag.
. "$(dirname "$0")/lib/guest.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-tgm.XXXXXX")
trap 'rm -rf "$T"' EXIT
H=$HVSCOPE

# --- bad input, no guest needed -------------------------------------------
"$H" guest --help > "$T/help" 2>&1
ok $? "guest --help exits 0"
like "$(cat "$T/help")" "--matrix FILE" "--help documents --matrix"
for opt in $("$H" guest --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$HVS_SRC/man/hvscope-guest.1" || { echo "# $opt not in the man page"; miss=1; }
done
ok "${miss:-0}" "man/hvscope-guest.1 documents every option of --help"
"$H" guest 2> "$T/e"; is "$?" 2 "no --matrix: exit 2"
is "$(wc -l < "$T/e")" 1 "... one line on stderr"
"$H" guest --matrix "$T/none.conf" 2> "$T/e"; is "$?" 9 "missing matrix file: exit 9"
printf '[target a]\nkind = qemu\nrun = probe\n[target a]\nkind = native\nrun = probe\n' > "$T/dup.conf"
"$H" guest --matrix "$T/dup.conf" --list 2> "$T/e"; is "$?" 4 "a target defined twice: exit 4"
like "$(cat "$T/e")" "line 4: target 'a' defined twice" "... says where"
printf '[target a]\nkind = vmware\n' > "$T/kind.conf"
"$H" guest --matrix "$T/kind.conf" --list 2> "$T/e"; is "$?" 4 "unknown kind: exit 4"
printf '[target a]\nkind = native\nrun = probe\nfrobnicate = 1\n' > "$T/key.conf"
"$H" guest --matrix "$T/key.conf" --list 2> "$T/e"; is "$?" 4 "unknown key: exit 4"
like "$(cat "$T/e")" "line 4: frobnicate: unknown key" "... named with its line"
printf 'kind = native\n' > "$T/nosec.conf"
"$H" guest --matrix "$T/nosec.conf" --list 2> /dev/null; is "$?" 4 "a key outside a section: exit 4"
printf '[target a]\nkind = native\n' > "$T/empty.conf"
"$H" guest --matrix "$T/empty.conf" --list 2> /dev/null; is "$?" 4 "a target that runs nothing: exit 4"
printf '[target a]\nkind = ssh\nrun = probe\n' > "$T/ssh.conf"
"$H" guest --matrix "$T/ssh.conf" --list 2> /dev/null; is "$?" 4 "kind ssh without host: exit 4"
head -c 3000 /dev/urandom > "$T/garbage.conf"
"$H" guest --matrix "$T/garbage.conf" --list 2> "$T/e"; rc=$?
ok "$([ "$rc" = 4 ] || [ "$rc" = 3 ]; echo $?)" "garbage matrix: exit 3 or 4 (got $rc)"
is "$(wc -l < "$T/e")" 1 "... one line"
"$H" guest --matrix "$HVS_SRC/scripts/matrix-quick.conf" --only nope --list 2> /dev/null
is "$?" 2 "--only with an unknown target: exit 2"
"$H" guest --matrix "$HVS_SRC/scripts/matrix-quick.conf" --timeout 0 2> /dev/null
is "$?" 2 "--timeout 0: exit 2"
"$H" guest --matrix "$HVS_SRC/scripts/matrix-quick.conf" --list > "$T/list"
like "$(cat "$T/list")" "^xen-pv +xen" "the shipped quick matrix parses and lists xen-pv"
"$H" guest --matrix "$HVS_SRC/scripts/matrix-kvm-paging.conf" --list > "$T/list"
like "$(cat "$T/list")" "^kvm-shadow +kvm-amd" "the shipped kvm-amd matrix parses (kind kvm-amd, paging shadow)"
printf '[target a]\nkind = qemu\npaging = shadow\nrun = probe\n' > "$T/paging.conf"
"$H" guest --matrix "$T/paging.conf" --list 2> "$T/e"; is "$?" 4 "paging on a qemu target: exit 4"
like "$(cat "$T/e")" "paging is for kind kvm-amd" "... says it is for kind kvm-amd"
printf '[target a]\nkind = kvm-amd\npaging = ept\nrun = kvm\n' > "$T/paging2.conf"
"$H" guest --matrix "$T/paging2.conf" --list 2> "$T/e"; is "$?" 4 "paging = ept: exit 4"
like "$(cat "$T/e")" "line 3: paging: paging must be npt or shadow" "... names the line and the values"
"$HVSCOPE_STATIC" guest --matrix "$HVS_SRC/scripts/matrix-quick.conf" --db "$T/h.db" 2> /dev/null
is "$?" 6 "static build: --db is refused with exit 6"

# --- live ------------------------------------------------------------------
# guest_prereqs ends the test it runs in: run it in a subshell, read its word
why=$( (guest_prereqs) 2> /dev/null | sed -n 's/^1\.\.0 # SKIP //p; s/^not ok 1 - //p')
if [ -n "$why" ]; then
	diag "live part skipped: $why"
	hvs_require_prereqs && ok 1 "$why"
	done_testing
fi
cat > "$T/m.conf" <<CONF
# broken first, so the rest must run after them
[defaults]
baseline = native

[target broken-kernel]
kind = qemu
kernel = $T/no-such-vmlinuz
run = probe

[target hung]
kind = qemu
# init is cat on the console: waits for input for ever (kernel messages on)
append = rdinit=/bin/cat loglevel=7
run = probe
timeout = 12

[target native]
kind = native
run = probe
run = run --bench syscall.getppid,exit.cpuid --processes 1 --samples 5
net = yes

[target qemu-tcg]
kind = qemu
accel = tcg
cpu = qemu64
run = probe
run = run --suite quick --processes 1 --samples 5
net = yes
timeout = 150
CONF
# the ring-0 image (make image), when built: cheap under TCG
img=0
if [ -f "${HVS_BUILD:-$HVS_SRC/build}/image/hvscope-ring0.elf" ]; then
	img=1
	printf '\n[target ring0]\nkind = image\naccel = tcg\nimage_append = quick\ntimeout = 90\n' >> "$T/m.conf"
fi
mkdir -p "$T/tmp"
t0=$(date +%s)
db=()
"$H" version | grep -q 'sqlite=1' && db=(--db "$T/h.db")
TMPDIR=$T/tmp "$H" guest --matrix "$T/m.conf" --out "$T/out" "${db[@]}" > "$T/stdout" 2> "$T/stderr"
rc=$?
diag "matrix took $(( $(date +%s) - t0 )) s"
is "$rc" 8 "matrix with a broken and a hung target: exit 8, the README's watchdog code (it completed)"
sed 's/^/#   /' "$T/stderr" | grep -v '^#   | ' | head -n 20
like "$(cat "$T/stderr")" "broken-kernel: fail .*no-such-vmlinuz" "the broken kernel path is reported"
like "$(cat "$T/stderr")" "hung: timeout .*watchdog" "the hung guest is reported as a timeout"
like "$(cat "$T/stderr")" "hung: console tail:" "... with the tail of its console"
like "$(cat "$T/stderr")" "native: pass" "native target passed"
like "$(cat "$T/stderr")" "qemu-tcg: pass" "QEMU TCG target passed after the broken ones"
for t in native qemu-tcg; do
	[ -s "$T/out/$t.json" ]; ok $? "$t: result file came back"
	python3 "$HVS_SRC/tests/lib/validate.py" "$T/out/$t.json" > "$T/v" 2>&1
	ok $? "$t: result validates against the result schema"; [ -s "$T/v" ] && sed 's/^/#   /' "$T/v"
	tag=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"]["tags"].get("target"))' "$T/out/$t.json" 2>/dev/null)
	is "$tag" "$t" "$t: tagged target=$t"
	rr=$(python3 -c 'import json,sys
m=[m for m in json.load(open(sys.argv[1]))["metrics"] if m["name"]=="workload.net.rr"]
print(m[0]["outcome"] if m else "missing", m[0]["summary"]["median"] > 0 if m and m[0]["outcome"]=="pass" else "")' "$T/out/$t.json" 2>/dev/null)
	is "$rr" "pass True" "$t: workload.net.rr measured (host-side client)"
done
like "$(grep -m1 '"summary"' "$T/out/qemu-tcg.1.probe.json")" '"QEMU TCG' "probe inside the TCG guest says QEMU TCG"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["metrics"]))' "$T/out/qemu-tcg.json" 2>/dev/null)
ok "$([ "${n:-0}" -ge 10 ]; echo $?)" "the TCG guest's quick suite came back ($n metrics)"
like "$(cat "$T/out/summary.md")" "\*\*workload.net.rr\*\* \| trans/s \| [0-9.]+% \[[0-9.]+, [0-9.]+\]" \
	"summary: net workload as percent of native with a CI"
like "$(cat "$T/stdout")" "\| hung \| timeout \|" "summary lists the hung target"
if [ "$img" = 1 ]; then
	like "$(cat "$T/stderr")" "ring0: pass" "ring-0 image target passed"
	python3 "$HVS_SRC/tests/lib/validate.py" "$T/out/ring0.json" > "$T/v" 2>&1
	ok $? "ring-0 image: result validates"; sed 's/^/#   /' "$T/v"
else
	skip 2 "ring-0 image not built (make image)"
fi
if [ "${#db[@]}" -gt 0 ]; then
	want="native qemu-tcg"; [ "$img" = 1 ] && want="native qemu-tcg ring0"
	got=$(python3 -c 'import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
print(" ".join(r[0] for r in c.execute("select value from tags where key=\"target\" order by value")))' "$T/h.db" 2>&1)
	is "$got" "$want" "--db: every target with a result is in the history, tagged"
else
	skip 1 "this build has no SQLite"
fi
is "$(ls -A "$T/tmp")" "" "no temporary files left behind"
left=$(ps -eo pid,args | grep -F -- "$T/out" | grep -v grep)
is "$left" "" "no QEMU left running"
done_testing
