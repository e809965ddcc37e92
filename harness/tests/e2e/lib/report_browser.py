#!/usr/bin/python3
"""report_browser.py RUN_DIR SCREENSHOT: report.html in headless Chromium.

Used by harness/tests/e2e/report_html_browser.sh (not run by itself). It
loads the page through chromedriver and checks, in the browser's own DOM:
  - no console message of level SEVERE (a CSP violation, say our own
    stylesheet refused because its hash is wrong, is one);
  - the stylesheet applied (a failing case's border colour), so the CSP
    hash is right and not merely absent;
  - the failing cases' reasons and timelines (one line per --repeat run,
    the markers, the step never reached) are there;
  - the hostile guest's output ran nothing: no <script> or <img> element,
    window.kilnPwned undefined, the title not changed; and it is shown as
    text, escaped: <script>, the onerror break-out, \\x1b, U+FFFD;
  - the same holds with the CSP stripped from a copy of the page: the
    escaping alone keeps the guest out;
  - controls, so that the checks can fail: a page whose stylesheet is not
    the hashed one logs a console error, and a page that does run script
    is caught by the same probes.
Prints one line per check; exits 1 on the first failure.
"""
import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

run_dir, shot = sys.argv[1:3]
failures = []


def check(ok, what):
    print("report_browser: %s %s" % ("ok" if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def browser(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--window-size=1280,2000", "--user-data-dir=" + profile):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def pwned(d):
    """What a script from the guest would have done, as the page sees it."""
    return {
        "title": d.title,
        "kilnPwned": d.execute_script("return typeof window.kilnPwned"),
        "scripts": len(d.find_elements(By.TAG_NAME, "script")),
        "imgs": len(d.find_elements(By.TAG_NAME, "img")),
    }


def clean(p):
    return ("pwned" not in p["title"] and p["kilnPwned"] == "undefined"
            and p["scripts"] == 0 and p["imgs"] == 0)


tmp = tempfile.mkdtemp(prefix="kiln-browser-")
d = browser(os.path.join(tmp, "profile"))
try:
    page = os.path.abspath(os.path.join(run_dir, "report.html"))
    d.get("file://" + page)
    logs = d.get_log("browser")
    for e in logs:
        print("report_browser: console: %s %s" % (e["level"], e["message"]))
    check(not [e for e in logs if e["level"] == "SEVERE"], "no console errors")
    p = pwned(d)
    check(clean(p), "the hostile output ran no script: %s" % p)
    check(d.title.startswith("kiln run "), "title is kiln's: %r" % d.title)

    bad = d.find_elements(By.CSS_SELECTOR, "section.case.o-bad")
    check(bad and bad[0].value_of_css_property("border-left-color") == "rgba(187, 0, 0, 1)",
          "the stylesheet applies (CSP hash right)")

    def section(name):
        for s in d.find_elements(By.CSS_SELECTOR, "section.case"):
            if s.find_element(By.TAG_NAME, "h3").text.startswith(name + " "):
                return s
        return None

    t = section("selftest/timeout_after_marker")
    check(t is not None, "the timeout case has a section")
    if t is not None:
        for det in t.find_elements(By.TAG_NAME, "details"):
            if not det.get_attribute("open"):
                d.execute_script("arguments[0].open = true", det)
        text = t.text
        check("waited 1.0 s for step 2: expect 'TINY: a marker that never comes'" in text,
              "the timeout case's reason is shown")
        runs = t.find_elements(By.CSS_SELECTOR, "svg.timeline line.run")
        check(len(runs) == 2, "its timeline has one line per --repeat run (%d)" % len(runs))
        dots = t.find_elements(By.CSS_SELECTOR, "svg.timeline circle.ev-marker")
        check(len(dots) == 2, "one marker dot per run (%d)" % len(dots))
        events = [li.text for li in t.find_elements(By.CSS_SELECTOR, "ol.events li")]
        check(any("marker" in e and "TINY: alive" in e for e in events),
              "the events list the marker TINY: alive")
        check(any(e.startswith("never") and "a marker that never comes" in e for e in events),
              "the step never reached is listed as never")
        check("kiln replay " in text, "the replay command is shown")

    h = section("selftest/fail_hostile_output")
    check(h is not None, "the hostile case has a section")
    if h is not None:
        text = h.text
        check("<script>document.title='pwned';window.kilnPwned=1</script>" in text,
              "the <script> line is shown as text")
        check("\"><img src=x onerror=\"document.title='pwned-img'\">" in text,
              "the attribute break-out is shown as text")
        check("\\x1b[2J" in text and "\\x1b[31mred" in text, "ANSI escapes are shown as \\x1b")
        check("\ufffd" in text, "NUL and invalid UTF-8 are shown as U+FFFD")
        check("expected debug_exit 5" in text, "the hostile case's reason is shown")

    d.set_window_size(1280, min(8000, d.execute_script("return document.body.scrollHeight") + 40))
    d.save_screenshot(shot)
    check(os.path.getsize(shot) > 10000, "screenshot %s written" % shot)

    # The escaping alone: a copy of the page without its CSP.
    nocsp = os.path.join(run_dir, "report-nocsp.html")
    with open(page, encoding="utf-8") as f:
        html = f.read()
    start = html.index('<meta http-equiv="Content-Security-Policy"')
    html = html[:start] + html[html.index(">", start) + 1:]
    with open(nocsp, "w", encoding="utf-8") as f:
        f.write(html)
    d.get("file://" + os.path.abspath(nocsp))
    p = pwned(d)
    check(clean(p), "without the CSP the escaping still runs nothing: %s" % p)
    os.unlink(nocsp)

    # The console check can fail: a stylesheet that is not the one hashed
    # in the CSP is refused, and Chromium says so on the console.
    restyled = os.path.join(tmp, "restyled.html")
    with open(page, encoding="utf-8") as f:
        html = f.read()
    with open(restyled, "w", encoding="utf-8") as f:
        f.write(html.replace("<style>body{", "<style>body{color:red;", 1))
    d.get("file://" + restyled)
    check([e for e in d.get_log("browser") if e["level"] == "SEVERE"],
          "a stylesheet the CSP does not hash is refused, on the console")

    # The probes can fail: a page that does run the guest's script.
    control = os.path.join(tmp, "control.html")
    with open(control, "w") as f:
        f.write("<title>x</title><script>document.title='pwned';window.kilnPwned=1</script>")
    d.get("file://" + control)
    check(not clean(pwned(d)), "the probes catch a page that runs script")
finally:
    d.quit()
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if failures else 0)
