#!/bin/sh
# libkiln_parity.sh: libkiln gives the kiln command's answers.
#
# Owner: libkiln (docs/libkiln.md). The example program
# (harness/tests/libkiln/kiln_example.c) is built twice: as the docs say,
# through pkg-config against build/libkiln.so, and against the ASan library
# (LeakSanitizer checks every run of it). Then:
#   1. diagnostics: for every log of the golden corpus
#      (harness/tests/diag_golden), with the rules its name selects and with
#      auto, and its exit facts (<case>.args), kiln_diag_utf8's "findings"
#      equal `JSON_ONLY=1 kiln diag`'s stdout, its "text" equals kiln diag's
#      stderr, and its status kiln diag's exit code;
#   2. cases: every fixture of the Rugo suite and of fixtures/selftest runs
#      once through `kiln run -j 1` and once through kiln_case_run_file, one
#      case at a time; each result equals the CLI's case.json except for
#      times, paths and the QEMU pid, and how far the guest had got when it
#      was stopped (harness/tests/e2e/lib/libkiln_case_compare.py says
#      exactly what), and its status is kiln run's exit code for the
#      outcome.
set -u
KILN=${KILN:-build/kiln}
BUILD=${BUILD:-build}

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup libkiln_parity
failed=0

bad() {
	echo "libkiln_parity: FAIL $*"
	failed=$((failed + 1))
}

# ---- the example program ---------------------------------------------------
if ! flags=$(PKG_CONFIG_PATH=$BUILD/pkgconfig pkg-config --cflags --libs libkiln); then
	bad "pkg-config does not find libkiln in $BUILD/pkgconfig"
	exit 1
fi
# shellcheck disable=SC2086 # pkg-config's flags are separate words
if ! cc -std=c11 -Wall -Wextra -Werror -o "$tmp/example_pc" \
	harness/tests/libkiln/kiln_example.c $flags; then
	bad "the example does not build with pkg-config's flags: $flags"
	exit 1
fi
asan_lib=$(cd "$BUILD/asan" && pwd)
if ! cc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -I"$BUILD/include" -o "$tmp/example" \
	harness/tests/libkiln/kiln_example.c -L"$asan_lib" -Wl,-rpath,"$asan_lib" -lkiln; then
	bad "the example does not build against $asan_lib/libkiln.so"
	exit 1
fi
# The pkg-config build runs, and loads the installed library.
"$tmp/example_pc" diag auto /dev/null >"$tmp/pc.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] || ! grep -qx '{"findings":\[\],"text":"","failed":false}' "$tmp/pc.out"; then
	bad "the pkg-config build of the example gave exit $rc: $(cat "$tmp/pc.out")"
fi

# ---- 1. the diagnostics corpus ----------------------------------------------
mkdir -p "$tmp/diag"
n_diag=0
for log in harness/tests/diag_golden/*.log; do
	name=$(basename "$log" .log)
	case $name in
	ld-*) from=ld ;;
	qemu-*) from=qemu ;;
	*) from=console ;;
	esac
	extra=""
	[ -f "${log%.log}.args" ] && extra=$(cat "${log%.log}.args")
	# The same exit facts as libkiln options.
	opts=$(echo "$extra" | sed -e 's/--exit-code \([0-9]*\)/"exit_code": \1,/' \
		-e 's/--exit-signal \([0-9]*\)/"exit_signal": \1,/' \
		-e 's/--triple-fault/"triple_fault": true,/')
	opts="{${opts%,}}"
	for f in $from auto; do
		out=$tmp/diag/$name.$f
		# shellcheck disable=SC2086 # the exit facts are separate arguments
		"$KILN" diag --from "$f" $extra "$log" 2>"$out.text" >/dev/null
		echo $? >"$out.rc"
		# shellcheck disable=SC2086
		JSON_ONLY=1 "$KILN" diag --from "$f" $extra "$log" >"$out.json" 2>/dev/null
		"$tmp/example" diag "$f" "$log" "$opts" >"$out.lib" 2>"$out.lib_err"
		echo $? >"$out.lib_rc"
		n_diag=$((n_diag + 1))
	done
done
python3 - "$tmp/diag" <<'EOF' || failed=$((failed + 1))
import glob, json, os, sys
d = sys.argv[1]
bad = 0
for rc_path in sorted(glob.glob(os.path.join(d, "*.rc"))):
    base = rc_path[:-3]
    what = os.path.basename(base)
    rc, lib_rc = int(open(rc_path).read()), int(open(base + ".lib_rc").read())
    try:
        lib = json.load(open(base + ".lib"))
    except ValueError:
        print("libkiln_parity: FAIL diag %s: no JSON from the library (exit %d): %s"
              % (what, lib_rc, open(base + ".lib_err").read().strip()))
        bad += 1
        continue
    errs = []
    if lib["findings"] != json.load(open(base + ".json")):
        errs.append("findings differ from JSON_ONLY=1 kiln diag")
    if lib["text"] != open(base + ".text").read():
        errs.append("text %r differs from kiln diag's stderr %r"
                    % (lib["text"], open(base + ".text").read()))
    if lib_rc != rc or lib["failed"] != (rc == 1):
        errs.append("status %d, failed %s; kiln diag exited %d" % (lib_rc, lib["failed"], rc))
    if errs:
        print("libkiln_parity: FAIL diag %s: %s" % (what, "; ".join(errs)))
        bad += 1
print("libkiln_parity: diag: %d logs and sources compared, %d differ"
      % (len(glob.glob(os.path.join(d, "*.rc"))), bad))
sys.exit(1 if bad else 0)
EOF
[ "$n_diag" -ge 200 ] || bad "only $n_diag diag runs"

# ---- 2. every fixture of the suite and the self-tests -------------------------
# fixtures/linux is left out: its cases start from a base that `kiln run`
# boots once per run (base groups, docs/fixtures.md), which the library does
# not do (docs/libkiln.md); linux_group.sh tests them.
. harness/tests/e2e/lib/suite_dirs.sh
fixtures=$(for d in $(rugo_suite_dirs); do ls "$d"/*.json; done; ls fixtures/selftest/*.json)
# shellcheck disable=SC2086 # one word per fixture
"$KILN" run --quiet --reports "$tmp/cli" -j 1 $fixtures >"$tmp/cli.out" 2>&1
mkdir -p "$tmp/lib"
i=0
for f in $fixtures; do
	i=$((i + 1))
	"$tmp/example" case "$f" "{\"case_dir\": \"$tmp/lib/$i\"}" >"$tmp/lib/$i.json" \
		2>"$tmp/lib/$i.err"
	echo $? >"$tmp/lib/$i.rc"
	echo "$f" >"$tmp/lib/$i.fixture"
done
python3 harness/tests/e2e/lib/libkiln_case_compare.py "$tmp/cli" "$tmp/lib" "$i" ||
	failed=$((failed + 1))

if [ "$failed" -ne 0 ]; then
	echo "libkiln_parity: $failed check(s) failed"
	exit 1
fi
echo "libkiln_parity: ok"
