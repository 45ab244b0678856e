#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest-ssh-hostile.t - hostile matrix values never reach a shell unquoted
# (issue 16). A fake ssh runs its command words the way OpenSSH does (joined
# with spaces, through sh -c: here on this machine) and a fake scp copies
# host:PATH literally (as OpenSSH's SFTP mode does); the ssh target gets a
# remote_dir with ;, ${IFS}, # and spaces in it, and run lines with $(...),
# backquotes and ;. Nothing may run (canary files stay absent), no other
# path may be removed (a victim file named like the directory's first word
# stays), the result must still come back, and the remote copies must go.
. "$(dirname "$0")/lib/guest.sh"
[ -x "$HVSCOPE_STATIC" ] || skip_all "$HVSCOPE_STATIC not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-thost.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"
cat > "$T/bin/ssh" <<'SH'
#!/bin/bash
# fake ssh: options, the host, then the command words, run as sshd would
while [ $# -gt 0 ]; do
	case "$1" in -p|-o|-i) shift 2 ;; -*) shift ;; *) break ;; esac
done
shift # the host
printf '%s\n' "$*" >> "$HVS_FAKE_SSH_LOG"
exec sh -c "$*"
SH
cat > "$T/bin/scp" <<'SH'
#!/bin/bash
# fake scp: host:PATH taken literally, as OpenSSH's SFTP mode does
while [ $# -gt 2 ]; do
	case "$1" in -P|-o|-i) shift 2 ;; *) shift ;; esac
done
src=$1 dst=$2
case "$src" in *:*) src=${src#*:} ;; esac
case "$dst" in *:*) dst=${dst#*:} ;; esac
exec cp -- "$src" "$dst"
SH
chmod +x "$T/bin/ssh" "$T/bin/scp"
export HVS_FAKE_SSH_LOG=$T/ssh.log

# remote_dir = $T/r;touch${IFS}$T/PWNED;#  (a real, nested directory)
hostile="$T/r;touch\${IFS}$T/PWNED;#"
mkdir -p "$hostile"
# remote_dir = $T/with space: unquoted, rm would take $T/with as a path
mkdir -p "$T/with space"
echo keep > "$T/with"
n=0
for dir in "$hostile" "$T/with space"; do
	n=$((n + 1))
	cat > "$T/m$n.conf" <<CONF
[target box]
kind = ssh
host = hostile@example.invalid
remote_dir = $dir
run = probe
run = run --bench syscall.getppid --processes 1 --samples 3 --no-checks --tag x=\$(touch\${IFS}$T/PWNED2)
timeout = 60
CONF
	PATH="$T/bin:$PATH" "$HVSCOPE" guest --matrix "$T/m$n.conf" --out "$T/out$n" > "$T/stdout$n" 2> "$T/stderr$n"
	rc=$?
	is "$rc" 0 "remote_dir '$dir': the ssh target passed"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/stderr$n" >&2
	ok "$([ -s "$T/out$n/box.json" ]; echo $?)" "... and its result came back"
	is "$(ls -A "$dir")" "" "... the remote copies removed (the glob after the quoted directory still works)"
done
# host is an ssh argument, never shell text, but "-o..." would be an option
cat > "$T/opt.conf" <<CONF
[target box]
kind = ssh
host = -oProxyCommand=touch\${IFS}$T/PWNED3
run = probe
CONF
PATH="$T/bin:$PATH" "$HVSCOPE" guest --matrix "$T/opt.conf" --out "$T/outo" > /dev/null 2> "$T/stderro"
rc=$?
ok "$([ "$rc" = 4 ] && [ ! -e "$T/PWNED3" ]; echo $?)" "host = -oProxyCommand=...: refused as a bad value (exit $rc), nothing ran"
ok "$([ ! -e "$T/PWNED" ]; echo $?)" "nothing ran from remote_dir (no $T/PWNED)"
ok "$([ ! -e "$T/PWNED2" ]; echo $?)" "nothing ran from a run line (no $T/PWNED2)"
is "$(cat "$T/with")" keep "no other path removed (the file $T/with is intact)"
like "$(cat "$T/ssh.log")" "^'rm' '-f' |^rm -f -- '" "teardown went through the fake ssh"
while IFS= read -r line; do
	case "$line" in
	rm\ -f\ --\ *) ;;
	\'*) ;;
	*) ok 1 "a remote command starts with a quoted word or rm -f --: $line"; continue ;;
	esac
done < "$T/ssh.log"
done_testing
