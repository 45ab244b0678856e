#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# report-browser.t - the report page in headless Chromium: it loads without
# a console message, and hostile strings in a result file (a <script> in the
# host name, an <img onerror> in the hypervisor, markup in a tag and in the
# evidence) execute nothing -- also with the page's Content-Security-Policy
# removed, so the escaping itself is what is tested. A control page with a
# real injected script shows the detector works.
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
. "$HVS_SRC/tests/lib/report-fixtures.sh"

n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
diag() { sed 's/^/# /'; }
echo "TAP version 13"

. "$HVS_SRC/tests/lib/need.sh"
need chromium cmd:chromium
need gnuplot-nox cmd:gnuplot
CHROMIUM=chromium

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# Load a page; DOM after scripts -> $2.dom, browser log -> $2.log.
load() {
	rm -rf "$T/profile" && mkdir "$T/profile"
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/profile" --enable-logging=stderr --v=0 \
		--virtual-time-budget=2000 --dump-dom "file://$1" >"$2.dom" 2>"$2.log"
}
# Console messages (errors, CSP violations, anything a script logs).
console() { grep -E ':CONSOLE[:(]' "$1.log"; }

make_fixtures "$T/in" || { echo "Bail out! cannot write fixtures"; exit 1; }
"$HVSCOPE" report "$T/in/native.json" "$T/in/kvm.json" "$T/in/hostile.json" --out "$T/r" \
	--baseline native >/dev/null 2>"$T/err"
ok $? "report written"

load "$T/r/index.html" "$T/page"
ok $? "Chromium loads the page"
grep -q '<h1>hvscope report</h1>' "$T/page.dom"; ok $? "the DOM is the report"
[ -z "$(console "$T/page")" ]; ok $? "no console message (no error, no CSP violation)"
console "$T/page" | head -5 | diag
! grep -q 'data-pwned="' "$T/page.dom"; ok $? "no hostile string executed"
grep -c '<svg' "$T/page.dom" | { read k; [ "$k" -ge 5 ]; }; ok $? "charts are inline SVG"

# Without the CSP fence: escaping alone must hold.
sed 's/<meta http-equiv="Content-Security-Policy"[^>]*>//' "$T/r/index.html" >"$T/r/nocsp.html"
! grep -q 'Content-Security-Policy' "$T/r/nocsp.html"; ok $? "control copy has no CSP"
load "$T/r/nocsp.html" "$T/nocsp"
! grep -q 'data-pwned="' "$T/nocsp.dom"; ok $? "no hostile string executed without the CSP either"
[ -z "$(console "$T/nocsp")" ]; ok $? "no console message without the CSP"

# Control: a page where the host name went in unescaped must be caught.
sed "s|<h1>|<script>document.body.setAttribute('data-pwned','control');console.error('x')</script><h1>|" \
	"$T/r/nocsp.html" >"$T/r/control.html"
load "$T/r/control.html" "$T/control"
grep -q 'data-pwned="control"' "$T/control.dom" && [ -n "$(console "$T/control")" ]
ok $? "control: an injected script is detected (the test can fail)"

echo "1..$n"
[ $failed = 0 ]
