#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# exit-codes.t - the README's exit code table, one documented condition at
# a time, through the real commands (issue 16): 2 usage, 3 malformed, 4
# schema, 5 over a size limit, 6 missing feature, 7 permission denied on an
# input (as nobody, through setpriv), 8 a guest stopped by its watchdog, 9
# a history that cannot be written (a directory, a read-only file system).
. "$(dirname "$0")/lib/guest.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-texit.XXXXXX")
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"

code() { "$@" > /dev/null 2> "$T/err"; echo $?; }
one_line() { [ "$(wc -l < "$T/err")" = 1 ]; }

"$HVSCOPE" run --bench syscall.getppid --processes 1 --samples 5 --no-checks --out "$T/a.json" > /dev/null 2>&1 ||
	{ ok 1 "a result file to start from"; done_testing; }

is "$(code "$HVSCOPE" compare --no-such-option "$T/a.json" "$T/a.json")" 2 "2: an unknown option"
head -c 300 "$T/a.json" > "$T/trunc.json"
is "$(code "$HVSCOPE" compare "$T/a.json" "$T/trunc.json")" 3 "3: a truncated result file"
one_line; ok $? "... one line on stderr"
sed 's/"hvscope-result"/"hvscope-fingerprint"/' "$T/a.json" > "$T/kind.json"
is "$(code "$HVSCOPE" compare "$T/a.json" "$T/kind.json")" 4 "4: a file of the wrong kind"
head -c 1100000 /dev/zero | tr '\0' '#' > "$T/big.conf"
is "$(code "$HVSCOPE" run --suites "$T/big.conf" --suite quick)" 5 "5: a suites file over 1 MiB"
like "$(cat "$T/err")" "limit is 1 MiB" "... and the message says the limit"
truncate -s 300M "$T/huge.json"
is "$(code "$HVSCOPE" compare "$T/a.json" "$T/huge.json")" 5 "5: a result file over the size limit (sparse, refused unread)"
is "$(code "$HVSCOPE_STATIC" run --db "$T/x.db" --bench exit.cpuid)" 6 "6: --db in the static build (no SQLite)"

# 7: inputs nobody may read
if [ "$(id -u)" = 0 ] && have util-linux cmd:setpriv; then
	asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	# nobody must reach the binaries: use copies in the world-readable $T
	cp "$HVSCOPE" "$T/hvscope"; chmod 755 "$T/hvscope"
	cp "$T/a.json" "$T/u.json"; chmod 600 "$T/u.json"; chmod 644 "$T/a.json"
	cp "$HVS_SRC/tests/fuzz/corpus/cpuid_dump/instlat.txt" "$T/d.txt"; chmod 600 "$T/d.txt"
	cp "$HVS_SRC/scripts/matrix-quick.conf" "$T/m.conf"; chmod 600 "$T/m.conf"
	mkdir -m 777 "$T/w"
	is "$(code asnobody "$T/hvscope" compare "$T/a.json" "$T/u.json")" 7 "7: compare, an unreadable result file"
	is "$(code asnobody "$T/hvscope" ingest --db "$T/w/h.db" "$T/u.json")" 7 "7: ingest, an unreadable result file"
	is "$(code asnobody "$T/hvscope" probe --cpuid-dump "$T/d.txt")" 7 "7: probe --cpuid-dump, an unreadable dump"
	is "$(code asnobody "$T/hvscope" detect --cpuid-dump "$T/d.txt")" 7 "7: detect --cpuid-dump, an unreadable dump"
	is "$(code asnobody "$T/hvscope" guest --matrix "$T/m.conf" --list)" 7 "7: guest --matrix, an unreadable matrix"
else
	skip 5 "needs root and setpriv to read as nobody"
fi

# 8: a guest stopped by its watchdog (a native target: no QEMU needed)
cat > "$T/hang.conf" <<CONF
[target slow]
kind = native
run = run --suite default
timeout = 2
CONF
is "$(code "$HVSCOPE" guest --matrix "$T/hang.conf" --out "$T/hang")" 8 "8: a target stopped by its watchdog"
like "$(cat "$T/err")" "slow: timeout .*watchdog" "... named as a timeout"

# 9: a history that cannot be written
mkdir "$T/dbdir"
is "$(code "$HVSCOPE" ingest --db "$T/dbdir" "$T/a.json")" 9 "9: --db names a directory"
like "$(cat "$T/err")" "is a directory" "... and says so"
if [ "$(id -u)" = 0 ] && have util-linux cmd:unshare; then
	mkdir "$T/ro"
	unshare -m sh -c 'mount -t tmpfs -o ro,size=1m none "$1" && "$2" ingest --db "$1/h.db" "$3"' sh \
		"$T/ro" "$HVSCOPE" "$T/a.json" > /dev/null 2> "$T/err"
	is "$?" 9 "9: --db on a read-only file system"
	like "$(cat "$T/err")" "read-only file system" "... and says so"
else
	skip 2 "needs root and unshare for a read-only mount"
fi
done_testing
