# SPDX-License-Identifier: GPL-2.0-or-later
# report-fixtures.sh - sourced by the report tests: make_fixtures DIR writes
# three result files into DIR (native, kvm, hostile) with tests/lib/mkreport.py.
# hostile.json carries strings meant to break out of every output format:
# HTML/SVG markup, gnuplot commands and backquotes, LaTeX commands, CSV
# formulas, shell variables, backslashes. An injected command would create
# a file named canary-gp or canary-bq (relative: in the current directory of
# hvscope or of gnuplot); tests look for them under their whole temp dir.

# The real fingerprint of this machine (`hvscope probe --json`) is embedded
# in every file when probe works here (FP_OK=1 then), so the page shows real
# evidence; hostile.json appends hostile lines to it.
make_fixtures() {
	local d=$1 gen="$HVS_SRC/tests/lib/mkreport.py" fp=()
	mkdir -p "$d"
	FP_OK=0
	if "$HVSCOPE" probe --json >"$d/fp.json" 2>/dev/null &&
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))["verdict"]["layers"]' "$d/fp.json" 2>/dev/null; then
		fp=(--fingerprint "$d/fp.json")
		FP_OK=1
	fi
	python3 "$gen" --out "$d/native.json" --host metal --hypervisor none --tag label=native --seed 1 "${fp[@]}" &&
	python3 "$gen" --out "$d/kvm.json" --host metal --hypervisor KVM --scale 1.3 --seed 2 \
		--skip kvm.exit.mmio "${fp[@]}" &&
	python3 "$gen" --out "$d/hostile.json" --seed 3 --scale 2.1 "${fp[@]}" \
		--host "<script>document.body.setAttribute('data-pwned','host')</script>" \
		--hypervisor "Xen <img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">" \
		--tag "label=x'; system(\"touch canary-gp\") #\`touch canary-bq\`\$HOME\\\\input{/etc/hostname}%&_^~<b>" \
		--tag "cost==cmd|' /C calc'!A0" \
		--evidence "<script>document.body.setAttribute('data-pwned','evidence')</script>"
}
