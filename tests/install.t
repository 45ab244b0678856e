#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# install.t - `make install DESTDIR=... PREFIX=/usr` stages exactly the files
# of `make install-list` (binaries, man pages, the nightly job, units, cron
# example, sysusers/tmpfiles, JSON schemas); the staged binaries run and say
# their license, `man -M` renders the staged pages, the staged nightly job
# and units name the final /usr paths (tests/nightly.t runs and verifies an
# installed tree), and
# `make uninstall` removes every file again.
. "${HVS_SRC:?}/tests/lib/need.sh"
need man-db cmd:man
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..10"
D=$T/dest
mk() { make -s --no-print-directory -C "$HVS_SRC" SANITIZE="${HVS_SANITIZE:-0}" "$@"; }

mk install DESTDIR="$D" PREFIX=/usr > "$T/install.log" 2>&1
ok $? "make install DESTDIR PREFIX=/usr$(tail -n 3 "$T/install.log" | sed 's/^/ # /')"
mk install-list PREFIX=/usr > "$T/list" 2> /dev/null
(cd "$D" && find . -type f -o -type l | sed 's|^\.||' | sort) > "$T/staged"
diff "$T/list" "$T/staged" > "$T/diff"
ok $? "the staged files are exactly make install-list ($(wc -l < "$T/list") files)$(sed 's/^/ # /' "$T/diff" | head -n 5)"
schemas=$(cd "$HVS_SRC" && for s in results-schema/*.schema.json; do echo "/usr/share/hvscope/$s"; done)
for f in /usr/bin/hvscope /usr/bin/hvscope-static /usr/bin/hvscope-nightly /usr/share/man/man1/hvscope.1 \
	/usr/share/man/man1/hvscope-nightly.1 $schemas; do
	grep -qx "$f" "$T/list" || echo "# missing: $f"
done | tee "$T/miss" | grep -q . && miss=1 || miss=0
ok $miss "the list has the binaries, the man pages and every results-schema/*.schema.json ($(echo $schemas | wc -w))$(head -n 3 "$T/miss" | sed "s/^/ /")"

"$D/usr/bin/hvscope" version > "$T/v" 2>&1 && grep -q '^license: GPL-2.0-or-later' "$T/v" &&
	"$D/usr/bin/hvscope-static" version | grep -q '^license: GPL-2.0-or-later'
ok $? "the staged hvscope and hvscope-static run and name their license"

for p in hvscope hvscope-run hvscope-nightly hvscope-static; do
	MANWIDTH=80 MANPAGER=cat man -M "$D/usr/share/man" "$p" > "$T/man.$p" 2> "$T/man.$p.err" || echo "$p"
	grep -q 'GPL-2.0-or-later' "$T/man.$p" || echo "$p"
done > "$T/badman"
[ ! -s "$T/badman" ]
ok $? "man -M renders the staged pages, each with its COPYRIGHT ($(echo $(cat "$T/badman")))"

# The staged completion, sourced the way bash-completion loads it: `hvscope run --`
# offers run's options (the same table as `hvscope run --help`).
comp=$D/usr/share/bash-completion/completions/hvscope
got=$(bash -c '. "$1" && COMP_WORDS=(hvscope run --pro) && COMP_CWORD=2 && COMP_LINE="hvscope run --pro" &&
	COMP_POINT=${#COMP_LINE} && _hvscope hvscope --pro run 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" 2>&1)
[ -r "$comp" ] && printf '%s\n' "$got" | grep -qx -- '--processes'
ok $? "the staged bash completion completes 'hvscope run --pro' to --processes (got: $(echo $got))"

grep -q '^HVSCOPE_DEFAULT=/usr/bin/hvscope$' "$D/usr/bin/hvscope-nightly" && bash -n "$D/usr/bin/hvscope-nightly"
ok $? "the staged nightly job calls /usr/bin/hvscope (not PATH's)"
unit=$(grep -rl '^ExecStart=' "$D" | head -n 1)
grep -qx 'ExecStart=/usr/bin/hvscope-nightly' "$unit" && grep -qx 'StateDirectory=hvscope-nightly' "$unit" &&
	grep -q ' /usr/bin/hvscope-nightly --quiet$' "$D/usr/share/doc/hvscope/examples/hvscope-nightly.cron"
ok $? "the unit and the cron line name the installed /usr/bin/hvscope-nightly"

grep -q '^u hvscope ' "$D/usr/lib/sysusers.d/hvscope.conf" && grep -q '^d /var/lib/hvscope ' "$D/usr/lib/tmpfiles.d/hvscope.conf"
ok $? "sysusers.d/tmpfiles.d: the cron form's user and state directory"

mk uninstall DESTDIR="$D" PREFIX=/usr > /dev/null 2>&1
left=$(cd "$D" && find . -type f -o -type l)
[ -z "$left" ] && [ ! -d "$D/usr/share/hvscope" ]
ok $? "make uninstall removes every file and hvscope's own directories${left:+: $left}"
