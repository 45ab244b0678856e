#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# host-schema.t - the JSON of the host facts (every fake tree of
# tests/data/host, fake MSR files, the live machine) and of the exit timing
# (with and without RDTSCP) validates against results-schema/host.schema.json.
B=${HVS_BUILD:-build}
SRC=${HVS_SRC:-.}
. "$SRC/tests/lib/need.sh"
need python3-jsonschema py:jsonschema
if [ ! -x "$B/tests/host" ] || [ ! -x "$B/tests/exit_timing" ]; then
	echo "1..0 # SKIP unit test binaries not built ($B/tests)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
HVS_JSON_OUT=$tmp "$B/tests/host" >/dev/null
HVS_JSON_OUT=$tmp "$B/tests/exit_timing" >/dev/null
exec python3 - "$SRC/results-schema/host.schema.json" "$tmp" <<'PY'
import glob, json, os, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
files = sorted(glob.glob(os.path.join(sys.argv[2], "*.json")))
if not files:
    print("1..0 # SKIP no JSON written (built without jansson)")
    sys.exit(0)
expect = ["host-amd_npt", "host-intel_ept", "host-intel_shadow", "host-live", "host-msr_amd",
          "host-msr_intel", "host-none", "host-pvm", "timing-live", "timing-nordtscp"]
names = [os.path.basename(f)[:-5] for f in files]
print("1..%d" % (len(files) + 1))
n = 1
print(("ok" if names == expect else "not ok") + " %d - every case wrote its JSON" % n)
if names != expect:
    print("# got %s" % names)
fail = names != expect
for f in files:
    n += 1
    name = os.path.basename(f)[:-5]
    sub = "host" if name.startswith("host-") else "timing"
    v = Draft202012Validator({"$ref": "#/$defs/" + sub, "$defs": schema["$defs"]})
    errs = sorted(v.iter_errors(json.load(open(f))), key=lambda e: list(e.path))
    print(("not ok" if errs else "ok") + " %d - %s validates against $defs/%s" % (n, name, sub))
    for e in errs[:5]:
        print("#   %s: %s" % ("/".join(map(str, e.path)), e.message))
    fail = fail or bool(errs)
sys.exit(1 if fail else 0)
PY
