#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# spdx.sh - put the SPDX license line at the top of every tracked source file
# (hvscope is GPL-2.0-or-later: COPYING), or check that it is there.
#
#   scripts/spdx.sh            add the line where it is missing (line 1, or
#                              line 2 after a #! line); prints the files changed
#   scripts/spdx.sh --check    change nothing; list the files without it, exit 1
#   scripts/spdx.sh --list     print the files it looks at
#
# "Source" is every file `git ls-files` lists whose name matches one of the
# patterns below (C, headers, assembly, linker scripts, shell, Python, make,
# TAP tests, configuration files with # comments, systemd units, man pages),
# except data: the CPUID/sysfs corpora and fuzz seeds (tests/corpus,
# tests/data, tests/fuzz/corpus) are captured input, not our text. JSON has
# no comments and stays as it is. Run from anywhere; -C DIR checks DIR.
set -euo pipefail

ID='SPDX-License-Identifier: GPL-2.0-or-later'
mode=fix
dir=$(cd "$(dirname "$0")/.." && pwd)
while [ $# -gt 0 ]; do
	case $1 in
	--check) mode=check ;;
	--list) mode=list ;;
	-C) dir=$2; shift ;;
	-h | --help) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "spdx.sh: unknown argument '$1' (--check, --list, -C DIR)" >&2; exit 2 ;;
	esac
	shift
done
cd "$dir"

# comment_for FILE: the line to insert, in the file's comment syntax ("" = not a source file).
comment_for() {
	case $1 in
	tests/corpus/* | tests/data/* | tests/fuzz/corpus/*) echo "" ;;
	*.c | *.h | *.S | *.ld | *.c.in | *.h.in) echo "/* $ID */" ;;
	*.sh | *.t | *.py | *.mk | Makefile | */Makefile | *.conf | *.cfg | *.cron | *.service | *.timer | \
		*.service.in | *.timer.in | *.cron.in | *.sysusers | *.tmpfiles | debian/rules | debian/control | debian/*.install | debian/*.links | \
		debian/*.dirs | debian/*.postrm | debian/*.postinst | debian/*.lintian-overrides | debian/*.maintscript | debian/watch)
		echo "# $ID" ;;
	man/*.[1-8] | man/*.[1-8].in) echo ".\\\" $ID" ;;
	*) echo "" ;;
	esac
}

rc=0
while IFS= read -r f; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	line=$(comment_for "$f")
	[ -n "$line" ] || continue
	case $mode in
	list) echo "$f"; continue ;;
	esac
	# Already there in the first two lines: nothing to do.
	if head -n 2 "$f" | grep -qF "$ID"; then
		continue
	fi
	if [ "$mode" = check ]; then
		echo "$f"
		rc=1
		continue
	fi
	tmp=$(mktemp "$f.spdx.XXXXXX")
	if head -c 2 "$f" | grep -q '^#!'; then
		{ head -n 1 "$f"; printf '%s\n' "$line"; tail -n +2 "$f"; } > "$tmp"
	else
		{ printf '%s\n' "$line"; cat "$f"; } > "$tmp"
	fi
	chmod --reference="$f" "$tmp"
	mv "$tmp" "$f"
	echo "$f"
done < <(git ls-files)
[ "$mode" = check ] && [ "$rc" != 0 ] && echo "spdx.sh: the files above lack '$ID' in their first two lines (run scripts/spdx.sh)" >&2
exit "$rc"
