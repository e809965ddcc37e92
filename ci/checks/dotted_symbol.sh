#!/bin/sh
# dotted_symbol: no guest object or image defines or references a symbol with a dot, nor does kiln export one (nm on build/)
#
# Owner: ci. See docs/ci.md#dotted_symbol. C cannot name `env.gc.stats`, so a
# dotted symbol reaching a link is a name-mangling bug upstream (an asm
# label, a generated stub). Scanned: every ELF file under $BUILD/guest
# (objects, rugo.elf, rugo.mb, user programs), and the global symbols kiln
# defines ($BUILD/kiln and $BUILD/harness/**/*.o; what a libc symbol version
# adds after '@' is not part of the name). Local symbols that the compiler
# derives from a C name (foo.constprop.0, foo.isra.0, foo.part.0, foo.cold,
# a function's static variable buf.1) are not linkable and do not count.
# Findings: dotted_symbol:<symbol>; artifacts_missing:guest|kiln when there
# is nothing to scan.
. "$ROOT/ci/checks/lib/common.sh"

if ! command -v nm >/dev/null 2>&1; then
	ci_tool_missing nm "install binutils (ci/install-deps.sh)"
	exit 0
fi

list=$(mktemp) || exit 1
trap 'rm -f "$list"' EXIT

# "ARTIFACT<TAB>NAME<TAB>TYPE" for every symbol of the files read from stdin,
# one nm for all of them (nm -A prefixes each line with "FILE: ").
scan()
{
	xargs -r -d '\n' nm -A -P "$@" 2>/dev/null | awk -v OFS='\t' '
		{ file = $1; sub(/:$/, "", file); if (NF >= 3) print file, $2, $3 }'
}

if [ -d "$BUILD/guest" ]; then
	# Everything but make's dependency files; nm ignores what is not ELF.
	find "$BUILD/guest" -type f ! -name '*.d' | sort | scan >>"$list"
fi
if ! [ -s "$list" ]; then
	ci_warn artifacts_missing guest
	ci_detail "no ELF files under $BUILD/guest: build the guest first (make all; make check-ci does)"
fi

if [ -x "$BUILD/kiln" ]; then
	{
		echo "$BUILD/kiln" | scan -g --defined-only
		echo "$BUILD/kiln" | scan -D --defined-only
		find "$BUILD/harness" -name '*.o' 2>/dev/null | sort | scan -g --defined-only
	} >>"$list"
else
	ci_warn artifacts_missing kiln
	ci_detail "no $BUILD/kiln: build it first (make all; make check-ci does)"
fi

# Keep the dotted names that are linkable: every global or weak symbol (upper
# case type, or w v u) and an undefined reference; a local one only when its
# dots are not a compiler suffix. One finding per symbol, with where it is.
awk -F '\t' -v root="$ROOT/" '
	function rel(p) { return index(p, root) == 1 ? substr(p, length(root) + 1) : p }
	{
		files[$1] = 1
		name = $2; type = $3
		sub(/@.*/, "", name) # symbol version (memcpy@GLIBC_2.14)
		if (index(name, ".") == 0)
			next
		global = type ~ /^[A-Zwvu]$/
		if (!global && name ~ /^[A-Za-z_][A-Za-z0-9_]*(\.(constprop|isra|part|cold|lto_priv|localalias|str)|\.[0-9]+)+$/)
			next
		if (!global && (type ~ /^[aNn?]$/ || name ~ /^\.L/)) # absolute, debug, section names, assembler-local labels
			next
		what = type == "U" ? "references" : "defines"
		if (!(name in seen)) {
			seen[name] = 1
			order[++n] = name
		}
		if (count[name]++ < 3)
			where[name] = where[name] sprintf("  %s %s %s (nm type %s)\n", rel($1), what, name, type)
	}
	END {
		for (f in files) nfiles++
		printf "  scanned %d symbols of %d artifacts\n", NR, nfiles
		for (i = 1; i <= n; i++) {
			printf "SMOKES_WARN: dotted_symbol:%s\n%s", order[i], where[order[i]]
			if (count[order[i]] > 3)
				printf "  ... and %d more\n", count[order[i]] - 3
		}
	}' "$list"
exit 0
