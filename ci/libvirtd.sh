#!/bin/sh
# ci/libvirtd.sh start|stop|uri [NAME]: a private, real libvirtd for Kiln's
# libvirt backend tests.
#
# Owner: the libvirt backend (ring2). Debian 12 ships only the monolithic
# libvirtd, and a privileged libvirtd has its directories compiled in
# (/etc/libvirt, /run/libvirt, /var/lib/libvirt, ...). So the daemon runs in
# its own mount namespace where those five directories are bind mounts of
# $BUILD/libvirt/NAME/{etc,run,lib,log,cache}: the project's own config
# (ci/libvirt/*.conf), its own state, and nothing of the host's touched
# beyond creating the usual empty mount points. Several instances (NAME) can
# run side by side; the default NAME is "ci".
#
# The daemon runs under ci/libvirt/subreaper.c, a child subreaper: libvirtd
# daemonizes every QEMU, so they all become the subreaper's children, are
# reaped at once (PID 1 here reaps about every 2 s, which libvirt would wait
# for on every domain exit), and are killed by PID when the daemon stops.
#
#   start    start it, wait until it answers, print its connection URI
#   stop     end libvirtd and every process it started; idempotent
#   uri      print the connection URI (its unix socket)
#   tcp-uri  print its TCP URI, when started with LIBVIRTD_TCP_PORT=N
#
# LIBVIRTD_TCP_PORT=N also makes it listen on 127.0.0.1:N without TLS or
# authentication, so that a test can reach it the way it would reach
# another host (qemu+tcp://). Anyone on this machine can then use it, as
# root; it is meant for the tests' short-lived instances only.
set -eu

cmd=${1:-}
name=${2:-ci}
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$BUILD/libvirt/$name"
dir=$(cd "$BUILD/libvirt/$name" && pwd)
pidfile=$dir/subreaper.pid
uri="qemu:///system?socket=$dir/run/libvirt-sock"

die() {
	echo "libvirtd.sh: $*" >&2
	exit 1
}

# The subreaper's pid, if the one we started still runs.
running_pid() {
	[ -f "$pidfile" ] || return 1
	pid=$(cat "$pidfile")
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/subreaper.log" || return 1
	echo "$pid"
}

# Every descendant of pid $1, by walking parent links in /proc.
descendants() {
	ps -e -o pid= -o ppid= | awk -v top="$1" '
		{ parent[$1] = $2 }
		END {
			for (p in parent) {
				q = parent[p]
				while (q != "" && q > 1) {
					if (q == top) { print p; break }
					q = parent[q]
				}
			}
		}'
}

alive() {
	kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

do_start() {
	command -v libvirtd >/dev/null || die "libvirtd is not installed (ci/install-deps.sh)"
	command -v virsh >/dev/null || die "virsh is not installed (ci/install-deps.sh)"
	if running_pid >/dev/null; then
		die "instance '$name' already runs (ci/libvirtd.sh stop $name)"
	fi
	sr=$BUILD/libvirt/subreaper
	if [ ! -x "$sr" ] || [ "$root/ci/libvirt/subreaper.c" -nt "$sr" ]; then
		# Built aside and renamed: tests may start instances at once.
		${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$sr.$$" \
			"$root/ci/libvirt/subreaper.c" || die "cannot build the subreaper"
		mv -f "$sr.$$" "$sr"
	fi
	sr=$(cd "$(dirname "$sr")" && pwd)/subreaper
	for d in etc run lib log cache; do
		mkdir -p "$dir/$d"
	done
	chmod 0700 "$dir/run"
	cp "$root/ci/libvirt/qemu.conf" "$root/ci/libvirt/libvirtd.conf" "$dir/etc/"
	listen=""
	rm -f "$dir/tcp_port"
	if [ -n "${LIBVIRTD_TCP_PORT:-}" ]; then
		cat >>"$dir/etc/libvirtd.conf" <<-EOF
			listen_tls = 0
			listen_tcp = 1
			listen_addr = "127.0.0.1"
			tcp_port = "$LIBVIRTD_TCP_PORT"
			auth_tcp = "none"
		EOF
		echo "$LIBVIRTD_TCP_PORT" >"$dir/tcp_port"
		listen=--listen
	fi
	# The mount points exist on any host with libvirt installed; this
	# image strips them, so make them (empty; the daemon never writes
	# to the host's copies, only to the bind mounts over them).
	mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt
	# libvirtd resolves its compiled-in QEMU user (libvirt-qemu) before
	# it reads qemu.conf, and fails if the user does not exist. Debian's
	# libvirt-daemon-system would create it; without that package the
	# daemon sees a passwd and group file that have it, in its namespace.
	rm -f "$dir/etc/passwd" "$dir/etc/group"
	if ! getent passwd libvirt-qemu >/dev/null; then
		{ cat /etc/passwd; echo "libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin"; } >"$dir/etc/passwd"
	fi
	if ! getent group libvirt-qemu >/dev/null; then
		{ cat /etc/group; echo "libvirt-qemu:x:64055:"; } >"$dir/etc/group"
	fi
	rm -f "$dir/run/libvirt-sock"
	: >"$dir/subreaper.log"
	# setsid: a Ctrl-C in the terminal goes to the tests, whose trap
	# stops the daemon in order, not straight to libvirtd and QEMU.
	setsid "$sr" "$dir/subreaper.log" -- \
		unshare --mount --propagation private -- sh -c '
			d=$1
			mount --bind "$d/etc" /etc/libvirt &&
			mount --bind "$d/run" /run/libvirt &&
			mount --bind "$d/lib" /var/lib/libvirt &&
			mount --bind "$d/log" /var/log/libvirt &&
			mount --bind "$d/cache" /var/cache/libvirt &&
			for f in passwd group; do
				[ ! -f "$d/etc/$f" ] || mount --bind "$d/etc/$f" /etc/$f || exit 1
			done &&
			exec libvirtd --config /etc/libvirt/libvirtd.conf \
				--pid-file /run/libvirt/libvirtd.pid $2' sh "$dir" "$listen" \
		</dev/null >>"$dir/subreaper.log" 2>&1 &
	echo $! >"$pidfile"
	# The first start probes QEMU's capabilities (cached in cache/ after).
	tries=0
	until virsh -q -c "$uri" uri >/dev/null 2>&1; do
		tries=$((tries + 1))
		if ! running_pid >/dev/null || [ $tries -gt 300 ]; then
			cat "$dir/subreaper.log" >&2
			tail -n 20 "$dir/log/libvirtd.log" >&2 2>/dev/null || true
			do_stop >&2
			die "libvirtd '$name' did not come up"
		fi
		sleep 0.1
	done
	echo "$uri"
}

do_stop() {
	pid=$(running_pid) || {
		rm -f "$pidfile"
		return 0
	}
	# Remembered first: if the subreaper itself cannot finish, these are
	# the processes to end.
	left=$(descendants "$pid")
	kill -TERM "$pid" 2>/dev/null || true
	i=0
	while alive "$pid" && [ $i -lt 250 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if alive "$pid"; then
		echo "libvirtd.sh: subreaper $pid did not finish; killing what it ran" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	for p in $left; do
		if alive "$p"; then
			echo "libvirtd.sh: pid $p outlived the daemon; killing it" >&2
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
	rm -f "$pidfile"
	echo "libvirtd.sh: stopped '$name'"
}

case "$cmd" in
start) do_start ;;
stop) do_stop ;;
uri) echo "$uri" ;;
tcp-uri)
	[ -f "$dir/tcp_port" ] || die "instance '$name' does not listen on TCP"
	echo "qemu+tcp://127.0.0.1:$(cat "$dir/tcp_port")/system"
	;;
*)
	echo "usage: ci/libvirtd.sh start|stop|uri|tcp-uri [NAME]" >&2
	exit 2
	;;
esac
