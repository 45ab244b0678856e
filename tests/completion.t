#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# completion.t - the bash completion script (`hvscope completion bash`,
# written by make to build/hvscope.bash-completion) is sourced in bash and
# asked what it completes: the commands of `hvscope --help`, for each
# command (each has an option table) exactly the options its --help lists, file
# and directory names after options that take them, benchmark names after
# bench and kvm, nothing after an option that wants a number.
set -u
: "${HVSCOPE:?}" "${HVS_SRC:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-compl-t.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..25"

"$HVSCOPE" completion bash >"$T/c.bash"; rc=$?
ok $(( rc || $(bash -n "$T/c.bash"; echo $?) )) "completion bash: exit $rc, a script bash parses"
if [ -f "${HVS_BUILD:-$HVS_SRC/build}/hvscope.bash-completion" ]; then
	cmp -s "$T/c.bash" "${HVS_BUILD:-$HVS_SRC/build}/hvscope.bash-completion"
	ok $? "make wrote the same script to build/hvscope.bash-completion"
else
	ok 1 "make wrote build/hvscope.bash-completion"
fi
"$HVSCOPE" completion zsh >/dev/null 2>"$T/err"
ok $([ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ]; echo $?) "completion zsh: exit 2, one line ($(cat "$T/err"))"

# comp WORD...: what bash offers for the last word (one a line, sorted)
comp() {
	bash -c 'source "$1"; shift; bin=$1; shift
		COMP_WORDS=(hvscope "$@"); COMP_CWORD=$#
		_hvscope "$bin" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		[ ${#COMPREPLY[@]} -gt 0 ] && printf "%s\n" "${COMPREPLY[@]}"' sh "$T/c.bash" "$HVSCOPE" "$@" | sort -u
}

want=$("$HVSCOPE" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' | sort -u)
got=$(comp "" | grep -v '^--')
[ -n "$want" ] && [ "$want" = "$got" ]
ok $? "first word: the $(wc -w <<<"$want") commands of hvscope --help"

for c in run bench kvm guest probe detect cpuid ingest version compare regress report; do
	want=$( ("$HVSCOPE" $c --help | grep -o -- '--[a-z][a-z-]*'; echo --help) | sort -u)
	got=$(comp $c --)
	[ "$want" = "$got" ]
	ok $? "$c --<TAB>: exactly the options of $c --help${got:+ ($(wc -w <<<"$got"))}$([ "$want" = "$got" ] || echo ": $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')")"
done

# every command has a table: the script has no fallback that asks --help
! grep -q -- '--help 2>/dev/null' "$T/c.bash"
ok $? "no command completes from its --help text (every one has a table)"

mkdir "$T/dir.d" && : >"$T/dump.txt"
[ "$(comp probe --cpuid-dump "$T/du")" = "$T/dump.txt" ]
ok $? "probe --cpuid-dump FILE: file names"
[ "$(comp guest --matrix m.conf --out "$T/d")" = "$T/dir.d" ]
ok $? "guest --out DIR: directory names only"
comp bench sysc | grep -qx syscall.getppid
ok $? "bench NAME: benchmark names from bench --list"
[ "$(comp compare "$T/du")" = "$T/dump.txt" ]
ok $? "compare A B: file names"
[ "$(comp report --out "$T/d")" = "$T/dir.d" ]
ok $? "report --out DIR: directory names only"
[ -z "$(comp regress --window '')" ]
ok $? "regress --window N: nothing to complete"
[ -z "$(comp run --samples '')" ]
ok $? "run --samples N: nothing to complete"
[ "$(comp completion '')" = bash ]
ok $? "completion SHELL: bash"
