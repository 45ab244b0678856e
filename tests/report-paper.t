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
# is taller than the page ("Float too large", Overfull \vbox). A table taller
# than a page comes in parts cut between classes (table.tex, table-2.tex, ...),
# each compiled in its own float; a later, shorter report leaves no stale part.
# Inputs: two real runs (the second tagged as another config), the
# emulated-world matrix's result files in tests/data/claims/world (its
# workload class in rounds/s and execs/s), and three default-suite runs from
# tests/data/series/default (54 metrics in 9 classes: taller than a page).
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
echo "1..13"
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
mkdir -p d
for i in 001 002 003; do gunzip -c "$HVS_SRC/tests/data/series/default/$i.json.gz" >"d/$i.json"; done
"$HVSCOPE" report d --baseline 001 --paper --out s >/dev/null 2>"$T/serr"
ok $? "--paper report over three default-suite runs exits 0"
diag <"$T/serr"
ls s/table-2.tex s/table-wide-2.tex s/normalized-2.tex s/normalized-wide-2.tex >/dev/null 2>&1 &&
	grep -q '^% Part 1 of [0-9]' s/table-wide.tex && grep -q 'continued\|^\\multicolumn' s/table-wide-2.tex
ok $? "the default suite's tables (taller than a page) come in parts: $(cd s && echo *.tex)"

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
	# every .tex the reports wrote, each part in its own float: table, or table* for -wide
	for t in p/*.tex w/*.tex s/*.tex; do
		case $t in *-wide*) e='table*' ;; *) e=table ;; esac
		printf '\\begin{%s}\\centering\\input{%s}\\caption{%s: a caption of two lines, as papers have them, to leave the table its real room on the page}\\end{%s}\n' \
			"$e" "$t" "${t%.tex}" "$e"
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
tall=$(grep -c 'Float too large\|Overfull \\vbox' doc.log)
ok $([ "$tall" = 0 ]; echo $?) "no figure or table taller than the page ($tall: Float too large, Overfull \\vbox)"
grep -B2 'Float too large\|Overfull \\vbox' doc.log | head -10 | diag
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
# A later report with fewer metrics into the same directory: no part of the earlier one stays.
"$HVSCOPE" report "$HVS_SRC/tests/data/claims/world" --baseline l1 --paper --out s >/dev/null 2>&1
left=$(cd s && ls table-*[0-9].tex normalized-*[0-9].tex 2>/dev/null)
ok $([ $? != 0 ] && [ -z "$left" ]; echo $?) "a shorter report over s leaves no stale part (${left:-none})"
