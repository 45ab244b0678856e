# SPDX-License-Identifier: GPL-2.0-or-later
# guest.sh - sourced by the live guest tests (tests/*live*.t, tests/slow/*.t):
# a few TAP helpers and the check for what a guest boot needs.
#
# A machine without QEMU, a kernel or Xen skips these tests with the reason
# (need.sh: each prerequisite named by its Debian package). CI installs all
# of them (scripts/install-deps.sh) and sets HVS_REQUIRE_GUESTS=1: there a
# missing piece is a failure, not a skip.

HVS_SRC=${HVS_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
[ -f "$HVS_SRC/scripts/boot-guest.sh" ] || HVS_SRC=$(cd "$(dirname "$0")/../.." && pwd)
HVSCOPE_STATIC=${HVSCOPE_STATIC:-$HVS_SRC/bin/hvscope-static}
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
export HVS_SRC HVSCOPE_STATIC HVSCOPE
. "$HVS_SRC/tests/lib/need.sh"

t_n=0
t_failed=0
ok() { # ok STATUS DESCRIPTION: STATUS 0 passes
	t_n=$((t_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $t_n - $2"
	else
		echo "not ok $t_n - $2"
		echo "#   Failed test $t_n - $2 ($(basename "$0"))" >&2
		t_failed=$((t_failed + 1))
	fi
}
is() { # is GOT EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; diag "got '$1', expected '$2'" >&2; fi
}
like() { # like TEXT ERE DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"; { diag "no match for /$2/ in:"; printf '%s\n' "$1" | head -n 20 | sed 's/^/#   /'; } >&2; fi
}
# todo TEXT ERE DESCRIPTION WHY: an expectation another part of hvscope does not
# meet yet (TAP TODO: reported, not fatal; "unexpectedly succeeded" once met).
todo() {
	t_n=$((t_n + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then echo "ok $t_n - $3 # TODO $4"
	else echo "not ok $t_n - $3 # TODO $4"; fi
}
skip() { # skip N REASON
	local i
	for i in $(seq 1 "$1"); do t_n=$((t_n + 1)); echo "ok $t_n # skip $2"; done
}
# diag: a note on stdout (prove -v shows it); failures above also go to
# stderr, which prove shows always (CI logs keep only that).
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
done_testing() {
	echo "1..$t_n"
	[ "$t_failed" = 0 ] || [ -z "${HVS_FAIL_DIR:-}" ] || guest_fail_log "$HVS_FAIL_DIR" "${HVS_FAIL_ERR:-}"
	[ "$t_failed" = 0 ]; exit $?
}
# guest_fail_log DIR [STDERR]: what a CI log needs after a failed guest test,
# on stderr: the boot script's stderr, each failed command's stderr, the tail
# of every console log under DIR, and last (a CI log's tail shows it) the
# file HVS_FAIL_NOTE names, if any. A test names its DIR and STDERR in
# HVS_FAIL_DIR and HVS_FAIL_ERR and done_testing calls this when a test failed.
guest_fail_log() {
	local d=$1 e=${2:-} f rc
	{
		if [ -n "$e" ] && [ -s "$e" ]; then echo "#   --- stderr"; tail -n 30 "$e" | sed 's/^/#   /'; fi
		for f in "$d"/[0-9]*.rc; do
			[ -f "$f" ] || continue
			rc=$(cat "$f")
			[ "$rc" = 0 ] && continue
			echo "#   --- command ${f##*/} exited $rc: $(cat "${f%.rc}.cmd" 2>/dev/null)"
			tail -n 10 "${f%.rc}.err" 2>/dev/null | sed 's/^/#   /'
		done
		for f in "$d"/console.log "$d"/*/console.log; do
			[ -f "$f" ] || continue
			echo "#   --- tail of $f"; tail -n 25 "$f" | sed 's/^/#   /'
		done
		if [ -n "${HVS_FAIL_NOTE:-}" ] && [ -s "$HVS_FAIL_NOTE" ]; then
			echo "#   --- in short"; sed 's/^/#   /' "$HVS_FAIL_NOTE"
		fi
	} >&2
}

# guest_prereqs [xen]: skip_all unless a guest can be booted here.
guest_prereqs() {
	need qemu-system-x86 cmd:qemu-system-x86_64
	need linux-image-amd64 '/boot/vmlinuz-*'
	need busybox-static /bin/busybox
	need cpio cmd:cpio
	ldd /bin/busybox >/dev/null 2>&1 && skip_all "/bin/busybox is not static (busybox-static)"
	[ -x "$HVSCOPE_STATIC" ] || skip_all "$HVSCOPE_STATIC not built"
	if [ "${1:-}" = xen ]; then
		need xen-hypervisor-4.17-amd64 /boot/xen-4.17-amd64.gz
	fi
}

# has_cmd NAME: does this hvscope have the subcommand NAME yet?
has_cmd() { "$HVSCOPE_STATIC" "$1" --help >/dev/null 2>&1; }
