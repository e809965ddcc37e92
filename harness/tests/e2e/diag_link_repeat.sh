#!/bin/sh
# diag_link_repeat.sh: the same failing link, run twice from different
# directories with different temporary files, gives byte-identical
# `kiln diag` output, for each linker, called directly and through gcc.
#
# The raw logs must differ between the two runs (paths, /tmp/cc*.o names),
# or the test would prove nothing; the short lines must not.
set -u
: "${KILN:?KILN must name the kiln binary}"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail=0

bad() {
	echo "diag_link_repeat: $*"
	fail=1
}

command -v gcc >/dev/null || exit 77

# link RUN LINKER MODE: build in a fresh directory of its own, with its own
# TMPDIR for gcc's temporary objects; the link output goes to RUN.log.
link() {
	dir=$root/$1/work.$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
	mkdir -p "$dir/tmp"
	cat >"$dir/prog.c" <<'EOF'
extern int env_gc_stats(void) __asm__("env.gc.stats");
extern int missing_counter;
int missing_func(int);

int main(void)
{
	return missing_func(missing_counter) + env_gc_stats();
}
EOF
	(
		cd "$dir" || exit 1
		if [ "$3" = gcc ]; then
			TMPDIR=$dir/tmp gcc -fuse-ld="$2" -g -O1 -no-pie -fno-pie prog.c -o prog
		else
			gcc -g -O1 -fno-pie -c prog.c -o prog.o && "ld.$2" -e main prog.o -o prog
		fi
	) >"$root/$1.log" 2>&1
	"$KILN" diag --from ld "$root/$1.log" >"$root/$1.out" 2>&1
}

want='SMOKES_ERR: symbol_missing:missing_func'
ran=0
for linker in bfd gold lld; do
	command -v "ld.$linker" >/dev/null || continue
	for mode in direct gcc; do
		ran=$((ran + 1))
		link a "$linker" "$mode"
		link b "$linker" "$mode"
		cmp -s "$root/a.log" "$root/b.log" && bad "$linker $mode: the raw logs are identical"
		cmp -s "$root/a.out" "$root/b.out" || {
			bad "$linker $mode: the diag output differs"
			diff "$root/a.out" "$root/b.out" | sed 's/^/    /'
		}
		grep -qx "$want" "$root/a.out" || bad "$linker $mode: no '$want' in: $(cat "$root/a.out")"
		[ "$(wc -l <"$root/a.out")" -eq 3 ] || bad "$linker $mode: want 3 lines: $(cat "$root/a.out")"
	done
done
[ "$ran" -gt 0 ] || exit 77
exit $fail
