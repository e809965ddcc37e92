#!/bin/sh
# format: clang-format 14 with the repository's .clang-format reports no diff in any C source
#
# Owner: ci. See docs/ci.md#format. Every .c and .h file of the repository
# (ci_sources: not build/, reports/, or a file marked generated) is compared
# with what clang-format 14 makes of it. Only version 14 is used: another
# version formats the same style differently. Findings: format:<file>;
# format_config_missing when there is no .clang-format; tool_missing.
. "$ROOT/ci/checks/lib/common.sh"

cf=""
for t in ${CLANG_FORMAT:-} clang-format-14 clang-format; do
	if command -v "$t" >/dev/null 2>&1 && "$t" --version | grep -q 'version 14\.'; then
		cf=$t
		break
	fi
done
if [ -z "$cf" ]; then
	ci_tool_missing clang-format-14 "install clang-format 14 (ci/install-deps.sh, Debian 12)"
	exit 0
fi
if ! [ -f "$ROOT/.clang-format" ]; then
	ci_warn format_config_missing
	ci_detail "there is no .clang-format at the top of the repository"
	exit 0
fi

tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
ci_sources c h >"$tmp"
[ -s "$tmp" ] || ci_skip "no C sources"
# One clang-format for all files: --dry-run names each place that differs,
# "FILE:LINE:COL: warning: code should be clang-formatted". --style=file:PATH
# so that a copy of the tree is checked against its own file.
xargs -d '\n' "$cf" --dry-run --style="file:$ROOT/.clang-format" <"$tmp" 2>&1 |
	awk -v cf="$cf" -v files="$(wc -l <"$tmp")" '
	/: warning: code should be clang-formatted/ {
		split($0, p, ":")
		if (!(p[1] in n)) { order[++k] = p[1]; first[p[1]] = p[2] }
		n[p[1]]++
		next
	}
	/: error: / { print "SMOKES_WARN: format_error"; print "  " $0 }
	END {
		printf "  checked %d files\n", files
		for (i = 1; i <= k; i++) {
			f = order[i]
			printf "SMOKES_WARN: format:%s\n  %s:%s: %d places differ from clang-format\x27s\n", f, f, first[f], n[f]
			all = all " " f
		}
		if (k)
			printf "  fix: %s -i --style=file%s\n", cf, all
	}'
exit 0
