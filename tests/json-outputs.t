#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# json-outputs.t - `--json` on every command that prints a result (issue 15
# item 6): version, detect, ingest, bench and guest print one JSON document
# on stdout that validates against its schema in results-schema/, with the
# same exit code as the text form; `version --json` is not ignored.
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
echo "1..17"

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
"$HVSCOPE" guest --matrix "$T/m.conf" --out "$T/g2" >"$T/g2.txt" 2>/dev/null
grep -q '^# Guest matrix' "$T/g2.txt"
ok $? "guest without --json still prints the summary table"
