#!/bin/sh
# diag_guest_link.sh: the Rugo build's link goes through `kiln diag --from
# ld` (GUEST_LD_FILTER in the top Makefile). A kernel object that calls a
# function nothing defines must end `make` with a failure and the line
# SMOKES_ERR: symbol_missing:<name>, and only SMOKES_KEEP_LD=1 shows the
# linker's own output.
#
# The build goes to a private BUILD directory, whose kiln is the one under
# test (a symlink that make is told not to rebuild, -o), and the extra object
# is added to the kernel's link by a second makefile read after the top one.
set -u
: "${KILN:?KILN must name the kiln binary}"
# A private make: nothing from a `make test` that runs this (BUILD=, -j).
unset MAKEFLAGS MFLAGS MAKELEVEL
command -v gcc >/dev/null || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

bad() {
	echo "diag_guest_link: $*"
	fail=1
}

ln -s "$(cd "$(dirname "$KILN")" && pwd)/$(basename "$KILN")" "$tmp/kiln"
cat >"$tmp/missing.c" <<'EOF'
/* A kernel function calling one that nothing defines. */
void kiln_probe_missing(void);

void kiln_probe(void)
{
	kiln_probe_missing();
}
EOF
gcc -ffreestanding -fno-pic -fno-pie -mcmodel=small -mno-red-zone -O2 -c "$tmp/missing.c" \
	-o "$tmp/missing.o" || exit 1
echo "GUEST_KERNEL_OBJS += $tmp/missing.o" >"$tmp/extra.mk"

# build [ENV...]: make the kernel ELF into $tmp; output in $tmp/out, status in $rc.
build() {
	rm -f "$tmp/guest/rugo.elf"
	rc=0
	env "$@" make --no-print-directory -f Makefile -f "$tmp/extra.mk" -o "$tmp/kiln" \
		BUILD="$tmp" "$tmp/guest/rugo.elf" >"$tmp/out" 2>&1 || rc=$?
}

build
[ "$rc" -ne 0 ] || bad "the link with a missing symbol did not fail the build"
grep -qx 'SMOKES_ERR: symbol_missing:kiln_probe_missing' "$tmp/out" ||
	bad "no SMOKES_ERR line; make said: $(tail -n 5 "$tmp/out")"
grep -q 'undefined reference to' "$tmp/out" && bad "the raw linker output shows without SMOKES_KEEP_LD"

build SMOKES_KEEP_LD=1
[ "$rc" -ne 0 ] || bad "SMOKES_KEEP_LD=1: the build did not fail"
grep -q "undefined reference to \`kiln_probe_missing'" "$tmp/out" ||
	bad "SMOKES_KEEP_LD=1: no raw linker output"
grep -qx 'SMOKES_ERR: symbol_missing:kiln_probe_missing' "$tmp/out" ||
	bad "SMOKES_KEEP_LD=1: no SMOKES_ERR line"

# Without the extra object the same build links.
rc=0
make --no-print-directory -o "$tmp/kiln" BUILD="$tmp" "$tmp/guest/rugo.elf" >"$tmp/out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || bad "the clean link failed: $(tail -n 5 "$tmp/out")"

exit $fail
