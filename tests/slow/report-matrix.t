#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# report-matrix.t - the README's path, as written: a quick guest matrix
# (native, QEMU TCG, Xen PV dom0 under TCG), then `hvscope report m/*.json
# --baseline native` and `hvscope report m --baseline native --paper`. Both
# must exit 0 with every chart drawn (no empty image) and shown in the page,
# the paper's .tex files (every part of a table taller than a page, each in
# its own float) and every figure must compile in a two-column article
# without an Overfull \hbox or \vbox, a float taller than the page, or a
# figure taller than the column, one
# PDF per class and kind of chart, the claims page must judge Xen PV against
# Linux on the same TCG, and no human-facing text may print a number with an
# exponent. ~2.5 min of CPU (the matrix).
. "$(dirname "$0")/../lib/guest.sh"
guest_prereqs xen
. "$HVS_SRC/tests/lib/need.sh"
need gnuplot-nox cmd:gnuplot
need texlive-binaries cmd:pdflatex
need texlive-latex-recommended tex:booktabs.sty
need texlive-science tex:siunitx.sty
need texlive-latex-base tex:geometry.sty
need poppler-utils cmd:pdfinfo

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-trm.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
"$HVSCOPE" guest --matrix "$HVS_SRC/scripts/matrix-quick.conf" --out m >matrix.out 2>matrix.err
is "$?" 0 "the quick matrix passed"

"$HVSCOPE" report m/*.json --baseline native --out rep >rep.out 2>rep.err
is "$?" 0 "README: hvscope report m/*.json --baseline native exits 0"
sed 's/^/#   /' rep.err | head -n 20
like "$(cat rep.err)" "skipped m/native.1.probe.json" "the probe's JSON is skipped with a note"
ncols=$(grep -c '<section class="col' rep/index.html)
is "$ncols" 3 "three platforms on the page"
nsvg=$(ls rep/charts/*.svg | wc -l)
is "$(grep -c '<svg' rep/index.html)" "$nsvg" "the page shows all $nsvg charts"
is "$(find rep/charts -type f -empty | wc -l)" 0 "no empty chart file"

"$HVSCOPE" report m --baseline native --paper --out paper >paper.out 2>paper.err
is "$?" 0 "hvscope report m --baseline native --paper exits 0"
is "$(find paper/charts -name '*.pdf' -size +1k | wc -l)" "$(ls paper/charts/*.gp | wc -l)" "a PDF per chart"
{
	printf '%s\n' '\documentclass[twocolumn,10pt]{article}' \
		'\usepackage[letterpaper,margin=0.75in,columnsep=0.33in]{geometry}' \
		'\usepackage[T1]{fontenc}\usepackage{booktabs}\usepackage{siunitx}\usepackage{graphicx}' \
		'\begin{document}'
	for t in paper/*.tex; do
		case $t in *-wide*) e='table*' ;; *) e=table ;; esac
		printf '\\begin{%s}\\centering\\input{%s}\\caption{%s, as a paper would caption it: two lines of text}\\end{%s}\n' \
			"$e" "$t" "${t#paper/}" "$e"
	done
	for pdf in paper/charts/*.pdf; do
		printf '\\begin{figure}\\centering\\includegraphics{%s}\\end{figure}\n' "$pdf"
	done
	echo '\end{document}'
} >doc.tex
pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error doc.tex >tex.out 2>&1
is "$?" 0 "the paper tables and every figure compile in a two-column article"
is "$(grep -c 'Overfull \\hbox' doc.log)" 0 "no Overfull \\hbox"
grep -A2 'Overfull \\hbox' doc.log | head -n 12 | sed 's/^/#   /'
is "$(grep -c 'Overfull \\vbox\|Float too large' doc.log)" 0 "no table or figure taller than the page (Float too large, Overfull \\vbox)"
# 9.5 in of text height (letter, 0.75 in margins) = 684 pt
tall=$(for pdf in paper/charts/*.pdf; do pdfinfo "$pdf" | awk -v f="$pdf" '/^Page size/ && $5 > 684 {print f}'; done)
is "$tall" "" "no figure taller than the column"
is "$(cd paper/charts && ls bars-*.pdf dist-*.pdf norm-*.pdf | sed -E 's/^([a-z]+)-[0-9]+-/\1 /; s/\.pdf$//' | sort | uniq -d)" "" \
	"one PDF per class and kind of chart (the workloads' six units: one figure)"
like "$(sed -n '/^## Claims/,$p' rep/report.md | grep '| xen-pv vs qemu-tcg |')" \
	'geometric-mean cost [0-9.]+ .*\*\*(supported|contradicted|inconclusive)\*\*' \
	"claims: Xen PV on TCG against Linux on TCG, a computed verdict"
sed '/<svg/,/<\/svg>/d' rep/index.html >page.txt
is "$(grep -hoE '[0-9.]+e[-+][0-9]+' page.txt rep/report.md paper/*.tex | head -n 3)" "" \
	"no exponent in the page, the Markdown or the tables"
is "$(grep -hoE '[0-9]e[-+][0-9]+' rep/charts/*.svg | head -n 3)" "" "no exponent in a chart (axes, labels)"
fp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["context"]["hypervisor"])' m/native.json)
case "$fp" in
none | *"no hypervisor"* | *"bare metal"*) is "$(grep -c 'Baseline is virtualized' page.txt)" 0 "bare-metal native: no warning" ;;
*) like "$(cat page.txt)" "Baseline is virtualized:</strong> native = " "native ($fp) is named a guest on the page" ;;
esac
done_testing
