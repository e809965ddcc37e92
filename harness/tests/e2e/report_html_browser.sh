#!/bin/sh
# report_html_browser.sh: report.html in a real browser, headless Chromium.
#
# One run of self-test cases, each twice (--repeat 2): the hostile guest
# (fail_hostile_output: <script>, onerror, ANSI, NUL, invalid UTF-8), a
# timeout with a marker, a panic and a pass. Then `kiln report` renders the
# page again from the files, and lib/report_browser.py checks that page in
# Chromium (its docstring lists the checks). The screenshot is kept at
# $BUILD/report-html/report.png for people to look at.
set -u
KILN=${KILN:-build/kiln}
BUILD=${BUILD:-build}
here=fixtures/selftest

. harness/tests/e2e/lib/selftest_lib.sh
# Debian's python3 (not a python3 earlier in PATH) has Debian's selenium.
for tool in /usr/bin/chromium /usr/bin/chromedriver /usr/bin/python3; do
	if [ ! -x "$tool" ]; then
		echo "report_html_browser: $tool is missing (ci/install-deps.sh installs it)"
		exit 1
	fi
done
selftest_setup report_html_browser
"$KILN" run --reports "$tmp/r" --repeat 2 -j 2 "$here/fail_hostile_output.json" \
	"$here/timeout_after_marker.json" "$here/guest_panicked.json" "$here/pass_send.json" \
	>"$tmp/run.out" 2>&1
rc=$?
run="$tmp/r/$(readlink "$tmp/r/latest")"
if [ "$rc" -ne 5 ] || [ ! -f "$run/report.html" ]; then
	echo "report_html_browser: FAIL kiln run exited $rc (want 5, the panic, the worst) or wrote no report.html"
	sed 's/^/    | /' "$tmp/run.out"
	exit 1
fi
# kiln report writes the same page from the files alone.
cp "$run/report.html" "$tmp/first.html"
rm "$run/report.html" "$run/junit.xml"
if ! "$KILN" report "$run" >"$tmp/report.out" 2>&1 || ! cmp -s "$run/report.html" "$tmp/first.html"; then
	echo "report_html_browser: FAIL kiln report did not rewrite the same report.html"
	sed 's/^/    | /' "$tmp/report.out"
	exit 1
fi
if [ ! -f "$run/junit.xml" ] || [ ! -f "$run/report.tap" ]; then
	echo "report_html_browser: FAIL kiln report wrote no junit.xml or report.tap"
	exit 1
fi
echo "report_html_browser: ok kiln report rendered the same page again"
mkdir -p "$BUILD/report-html"
/usr/bin/python3 harness/tests/e2e/lib/report_browser.py "$run" "$BUILD/report-html/report.png" || exit 1
echo "report_html_browser: ok"
