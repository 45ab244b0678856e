#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# spdx.t - every tracked source file carries the SPDX line of the project's
# license (GPL-2.0-or-later, COPYING) in its first two lines
# (scripts/spdx.sh --check), and the checker itself catches a file without it
# (in a throwaway git repository), adds the line after a #! line, and is
# idempotent. The license is in `hvscope version` and in every man page.
. "${HVS_SRC:?}/tests/lib/need.sh"
need git cmd:git
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..8"

if git -C "$HVS_SRC" rev-parse --git-dir > /dev/null 2>&1; then
	missing=$(bash "$HVS_SRC/scripts/spdx.sh" -C "$HVS_SRC" --check 2> /dev/null)
	ok $? "every tracked source file has the SPDX line${missing:+; missing: $(echo $missing)}"
else
	echo "ok $((n += 1)) # SKIP $HVS_SRC is not a git work tree (a release tarball)"
fi
cmp -s "$HVS_SRC/COPYING" /usr/share/common-licenses/GPL-2 || grep -q 'GNU GENERAL PUBLIC LICENSE' "$HVS_SRC/COPYING"
ok $? "COPYING is the GPL version 2 text"

# The checker on a repository it has never seen.
R=$T/repo
mkdir -p "$R/tests/corpus" "$R/man"
git -C "$R" init -q
printf 'int main(void) { return 0; }\n' > "$R/a.c"
printf '#!/bin/sh\necho hi\n' > "$R/b.sh"
printf '.TH X 1\n' > "$R/man/x.1"
printf 'raw data\n' > "$R/tests/corpus/c.txt"
printf '{}\n' > "$R/d.json"
git -C "$R" add -A
out=$(bash "$HVS_SRC/scripts/spdx.sh" -C "$R" --check 2> /dev/null)
rc=$?
[ $rc = 1 ] && [ "$(echo "$out" | sort | tr '\n' ' ')" = "a.c b.sh man/x.1 " ]
ok $? "--check exits 1 and names exactly the source files without it (not data, not JSON): $(echo $out)"
bash "$HVS_SRC/scripts/spdx.sh" -C "$R" > /dev/null
[ "$(head -n 1 "$R/a.c")" = '/* SPDX-License-Identifier: GPL-2.0-or-later */' ] &&
	[ "$(sed -n 1p "$R/b.sh")" = '#!/bin/sh' ] && [ "$(sed -n 2p "$R/b.sh")" = '# SPDX-License-Identifier: GPL-2.0-or-later' ] &&
	[ "$(sed -n 1p "$R/man/x.1")" = '.\" SPDX-License-Identifier: GPL-2.0-or-later' ] && [ "$(cat "$R/tests/corpus/c.txt")" = 'raw data' ]
ok $? "the fix puts the line first, after #!, as a roff comment; data untouched"
bash "$HVS_SRC/scripts/spdx.sh" -C "$R" --check > /dev/null 2>&1
ok $? "--check passes afterwards"
before=$(cat "$R"/a.c "$R"/b.sh | sha256sum)
bash "$HVS_SRC/scripts/spdx.sh" -C "$R" > /dev/null
[ "$before" = "$(cat "$R"/a.c "$R"/b.sh | sha256sum)" ]
ok $? "running it twice changes nothing"

"$HVSCOPE" version | grep -q '^license: GPL-2.0-or-later'
ok $? "hvscope version names the license"
bad=$(grep -L -e '^\.SH COPYRIGHT' "$HVS_SRC"/man/*.1)
[ -z "$bad" ]
ok $? "every man page has a COPYRIGHT section${bad:+; missing: $bad}"
