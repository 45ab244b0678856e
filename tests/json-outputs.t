#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# json-outputs.t - `--json` on every command that prints a result (issue 15
# item 6): version, detect, ingest, bench, guest, compare and regress print
# one JSON document on stdout that validates against its schema in
# results-schema/, with the same exit code as the text form (and guest's
# OUT/summary.json follows its own); `version --json` is not ignored; `run --json`
# prints the result file alone.
# compare and regress are judged on the real result series of
# tests/data/series (two files, groups, two-state metrics, n/a rows, a
# planted step), and their schemas must reject a broken document.
set -u
: "${HVSCOPE:?}" "${HVSCOPE_STATIC:?}" "${HVS_SRC:?}"
. "$HVS_SRC/tests/lib/need.sh"
need python3-jsonschema py:jsonschema
need sqlite3 cmd:sqlite3
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-json-t.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
valid() { python3 "$HVS_SRC/tests/validate-json.py" "$HVS_SRC/results-schema/$1.schema.json" "$2" 2>"$T/verr"; }
echo "1..37"

# run --json: the result file alone on stdout (as --out -); not with --out FILE.
"$HVSCOPE" run --quick --no-checks --bench syscall.getppid --json >"$T/rj.json" 2>/dev/null; rc=$?
valid result "$T/rj.json"
ok $(( rc || $? )) "run --json: the result file alone on stdout, valid ($(head -c 80 "$T/verr"))"
"$HVSCOPE" run --json --out "$T/x.json" >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && [ ! -e "$T/x.json" ]
ok $? "run --json --out FILE: exit 2 (got $rc), nothing written"

for bin in "$HVSCOPE" "$HVSCOPE_STATIC"; do
	"$bin" version --json >"$T/v.json"; rc=$?
	valid version "$T/v.json"
	ok $(( rc || $? )) "$(basename "$bin") version --json: exit 0, valid ($(head -c 80 "$T/verr"))"
done
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $1" "${@:2}"; }
"$HVSCOPE" version --json >"$T/v.json"
py 'assert d["static"] is False and d["version"] in open(sys.argv[2]).read()' "$T/v.json" <("$HVSCOPE" version)
ok $? "version --json says what the text says"

# detect: the same identifier and exit code as the text form
CORPUS=$HVS_SRC/tests/corpus/public
DUMP=$CORPUS/kvm-firecracker-t2a-amd-epyc-m6ametal.txt
text=$("$HVSCOPE" detect --vm --cpuid-dump "$DUMP"); trc=$?
"$HVSCOPE" detect --vm --cpuid-dump "$DUMP" --json >"$T/d.json"; jrc=$?
valid detect "$T/d.json" && py 'assert d["id"] == sys.argv[2] and d["only"] == "vm" and d["found"] == (sys.argv[2] != "none")' "$T/d.json" "$text"
ok $(( $? || trc != jrc )) "detect --json: id '$text', exit $jrc like the text form ($trc)"
"$HVSCOPE" detect --list --json >"$T/l.json"
valid detect "$T/l.json" && py 'assert d["identifiers"] == sys.argv[2].split()' "$T/l.json" "$("$HVSCOPE" detect --list)"
ok $? "detect --list --json: the same identifiers as --list"
"$HVSCOPE" detect --live-json-nonsense >/dev/null 2>&1
ok $([ $? = 2 ]; echo $?) "detect: an unknown option is still exit 2"

# bench: the table as data
"$HVSCOPE" bench --quick --json syscall.getppid exit.cpuid >"$T/b.json"; rc=$?
valid bench "$T/b.json"
ok $(( rc || $? )) "bench --json: exit $rc, valid ($(head -c 100 "$T/verr"))"
py 'm = {x["name"]: x for x in d["metrics"]}; assert m["syscall.getppid"]["outcome"] == "pass" and m["syscall.getppid"]["unit"] == "ns" and m["syscall.getppid"]["ci_lo"] <= m["syscall.getppid"]["median"] <= m["syscall.getppid"]["ci_hi"] and d["benchmarks"] == 2' "$T/b.json"
ok $? "bench --json: syscall.getppid passed, median inside its CI, 2 benchmarks"
"$HVSCOPE" bench --json --infer >/dev/null 2>"$T/err"
ok $([ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ]; echo $?) "bench --json --infer: exit 2, one line ($(cat "$T/err"))"

# ingest: each file's outcome
"$HVSCOPE" run --bench syscall.getppid --processes 1 --samples 5 --no-checks --out "$T/a.json" >/dev/null 2>&1
ok $? "a result file to ingest"
echo '{"truncated": ' >"$T/bad.json"
"$HVSCOPE" ingest --db "$T/h.db" --json "$T/a.json" "$T/bad.json" >"$T/i.json" 2>/dev/null; rc=$?
valid ingest "$T/i.json" && py 'f = d["files"]; assert [x["status"] for x in f] == ["ingested", "bad"] and f[1]["exit_code"] == 3 and d["exit_code"] == 3 and d["ingested"] == 1 and d["bad"] == 1' "$T/i.json"
ok $(( $? || rc != 3 )) "ingest --json: one ingested, one bad (3), exit $rc"
"$HVSCOPE" ingest --db "$T/h.db" --json "$T/a.json" >"$T/i2.json"; rc=$?
valid ingest "$T/i2.json" && py 'assert d["files"][0]["status"] == "already_there" and d["already_there"] == 1' "$T/i2.json"
ok $(( $? || rc )) "ingest --json again: already there, exit $rc"

# guest: --list and a native target's run
cat >"$T/m.conf" <<CONF
[target host]
kind = native
run = run --bench syscall.getppid --samples 5 --processes 1 --no-checks
timeout = 120

[target again]
kind = native
run = run --bench syscall.getppid --samples 5 --processes 1 --no-checks
timeout = 120
CONF
"$HVSCOPE" guest --matrix "$T/m.conf" --list --json >"$T/gl.json"; rc=$?
valid guest "$T/gl.json" && py 'assert d["targets"][0]["name"] == "host" and d["targets"][0]["kind"] == "native"' "$T/gl.json"
ok $(( $? || rc )) "guest --list --json: the target, valid"
"$HVSCOPE" guest --matrix "$T/m.conf" --out "$T/g" --json >"$T/g.json" 2>"$T/gerr"; rc=$?
valid guest "$T/g.json"
ok $(( rc || $? )) "guest --json: exit $rc, valid ($(head -c 100 "$T/verr"))"
py 't = d["targets"][0]; assert t["outcome"] == "pass" and t["metrics"] >= 1 and t["result"].endswith("host.json")' "$T/g.json"
ok $? "guest --json: host passed with its result file"
[ -s "$T/g/summary.json" ] && [ -s "$T/g/summary.md" ]
ok $? "guest --json: summary.md/.json still written"
valid guest-summary "$T/g/summary.json" && py 'p = d["percent_of_baseline"]; assert d["baseline"] == "host" and [t["name"] for t in d["targets"]] == ["host", "again"] and [(x["target"], x["metric"]) for x in p] == [("again", "syscall.getppid")] and p[0]["percent"] > 0' "$T/g/summary.json"
ok $? "guest: OUT/summary.json is valid, 'again' as percent of 'host' ($(head -c 100 "$T/verr"))"
"$HVSCOPE" guest --matrix "$T/m.conf" --out "$T/g2" >"$T/g2.txt" 2>/dev/null
grep -q '^# Guest matrix' "$T/g2.txt"
ok $? "guest without --json still prints the summary table"
# A failing target whose reason holds a quote, a backslash, a tab and a
# column bar (its command line): summary.json stays valid and keeps the
# reason as it was; summary.md's row stays one cell per column.
printf '[target host]\nkind = native\nrun = run --bench syscall.getppid --samples 5 --processes 1 --no-checks\ntimeout = 120\n\n[target bad]\nkind = native\nrun = run --bench "q\\"x\\\\y\tz|w"\ntimeout = 60\n' >"$T/mh.conf"
"$HVSCOPE" guest --matrix "$T/mh.conf" --out "$T/gh" >/dev/null 2>&1
valid guest-summary "$T/gh/summary.json" && py 'r = d["targets"][1]["reason"]; w = "q" + chr(92) + chr(34) + "x" + chr(92) * 2 + "y" + chr(9) + "z|w"; assert d["targets"][1]["outcome"] == "fail" and w in r, r' "$T/gh/summary.json" &&
	[ "$(grep '^| bad ' "$T/gh/summary.md" | tr -cd '|' | wc -c)" = 6 ]
ok $? "guest: a reason with a quote, backslash, tab and bar: summary.json valid and exact, summary.md one row of 5 cells ($(head -c 100 "$T/verr"))"

# compare: real runs of tests/data/series (quick: 34 metrics, 3 never
# measured on this machine; some two-state), each form and verdict.
SER=$HVS_SRC/tests/data/series
for i in 001 002 003 004 005 010 011 012 013 014; do gzip -dc "$SER/quick/$i.json.gz" >"$T/q$i.json"; done
gzip -dc "$SER/default/003.json.gz" >"$T/d003.json"
cmpv() { # OUT ARGS...: compare --json ARGS >OUT, exit code in $crc, validity in $cv
	local out=$1
	shift
	"$HVSCOPE" compare --json "$@" >"$out" 2>/dev/null
	crc=$?
	valid compare "$out"
	cv=$?
}
cmpv "$T/c1.json" "$T/q001.json" "$T/q002.json"
py 'r = d["metrics"]; na = [m for m in r if m["verdict"] == "n/a"]
assert d["runs_a"] == d["runs_b"] == 1 and na and all(m["reason"] and m["ratio"] is None for m in na)
assert any("states" in m and len(m["states"]) == 2 for m in r)
assert {m.get("between_runs") for m in r if m["verdict"] != "n/a"} == {"assumed"}' "$T/c1.json"
ok $(( crc || cv || $? )) "compare --json A B (real runs): exit $crc, valid, n/a rows with a reason and null numbers, a two-state row ($(head -c 100 "$T/verr"))"
"$HVSCOPE" compare "$T/q001.json" "$T/q002.json" 2>/dev/null | tail -1 >"$T/c1.txt"
py 'import re; t = open(sys.argv[2]).read(); want = "%d slower, %d faster, %d equivalent, %d inconclusive, %d n/a; %d compared" % tuple(d[k] for k in ("slower", "faster", "equivalent", "inconclusive", "na", "compared")); assert t.startswith(want), (t, want)
assert sum(m["verdict"] != "n/a" for m in d["metrics"]) == d["compared"]' "$T/c1.json" "$T/c1.txt"
ok $? "compare --json counts what the text's summary says ($(head -c 70 "$T/c1.txt"))"

cmpv "$T/c2.json" "$T/q00"[1-5].json -- "$T/q01"[0-4].json
py 'r = [m for m in d["metrics"] if "states" in m]
assert d["runs_a"] == d["runs_b"] == 5 and len(d["a"]) == len(d["b"]) == 5 and r
assert all(m["state_decides"] in (1, 2) and m["state_cut"] > 0 for m in r if "state_decides" in m)
assert {m.get("between_runs") for m in d["metrics"] if m["verdict"] != "n/a"} == {"measured"}
assert d["warnings"] and d["geomean_cost"]["verdict"] in ("slower", "faster", "equivalent", "inconclusive")' "$T/c2.json"
ok $(( crc || cv || $? )) "compare --json A1..A5 -- B1..B5: exit $crc, valid, two-state rows with states, the load warning ($(head -c 100 "$T/verr"))"

cmpv "$T/c3.json" "$T/q001.json" "$T/d003.json"
py 'na = [m for m in d["metrics"] if m["verdict"] == "n/a"]
assert d["na"] == len(na) >= 20 and all(m["reason"] in ("only in B", "not measured in A") for m in na), {m["reason"] for m in na}' "$T/c3.json"
ok $(( crc || cv || $? )) "compare --json quick vs default suite: exit $crc, valid, the metrics only in B are n/a rows ($(head -c 100 "$T/verr"))"

# 6 vs 6 real runs, every metric of B x1.10 (tests/compare.t's Holm case):
# slower rows, some decided at their Holm step (holm_level).
python3 - "$T" "$SER" "$HVS_SRC/tests/lib" <<'P'
import gzip, json, sys
T, ser = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from plant import plant_regression
for i in range(12):
    d = json.load(gzip.open("%s/quick/%03d.json.gz" % (ser, 25 + i), "rt"))
    if i % 2:
        for m in d["metrics"]:
            if m.get("outcome") == "pass" and m.get("samples"):
                plant_regression(m, 1.10)
    json.dump(d, open("%s/h%c%d.json" % (T, "ab"[i % 2], i // 2), "w"))
P
"$HVSCOPE" compare --json --fail-on-regression "$T"/ha?.json -- "$T"/hb?.json >"$T/c4.json" 2>/dev/null; crc=$?
valid compare "$T/c4.json"; cv=$?
py 'r = d["metrics"]; assert d["slower"] > 0 and any("holm_level" in m for m in r) and all(m["verdict"] in ("slower", "faster") for m in r if "holm_level" in m)' "$T/c4.json"
ok $(( (crc != 1) || cv || $? )) "compare --json, a planted 10% step: exit $crc (1), valid, slower rows and holm_level ($(head -c 100 "$T/verr"))"
cmpv "$T/c5.json" "$T"/hb?.json -- "$T"/ha?.json
py 'assert d["faster"] > 0 and d["geomean_cost"]["verdict"] == "faster"' "$T/c5.json"
r=$?
cmpv "$T/c6.json" --threshold 50% "$T"/ha?.json -- "$T"/ha?.json
py 'assert d["equivalent"] > 0' "$T/c6.json"
ok $(( r || cv || $? )) "compare --json: faster (the step reversed) and equivalent (A against itself) validate ($(head -c 100 "$T/verr"))"
for k in 01 02 03 04; do for s in a b; do gzip -dc "$SER/rounds/r1/$s-$k.json.gz" >"$T/r$s$k.json"; done; done
cmpv "$T/c7.json" --paired "$T"/ra0?.json -- "$T"/rb0?.json
py 'assert {m.get("between_runs") for m in d["metrics"] if m["verdict"] != "n/a"} == {"paired_rounds"}' "$T/c7.json"
r=$?
cmpv "$T/c8.json" "$T/ha0.json" -- "$T"/hb?.json
py 'assert {m.get("between_runs") for m in d["metrics"] if m["verdict"] != "n/a"} == {"other_side"}' "$T/c8.json"
ok $(( r || crc || cv || $? )) "compare --json --paired (real rounds) and 1 run against 6: valid ($(head -c 100 "$T/verr"))"
"$HVSCOPE_STATIC" compare --json "$T/q001.json" "$T/q002.json" >"$T/c9.json" 2>/dev/null; crc=$?
valid compare "$T/c9.json"
ok $(( crc || $? )) "hvscope-static compare --json: exit $crc, valid"

# The schemas are not a rubber stamp: each broken copy of a real output is rejected.
broken() { # SCHEMA FILE NAME PYTHON...: apply the edit to d, expect the copy to be invalid
	py "$4"'
json.dump(d, open(sys.argv[2], "w"))' "$2" "$T/broken.json" || return 1
	if valid "$1" "$T/broken.json"; then echo "# $1 accepts $3"; return 1; fi
}
r=0
m='next(x for x in d["metrics"] if x["verdict"] != "n/a")'
na='next(x for x in d["metrics"] if x["verdict"] == "n/a")'
st='next(x for x in d["metrics"] if "states" in x)'
broken compare "$T/c1.json" "a verdict 'no change'" "$m[\"verdict\"] = \"no change\"" || r=1
broken compare "$T/c1.json" "a row without ratio" "del $m[\"ratio\"]" || r=1
broken compare "$T/c1.json" "a ratio as a string" "$m[\"ratio\"] = \"1.02\"" || r=1
broken compare "$T/c1.json" "a count as null" "d[\"slower\"] = None" || r=1
broken compare "$T/c1.json" "an unknown field" "d[\"verdict\"] = \"ok\"" || r=1
broken compare "$T/c1.json" "an n/a row with between_runs" "$na[\"between_runs\"] = \"assumed\"" || r=1
broken compare "$T/c1.json" "a row without between_runs" "del $m[\"between_runs\"]" || r=1
broken compare "$T/c1.json" "a state's share above 1" "$st[\"states\"][0][\"share_a\"] = 1.5" || r=1
broken compare "$T/c1.json" "three states" "x = $st; x[\"states\"].append(x[\"states\"][0])" || r=1
broken compare "$T/c4.json" "holm_level as null" "next(x for x in d[\"metrics\"] if \"holm_level\" in x)[\"holm_level\"] = None" || r=1
broken compare "$T/c1.json" "a run without an id" "del d[\"a\"][0][\"id\"]" || r=1
broken compare "$T/c1.json" "geomean_cost without a verdict" "del d[\"geomean_cost\"][\"verdict\"]" || r=1
ok $r "compare.schema.json rejects 12 kinds of broken output"

# regress: a real history (quick runs 1-21, then a default-suite run as the
# newest: its extra metrics have too little history).
for i in $(seq -w 6 21); do gzip -dc "$SER/quick/0$i.json.gz" >"$T/q0$i.json"; done
mkdir "$T/hist"
cp "$T"/q0[0-2][0-9].json "$T/d003.json" "$T/hist/"
"$HVSCOPE" ingest --quiet --db "$T/r.db" "$T/hist"/*.json
ok $? "a real history: quick runs 1-21 and default run 3 ingested"
"$HVSCOPE" regress --db "$T/r.db" --json >"$T/g1.json" 2>/dev/null; crc=$?
valid regress "$T/g1.json"; cv=$?
py 'r = d["metrics"]; little = [m for m in r if m.get("reason") == "too little history"]; gone = [m for m in r if m.get("reason") == "not measured in the newest run"]
assert d["runs"] == 22 and little and gone and all("now" in m for m in little) and not any("now" in m for m in gone)
assert d["checked"] == sum(m["verdict"] != "n/a" for m in r) > 0' "$T/g1.json"
ok $(( crc || cv || $? )) "regress --json over a real history: exit $crc, valid, n/a rows with and without 'now' ($(head -c 100 "$T/verr"))"
"$HVSCOPE" regress --db "$T/r.db" 2>/dev/null | tail -1 >"$T/g1.txt"
py 't = open(sys.argv[2]).read(); want = "%d slower, %d faster, %d equivalent, %d inconclusive; %d metric(s) checked" % tuple(d[k] for k in ("slower", "faster", "equivalent", "inconclusive", "checked")); assert t.startswith(want), (t, want)' "$T/g1.json" "$T/g1.txt"
ok $? "regress --json counts what the text's summary says ($(head -c 70 "$T/g1.txt"))"

# The same real nights with a planted step on the newest two: every other
# metric 1.5x worse, the rest 1.5x better.
mkdir "$T/step"
python3 - "$T" "$HVS_SRC/tests/lib" <<'P'
import json, sys
T = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from plant import plant_regression
for i in range(1, 22):
    d = json.load(open("%s/q%03d.json" % (T, i)))
    if i > 19:
        for k, m in enumerate(d["metrics"]):
            if m.get("outcome") == "pass" and m.get("samples"):
                plant_regression(m, 1.5 if k % 2 else 1 / 1.5)
    json.dump(d, open("%s/step/%03d.json" % (T, i), "w"))
P
"$HVSCOPE" ingest --quiet --db "$T/s.db" "$T/step"/*.json
"$HVSCOPE" regress --db "$T/s.db" --json --fail-on-regression >"$T/g2.json" 2>/dev/null; crc=$?
valid regress "$T/g2.json"; cv=$?
py 'r = [m for m in d["metrics"] if "began_run" in m]
assert d["slower"] > 0 and d["faster"] > 0 and r and all(m["verdict"] in ("slower", "faster") and m["changes"] == len(m["change_started"]) for m in r)' "$T/g2.json"
ok $(( (crc != 1) || cv || $? )) "regress --json, a planted step: exit $crc (1), valid, slower and faster rows with where they began ($(head -c 100 "$T/verr"))"
"$HVSCOPE" regress --db "$T/r.db" --json --threshold 60% >"$T/g3.json" 2>/dev/null; crc=$?
valid regress "$T/g3.json"; cv=$?
py 'assert d["equivalent"] > 0 and d["threshold"] == 0.6' "$T/g3.json"
ok $(( crc || cv || $? )) "regress --json --threshold 60%: equivalent rows validate ($(head -c 100 "$T/verr"))"

r=0
m='next(x for x in d["metrics"] if x["verdict"] != "n/a")'
na='next(x for x in d["metrics"] if x["verdict"] == "n/a")'
bg='next(x for x in d["metrics"] if "began_run" in x)'
broken regress "$T/g1.json" "a verdict 'ok'" "$m[\"verdict\"] = \"ok\"" || r=1
broken regress "$T/g1.json" "a judged row without its baseline" "del $m[\"baseline\"]" || r=1
broken regress "$T/g1.json" "a judged row with a reason" "$m[\"reason\"] = \"x\"" || r=1
broken regress "$T/g1.json" "an n/a row with a scale" "$na[\"scale\"] = 0.01" || r=1
broken regress "$T/g1.json" "an n/a row without its reason" "del $na[\"reason\"]" || r=1
broken regress "$T/g1.json" "a null now" "$m[\"now\"] = None" || r=1
broken regress "$T/g1.json" "a count as a string" "d[\"checked\"] = \"3\"" || r=1
broken regress "$T/g2.json" "began_run on an inconclusive row" "$bg[\"verdict\"] = \"inconclusive\"" || r=1
broken regress "$T/g2.json" "began_run without its commit" "del $bg[\"began_commit\"]" || r=1
broken regress "$T/g1.json" "an unknown field" "d[\"na\"] = 3" || r=1
ok $r "regress.schema.json rejects 10 kinds of broken output"

# Each schema is listed in results-schema/README.md; compare's and regress's
# man pages name theirs under --json.
miss=
for s in "$HVS_SRC"/results-schema/*.schema.json; do
	grep -qF "\`$(basename "$s")\`" "$HVS_SRC/results-schema/README.md" || miss="$miss $(basename "$s")"
done
for c in compare regress; do
	grep -q "results-schema/$c.schema.json" "$HVS_SRC/man/hvscope-$c.1" || miss="$miss man/hvscope-$c.1"
done
ok $([ -z "$miss" ]; echo $?) "results-schema/README.md lists every schema; the man pages name compare's and regress's (missing:${miss:- none})"
