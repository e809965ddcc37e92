#!/bin/sh
# static_analysis: cppcheck and clang-tidy (.clang-tidy) find nothing, with the Makefile's own compile flags
#
# Owner: ci. See docs/ci.md#static_analysis for the chosen checks and why.
# The compile flags come from the Makefile: ci/checks/lib/compdb.py asks
# `make -n -B` what it would run for `all unit` and writes
# $BUILD/compile_commands.json (nothing is built). cppcheck reads that file
# (--project); clang-tidy reads it (-p) with the checks in .clang-tidy.
# Findings: cppcheck:<id>:<file> and clang_tidy:<check>:<file>, one per
# rule and file, every occurrence as detail; tool_missing; compdb_failed.
. "$ROOT/ci/checks/lib/common.sh"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
jobs=$(nproc 2>/dev/null || echo 2)

tidy=""
for t in ${CLANG_TIDY:-} clang-tidy-14 clang-tidy; do
	command -v "$t" >/dev/null 2>&1 && { tidy=$t; break; }
done
[ -n "$tidy" ] || ci_tool_missing clang-tidy "install clang-tidy (ci/install-deps.sh)"
command -v cppcheck >/dev/null 2>&1 || ci_tool_missing cppcheck "install cppcheck (ci/install-deps.sh)"

db=$BUILD/compile_commands.json
# BUILD is passed so that make's outputs (never built) name the same tree.
if ! python3 "$ROOT/ci/checks/lib/compdb.py" "$db" BUILD="$BUILD" all unit >"$tmp/compdb" 2>&1; then
	ci_warn compdb_failed
	sed 's/^/  /' "$tmp/compdb"
	exit 0
fi
python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])): print(e["file"])' "$db" >"$tmp/files"
ci_detail "analysing the $(wc -l <"$tmp/files") C files the Makefile compiles (compile flags: $db)"

# Normalise "FILE<TAB>LINE<TAB>TOOL<TAB>RULE<TAB>MESSAGE" records into one
# finding per (tool, rule, file), in order of first appearance.
report()
{
	awk -F '\t' -v root="$ROOT/" '
		{
			file = $1
			if (index(file, root) == 1)
				file = substr(file, length(root) + 1)
			key = $3 ":" $4 ":" file
			if (!(key in n)) {
				order[++k] = key
			}
			if (n[key]++ < 5)
				detail[key] = detail[key] sprintf("  %s:%s: %s [%s]\n", file, $2, $5, $4)
		}
		END {
			for (i = 1; i <= k; i++) {
				printf "SMOKES_WARN: %s\n%s", order[i], detail[order[i]]
				if (n[order[i]] > 5)
					printf "  ... and %d more\n", n[order[i]] - 5
			}
		}'
}

if command -v cppcheck >/dev/null 2>&1; then
	# warning and portability, plus errors (always on); style and performance
	# are left to review. readdirCalled recommends readdir_r, which glibc
	# deprecates. missingInclude: system headers are not parsed on purpose.
	cppcheck --project="$db" --enable=warning,portability --library=posix \
		--library="$ROOT/ci/checks/lib/cppcheck-jansson.cfg" \
		--suppress=readdirCalled --suppress=missingIncludeSystem --inline-suppr -q -j "$jobs" \
		--template='{file}	{line}	cppcheck	{id}	{message}' >"$tmp/cppcheck.out" 2>&1
	grep '	cppcheck	' "$tmp/cppcheck.out" | report
	if grep -v '	cppcheck	' "$tmp/cppcheck.out" | grep -q .; then
		ci_detail "cppcheck also said:"
		grep -v '	cppcheck	' "$tmp/cppcheck.out" | head -n 5 | sed 's/^/    /'
	fi
fi

if [ -n "$tidy" ]; then
	# clang-tidy finds .clang-tidy above each file; the gcc flags clang does
	# not know are only warnings about warnings.
	xargs -P "$jobs" -n 1 "$tidy" -p "$BUILD" --quiet --extra-arg=-Wno-unknown-warning-option \
		<"$tmp/files" >"$tmp/tidy.out" 2>"$tmp/tidy.err"
	sed -n 's/^\(.*\):\([0-9]*\):[0-9]*: \(warning\|error\): \(.*\) \[\([^],]*\)[^]]*\]$/\1	\2	clang_tidy	\5	\4/p' \
		"$tmp/tidy.out" | report
fi
exit 0
