#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# report-geomean.t - every ratio a report draws is the analysis module's: the
# numbers in the charts' data files equal what `hvscope compare --json`
# prints for the same files. Inputs: the emulated-world matrix's result files
# (tests/data/claims/world, baseline l1: five platforms, classes of one and
# of several metrics). Checked, for every platform against l1:
#   - norm-NN-geomean.dat, group "all": compare's geomean_cost (ratio, CI)
#     over the two whole files;
#   - norm-NN-geomean.dat, group CLASS, and the "geomean" group of the
#     class's own figure norm-NN-CLASS.dat: compare's geomean_cost over the
#     two files cut to that class's metrics (a class of one metric: that
#     metric's ratio and CI as compare prints it over the whole files);
#   - every metric's bar in norm-NN-CLASS.dat: compare's cost and CI
#     (oriented so > 1 is worse) over the whole files;
#   - the normalized tables' geometric-mean row (LaTeX) names the same numbers.
# A figure drawing its own geometric mean (e.g. the plain mean of the log
# ratios with a t interval across metrics) fails every one of these.
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
. "$HVS_SRC/tests/lib/need.sh"
need gnuplot-nox cmd:gnuplot
W=$HVS_SRC/tests/data/claims/world

n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
diag() { sed 's/^/# /'; }

T=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
echo "TAP version 13"
echo "1..6"
cd "$T" || exit 1

"$HVSCOPE" report "$W" --baseline l1 --out r >/dev/null 2>r.err
ok $? "report over the world files exits 0"
diag <r.err

# compare's numbers: whole files, and files cut to one class's metrics
mkdir -p cut cmp
python3 - "$W" <<'EOF' || echo "Bail out! cannot cut the files by class"
import json, os, sys
w = sys.argv[1]
for f in sorted(os.listdir(w)):
    d = json.load(open(os.path.join(w, f)))
    for k in sorted({m.get("class") or "other" for m in d["metrics"]}):
        c = dict(d, metrics=[m for m in d["metrics"] if (m.get("class") or "other") == k])
        os.makedirs(f"cut/{k}", exist_ok=True)
        json.dump(c, open(f"cut/{k}/{f}", "w"))
EOF
bad=0
for f in "$W"/*.json; do
	p=$(basename "$f" .json)
	[ "$p" = l1 ] && continue
	"$HVSCOPE" compare "$W/l1.json" "$f" --json >"cmp/$p.all.json" 2>>cmp.err || [ $? -le 1 ] || bad=1
	for k in cut/*/; do
		k=$(basename "$k")
		[ -f "cut/$k/$p.json" ] && [ -f "cut/$k/l1.json" ] || continue
		"$HVSCOPE" compare "cut/$k/l1.json" "cut/$k/$p.json" --json >"cmp/$p.$k.json" 2>>cmp.err ||
			[ $? -le 1 ] || bad=1
	done
done
ok $bad "hvscope compare --json over the whole files and over each class's cut"
diag <cmp.err

# check.py WHAT: compare the charts' data with compare's JSON; prints mismatches
cat >check.py <<'EOF'
import glob, json, re, sys

what = sys.argv[1]
charts = "r/charts"
bad, seen = [], 0

def close(a, b):
    return abs(a - b) <= 1e-7 * max(abs(a), abs(b), 1e-300)

def blocks(name):
    """{platform label: {group index: (ratio, lo, hi)}} from NAME.dat/.gp"""
    gp = open(f"{charts}/{name}.gp").read()
    labels = {int(i): t for i, t in re.findall(r"'%s\.dat' index (\d+) using [^\n]*?boxxyerror title '([^']*)'" % re.escape(name), gp)}
    xt = re.search(r"set xtics \((.*)\)\n", gp).group(1)
    groups = {int(i): g for g, i in re.findall(r"'((?:[^']|'')*)' (\d+)", xt)}
    out, b = {}, 0
    for chunk in open(f"{charts}/{name}.dat").read().split("\n\n"):
        rows = [l.split() for l in chunk.splitlines() if l and not l.startswith("#")]
        if not rows:
            continue
        out[labels[b]] = {groups[round(float(r[0]))]: tuple(map(float, r[1:4])) for r in rows}
        b += 1
    return out

def cmpjson(p, k):
    try:
        return json.load(open(f"cmp/{p}.{k}.json"))
    except OSError:
        return None

def check(where, got, ratio, lo, hi):
    global seen
    seen += 1
    if not (close(got[0], ratio) and close(got[1], lo) and close(got[2], hi)):
        bad.append(f"{where}: chart {got}, compare ({ratio}, {lo}, {hi})")

def oriented(row):
    if row["direction"] == "higher_is_better":
        return row["cost"], 1 / row["ci_hi"], 1 / row["ci_lo"]
    return row["cost"], row["ci_lo"], row["ci_hi"]

def class_geomean(p, k):
    c = cmpjson(p, k)
    if c is None or not c["compared"]:
        return None
    if c["compared"] == 1:
        # one metric: its row as compare prints it over the whole files
        name = [m for m in c["metrics"] if m["verdict"] != "n/a"][0]["name"]
        row = [m for m in cmpjson(p, "all")["metrics"] if m["name"] == name][0]
        return oriented(row)
    g = c["geomean_cost"]
    return g["ratio"], g["ci_lo"], g["ci_hi"]

(gm,) = glob.glob(f"{charts}/norm-*-geomean.dat")
gm = gm.split("/")[-1][:-4]
geo = blocks(gm)

def class_figures():
    """(class, platform, {group: point}) of every class's ratio figure norm-NN-CLASS"""
    for f in sorted(glob.glob(f"{charts}/norm-*.dat")):
        name = f.split("/")[-1][:-4]
        if name != gm:
            for p, groups in blocks(name).items():
                yield re.sub(r"^norm-\d+-", "", name), p, groups
if what == "all":
    for p, groups in geo.items():
        g = cmpjson(p, "all")["geomean_cost"]
        check(f"{p} all", groups["all"], g["ratio"], g["ci_lo"], g["ci_hi"])
elif what == "class":
    for p, groups in geo.items():
        for k, got in groups.items():
            if k != "all":
                check(f"{p} {k} (geomean figure)", got, *class_geomean(p, k))
    for k, p, groups in class_figures():
            if "geomean" in groups:
                check(f"{p} {k} (class figure)", groups["geomean"], *class_geomean(p, k))
elif what == "metric":
    for k, p, groups in class_figures():
            rows = {m["name"]: m for m in cmpjson(p, "all")["metrics"]}
            for g, got in groups.items():
                if g == "geomean":
                    continue
                # the tic is the name without the figure's shared prefix
                full = [x for x in rows if x == g or x.endswith("." + g)]
                if len(full) != 1:
                    bad.append(f"{p} {k}: tic {g} names {len(full)} metrics")
                    continue
                check(f"{p} {full[0]}", got, *oriented(rows[full[0]]))
print(seen)
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad or not seen else 0)
EOF

for w in all class metric; do
	case $w in
	all) d="the geometric-mean figure's 'all' group is compare's geomean_cost over the whole files" ;;
	class) d="each class's geometric mean (geomean figure, class figures) is compare's over the class's metrics" ;;
	metric) d="every metric's ratio and CI in the class figures is compare's" ;;
	esac
	k=$(python3 check.py $w 2>"chk.$w")
	ok $? "$d ($k points)"
	head -5 "chk.$w" | diag
done

# The LaTeX geometric-mean row: compare's numbers, formatted (3-4 significant digits).
python3 - <<'EOF'
import json, re, sys
t = open("r/normalized-wide.tex").read().replace("\\allowbreak{}", "")
row = re.search(r"geometric mean[^\n]*\\\\", t).group(0)
cells = re.findall(r"\\num\{([^}]*)\} \{\\scriptsize\[\\num\{([^}]*)\}, \\num\{([^}]*)\}\]\}", row)
plats = re.findall(r"\\centering ([^}]*)\}\}", t.split("\\midrule")[0])
ok = len(cells) == len(plats) == 4
for (g, lo, hi), p in zip(cells, plats):
    c = json.load(open(f"cmp/{p}.all.json"))["geomean_cost"]
    for s, v in ((g, c["ratio"]), (lo, c["ci_lo"]), (hi, c["ci_hi"])):
        if abs(float(s) - v) > 0.006 * v:
            print(f"# {p}: table {s}, compare {v}")
            ok = False
sys.exit(0 if ok else 1)
EOF
ok $? "normalized-wide.tex's geometric-mean row is compare's geomean_cost"
