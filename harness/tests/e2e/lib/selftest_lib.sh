# selftest_lib.sh: what the harness self-tests share (selftest_outcomes.sh,
# signals.sh, runner_behaviour.sh). Sourced, never run: `make e2e` runs only
# harness/tests/e2e/*.sh, not this subdirectory.

# selftest_setup NAME: python3 is there (else skip, 77); the tiny guests are
# built into build/selftest (where fixtures/selftest names them) and Rugo is
# built (else fail); $tmp is a fresh directory. At exit, whatever process of
# ours is still alive is killed by PID, and $tmp removed.
selftest_setup() {
	if ! command -v python3 >/dev/null; then
		echo "$1: python3 is needed to read the reports"
		exit 77
	fi
	if [ ! -f build/guest/rugo.mb ]; then
		echo "$1: build/guest/rugo.mb is missing (make guest)"
		exit 1
	fi
	if ! fixtures/selftest/tiny/build.sh build/selftest; then
		echo "$1: cannot build the tiny self-test guests (fixtures/selftest/tiny)"
		exit 1
	fi
	tmp=$(mktemp -d)
	trap selftest_cleanup EXIT
}

selftest_cleanup() {
	for pid in $(selftest_ours); do
		kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "$tmp"
}

# selftest_alive PID: the process exists and is not a zombie.
selftest_alive() {
	[ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}

# selftest_ours [PATTERN]: PIDs of live processes (not this shell) whose
# command line names $tmp, and matches the shell PATTERN (default: any).
# Only those: other people's QEMUs on this machine never count.
selftest_ours() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = "$$" ] && continue
		cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
		case $cmd in
		*"$tmp"*)
			# shellcheck disable=SC2254 # the pattern is meant to match
			case $cmd in ${1:-*}) selftest_alive "$pid" && echo "$pid" ;; esac
			;;
		esac
	done
}
