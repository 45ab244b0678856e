#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deb.t - the Debian binary package: dpkg-buildpackage -b builds it from a
# copy of the tree (dpkg-buildpackage cleans first: never in the tree the
# other tests use), lintian reports no errors, its version is VERSION's, and
# its files are those of `make install PREFIX=/usr` (make install-list; the
# package adds only its copyright and changelog, man pages gzipped). As root
# (CI): `apt-get install ./hvscope_*.deb` installs it, dpkg -L lists the
# same files, the installed hvscope runs and the cron form's user exists;
# then it is purged. ~40 s build + ~5 s lintian.
. "${HVS_SRC:?}/tests/lib/need.sh"
need dpkg-dev cmd:dpkg-buildpackage
need debhelper cmd:dh
need lintian cmd:lintian
need git cmd:git
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
echo "1..10"

mkdir "$T/src"
if git -C "$HVS_SRC" rev-parse --git-dir > /dev/null 2>&1; then
	git -C "$HVS_SRC" ls-files -co --exclude-standard -z | (cd "$HVS_SRC" && xargs -0 cp --parents -t "$T/src")
else
	(cd "$HVS_SRC" && tar --exclude=./build --exclude=./bin -cf - .) | tar -C "$T/src" -xf -
fi
(cd "$T/src" && dpkg-buildpackage -b -us -uc) > "$T/build.log" 2>&1
ok $? "dpkg-buildpackage -b -us -uc$(tail -n 5 "$T/build.log" | sed 's/^/ # /')"
deb=$(ls "$T"/hvscope_*_*.deb 2> /dev/null | head -n 1)
[ -n "$deb" ]
ok $? "it made ${deb##*/}"
ver=$(dpkg-deb -f "$deb" Version 2> /dev/null)
[ "$ver" = "$(cat "$HVS_SRC/VERSION")" ]
ok $? "the package's version is VERSION's ($ver)"

lintian --tag-display-limit 0 "$deb" > "$T/lintian" 2>&1
grep '^E:' "$T/lintian" > "$T/lintian.e"
[ ! -s "$T/lintian.e" ]
ok $? "lintian: no errors$(sed 's/^/ # /' "$T/lintian.e")"

make -s --no-print-directory -C "$HVS_SRC" install-list PREFIX=/usr > "$T/list"
# Files (not directories) of the package: man pages without .gz, less the
# two files every Debian package has.
norm() { sed -e 's|^\./|/|' -e 's|\(/man/man[1-8]/.*\)\.gz$|\1|' |
	grep -v -x -e /usr/share/doc/hvscope/copyright -e /usr/share/doc/hvscope/changelog.gz | sort; }
dpkg-deb -c "$deb" | grep -v '^d' | awk '{print $6}' | norm > "$T/deb.files"
diff "$T/list" "$T/deb.files" > "$T/diff"
ok $? "the package's files are make install's$(sed 's/^/ # /' "$T/diff" | head -n 8)"
dpkg-deb -c "$deb" | grep -q ' \./usr/share/doc/hvscope/copyright$' &&
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/share/doc/hvscope/copyright | grep -q '^License: GPL-2+'
ok $? "its copyright file names GPL-2+"

if [ "$(id -u)" != 0 ]; then
	skip "not root: apt-get install ./hvscope_*.deb is CI's part"
	skip "not root"
	skip "not root"
	skip "not root"
	exit 0
fi
if dpkg-query -W -f='${Status}' hvscope 2> /dev/null | grep -q 'install ok installed'; then
	skip "hvscope is already installed on this machine: not replacing it"
	skip "hvscope installed"
	skip "hvscope installed"
	skip "hvscope installed"
	exit 0
fi
trap 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq hvscope > /dev/null 2>&1; rm -rf "$T"' EXIT
(cd "$T" && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "./${deb##*/}") > "$T/apt.log" 2>&1
rc=$?
dpkg -L hvscope 2> /dev/null | while read -r f; do [ -d "$f" ] || echo "$f"; done | norm > "$T/installed"
[ $rc = 0 ] && diff "$T/list" "$T/installed" > "$T/diff2"
ok $? "apt-get install ./${deb##*/}; dpkg -L lists make install's files$(tail -n 3 "$T/apt.log" | sed 's/^/ # /')$(sed 's/^/ # /' "$T/diff2" 2> /dev/null | head -n 5)"
/usr/bin/hvscope version | grep -q '^license: GPL-2.0-or-later' && MANPAGER=cat man hvscope-nightly > /dev/null 2>&1
ok $? "the installed hvscope runs; man hvscope-nightly works"
getent passwd hvscope > /dev/null && [ -d /var/lib/hvscope ] && [ "$(stat -c %U /var/lib/hvscope)" = hvscope ] &&
	! systemctl is-enabled hvscope-nightly.timer > /dev/null 2>&1
ok $? "postinst made the cron form's user and /var/lib/hvscope; the timer is not enabled"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq hvscope > /dev/null 2>&1
! dpkg-query -W -f='${Status}' hvscope 2> /dev/null | grep -q 'installed' && [ ! -e /var/lib/hvscope ] && gone=/usr/bin/hvscope && [ ! -e "$gone" ]
ok $? "apt-get purge removes it and its state directory"
