#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# safe-write.t - every file hvscope writes goes through one safe writer
# (harness/core/safe_write.c, issue 16): `run --out` never replaces a device node
# (/dev/null is written in place, /dev/zero refused with exit 9), a socket
# or a directory; planted PATH.tmp.<pid> symlinks are never followed; a
# symlink at the path is replaced, its target untouched; /dev/stdout works
# like "-"; permission denied is exit 7. `hvscope report` killed with
# SIGKILL at random moments leaves the last finished report (never half
# files or two runs' files mixed) and no gnuplot behind.
set -u
H=${HVSCOPE:?}
. "$HVS_SRC/tests/lib/need.sh"
need gnuplot-nox cmd:gnuplot
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { local k; for k in $(seq "$1"); do n=$((n + 1)); echo "ok $n # SKIP $2"; done; }
diag() { sed 's/^/# /'; }
run1() { "$H" run --bench exit.cpuid --processes 1 --samples 3 --no-checks --out "$@"; }
is_result() { python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["kind"] == "hvscope-result"' "$1" 2>/dev/null; }

echo "TAP version 13"
echo "1..16"

# --- device nodes (mknod needs root) ---
if [ "$(id -u)" = 0 ]; then
	mknod "$T/null" c 1 3 && mknod "$T/zero" c 1 5
	run1 "$T/null" >/dev/null 2>"$T/err"; rc=$?
	[ $rc = 0 ] && [ -c "$T/null" ] && [ "$(stat -c %t:%T "$T/null")" = 1:3 ]
	ok $? "--out on a 1:3 node (/dev/null): written in place, still the char device (rc $rc)"
	diag <"$T/err"
	run1 "$T/zero" >/dev/null 2>"$T/err"; rc=$?
	[ $rc = 9 ] && [ -c "$T/zero" ] && [ "$(stat -c %t:%T "$T/zero")" = 1:5 ]
	ok $? "--out on another char device (1:5): refused with exit 9, the node is left alone (rc $rc)"
	[ "$(wc -l <"$T/err")" = 1 ] && grep -q 'not a regular file' "$T/err"
	ok $? "one-line error naming why: $(cat "$T/err")"
	ln -s "$T/zero" "$T/tozero"
	run1 "$T/tozero" >/dev/null 2>/dev/null; rc=$?
	[ $rc = 9 ] && [ -L "$T/tozero" ] && [ -c "$T/zero" ]
	ok $? "a symlink to that device: refused too, link and node unchanged (rc $rc)"
else
	skip 4 "mknod needs root"
fi

# --- other special files, any user ---
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/sock"
run1 "$T/sock" >/dev/null 2>/dev/null; rc=$?
[ $rc = 9 ] && [ -S "$T/sock" ]
ok $? "--out on a socket: exit 9, still a socket (rc $rc)"
mkdir "$T/dir"
run1 "$T/dir" >/dev/null 2>/dev/null; rc=$?
[ $rc = 9 ] && [ -d "$T/dir" ] && [ -z "$(ls -A "$T/dir")" ]
ok $? "--out on a directory: exit 9, directory untouched (rc $rc)"
mkfifo "$T/fifo"
run1 "$T/fifo" >/dev/null 2>/dev/null; rc=$?
[ $rc = 9 ] && [ -p "$T/fifo" ]
ok $? "--out on a FIFO nobody reads: exit 9 at once, not a hang; still a FIFO (rc $rc)"
# A link of our own to /proc/self/fd/1 stands for /dev/stdout: the old
# writer replaced what it named, and a test must not break the real one.
ln -s /proc/self/fd/1 "$T/stdout"
out=$(run1 "$T/stdout" 2>/dev/null | head -n 1)
python3 -c 'import json,sys; assert json.loads(sys.argv[1])["kind"] == "hvscope-result"' "$out" 2>/dev/null &&
	[ -L "$T/stdout" ]
ok $? "--out /dev/stdout (a link to /proc/self/fd/1) into a pipe: the result comes through the pipe, like -; the link stays"

# --- planted temp names and links ---
echo "victim" >"$T/victim"
mkdir "$T/shared"
# One process plants them all (the next pids are the next ones it would use).
python3 -c 'import os,sys
for i in range(1, 1001):
    os.symlink(sys.argv[1], "%s/out.json.tmp.%d" % (sys.argv[2], os.getpid() + i))' "$T/victim" "$T/shared"
run1 "$T/shared/out.json" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 0 ] && [ "$(cat "$T/victim")" = victim ] && [ -f "$T/shared/out.json" ] && [ ! -L "$T/shared/out.json" ] &&
	is_result "$T/shared/out.json"
ok $? "1000 planted out.json.tmp.<next pids> symlinks: victim unchanged, out.json a regular result file (rc $rc)"
diag <"$T/err"
[ "$(find "$T/shared" -name 'out.json.tmp.*' ! -type l | wc -l)" = 0 ]
ok $? "no temp file left beside it"
ln -s "$T/victim" "$T/link.json"
run1 "$T/link.json" >/dev/null 2>/dev/null; rc=$?
[ $rc = 0 ] && [ "$(cat "$T/victim")" = victim ] && [ -f "$T/link.json" ] && [ ! -L "$T/link.json" ] &&
	is_result "$T/link.json"
ok $? "--out on a symlink: the link is replaced by the result, its target never written (rc $rc)"

# --- permission denied ---
if [ "$(id -u)" != 0 ]; then
	mkdir "$T/ro" && chmod 555 "$T/ro"
	run1 "$T/ro/x.json" >/dev/null 2>/dev/null; rc=$?
	[ $rc = 7 ]
	ok $? "--out in a directory we may not write: exit 7 (rc $rc)"
elif have util-linux cmd:setpriv && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$H"; then
	mkdir "$T/ro" && chmod 755 "$T/ro" && chmod 755 "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$H" run --bench exit.cpuid --processes 1 \
		--samples 3 --no-checks --out "$T/ro/x.json" >/dev/null 2>/dev/null; rc=$?
	[ $rc = 7 ]
	ok $? "--out in a directory we may not write (as nobody): exit 7 (rc $rc)"
else
	skip 1 "as root: needs setpriv and a binary user nobody can run"
fi

# --- a killed report ---
. "$HVS_SRC/tests/lib/report-fixtures.sh"
HVSCOPE=$H make_fixtures "$T/in" >/dev/null 2>&1
python3 "$HVS_SRC/tests/lib/mkreport.py" --out "$T/in/kvmB.json" --host metal --hypervisor KVM --scale 1.5 \
	--seed 4 --tag label=kvmB
# gnuplot under a name of this test's own, to find the ones left behind.
mkdir "$T/gp" && printf '#!/bin/bash\nexec -a %q gnuplot "$@"\n' "$T/gp/gnuplot" >"$T/gp/gnuplot" &&
	chmod +x "$T/gp/gnuplot"
export HVS_GNUPLOT="$T/gp/gnuplot" HVS_GNUPLOT_JOBS=1
A=("$T/in/native.json" "$T/in/kvm.json")
B=("$T/in/native.json" "$T/in/kvmB.json")
# Each report file is A's (names metal/KVM), B's (names kvmB) or neither;
# never both among the files, every page and SVG complete, no temp name.
cat >"$T/check.py" <<'EOF'
import os, sys
d = sys.argv[1]
seen, bad = {}, []
for root, dirs, files in os.walk(d):
    dirs[:] = [x for x in dirs if not x.startswith(".")]
    for f in files:
        p = os.path.join(root, f)
        rel = os.path.relpath(p, d)
        if f.startswith(".") or ".tmp." in f:
            bad.append("temp file visible: " + rel); continue
        b = open(p, "rb").read()
        if f.endswith(".png"):
            continue
        if f.endswith(".html") and not b.rstrip().endswith(b"</html>"):
            bad.append("incomplete: " + rel)
        if f.endswith(".svg") and not b.rstrip().endswith(b"</svg>"):
            bad.append("incomplete: " + rel)
        run = "B" if b"kvmB" in b else "A" if b"metal/KVM" in b else None
        if rel.startswith("raw/"):
            run = "B" if "kvmB" in f else "A" if f.endswith("-kvm.json") else None
        if run:
            seen.setdefault(run, []).append(rel)
if len(seen) > 1:
    bad.append("two runs mixed: A %s, B %s" % (seen["A"][:3], seen["B"][:3]))
if not os.path.exists(os.path.join(d, "index.html")):
    bad.append("no index.html")
print("; ".join(bad) if bad else "ok " + "".join(seen))
sys.exit(1 if bad else 0)
EOF
"$H" report "${A[@]}" --baseline native --paper --out "$T/rep" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 0 ] && [ "$(python3 "$T/check.py" "$T/rep")" = "ok A" ]
ok $? "report A (native, kvm) written (rc $rc)"
s=$(date +%s%N)
"$H" report "${B[@]}" --baseline native --paper --out "$T/full" >/dev/null 2>&1
ms=$((($(date +%s%N) - s) / 1000000))
mixed=0 alive=0 why=
for k in $(seq 1 10); do
	"$H" report "${B[@]}" --baseline native --paper --out "$T/rep" >/dev/null 2>&1 &
	pid=$!
	sleep "$(python3 -c 'import random,sys; print(random.uniform(0.02, max(0.05, int(sys.argv[1]) / 1000.0)))' "$ms")"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	sleep 0.05
	if pgrep -f "$T/gp/gnuplot" >/dev/null; then
		alive=$((alive + 1))
		kill -9 $(pgrep -f "$T/gp/gnuplot") 2>/dev/null
	fi
	r=$(python3 "$T/check.py" "$T/rep") || { mixed=$((mixed + 1)); why="$why kill $k: $r;"; }
done
[ $mixed = 0 ]
ok $? "10 reports killed by SIGKILL after 0-${ms} ms: no half-written file, no mix of two runs${why:+ ($why)}"
[ $alive = 0 ]
ok $? "no gnuplot outlived its killed report ($alive of 10 did)"
"$H" report "${B[@]}" --baseline native --paper --out "$T/rep" >/dev/null 2>"$T/err"; rc=$?
r=$(python3 "$T/check.py" "$T/rep")
[ $rc = 0 ] && [ "$r" = "ok B" ] && [ -z "$(find "$T" -maxdepth 2 -name '*.hvscope-report.*')" ] &&
	[ ! -e "$T/rep/raw/02-kvm.json" ] && grep -q '<svg' "$T/rep/index.html"
ok $? "the next report completes: all B, charts inline, A's raw copy gone, killed reports' stages removed ($r)"
diag <"$T/err"
