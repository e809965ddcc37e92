#!/bin/sh
# ci/run_local_checks.sh: run the local checks (ci/checks/*.sh) and grade them.
#
# Owner: ci. Documented in docs/ci.md. Usage:
#   ci/run_local_checks.sh [--list] [--only NAME]...
# Modes, from CI_STRICT (the release gate sets CI_STRICT=1):
#   unset, "" or 0  WARN: warnings print, exit 0 unless a check reports an error;
#   1               STRICT: every warning is printed as SMOKES_ERR and fails;
#   dry             DRY RUN: as WARN, and says what STRICT would fail.
# A finding on ci/allow/<check>.txt prints as `SMOKES_WARN: allowed:<finding>`
# in every mode and is counted, so a check flips to strict once that count
# reaches zero. Output: each check's lines under a `---- ci: NAME` header, then
# one `ci: summary:` line per check and one `ci: overall:` line.
# Exit: 0 pass, 1 fail, 2 usage.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KILN=${KILN:-$BUILD/kiln}
case $KILN in /*) ;; *) KILN=$ROOT/$KILN ;; esac
export ROOT BUILD KILN

usage()
{
	echo "usage: ci/run_local_checks.sh [--list] [--only NAME]..." >&2
	echo "       CI_STRICT=1 fails on any warning; CI_STRICT=dry reports what it would fail" >&2
	exit 2
}

case ${CI_STRICT:-} in
'' | 0) mode=warn ;;
1) mode=strict ;;
dry) mode=dry ;;
*) echo "ci: CI_STRICT must be unset, 0, 1 or dry (got '$CI_STRICT')" >&2; usage ;;
esac

all_checks=$(for f in ci/checks/*.sh; do [ -f "$f" ] && basename "$f" .sh; done)

# The second line of a check is "# <name>: <what it checks>".
check_summary()
{
	sed -n '2s/^# [a-z_]*: //p' "ci/checks/$1.sh"
}

only=""
while [ $# -gt 0 ]; do
	case $1 in
	--list)
		for c in $all_checks; do
			printf '%-18s %s\n' "$c" "$(check_summary "$c")"
		done
		exit 0
		;;
	--only | --only=*)
		if [ "$1" = --only ]; then
			[ $# -ge 2 ] || usage
			name=$2
			shift
		else
			name=${1#--only=}
		fi
		shift
		if ! printf '%s\n' "$all_checks" | grep -qxF -- "$name"; then
			echo "ci: no check named '$name' (see --list)" >&2
			exit 2
		fi
		only="$only $name"
		;;
	-h | --help) usage ;;
	*) echo "ci: unknown argument '$1'" >&2; usage ;;
	esac
done
checks=${only:-$all_checks}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ci-checks.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
: >"$tmp/summary"

# Allowlist entries "PATTERN  # reason" of one check, as "PATTERN<TAB>reason"
# lines in $tmp/allow; an entry without a reason is an error.
load_allowlist()
{
	: >"$tmp/allow"
	: >"$tmp/allow_used"
	f=ci/allow/$1.txt
	[ -f "$f" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		line=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
		case $line in '' | '#'*) continue ;; esac
		pat=$(printf '%s' "$line" | sed 's/[[:space:]]#.*//; s/[[:space:]]*$//')
		reason=$(printf '%s' "$line" | sed -n 's/^[^#]*[[:space:]]#[[:space:]]*//p')
		if [ -z "$reason" ]; then
			emit_error "allowlist_no_reason:$1:$pat"
			echo "  $f: '$pat' needs a reason: PATTERN  # why it is allowed"
			continue
		fi
		printf '%s\t%s\n' "$pat" "$reason" >>"$tmp/allow"
	done <"$f"
}

# allowed FINDING: true when an allowlist pattern (a shell glob) matches.
allowed()
{
	while IFS='	' read -r pat _; do
		# shellcheck disable=SC2254 # the pattern is a glob on purpose
		case $1 in $pat)
			printf '%s\n' "$pat" >>"$tmp/allow_used"
			return 0
			;;
		esac
	done <"$tmp/allow"
	return 1
}

emit_error()
{
	echo "SMOKES_ERR: $1"
	n_err=$((n_err + 1))
}

# grade FINDING SEVERITY: print one finding as this mode reports it.
grade()
{
	if allowed "$1"; then
		echo "SMOKES_WARN: allowed:$1"
		n_allowed=$((n_allowed + 1))
	elif [ "$2" = ERR ]; then
		emit_error "$1"
	elif [ $mode = strict ]; then
		echo "SMOKES_ERR: $1"
		n_warn=$((n_warn + 1))
	else
		echo "SMOKES_WARN: $1"
		n_warn=$((n_warn + 1))
	fi
}

tot_warn=0 tot_err=0 tot_allowed=0 n_ok=0 n_warned=0 n_failed=0 n_skip=0 n_checks=0
would_fail=""
for c in $checks; do
	n_warn=0 n_err=0 n_allowed=0
	n_checks=$((n_checks + 1))
	echo "---- ci: $c"
	load_allowlist "$c"
	t0=$(date +%s)
	(unset CI_STRICT; exec sh "ci/checks/$c.sh") >"$tmp/out" 2>&1 </dev/null
	rc=$?
	secs=$(($(date +%s) - t0))
	: >"$tmp/seen"
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		'SMOKES_WARN: '* | 'SMOKES_ERR: '*)
			sev=${line%%: *}
			sev=${sev#SMOKES_}
			finding=${line#*: }
			# One line per distinct finding, in order of first appearance.
			if grep -qxF -- "$finding" "$tmp/seen"; then continue; fi
			printf '%s\n' "$finding" >>"$tmp/seen"
			grade "$finding" "$sev"
			;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$tmp/out"

	if [ $rc -eq 77 ]; then
		reason=$(sed -n 's/^skip: //p' "$tmp/out" | head -n 1)
		status="skip (${reason:-no reason given})"
		n_skip=$((n_skip + 1))
	else
		if [ $rc -ne 0 ]; then
			emit_error "check_failed:$c"
			echo "  ci/checks/$c.sh exited with status $rc; its output is above"
		fi
		# Entries that matched nothing: the exception is gone, drop the entry.
		while IFS='	' read -r pat _; do
			grep -qxF -- "$pat" "$tmp/allow_used" && continue
			grade "allowlist_stale:$c:$pat" WARN
			echo "  ci/allow/$c.txt: '$pat' matched no finding; remove it"
		done <"$tmp/allow"
		if [ $n_err -gt 0 ] || { [ $mode = strict ] && [ $n_warn -gt 0 ]; }; then
			status=fail
			n_failed=$((n_failed + 1))
		elif [ $n_warn -gt 0 ]; then
			status=warn
			n_warned=$((n_warned + 1))
			[ $mode = dry ] && status="warn (CI_STRICT=1 would fail)"
		else
			status=ok
			n_ok=$((n_ok + 1))
		fi
	fi
	[ $n_warn -gt 0 ] && would_fail="$would_fail $c"
	tot_warn=$((tot_warn + n_warn))
	tot_err=$((tot_err + n_err))
	tot_allowed=$((tot_allowed + n_allowed))
	printf 'ci: summary: %s: %s warnings=%d errors=%d allowed=%d time=%ds\n' \
		"$c" "$status" $n_warn $n_err $n_allowed "$secs" >>"$tmp/summary"
done

cat "$tmp/summary"
if [ $tot_err -gt 0 ] || { [ $mode = strict ] && [ $tot_warn -gt 0 ]; }; then
	verdict=FAIL
else
	verdict=PASS
fi
if [ $mode = dry ]; then
	if [ -n "$would_fail" ] || [ $tot_err -gt 0 ]; then
		echo "ci: dry-run: CI_STRICT=1 would fail:${would_fail:- (errors only)}"
	else
		echo "ci: dry-run: CI_STRICT=1 would pass"
	fi
fi
printf 'ci: overall: %s mode=%s checks=%d ok=%d warn=%d fail=%d skip=%d warnings=%d errors=%d allowed=%d\n' \
	$verdict $mode $n_checks $n_ok $n_warned $n_failed $n_skip $tot_warn $tot_err $tot_allowed
[ $verdict = PASS ]
