#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest-ssh.t - the ssh target kind against a throwaway OpenSSH server on
# 127.0.0.1 (a high port, a temporary host key and authorized key, started
# and stopped here): hvscope-static is copied with scp, run, its result file
# fetched back and validated, the remote copies removed. Needs root (sshd
# switches users) and Debian's openssh-server; skips otherwise.
. "$(dirname "$0")/lib/guest.sh"

need openssh-server /usr/sbin/sshd
need openssh-client cmd:ssh cmd:scp
sshd=/usr/sbin/sshd
[ "$(id -u)" = 0 ] || skip_all "sshd needs root to run"
[ -x "$HVSCOPE_STATIC" ] || skip_all "$HVSCOPE_STATIC not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-tssh.XXXXXX")
spid=""
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
mkdir -p "$T/remote" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
cp "$T/id.pub" "$T/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$T/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $T/hostkey
AuthorizedKeysFile $T/authorized_keys
PidFile $T/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
"$sshd" -D -e -f "$T/sshd_config" 2> "$T/sshd.log" &
spid=$!
for _ in $(seq 1 50); do
	ssh -q -p "$port" -i "$T/id" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null "$(id -un)@127.0.0.1" true 2>/dev/null && break
	sleep 0.1
done
cat > "$T/m.conf" <<CONF
[target box]
kind = ssh
host = $(id -un)@127.0.0.1
port = $port
identity = $T/id
ssh_option = StrictHostKeyChecking=no
ssh_option = UserKnownHostsFile=/dev/null
ssh_option = LogLevel=ERROR
remote_dir = $T/remote
run = probe
run = run --bench syscall.getppid --processes 1 --samples 5
timeout = 60
CONF
"$HVSCOPE" guest --matrix "$T/m.conf" --out "$T/out" > "$T/stdout" 2> "$T/stderr"
is "$?" 0 "ssh target passed"
sed 's/^/#   /' "$T/stderr"
python3 "$HVS_SRC/tests/lib/validate.py" "$T/out/box.json" > "$T/v" 2>&1
ok $? "the fetched result validates"; sed 's/^/#   /' "$T/v"
like "$(cat "$T/out/box.1.probe.json")" '"verdict"' "probe output came back over ssh"
is "$(ls -A "$T/remote")" "" "remote copies removed"
sed -i "s/^port = .*/port = 1/" "$T/m.conf"
"$HVSCOPE" guest --matrix "$T/m.conf" --out "$T/out2" > /dev/null 2> "$T/stderr2"
is "$?" 1 "unreachable ssh target: exit 1"
like "$(cat "$T/stderr2")" "box: fail .*scp" "... reported as a failed scp"
done_testing
