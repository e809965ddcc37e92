#!/bin/sh
# diag_golden.sh: the golden corpus of `kiln diag` (harness/tests/diag_golden/).
#
# Owner: diagnostics. Every <case>.log, captured from a real tool by
# harness/tests/diag_golden/capture.sh, must give exactly <case>.expected, both with the
# rules its name selects (ld-*, qemu-*, rugo-*/linux-*) and with --from auto,
# which applies every table and so catches rules that fire on another
# tool's output. Then the catalogue (docs/diagnostics.md) is held to the
# code: every code a rule or exit fact can emit is catalogued, every
# catalogued code has a golden case, and no golden line uses a code the
# catalogue does not list.
set -u
: "${KILN:?KILN must name the kiln binary}"
dir=harness/tests/diag_golden
catalogue=docs/diagnostics.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cases=0

bad() {
	echo "diag_golden: $*"
	fail=1
}

for log in "$dir"/*.log; do
	name=$(basename "$log" .log)
	case $name in
	ld-*) from=ld ;;
	qemu-*) from=qemu ;;
	rugo-* | linux-*) from=console ;;
	*)
		bad "$name: the name must start with ld-, qemu-, rugo- or linux-"
		continue
		;;
	esac
	[ -f "$dir/$name.expected" ] || {
		bad "$name: no $name.expected"
		continue
	}
	extra=""
	[ -f "$dir/$name.args" ] && extra=$(cat "$dir/$name.args")
	cases=$((cases + 1))
	for f in $from auto; do
		# shellcheck disable=SC2086 # the exit facts are separate arguments
		"$KILN" diag --from "$f" $extra "$log" 2>"$tmp/got" >"$tmp/stdout"
		if ! cmp -s "$tmp/got" "$dir/$name.expected"; then
			bad "$name (--from $f) differs:"
			diff "$dir/$name.expected" "$tmp/got" | sed 's/^/    /'
		fi
		[ -s "$tmp/stdout" ] && bad "$name: wrote to stdout without JSON_ONLY"
	done
done
[ "$cases" -ge 100 ] || bad "only $cases golden cases"

codes_of_rules=$("$KILN" diag --list-rules | cut -f2 | grep -v '^-$' | sort -u)
codes_of_catalogue=$(sed -n 's/^| `\([a-z0-9_]*\)` |.*/\1/p' "$catalogue" | sort -u)
codes_of_goldens=$(sed -n 's/^SMOKES_[A-Z]*: \([a-z0-9_]*\).*/\1/p' "$dir"/*.expected | sort -u)
[ -n "$codes_of_catalogue" ] || bad "no codes found in $catalogue"
for c in $codes_of_rules; do
	echo "$codes_of_catalogue" | grep -qx "$c" || bad "code $c is emitted but not in $catalogue"
done
for c in $codes_of_catalogue; do
	echo "$codes_of_goldens" | grep -qx "$c" || bad "code $c has no golden case"
	echo "$codes_of_rules" | grep -qx "$c" || bad "code $c is catalogued but no rule emits it"
done
for c in $codes_of_goldens; do
	echo "$codes_of_catalogue" | grep -qx "$c" || bad "golden code $c is not in $catalogue"
done

echo "diag_golden: $cases cases, $(echo "$codes_of_catalogue" | wc -l) codes"
exit $fail
