#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# report.t - `hvscope report` end to end on result files read by the harness
# reader: every promised file exists; SVGs are XML with the series names;
# PNG/PDF are real images (magic, size, pdftoppm renders a page); the LaTeX
# tables compile when a TeX engine is installed; hostile strings in a result
# file (HTML, gnuplot, LaTeX, CSV) inject nothing; bad input gives the
# documented exit codes.
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
. "$HVS_SRC/tests/lib/report-fixtures.sh"

n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag() { sed 's/^/# /'; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "TAP version 13"

. "$HVS_SRC/tests/lib/need.sh"
need gnuplot-nox cmd:gnuplot
cd "$T" || exit 1
make_fixtures "$T/in" || { echo "Bail out! cannot write fixtures"; exit 1; }
FILES=("$T/in/native.json" "$T/in/kvm.json" "$T/in/hostile.json")
python3 "$HVS_SRC/tests/lib/validate.py" "${FILES[@]}" >"$T/val" 2>&1
ok $? "the fixtures are valid result files (results-schema, fingerprint included)"
diag <"$T/val"
HOSTILE_LABEL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"]["tags"]["label"])' "$T/in/hostile.json")

# --- a normal report ---
out=$("$HVSCOPE" report "${FILES[@]}" --out "$T/r" --baseline native 2>"$T/err"); rc=$?
ok $rc "report exits 0"
[ $rc = 0 ] || diag <"$T/err"
[ "$out" = "$T/r/index.html" ]; ok $? "prints the page's path"
missing=
for f in index.html report.md results.csv table.tex normalized.tex gnuplot.log \
	raw/01-native.json raw/02-kvm.json raw/03-hostile.json; do
	[ -s "$T/r/$f" ] || [ "$f" = gnuplot.log -a -e "$T/r/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]; ok $? "tables, page and raw copies written${missing:+ (missing:$missing)}"
cmp -s "$T/in/kvm.json" "$T/r/raw/02-kvm.json"; ok $? "raw copy is identical"
for k in bars norm dist chase; do
	ls "$T/r/charts/$k"-*.gp >/dev/null 2>&1; ok $? "a $k chart"
done
missing=
for gp in "$T"/r/charts/*.gp; do
	b=${gp%.gp}
	for e in dat svg png; do [ -s "$b.$e" ] || missing="$missing $(basename "$b.$e")"; done
	[ -e "$b.pdf" ] && missing="$missing $(basename "$b.pdf")(unasked)"
done
[ -z "$missing" ]; ok $? "every chart has .gp .dat .svg .png and no PDF without --paper${missing:+:$missing}"

# SVGs: well-formed XML, and each bar chart names every result file in its key.
python3 - "$T/r/charts" "$HOSTILE_LABEL" >"$T/svg" 2>&1 <<'EOF'
import glob, sys, xml.etree.ElementTree as ET
d, hostile = sys.argv[1], sys.argv[2]
want = ["native", "metal/KVM", hostile]
bad = 0
for p in sorted(glob.glob(d + "/*.svg")):
    try:
        root = ET.parse(p).getroot()
    except ET.ParseError as e:
        print("not XML: %s: %s" % (p, e)); bad += 1; continue
    texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    if "/bars-" in p or "/chase-" in p:
        for w in want:
            if w not in texts:
                print("%s: series %r missing" % (p, w)); bad += 1
    for el in root.iter():
        if el.tag.endswith("script") or any(k.startswith("on") for k in el.attrib):
            print("%s: script or handler element %s" % (p, el.tag)); bad += 1
sys.exit(1 if bad else 0)
EOF
ok $? "SVGs parse as XML, name every series (hostile label verbatim), hold no script"
diag <"$T/svg"

python3 - "$T/r/charts" >"$T/png" 2>&1 <<'EOF'
import glob, struct, sys
bad = 0
for p in sorted(glob.glob(sys.argv[1] + "/*.png")):
    b = open(p, "rb").read()
    if b[:8] != b"\x89PNG\r\n\x1a\n" or b[12:16] != b"IHDR":
        print("not PNG:", p); bad += 1; continue
    w, h = struct.unpack(">II", b[16:24])
    if w < 600 or h < 300 or len(b) < 5000:
        print("%s: %dx%d, %d bytes" % (p, w, h, len(b))); bad += 1
sys.exit(1 if bad else 0)
EOF
ok $? "PNGs are PNG, at least 600x300 and not empty"
diag <"$T/png"

# --- injection: nothing ran, nothing became markup ---
[ -z "$(find "$T" "$PWD" -maxdepth 4 -name 'canary-*' 2>/dev/null)" ]
ok $? "no command from a result file ran in gnuplot"
python3 - "$T/r/index.html" >"$T/html" 2>&1 <<'EOF'
import sys
from html.parser import HTMLParser
bad, bold = [], 0
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        global bold
        if tag in ("script", "img", "iframe", "object", "embed") or any(k.startswith("on") for k, _ in attrs):
            bad.append((tag, attrs))
        if tag == "a" and any(k == "href" and (v or "").lower().startswith(("javascript", "data")) for k, v in attrs):
            bad.append((tag, attrs))
        bold += tag == "b"
P().feed(open(sys.argv[1], encoding="utf-8").read())
if bold != 3:  # one per platform; the hostile label's <b> must stay text
    bad.append(("b", bold))
print(bad[:3])
sys.exit(1 if bad else 0)
EOF
ok $? "HTML: no element or handler from result files (script, img, <b>, on*=)"
diag <"$T/html"
! grep -qi '<script\|<img' "$T/r/report.md"; ok $? "Markdown: no raw HTML from result files"
[ "$(grep -c '^!\[.*\](charts/[A-Za-z0-9._-]*\.png)$' "$T/r/report.md")" = "$(ls "$T"/r/charts/*.gp | wc -l)" ]
ok $? "Markdown links every chart's PNG"
if [ "$FP_OK" = 1 ]; then
	[ "$(grep -o '<summary>Evidence ([0-9]*)' "$T/r/index.html" | grep -vc 'Evidence (0)')" = 3 ]
	ok $? "each platform shows its fingerprint evidence (real: hvscope probe --json)"
else
	skip "hvscope probe --json does not work here: no fingerprint to embed"
fi
grep -q 'x&#39;; system(&quot;touch canary-gp&quot;) #`touch canary-bq`\$HOME' "$T/r/index.html"; ok $? "HTML shows the hostile label as text"
python3 - "$T/r/results.csv" "$HOSTILE_LABEL" <<'EOF' >"$T/csv" 2>&1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
labels = {r["column"] for r in rows}
assert labels == {"native", "metal/KVM", sys.argv[2]}, labels
assert len(rows) == 3 * 19, len(rows)  # kvm.exit.mmio skipped in kvm.json: still a row
assert all(r["metric"] and r["unit"] for r in rows)
skip = [r for r in rows if r["outcome"] == "skip"]
assert len(skip) == 1 and skip[0]["median"] == "" and "no /dev/kvm" in skip[0]["reason"], skip
base = [r for r in rows if r["column"] == "native"]
assert all(abs(float(r["cost_ratio"]) - 1) < 1e-9 for r in base)
EOF
ok $? "CSV parses, one row per metric and file, labels round-trip"
diag <"$T/csv"
# (\allowbreak{} between characters only lets long names wrap; take it out to compare)
sed 's/\\allowbreak{}//g' "$T/r/table.tex" >"$T/table.nobreak"
grep -q '\\textbackslash{}\\textbackslash{}input\\{/etc/hostname\\}' "$T/table.nobreak" &&
	! grep -q '\\input{/etc' "$T/table.nobreak"
ok $? "LaTeX: the hostile \\input is text"

# --- LaTeX compiles (when a TeX engine is here) ---
if have texlive-binaries cmd:pdflatex && have texlive-latex-recommended tex:booktabs.sty &&
	have texlive-science tex:siunitx.sty; then
	mkdir -p "$T/tex"
	cat >"$T/tex/doc.tex" <<EOF
\\documentclass{article}
\\usepackage[T1]{fontenc}
\\usepackage{booktabs}
\\usepackage{siunitx}
\\usepackage{graphicx}
\\begin{document}
$(for t in "$T"/r/table.tex "$T"/r/table-[0-9]*.tex "$T"/r/normalized.tex "$T"/r/normalized-[0-9]*.tex; do
	[ -f "$t" ] && printf '\\begin{table}\\centering\\input{%s}\\end{table}\n' "$t"
done)
\\end{document}
EOF
	(cd "$T/tex" && pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error doc.tex) >"$T/tex.log" 2>&1
	ok $? "table.tex and normalized.tex (and their further parts) compile with pdflatex"
	grep -E '^!' -A2 "$T/tex.log" | diag
	if have poppler-utils cmd:pdftotext; then
		pdftotext "$T/tex/doc.pdf" - | grep -q 'geometric mean'; ok $? "the compiled table has the geometric mean row"
	else
		skip "pdftotext not installed (poppler-utils)"
	fi
else
	skip "no pdflatex with booktabs+siunitx (texlive-latex-base, texlive-latex-recommended, texlive-science)"
	skip "no pdflatex"
fi

# --- --paper: PDFs, 3.3 in wide, pdftoppm renders them ---
"$HVSCOPE" report "${FILES[@]}" --out "$T/p" --baseline native --paper >/dev/null 2>"$T/err"
ok $? "--paper report exits 0"
npdf=0 badpdf=
for gp in "$T"/p/charts/*.gp; do
	pdf=${gp%.gp}.pdf
	if [ "$(head -c 5 "$pdf" 2>/dev/null)" = "%PDF-" ] && [ "$(stat -c %s "$pdf")" -gt 1000 ]; then
		npdf=$((npdf + 1))
	else
		badpdf="$badpdf $(basename "$pdf")"
	fi
done
[ -z "$badpdf" ] && [ $npdf -gt 0 ]; ok $? "one PDF per figure ($npdf)${badpdf:+, bad:$badpdf}"
if have poppler-utils cmd:pdftoppm cmd:pdfinfo; then
	pdf=$(ls "$T"/p/charts/bars-*.pdf | head -1)
	w=$(pdfinfo "$pdf" | awk '/^Page size/ {print $3}')
	[ "${w%.*}" = 237 ]; ok $? "paper figure is 3.3 in (237.6 pt) wide (got $w pt)"
	pdftoppm -r 100 -png -f 1 -l 1 "$pdf" "$T/page" 2>/dev/null &&
		python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); sys.exit(0 if b[:4]==b"\x89PNG" and len(b)>3000 else 1)' "$T/page-1.png"
	ok $? "pdftoppm renders the PDF to a non-empty page"
else
	skip "pdftoppm/pdfinfo not installed (poppler-utils)"
	skip "pdftoppm not installed"
fi

# --- history: trend charts with change points from the SQLite history ---
if "$HVSCOPE" version | grep -q 'sqlite=1'; then
	mkdir -p "$T/h"
	hostile_commit="x'\`touch canary-b\`;system(\"touch canary-g\")<i>" # 46 bytes: the limit is 47
	for i in $(seq 1 30); do
		sc=; c=c$i
		[ $i -ge 18 ] && sc="--scale synthetic.m003=1.15"
		[ $i = 18 ] && c=$hostile_commit
		python3 "$HVS_SRC/tests/lib/mkresult.py" "$T/h/r$i.json" --metrics 8 --seed $i --id run$i \
			--commit "$c" --started "$(printf '2026-10-%02dT02:00:00Z' $i)" $sc || break
	done
	"$HVSCOPE" ingest --quiet --db "$T/h/h.db" "$T"/h/r*.json >/dev/null 2>"$T/err"
	ok $? "history of 30 nightly runs ingested"
	"$HVSCOPE" report --db "$T/h/h.db" --out "$T/hr" >/dev/null 2>"$T/err"
	ok $? "report --db without result files exits 0"
	diag <"$T/err"
	ls "$T"/hr/charts/trend-*.svg 2>/dev/null | grep -q 'synthetic.m003' &&
		[ "$(ls "$T"/hr/charts/trend-*.svg | wc -l)" = 1 ]
	ok $? "exactly the planted step (synthetic.m003) gets a trend chart"
	python3 - "$T"/hr/charts/trend-*m003.svg <<'EOF'
import sys, xml.etree.ElementTree as ET
t = ["".join(x.itertext()) for x in ET.parse(sys.argv[1]).getroot().iter("{http://www.w3.org/2000/svg}text")]
assert any("change begins" in s for s in t), t
assert "x'`touch canary-b`;system(\"touch canary-g\")<i>" in t, t  # the commit, as text
EOF
	ok $? "trend SVG marks the change at the (hostile) commit, as text"
	[ -z "$(find "$T" "$PWD" -maxdepth 4 -name 'canary-*' 2>/dev/null)" ]
	ok $? "no command from a commit string ran"
	grep -q 'change point' "$T/hr/index.html"; ok $? "the page says how many metrics changed"
	"$HVSCOPE" report --db "$T/h/h.db" --out "$T/hr2" --since 2026-10-10 --all-trends >/dev/null 2>&1 &&
		[ "$(ls "$T"/hr2/charts/trend-*.svg | wc -l)" = 8 ] &&
		! grep -q '^1760' "$T"/hr2/charts/trend-01-*.dat  # 2025-10-.. epoch; first point is >= 2026-10-10
	ok $? "--since and --all-trends: every metric charted"
	# Real runs (tests/data/series/quick: exit.cpuid at ~14 µs, stored in ns): the trend
	# charts' axes, labels and notes in SI units, no exponent anywhere on the page.
	mkdir -p "$T/q"
	for i in 001 002 003 004 005 006 007 008; do
		gunzip -c "$HVS_SRC/tests/data/series/quick/$i.json.gz" >"$T/q/$i.json"
	done
	"$HVSCOPE" ingest --quiet --db "$T/q/h.db" "$T"/q/*.json >/dev/null 2>&1 &&
		"$HVSCOPE" report --db "$T/q/h.db" --all-trends --out "$T/qr" >/dev/null 2>&1
	bad=$(grep -hoE '[0-9]e[-+][0-9]+' "$T/qr/index.html" "$T"/qr/charts/trend-*.svg 2>/dev/null | head -3)
	[ -f "$T/qr/index.html" ] && [ -z "$bad" ] && grep -q 'median (µs)' "$T"/qr/charts/trend-*exit.cpuid.0.gp
	ok $? "trend charts of real runs: axes in SI units (µs), no exponent on the page or in an SVG${bad:+ (found: $bad)}"
	"$HVSCOPE" report --db "$T/h/h.db" --out "$T/hr3" --since yesterday >/dev/null 2>&1; rc=$?
	[ $rc = 2 ]; ok $? "bad --since: exit 2 (rc $rc)"
	# A fleet: two hosts (tag fleet_host) in one history; the newest runs are
	# b's, and --context fleet_host=a charts a's series instead.
	for i in 1 2 3 4 5 6; do
		for hst in a b; do
			d=$([ $hst = a ] && echo 0 || echo 1)
			python3 "$HVS_SRC/tests/lib/mkresult.py" "$T/h/f$hst$i.json" --metrics 4 --seed $i --id f$hst$i \
				--tag fleet_host=$hst --started "$(printf '2026-11-%02dT0%d:00:00Z' $i $d)" || break
		done
	done
	"$HVSCOPE" ingest --quiet --db "$T/h/f.db" "$T"/h/f*.json >/dev/null 2>&1 &&
		"$HVSCOPE" report --db "$T/h/f.db" --context fleet_host=a --all-trends --out "$T/hf" >/dev/null 2>"$T/err" &&
		grep -q 'fleet_host=a' "$T/hf/index.html" && ! grep -q 'fleet_host=b' "$T/hf/index.html"
	ok $? "report --db --context fleet_host=a charts host a's runs, not the newest host's"
	"$HVSCOPE" report --db "$T/h/f.db" --context fleet_host=zz --out "$T/hf2" >/dev/null 2>&1; rc=$?
	"$HVSCOPE" report "$T/h/fa1.json" --context fleet_host=a --out "$T/hf3" >/dev/null 2>&1; rc2=$?
	[ $rc = 4 ] && [ $rc2 = 2 ]
	ok $? "a pinned context no run matches: exit 4 ($rc); --context without --db: exit 2 ($rc2)"
else
	for i in 1 2 3 4 5 6 7 8 9 10; do skip "built without SQLite: no history"; done
fi

# --- reruns, tables only, errors ---
"$HVSCOPE" report "$T/in/native.json" "$T/in/kvm.json" --out "$T/r" >/dev/null 2>&1
! ls "$T"/r/charts/norm-* >/dev/null 2>&1 && [ ! -e "$T/r/normalized.tex" ]
ok $? "a rerun without --baseline leaves no stale normalized chart or table"
"$HVSCOPE" report "${FILES[@]}" --out "$T/nc" --no-charts >/dev/null 2>&1 && [ -s "$T/nc/index.html" ] &&
	[ ! -d "$T/nc/charts" ]
ok $? "--no-charts writes the tables without gnuplot"
HVS_GNUPLOT=/nonexistent/gnuplot "$HVSCOPE" report "${FILES[@]}" --out "$T/ng" >/dev/null 2>"$T/err"
rc=$?
[ $rc = 6 ] && [ -s "$T/ng/report.md" ] && [ "$(wc -l <"$T/err")" = 1 ]
ok $? "gnuplot missing: exit 6, one line, tables still written (rc $rc)"
"$HVSCOPE" report "${FILES[@]}" >/dev/null 2>&1; [ $? = 2 ]; ok $? "no --out: exit 2"
"$HVSCOPE" report --out "$T/x" >/dev/null 2>&1; [ $? = 2 ]; ok $? "no files: exit 2"
"$HVSCOPE" report "${FILES[@]}" --out "$T/x" --baseline nosuch >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "matches no result file" "$T/err"; ok $? "unknown baseline: exit 2 with a reason"
head -c 300 "$T/in/kvm.json" >"$T/trunc.json"
"$HVSCOPE" report "$T/trunc.json" --out "$T/x" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 3 ] && [ "$(wc -l <"$T/err")" = 1 ]; ok $? "truncated result file: exit 3, one line (rc $rc)"
"$HVSCOPE" report "$T/nonexistent.json" --out "$T/x" >/dev/null 2>&1; rc=$?
[ $rc = 9 ]; ok $? "missing result file: exit 9 (rc $rc)"
"$HVSCOPE" report --help | grep -q -- '--baseline'; ok $? "--help describes the options"

echo "1..$n"
[ $failed = 0 ]
