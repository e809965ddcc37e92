"""test_pytest_plugin.py: `pytest --kiln` as a user types it.

Owner: libkiln's Python side. Each test runs Debian's pytest in a
subprocess: from the top of the tree (the conftest.py there loads the
plugin), or elsewhere with -p kiln.pytest_plugin. The fixtures boot Rugo
under the real QEMU; the failing one fails on purpose, and its Kiln reason,
class and diagnostics must be in pytest's report and in --junitxml's.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

TOP = os.getcwd()


def pytest_run(args, cwd=TOP, plugin=False):
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    if plugin:
        env["PYTHONPATH"] = os.path.join(TOP, "python")
        cmd += ["-p", "kiln.pytest_plugin"]
    return subprocess.run(cmd + args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def junit_cases(path):
    return list(ET.parse(path).getroot().iter("testcase"))


def properties(case):
    return {q.get("name"): q.get("value") for q in case.iter("property")}


def test_each_boot_fixture_is_an_item(tmp_path):
    xml = tmp_path / "junit.xml"
    p = pytest_run(["--kiln", "fixtures/boot", "--junitxml", str(xml),
                    "--kiln-reports", str(tmp_path / "reports")])
    assert p.returncode == 0, p.stdout + p.stderr
    assert "3 passed" in p.stdout
    cases = {c.get("name"): c for c in junit_cases(xml)}
    assert sorted(cases) == ["banner", "panic", "unknown_test"]
    for c in cases.values():
        assert c.find("failure") is None
        props = properties(c)
        assert props["kiln_class"] == "pass"
        assert props["kiln_case_dir"].startswith(str(tmp_path / "reports"))
        assert os.path.isfile(os.path.join(props["kiln_case_dir"], "console.log"))


def test_collect_only_lists_the_fixtures_and_needs_the_option():
    p = pytest_run(["--kiln", "--collect-only", "-q", "fixtures/boot"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert "fixtures/boot/banner.json::banner" in p.stdout
    assert "fixtures/boot/unknown_test.json::unknown_test" in p.stdout
    p = pytest_run(["--collect-only", "-q", "fixtures/boot"])
    assert p.returncode == 5  # pytest's "no tests collected"
    assert "banner" not in p.stdout


def test_a_failing_fixture_reports_kilns_reason_class_and_diagnostics(tmp_path):
    fixture = json.load(open(os.path.join(TOP, "fixtures/boot/banner.json")))
    for key in ("kernel", "symbols"):
        fixture["guest"][key] = os.path.join(TOP, "fixtures/boot", fixture["guest"][key])
    fixture["steps"].insert(1, {"expect": "RUGO: never printed"})
    (tmp_path / "area").mkdir()
    (tmp_path / "area" / "broken_on_purpose.json").write_text(json.dumps(fixture))
    xml = tmp_path / "junit.xml"
    p = pytest_run(["--kiln", "area", "--junitxml", str(xml), "--kiln-reports", "reports"],
                   cwd=tmp_path, plugin=True)
    assert p.returncode == 1, p.stdout + p.stderr
    reason = ("QEMU exited with status 33 (debug_exit 16) while waiting for step 2: "
              "expect 'RUGO: never printed'")
    for text in ("area/broken_on_purpose: fail", "reason: " + reason,
                 "last marker: 'RUGO: boot ok'", "diagnostics:",
                 "SMOKES_ERR: guest_exit:16", "case directory: "):
        assert text in p.stdout, p.stdout
    (case,) = junit_cases(xml)
    failure = case.find("failure")
    assert failure is not None and reason in failure.get("message")
    assert properties(case)["kiln_class"] == "fail"


def test_a_panic_reports_its_class_and_diagnostics(tmp_path):
    p = pytest_run(["--kiln", "fixtures/selftest/guest_panicked.json",
                    "--kiln-reports", str(tmp_path)])
    assert p.returncode == 1, p.stdout + p.stderr
    assert "selftest/guest_panicked: guest_panicked" in p.stdout
    assert "(fail pattern 'RUGO: panic')" in p.stdout
    assert "SMOKES_ERR: panic:rugo.test=panic" in p.stdout


def test_a_fixture_that_does_not_load_fails_with_its_position(tmp_path):
    (tmp_path / "typo.json").write_text(
        '{\n  "guest": {"kernel": "k.mb"},\n  "stpes": [],\n  "exit": {"debug_exit": 16}\n}\n')
    p = pytest_run(["--kiln", "typo.json", "--kiln-reports", "reports"], cwd=tmp_path,
                   plugin=True)
    assert p.returncode == 1, p.stdout + p.stderr
    assert ("kiln: typo.json:3:3: unknown key 'stpes' in a fixture (did you mean 'steps'?)"
            in p.stdout), p.stdout
