#!/bin/sh
# ci_checks.sh: every local check fires on a violation planted in a copy of
# the repository, and the aggregator grades it: a warning by default, a
# failure under CI_STRICT=1, a "would fail" under CI_STRICT=dry, and an
# `allowed:` line once ci/allow/<check>.txt names it with a reason.
#
# Owner: ci (ci/run_local_checks.sh, docs/ci.md). Run by `make test` with
# BUILD and KILN set; exit 0 pass, 77 skip, anything else fail.
#
# For each check the copy first gets an allowlist of whatever the check finds
# before the plant, so the baseline passes under CI_STRICT=1 whatever the rest
# of the tree looks like; then the test asserts the planted finding was not
# there, plants it, and asserts each mode. A check whose tool is missing here
# is skipped and named.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KILN=${KILN:-$BUILD/kiln}
case $KILN in /*) ;; *) KILN=$ROOT/$KILN ;; esac

fails=0 skips="" passes=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ci_checks.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

fail()
{
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# The repository's files as a user has them (tracked, and new files not
# ignored), without build/ or .git.
mkdir "$tmp/base"
(
	cd "$ROOT" || exit 1
	if git rev-parse --show-toplevel >/dev/null 2>&1; then
		git ls-files -co --exclude-standard
	else
		find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||'
	fi | while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done |
		tar -cf - -T - | tar -xf - -C "$tmp/base"
) || { echo "cannot copy the repository"; exit 1; }

# fresh NAME: a new copy of the tree; prints its path.
fresh()
{
	cp -a "$tmp/base" "$tmp/$1"
	echo "$tmp/$1"
}

# run DIR CHECK [VAR=VALUE...]: run one check in the copy DIR; output in
# $tmp/out, exit status in $rc. The copy's build directory is DIR/build.
run()
{
	_dir=$1 _check=$2
	shift 2
	env BUILD="$_dir/build" KILN="$KILN" "$@" "$_dir/ci/run_local_checks.sh" --only "$_check" \
		>"$tmp/out" 2>&1
	rc=$?
}

has()
{
	grep -qxF -- "$1" "$tmp/out"
}

show()
{
	sed 's/^/    | /' "$tmp/out" | head -n 40
}

# baseline DIR CHECK: allowlist what the check finds in DIR as it is, then
# require CI_STRICT=1 to pass there.
baseline()
{
	run "$1" "$2"
	mkdir -p "$1/ci/allow"
	sed -n 's/^SMOKES_WARN: \(allowed:\)\{0,1\}//p; s/^SMOKES_ERR: //p' "$tmp/out" |
		grep -v '^allowlist_' | sort -u | sed 's/$/  # present before the plant/' \
		>"$1/ci/allow/$2.txt"
	run "$1" "$2" CI_STRICT=1
	if [ $rc -ne 0 ]; then
		fail "$2: the baseline does not pass under CI_STRICT=1 even with its findings allowed"
		show
		return 1
	fi
}

# absent CHECK FINDING...: none of the findings was in the output of the run
# just before (the baseline), so it is the plant that makes them fire.
absent()
{
	_check=$1
	shift
	for _f in "$@"; do
		if grep -q -- ": \(allowed:\)\{0,1\}$_f\$" "$tmp/out"; then
			fail "$_check: '$_f' is reported before it was planted"
			show
			return 1
		fi
	done
}

# graded MODE RC PREFIX FINDING...: run $_check in $_dir with CI_STRICT=MODE;
# it must exit RC and print each finding as PREFIX<finding>, plus the line
# $_also when that is set. Shows the output when not.
graded()
{
	_mode=$1 _want=$2 _prefix=$3
	shift 3
	_before=$fails
	run "$_dir" "$_check" CI_STRICT="$_mode"
	for _f in "$@"; do
		has "$_prefix$_f" || fail "$_check: CI_STRICT='$_mode' does not print '$_prefix$_f'"
	done
	[ $rc -eq "$_want" ] || fail "$_check: CI_STRICT='$_mode' exits $rc, not $_want"
	if [ -n "$_also" ] && ! grep -q -- "$_also" "$tmp/out"; then
		fail "$_check: CI_STRICT='$_mode' prints no line like '$_also'"
	fi
	[ $fails -eq "$_before" ] || show
}

# fires DIR CHECK FINDING...: after the plant, each mode grades each finding;
# once allowlisted with a reason, each is reported as allowed and counted.
fires()
{
	_dir=$1 _check=$2
	shift 2
	_start=$fails
	_also="^ci: overall: PASS mode=warn" graded '' 0 'SMOKES_WARN: ' "$@"
	_also="^ci: overall: FAIL mode=strict" graded 1 1 'SMOKES_ERR: ' "$@"
	_also="^ci: dry-run: CI_STRICT=1 would fail: $_check\$" graded dry 0 'SMOKES_WARN: ' "$@"
	for _f in "$@"; do
		printf '%s  # planted by ci_checks.sh\n' "$_f" >>"$_dir/ci/allow/$_check.txt"
	done
	_also="^ci: summary: $_check: ok warnings=0 errors=0 allowed=" \
		graded 1 0 'SMOKES_WARN: allowed:' "$@"
	[ $fails -eq "$_start" ] && passes=$((passes + 1)) && echo "ok: $_check fires on: $*"
}

have()
{
	command -v "$1" >/dev/null 2>&1
}

# ---- header_canonical ------------------------------------------------------
d=$(fresh header)
if baseline "$d" header_canonical && absent header_canonical \
	'header_parent:harness/src/lib/ci_planted.c:../../include/kiln/lib/util.h'; then
	printf '#include "../../include/kiln/lib/util.h"\n#include "util.h"\n#include <kiln/lib/text.h>\n#include "engine/case_ctx.h"\n' \
		>"$d/harness/src/lib/ci_planted.c"
	printf '#include "types.h"\n#include "kiln/lib/util.h"\n' >"$d/guest/kernel/ci_planted.c"
	printf '/* a header of no module */\n' >"$d/harness/src/ci_planted.h"
	# What the layout allows: a private header from its own folder, a
	# public one by its module path.
	printf '#include "case_ctx.h"\n#include "kiln/lib/util.h"\n' >"$d/harness/src/engine/ci_fine.c"
	fires "$d" header_canonical \
		'header_parent:harness/src/lib/ci_planted.c:../../include/kiln/lib/util.h' \
		'header_noncanonical:harness/src/lib/ci_planted.c:util.h' \
		'header_noncanonical:harness/src/lib/ci_planted.c:kiln/lib/text.h' \
		'header_noncanonical:harness/src/lib/ci_planted.c:engine/case_ctx.h' \
		'header_cross:guest/kernel/ci_planted.c:kiln/lib/util.h' \
		'header_outside_root:harness/src/ci_planted.h'
	run "$d" header_canonical
	grep -q 'ci_fine' "$tmp/out" && { fail "header_canonical: a private header from its own folder is a finding"; show; }
fi

# ---- module_order ----------------------------------------------------------
d=$(fresh modules)
if baseline "$d" module_order && absent module_order \
	'module_upward:harness/src/lib/ci_planted.c:kiln/engine/case_run.h'; then
	printf '#include "kiln/engine/case_run.h"\n' >"$d/harness/src/lib/ci_planted.c"
	printf '#include "kiln/report/case_record.h"\n' >"$d/harness/include/kiln/backend/ci_planted.h"
	mkdir "$d/harness/src/ci_newmod"
	printf 'int ci_newmod;\n' >"$d/harness/src/ci_newmod/ci_newmod.c"
	printf 'int ci_loose;\n' >"$d/harness/src/ci_loose.c"
	# Downward and same-module includes are the layout working.
	printf '#include "kiln/lib/util.h"\n#include "kiln/engine/case_run.h"\n' \
		>"$d/harness/src/engine/ci_down.c"
	fires "$d" module_order \
		'module_upward:harness/src/lib/ci_planted.c:kiln/engine/case_run.h' \
		'module_upward:harness/include/kiln/backend/ci_planted.h:kiln/report/case_record.h' \
		'module_unlisted:ci_newmod' \
		'module_unplaced:harness/src/ci_loose.c'
	run "$d" module_order
	grep -q 'ci_down' "$tmp/out" && { fail "module_order: a downward include is a finding"; show; }
	# The order comes from the document: a row taken out is a finding.
	sed -i '/^| 11 | `main` |/d' "$d/docs/architecture.md"
	run "$d" module_order
	has 'SMOKES_WARN: module_unlisted:main' || { fail "module_order: a module without a row is not a finding"; show; }
fi

# ---- dotted_symbol ---------------------------------------------------------
if ! have nm || ! have cc || ! [ -d "$BUILD/guest" ] || ! [ -x "$BUILD/kiln" ]; then
	skips="$skips dotted_symbol(needs nm, cc and a built $BUILD/guest and $BUILD/kiln)"
else
	d=$(fresh dotted)
	mkdir -p "$d/build"
	cp -a "$BUILD/guest" "$BUILD/kiln" "$d/build/"
	mkdir -p "$d/build/harness" && cp -a "$BUILD"/harness/. "$d/build/harness/"
	if baseline "$d" dotted_symbol && absent dotted_symbol \
		'dotted_symbol:env.gc.stats' 'dotted_symbol:kiln.exported'; then
		# What C cannot name but an asm label can: a dotted global, defined
		# in a guest object and referenced by another; and one kiln exports.
		echo 'void stats(void) __asm__("env.gc.stats"); void stats(void) {}' |
			cc -c -x c - -o "$d/build/guest/kernel/ci_planted.c.o"
		echo 'int x __asm__("kiln.exported"); int x = 1;' |
			cc -c -x c - -o "$d/build/harness/ci_planted.o"
		fires "$d" dotted_symbol 'dotted_symbol:env.gc.stats' 'dotted_symbol:kiln.exported'
		# A compiler's local clone (foo.constprop.0) is not a finding.
		printf 'static int __attribute__((noinline)) twice(int a, int b) { return a * b; }\nint use(int a) { return twice(a, 2) + twice(a + 1, 2); }\n' |
			cc -O2 -c -x c - -o "$d/build/guest/kernel/ci_clone.c.o"
		if nm "$d/build/guest/kernel/ci_clone.c.o" | grep -q 'twice\.'; then
			run "$d" dotted_symbol CI_STRICT=1
			if grep -q 'dotted_symbol:twice\.' "$tmp/out"; then
				fail "dotted_symbol: a compiler-made local clone is reported"
				show
			fi
		fi
	fi
fi

# ---- fixtures_valid --------------------------------------------------------
if ! [ -x "$KILN" ]; then
	skips="$skips fixtures_valid(no $KILN)"
else
	d=$(fresh fixtures)
	mkdir -p "$d/fixtures/boot"
	if baseline "$d" fixtures_valid &&
		absent fixtures_valid 'fixture_invalid:fixtures/boot/ci_planted.json'; then
		cat >"$d/fixtures/boot/ci_planted.json" <<-'EOF'
		{
		  "description": "a typo in a key must not be ignored",
		  "guest": { "kernel": "../../build/guest/rugo.mb" },
		  "steps": [ { "expect": "RUGO: boot ok" } ],
		  "timeuot_s": 10
		}
		EOF
		fires "$d" fixtures_valid 'fixture_invalid:fixtures/boot/ci_planted.json'
	fi
fi

# ---- known_issues ----------------------------------------------------------
# The plant is an entry whose expiry has passed.
if ! [ -x "$KILN" ]; then
	skips="$skips known_issues(no $KILN)"
else
	d=$(fresh known)
	if baseline "$d" known_issues &&
		absent known_issues 'known_issue_expired:guest_panicked:ci_planted'; then
		cat >"$d/ci/known_issues.json" <<-'EOF'
		{
		  "schema": "kiln.known/1",
		  "issues": [
		    { "title": "guest_panicked:ci_planted", "fixture": "boot/*",
		      "link": "https://example.invalid/1", "expires": "2020-01-01" }
		  ]
		}
		EOF
		fires "$d" known_issues 'known_issue_expired:guest_panicked:ci_planted'
	fi
fi

# ---- diag_catalogue --------------------------------------------------------
# The copy gets a catalogue that lists exactly what kiln emits; the plant
# drops one code from it and adds one kiln never emits.
if ! [ -x "$KILN" ] || ! "$KILN" diag --list-rules >"$tmp/rules" 2>/dev/null; then
	skips="$skips diag_catalogue(no 'kiln diag --list-rules')"
else
	d=$(fresh diag)
	awk -F '\t' '$2 != "-" { sub(/:.*/, "", $2); if (!seen[$2]++) print $2 }' "$tmp/rules" \
		>"$tmp/codes"
	dropped=$(head -n 1 "$tmp/codes")
	catalogue()
	{
		printf '# Diagnostic codes\n\n| code | severity | meaning |\n|---|---|---|\n'
		# shellcheck disable=SC2016 # backticks are Markdown
		sed 's/.*/| `&:<subject>` | error | planted |/'
	}
	catalogue <"$tmp/codes" >"$d/docs/diagnostics.md"
	if baseline "$d" diag_catalogue && absent diag_catalogue \
		"diag_code_undocumented:$dropped" 'diag_code_unemittable:ci_planted_code'; then
		{ tail -n +2 "$tmp/codes"; echo ci_planted_code; } | catalogue >"$d/docs/diagnostics.md"
		fires "$d" diag_catalogue "diag_code_undocumented:$dropped" \
			'diag_code_unemittable:ci_planted_code'
	fi
	# Without a catalogue the check says it cannot compare; it never passes.
	rm "$d/docs/diagnostics.md"
	: >"$d/ci/allow/diag_catalogue.txt"
	run "$d" diag_catalogue CI_STRICT=1
	if ! has 'SMOKES_ERR: diag_catalogue_absent:docs/diagnostics.md' || [ $rc -ne 1 ]; then
		fail "diag_catalogue: a missing catalogue passes"
		show
	fi
fi

# ---- format ----------------------------------------------------------------
if ! have clang-format-14 && ! { have clang-format && clang-format --version | grep -q 'version 14\.'; }; then
	skips="$skips format(no clang-format 14)"
else
	d=$(fresh format)
	if baseline "$d" format && absent format 'format:harness/src/ci_planted.c'; then
		printf '/* ci_planted.c */\nint ci_planted(void) { return  1; }\n' >"$d/harness/src/ci_planted.c"
		fires "$d" format 'format:harness/src/ci_planted.c'
	fi
fi

# ---- static_analysis -------------------------------------------------------
if ! have cppcheck || ! { have clang-tidy || have clang-tidy-14; } || ! have python3; then
	skips="$skips static_analysis(needs cppcheck, clang-tidy and python3)"
else
	# Analysing the whole tree takes minutes; a few files show the same.
	d=$(fresh static)
	find "$d/harness/src" "$d/harness/tests" "$d/guest" -name '*.c' ! -name outcome.c \
		! -name main.c -exec rm -f {} +
	printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$d/harness/src/main.c"
	if baseline "$d" static_analysis && absent static_analysis \
		'cppcheck:nullPointer:harness/src/lib/ci_planted.c' \
		'clang_tidy:cert-err34-c:harness/src/lib/ci_planted.c'; then
		printf '%s\n' '/* ci_planted.c: a NULL dereference and an unchecked atoi. */' \
			'#include <stdlib.h>' '' 'int ci_planted_parse(const char *s);' '' \
			'int ci_planted_parse(const char *s)' '{' '	int *p = NULL;' '' \
			'	if (s == NULL)' '		return *p;' '	return atoi(s);' '}' \
			>"$d/harness/src/lib/ci_planted.c"
		fires "$d" static_analysis 'cppcheck:nullPointer:harness/src/lib/ci_planted.c' \
			'clang_tidy:clang-analyzer-core.NullDereference:harness/src/lib/ci_planted.c' \
			'clang_tidy:cert-err34-c:harness/src/lib/ci_planted.c'
	fi
fi

# ---- abi_doc ---------------------------------------------------------------
# The copy's document is written from the kernel's own numbers, so that the
# test does not depend on how docs/abi/syscall_v0.md is worded today.
if ! grep -qsE '^\s*\[SYS_[A-Za-z0-9_]+\]' "$ROOT"/guest/kernel/*.c; then
	skips="$skips abi_doc(no syscall table in guest/kernel yet)"
else
	d=$(fresh abi)
	grep -hE '^#define SYS_[a-z0-9_]+ +[0-9]+' "$d"/guest/common/*.h | awk '{ sub(/^SYS_/, "", $2); print $3, $2 }' \
		>"$tmp/calls"
	abi_doc()
	{
		printf '# ABI\n\n## Calls\n\n| number | name | arguments |\n|---|---|---|\n'
		awk '{ printf "| %s | %s | - |\n", $1, $2 }'
	}
	abi_doc <"$tmp/calls" >"$d/docs/abi/syscall_v0.md"
	first=$(awk 'NR == 1 { print $2 }' "$tmp/calls")
	last=$(awk 'END { print $2 }' "$tmp/calls")
	if baseline "$d" abi_doc && absent abi_doc "abi_doc_number:$first" "abi_doc_missing:$last" \
		'abi_doc_extra:ci_planted'; then
		awk -v first="$first" -v last="$last" '
			$2 == first { $1 += 100 }
			$2 != last { print }
			END { print 99, "ci_planted" }' "$tmp/calls" | abi_doc >"$d/docs/abi/syscall_v0.md"
		fires "$d" abi_doc "abi_doc_number:$first" "abi_doc_missing:$last" 'abi_doc_extra:ci_planted'
	fi
	# Before the kernel has a table, the check skips and says why, and never
	# warns: CI_STRICT=1 passes.
	d=$(fresh abi_none)
	for f in "$d"/guest/kernel/*.c; do
		sed -i 's/^\(\s*\)\[SYS_/\1[NOT_SYS_/' "$f"
	done
	run "$d" abi_doc CI_STRICT=1
	if [ $rc -ne 0 ] || grep -q '^SMOKES_' "$tmp/out" ||
		! grep -q '^ci: summary: abi_doc: skip (the kernel has no syscall table yet' "$tmp/out"; then
		fail "abi_doc: without a syscall table it does not skip cleanly"
		show
	fi
fi

# ---- lx_syscall_doc --------------------------------------------------------
# The copy's docs/guest.md is edited in place: a row's number is changed,
# another row removed and a planted one added; each must be a finding.
if ! grep -qsE '\[__NR_[a-z0-9_]+\] = ' "$ROOT"/guest/kernel/lx_*.c; then
	skips="$skips lx_syscall_doc(no Linux personality table in guest/kernel yet)"
else
	d=$(fresh lx)
	if baseline "$d" lx_syscall_doc && absent lx_syscall_doc 'lx_doc_number:pipe2' \
		'lx_doc_missing:tgkill' 'lx_doc_extra:ci_planted'; then
		sed -i -e 's/^| `pipe2` | 293 |/| `pipe2` | 393 |/' -e '/^| `tgkill` | 234 |/d' \
			-e 's/^| `read` | 0 |\(.*\)$/| `read` | 0 |\1\n| `ci_planted` | 999 | - |/' \
			"$d/docs/guest.md"
		fires "$d" lx_syscall_doc 'lx_doc_number:pipe2' 'lx_doc_missing:tgkill' \
			'lx_doc_extra:ci_planted'
	fi
fi

# ---- scenario_doc ----------------------------------------------------------
# Plant a scenario in the copy's table that no fixture uses and the document
# does not name, and a fixture that names a scenario the table lacks.
if ! grep -qsE '\{ *"[A-Za-z0-9_]+" *, *[A-Za-z_]' "$ROOT"/guest/scenarios/scenario.c; then
	skips="$skips scenario_doc(no scenario table in guest/scenarios yet)"
else
	d=$(fresh scen)
	if baseline "$d" scenario_doc && absent scenario_doc 'scenario_no_fixture:ci_planted' \
		'scenario_undocumented:ci_planted' 'scenario_unknown:ci_planted_fx'; then
		sed -i 's/^\(\s*\){"banner", scen_banner},/&\n\1{"ci_planted", scen_banner},/' \
			"$d/guest/scenarios/scenario.c"
		sed 's/rugo\.test=banner/rugo.test=ci_planted_fx/' "$d/fixtures/boot/banner.json" \
			>"$d/fixtures/boot/ci_planted_fx.json"
		fires "$d" scenario_doc 'scenario_no_fixture:ci_planted' \
			'scenario_undocumented:ci_planted' 'scenario_unknown:ci_planted_fx'
	fi
	# Without a table, the check skips and says why, and never warns.
	d=$(fresh scen_none)
	sed -i 's/^\(\s*\){"\([A-Za-z0-9_]*\)", /\1{\2, /' "$d/guest/scenarios/scenario.c"
	run "$d" scenario_doc CI_STRICT=1
	if [ $rc -ne 0 ] || grep -q '^SMOKES_' "$tmp/out" ||
		! grep -q '^ci: summary: scenario_doc: skip (the kernel has no scenario table yet' "$tmp/out"; then
		fail "scenario_doc: without a scenario table it does not skip cleanly"
		show
	fi
fi

# ---- the aggregator itself -------------------------------------------------
d=$(fresh runner)
cat >"$d/ci/checks/zz_planted.sh" <<'EOF'
#!/bin/sh
# zz_planted: a check the test plants
[ -n "${PLANT_SKIP:-}" ] && { echo "skip: planted reason"; exit 77; }
echo "SMOKES_WARN: planted_warn:a"
echo "SMOKES_WARN: planted_warn:a"
echo "  detail under it"
[ -n "${PLANT_ERR:-}" ] && echo "SMOKES_ERR: planted_err"
[ -n "${PLANT_CRASH:-}" ] && exit 3
[ -n "${CI_STRICT:-}" ] && echo "SMOKES_WARN: check_saw_ci_strict"
exit 0
EOF
mkdir -p "$d/ci/allow"
rm -f "$d/ci/allow/zz_planted.txt"
"$d/ci/run_local_checks.sh" --list >"$tmp/out" 2>&1
for c in header_canonical module_order dotted_symbol fixtures_valid known_issues diag_catalogue format static_analysis abi_doc scenario_doc zz_planted; do
	grep -q "^$c " "$tmp/out" || { fail "--list does not list $c"; show; }
done
run "$d" no_such_check
[ $rc -eq 2 ] || fail "--only with an unknown name exits $rc, not 2"
run "$d" zz_planted CI_STRICT=yes
[ $rc -eq 2 ] || fail "CI_STRICT=yes exits $rc, not 2"
run "$d" zz_planted CI_STRICT=1
[ "$(grep -c '^SMOKES_ERR: planted_warn:a$' "$tmp/out")" -eq 1 ] ||
	{ fail "a finding printed twice is not deduplicated"; show; }
has "  detail under it" || { fail "detail lines are not passed through"; show; }
grep -q check_saw_ci_strict "$tmp/out" && fail "a check sees CI_STRICT (the runner grades)"
run "$d" zz_planted PLANT_ERR=1
{ [ $rc -eq 1 ] && has "SMOKES_ERR: planted_err"; } ||
	{ fail "an error does not fail WARN mode"; show; }
run "$d" zz_planted PLANT_CRASH=1
{ [ $rc -eq 1 ] && has "SMOKES_ERR: check_failed:zz_planted"; } ||
	{ fail "a check that breaks does not fail the run"; show; }
run "$d" zz_planted PLANT_SKIP=1 CI_STRICT=1
{ [ $rc -eq 0 ] && grep -q '^ci: summary: zz_planted: skip (planted reason)' "$tmp/out"; } ||
	{ fail "a skipping check is not reported as skipped"; show; }
printf 'planted_warn:*\n' >"$d/ci/allow/zz_planted.txt"
run "$d" zz_planted
{ [ $rc -eq 1 ] && has "SMOKES_ERR: allowlist_no_reason:zz_planted:planted_warn:*"; } ||
	{ fail "an allowlist entry without a reason is not an error"; show; }
printf '# comment\n\nplanted_warn:*  # a glob, with a reason\nnever_seen  # stale\n' \
	>"$d/ci/allow/zz_planted.txt"
run "$d" zz_planted CI_STRICT=1
{ has "SMOKES_WARN: allowed:planted_warn:a" && has "SMOKES_ERR: allowlist_stale:zz_planted:never_seen" &&
	[ $rc -eq 1 ]; } || { fail "glob allowlist or stale entry not graded"; show; }
echo "ok: the aggregator's modes, allowlists, dedup, skips and broken checks"

[ -z "$skips" ] || echo "skipped:$skips"
if [ $fails -gt 0 ]; then
	echo "ci_checks: $fails failures"
	exit 1
fi
if [ $passes -eq 0 ]; then
	exit 77
fi
exit 0
