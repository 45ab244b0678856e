#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# report-paper.t - `hvscope report --paper` output drops into a two-column
# paper as it is: every .tex the report writes is compiled with pdflatex
# inside a two-column article (US letter, 0.75 in margins, 0.33 in between:
# 3.33 in columns, as IEEE and ACM use), the single-column tables in a
# `table`, the wide ones in a `table*`, every chart PDF in a `figure` at its
# own size; the log must have no Overfull \hbox. Also checked: the charts'
# PDFs are 3.3 in wide, and no LaTeX cell prints an asymmetric interval as ±;
# figures are grouped: one PDF per benchmark class and kind of chart (a class
# whose metrics come in several units is one figure of panels), and no float
# is taller than the page ("Float too large").
# Inputs: two real runs (the second tagged as another config), and the
# emulated-world matrix's result files in tests/data/claims/world (its
# workload class in rounds/s and execs/s).
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
. "$HVS_SRC/tests/lib/need.sh"
need gnuplot-nox cmd:gnuplot
need texlive-binaries cmd:pdflatex
need texlive-latex-base tex:article.cls
need texlive-latex-recommended tex:booktabs.sty
need texlive-science tex:siunitx.sty
need texlive-latex-base tex:graphicx.sty
need texlive-latex-base tex:geometry.sty
need poppler-utils cmd:pdfinfo

n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
diag() { sed 's/^/# /'; }

T=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT; echo "# $T"
echo "TAP version 13"
echo "1..10"
mkdir -p "$T/m"
for c in a b; do
	"$HVSCOPE" run --bench exit.rdtsc,syscall.getppid,timer.clock_gettime,ipc.pipe --samples 7 \
		--processes 1 --no-checks --tag config=$c --out "$T/m/$c.json" >/dev/null 2>"$T/run.err" ||
		{ echo "Bail out! hvscope run failed: $(head -c 300 "$T/run.err")"; exit 1; }
done
cd "$T" || exit 1
"$HVSCOPE" report m --baseline config=a --paper --out p >/dev/null 2>"$T/err"
ok $? "--paper report exits 0"
diag <"$T/err"
ls p/table.tex p/table-wide.tex p/normalized.tex p/normalized-wide.tex >/dev/null 2>&1
ok $? "single-column and table* variants of both tables written"
"$HVSCOPE" report "$HVS_SRC/tests/data/claims/world" --baseline l1 --paper --out w >/dev/null 2>"$T/werr"
ok $? "--paper report over the emulated-world files exits 0"
diag <"$T/werr"

{
	cat <<'EOF'
\documentclass[twocolumn,10pt]{article}
\usepackage[letterpaper,margin=0.75in,columnsep=0.33in]{geometry}
\usepackage[T1]{fontenc}
\usepackage{booktabs}
\usepackage{siunitx}
\usepackage{graphicx}
\begin{document}
EOF
	for t in table normalized; do
		printf '\\begin{table}\\centering\\input{p/%s.tex}\\caption{%s}\\end{table}\n' "$t" "$t"
		printf '\\begin{table*}\\centering\\input{p/%s-wide.tex}\\caption{%s wide}\\end{table*}\n' "$t" "$t"
	done
	for pdf in p/charts/*.pdf w/charts/*.pdf; do
		printf '\\begin{figure}\\centering\\includegraphics{%s}\\caption{A chart}\\end{figure}\n' "$pdf"
	done
	echo '\end{document}'
} >doc.tex
pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error doc.tex >tex.out 2>&1
rc=$?
ok $rc "the tables and figures compile in a two-column article"
[ $rc = 0 ] || grep -E '^!' -A3 doc.log | head -20 | diag
over=$(grep -c 'Overfull \\hbox' doc.log)
ok $([ "$over" = 0 ]; echo $?) "no Overfull \\hbox in the log ($over)"
grep -A3 'Overfull \\hbox' doc.log | head -20 | diag
tall=$(grep -c 'Float too large' doc.log)
ok $([ "$tall" = 0 ]; echo $?) "no figure or table taller than the page ($tall)"
# one PDF per class and kind: charts/KIND-NN-CLASS.pdf, never two of one KIND and CLASS
dup=$(cd w/charts && ls bars-*.pdf dist-*.pdf norm-*.pdf | sed -E 's/^([a-z]+)-[0-9]+-/\1 /; s/\.pdf$//' | sort | uniq -d)
nwl=$(ls w/charts/bars-*-workload.pdf 2>/dev/null | wc -l)
ok $([ -z "$dup" ] && [ "$nwl" = 1 ] && grep -q 'multiplot layout' w/charts/bars-*-workload.gp; echo $?) \
	"one PDF per class: the workload class (two units) is one figure of panels${dup:+ (twice: $dup)}"
grep -q 'S\[table-format=' p/table.tex && grep -q 'S\[table-format=' p/normalized.tex
ok $? "siunitx S columns in the single-column tables"
bad=0
for pdf in p/charts/*.pdf w/charts/*.pdf; do
	w=$(pdfinfo "$pdf" | awk '/Page size/ {print $3}')
	# 3.3 in = 237.6 pt
	awk -v w="$w" 'BEGIN { exit !(w > 235 && w < 240) }' || { echo "# $pdf: width $w pt" ; bad=$((bad + 1)); }
done
ok $bad "every chart PDF is 3.3 in wide"
# An asymmetric interval is never written as ±: each \pm cell has equal half-widths by construction;
# check the wide table has [low, high] cells where the medians' intervals are asymmetric.
python3 - p/table-wide.tex <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
bad = [m for m in re.findall(r'\\num\{(-?[0-9.]+)\} \$\\pm\$ \\num\{([0-9.]+)\}', t)]
ok = all(float(c) - float(h) >= 0 or float(c) < 0 for c, h in bad)
sys.exit(0 if ok and ('[\\num' in t or bad) else 1)
EOF
ok $? "intervals: +/- only where symmetric, [low, high] otherwise"
