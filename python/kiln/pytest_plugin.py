"""kiln.pytest_plugin: Kiln fixtures as pytest items, run through libkiln.

Owner: libkiln's Python side (docs/libkiln.md#pytest).

    pytest --kiln fixtures/boot
    pytest --kiln --kiln-reports reports/pytest --junitxml=junit.xml fixtures

With --kiln, every *.json file under the paths pytest collects is one item
(a fixture that does not load fails as its item, with its file:line:column).
An item runs its case with kiln.run_case_file(), exactly as `kiln run` would
in a worker, and fails unless the outcome is pass. The failure report gives
Kiln's class, reason, last marker, SMOKES_* diagnostics and the case
directory with console.log; the class and case directory are also the
item's user_properties, which --junitxml writes as <property> elements.

Loaded by the conftest.py at the top of the tree; elsewhere:
``PYTHONPATH=python pytest -p kiln.pytest_plugin --kiln DIR``.
"""

import os
import re
import tempfile

import pytest

import kiln


def pytest_addoption(parser):
    group = parser.getgroup("kiln", "Kiln fixtures (libkiln)")
    group.addoption("--kiln", action="store_true", default=False,
                    help="collect Kiln fixtures (*.json) as test items and boot them")
    group.addoption("--kiln-reports", metavar="DIR", default=None,
                    help="where each case's directory goes (default: a new "
                         "$TMPDIR/kiln-pytest-XXXXXX, kept)")


def pytest_configure(config):
    config.addinivalue_line("markers", "kiln: a Kiln fixture run through libkiln")
    config._kiln_reports = None


def _reports_root(config):
    if config._kiln_reports is None:
        root = config.getoption("kiln_reports")
        if root:
            os.makedirs(root, exist_ok=True)
        else:
            root = tempfile.mkdtemp(prefix="kiln-pytest-")
        config._kiln_reports = os.path.abspath(root)
    return config._kiln_reports


def pytest_collect_file(file_path, parent):
    if parent.config.getoption("kiln") and file_path.suffix == ".json":
        return KilnFixtureFile.from_parent(parent, path=file_path)
    return None


class KilnFixtureFile(pytest.File):
    """One fixture file: one item, named by its file stem."""

    def collect(self):
        yield KilnCase.from_parent(self, name=self.path.stem)


class KilnCaseFailed(Exception):
    """The case ended in an outcome other than pass; args[0] is its record."""


class KilnCase(pytest.Item):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_marker("kiln")

    def runtest(self):
        area = os.path.basename(os.path.dirname(self.path))
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", "%s-%s" % (area, self.name))
        case_dir = tempfile.mkdtemp(prefix=safe + "-", dir=_reports_root(self.config))
        record = kiln.run_case_file(self._fixture_path(), case_dir=case_dir)
        self.user_properties.append(("kiln_class", record["class"]))
        self.user_properties.append(("kiln_case_dir", record["case_dir"]))
        if record["outcome"] != "pass":
            raise KilnCaseFailed(record)

    def _fixture_path(self):
        """The path as a user would give it to kiln run: relative to where
        pytest was started when it is below it, so that messages and
        case.json name it as `kiln run` would."""
        start = str(self.config.invocation_params.dir)
        rel = os.path.relpath(self.path, start)
        return self.path if rel.startswith("..") else rel

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, KilnCaseFailed):
            return failure_text(excinfo.value.args[0])
        if isinstance(excinfo.value, kiln.KilnError):
            return "kiln: %s" % excinfo.value
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, "kiln: %s" % self.name


def failure_text(record):
    """What pytest shows (and --junitxml keeps) of a failing case."""
    lines = ["%s: %s" % (record["name"], record["class"]),
             "reason: %s" % record["reason"]]
    if record.get("last_marker"):
        lines.append("last marker: %r" % record["last_marker"])
    diags = record.get("diagnostics") or []
    if diags:
        lines.append("diagnostics:")
        lines += ["  " + d["line"] for d in diags]
    lines.append("case directory: %s (console.log, qmp.log, qemu.stderr, case.json)"
                 % record["case_dir"])
    return "\n".join(lines)
