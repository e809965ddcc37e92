#!/bin/sh
# header_canonical: includes use canonical paths: public kiln headers as "kiln/<module>/x.h", private ones beside their sources, no ../, harness and guest apart
#
# Owner: ci. See docs/ci.md#header_canonical. The harness's layout is in
# docs/architecture.md: a module's public headers are in
# harness/include/kiln/<module>/, its private ones beside its sources in
# harness/src/<module>/. Findings (subject FILE:INCLUDE):
#   header_parent       an include with a `..` component;
#   header_cross        the harness includes a guest header or the reverse;
#   header_noncanonical a harness source's include that is neither
#                       "kiln/<module>/x.h" under harness/include nor a
#                       private header next to it (tests may also name a
#                       private header as "<module>/x.h" under harness/src),
#                       <kiln/...> in angle brackets, or a guest include
#                       that resolves neither next to the file nor under a
#                       guest -I root of the Makefile;
#   header_outside_root a harness header outside harness/include/kiln/<module>,
#                       harness/src/<module> and harness/tests (subject FILE);
#   header_root         a harness -I root other than harness/include and the
#                       tests' harness/src and own directories (subject DIR).
. "$ROOT/ci/checks/lib/common.sh"

# The -I roots the build really uses, from the Makefile and guest/*.mk.
roots=$(cat "$ROOT/Makefile" "$ROOT"/guest/*.mk 2>/dev/null |
	grep -oE -- '-I(harness|guest)/[A-Za-z0-9_./-]*' | sed 's/^-I//; s|/$||' | sort -u)
guest_roots=$(printf '%s\n' "$roots" | grep '^guest/')

for r in $(printf '%s\n' "$roots" | grep '^harness/'); do
	case $r in
	harness/include | harness/src | harness/tests/*) ;;
	*)
		ci_warn header_root "$r"
		ci_detail "Makefile: -I$r: harness headers come through harness/include (and harness/src for white-box tests)"
		;;
	esac
done

ci_sources h | grep '^harness/' | while IFS= read -r f; do
	case $f in
	harness/include/kiln/*/* | harness/src/*/* | harness/tests/*) ;;
	*)
		ci_warn header_outside_root "$f"
		ci_detail "$f: a public header goes to harness/include/kiln/<module>/, a private one beside its module's sources"
		;;
	esac
done

# resolves_guest FILE INC: true when INC is found next to FILE or under a
# guest root.
resolves_guest()
{
	[ -f "$ROOT/$(dirname "$1")/$2" ] && return 0
	for r in $guest_roots; do
		[ -f "$ROOT/$r/$2" ] && return 0
	done
	return 1
}

ci_sources c h S | while IFS= read -r f; do
	case $f in
	harness/*) tree=harness ;;
	guest/*) tree=guest ;;
	*) tree=other ;;
	esac
	# "LINE<TAB>DELIM<TAB>PATH" for each #include of the file.
	awk '{
		if (match($0, /^[ \t]*#[ \t]*include[ \t]*[<"][^">]*[">]/)) {
			s = substr($0, RSTART, RLENGTH)
			sub(/^[ \t]*#[ \t]*include[ \t]*/, "", s)
			printf "%d\t%s\t%s\n", NR, substr(s, 1, 1), substr(s, 2, length(s) - 2)
		}
	}' "$ROOT/$f" | while IFS='	' read -r line delim inc; do
		where="$f:$line: #include $delim$inc"
		case /$inc/ in
		*/../*)
			ci_warn header_parent "$f:$inc"
			ci_detail "$where: no ../ includes; include through the tree's -I root"
			continue
			;;
		esac
		case $tree:$inc in
		guest:kiln/* | guest:harness/* | guest:*/harness/*)
			ci_warn header_cross "$f:$inc"
			ci_detail "$where: the guest never includes harness headers"
			continue
			;;
		harness:guest/* | harness:*/guest/* | other:guest/* | other:*/guest/*)
			ci_warn header_cross "$f:$inc"
			ci_detail "$where: the harness never includes guest headers"
			continue
			;;
		esac
		[ "$delim" = '<' ] && case $inc in
		kiln/*)
			ci_warn header_noncanonical "$f:$inc"
			ci_detail "$where: write #include \"$inc\""
			continue
			;;
		*) continue ;; # system and library headers
		esac
		case $tree in
		guest)
			resolves_guest "$f" "$inc" && continue
			ci_warn header_noncanonical "$f:$inc"
			ci_detail "$where: not found next to the file nor under a guest root ($(printf "%s" "$guest_roots" | tr "\n" " "))"
			;;
		harness | other)
			case $inc in
			kiln/*)
				[ -f "$ROOT/harness/include/$inc" ] && continue
				ci_warn header_noncanonical "$f:$inc"
				ci_detail "$where: there is no harness/include/$inc"
				continue
				;;
			esac
			# A private header, next to the module's source that includes it.
			case $f in harness/src/*/*)
				[ -f "$ROOT/$(dirname "$f")/$inc" ] && case $inc in */*) ;; *) continue ;; esac ;;
			esac
			# A test's own helper header, next to it; or, white-box, a
			# module's private header as "<module>/x.h".
			case $f in harness/tests/* | harness/fuzz/* | bench/*)
				[ -f "$ROOT/$(dirname "$f")/$inc" ] && continue
				case $inc in */*) [ -f "$ROOT/harness/src/$inc" ] && continue ;; esac ;;
			esac
			public=$(cd "$ROOT/harness/include" 2>/dev/null && find kiln -name "$(basename "$inc")" | head -n 1)
			if [ "$tree" = harness ] && [ -z "$public" ] && resolves_guest "$f" "$inc"; then
				ci_warn header_cross "$f:$inc"
				ci_detail "$where: that is a guest header; the harness never includes guest headers"
				continue
			fi
			[ "$tree" = other ] && [ -z "$public" ] && continue
			ci_warn header_noncanonical "$f:$inc"
			if [ -n "$public" ]; then
				ci_detail "$where: write #include \"$public\" (harness/include is the root of public headers)"
			else
				ci_detail "$where: a private header is included by its bare name from its own module's folder only"
			fi
			;;
		esac
	done
done
ci_detail "checked the includes of $(ci_sources c h S | wc -l) files"
exit 0
