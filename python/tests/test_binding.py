"""test_binding.py: the ctypes binding (python/kiln) against the real libkiln.so.

Owner: libkiln's Python side. Run by harness/tests/e2e/libkiln_python.sh with
Debian's pytest from the top of the tree. The cases boot the real QEMU on
the real fixtures; the diagnostics are held to the golden corpus, whose
expected lines come from `kiln diag` on logs captured from the real tools.
"""
import concurrent.futures
import json
import os
import threading

import pytest

import kiln

GOLDEN = "harness/tests/diag_golden"
BANNER = "fixtures/boot/banner.json"
MISSING_KERNEL = "fixtures/selftest/qemu_start_failed_missing_kernel.json"


def test_abi_version_is_one():
    assert kiln.abi_version()[0] == 1


@pytest.mark.parametrize("kind", ["ld", "auto"])
def test_diag_matches_the_golden_corpus(kind):
    name = "ld-bfd-direct-duplicate"
    log = open(os.path.join(GOLDEN, name + ".log"), "rb").read()
    out = kiln.diag(log, kind)
    assert out["text"] == open(os.path.join(GOLDEN, name + ".expected")).read()
    assert out["failed"] is True
    assert [f["code"] for f in out["findings"]] == ["symbol_duplicate"]


def test_diag_exit_facts_strict_and_bytes():
    assert kiln.diag(b"", "qemu", exit_signal=9)["text"] == "SMOKES_ERR: qemu_killed:SIGKILL\n"
    rwx = "ld.bfd: warning: out has a LOAD segment with RWX permissions\n"
    assert kiln.diag(rwx, "ld")["text"] == "SMOKES_WARN: rwx_segment\n"
    assert kiln.diag(rwx, "ld")["failed"] is False
    assert kiln.diag(rwx, "ld", strict=True)["failed"] is True
    # bytes that are not UTF-8, NUL included, are a log like any other
    assert kiln.diag(b"\xff\xfe\x00garbage\n", "console") == {
        "findings": [], "text": "", "failed": False}


def test_a_case_file_gives_its_case_json(tmp_path):
    record = kiln.run_case_file(MISSING_KERNEL, case_dir=tmp_path)
    assert record["outcome"] == "qemu_start_failed"
    assert record["name"] == "selftest/qemu_start_failed_missing_kernel"
    assert "could not open kernel file" in record["reason"]
    assert record.pop("case_dir") == str(tmp_path)
    assert record == json.load(open(tmp_path / "case.json"))


def test_a_case_from_text_boots(tmp_path):
    fixture = json.load(open(BANNER))
    record = kiln.run_case(fixture, "fixtures/boot", case_dir=tmp_path / "c")
    assert record["outcome"] == "pass", record["reason"]
    assert record["name"] == "boot/fixture"  # from the default fixture_path
    assert [m["pattern"] for m in record["markers"]] == ["RUGO: boot ok", "RUGO: halt ok"]
    assert (tmp_path / "c" / "console.log").read_text().count("RUGO: boot ok") == 1


def test_errors_are_raised_with_libkiln_message():
    with pytest.raises(kiln.KilnError, match=r"mine\.json:1:1: "):
        kiln.run_case("{", "fixtures/boot", fixture_path="mine.json")
    with pytest.raises(kiln.KilnError, match=r"unknown key 'exitt' in a fixture"):
        kiln.run_case('{"guest": {"kernel": "k"}, "steps": [], "exitt": {}}', ".")
    with pytest.raises(kiln.KilnError, match=r"accel must be"):
        kiln.run_case_file(BANNER, accel="hvf")
    with pytest.raises(kiln.KilnError, match=r"cannot read"):
        kiln.run_case_file("fixtures/boot/no-such.json")
    with pytest.raises(kiln.KilnError, match=r"kind must be"):
        kiln.diag("x", "cobol")


def test_result_references_and_release():
    lib = kiln._lib
    first = kiln.Result(lib.kiln_diag_utf8(b"", 0, b"auto", None))
    second = first.retain()
    handle = first._handle
    first.close()
    first.close()  # closing twice is harmless
    assert second.data == {"findings": [], "text": "", "failed": False}
    assert lib.kiln_to_utf8(handle, None) == lib.kiln_to_utf8(second._handle, None)
    second.close()
    # the last reference is gone: an error, not a crash
    assert lib.kiln_to_utf8(handle, None) is None
    assert b"not a live result" in lib.kiln_last_error()
    assert lib.kiln_release(handle) == -1
    with pytest.raises(kiln.KilnError, match="not a live result"):
        kiln.Result(lib.kiln_retain(handle))
    assert lib.kiln_release(None) == 0


def test_errors_are_per_thread():
    barrier = threading.Barrier(2)
    seen = {}

    def fail(kind):
        lib = kiln._lib
        lib.kiln_diag_utf8(b"", 0, kind.encode(), None)
        barrier.wait()  # both have failed before either reads
        seen[kind] = lib.kiln_last_error().decode()

    threads = [threading.Thread(target=fail, args=(k,)) for k in ("fortran", "pascal")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "fortran" in seen["fortran"] and "pascal" not in seen["fortran"]
    assert "pascal" in seen["pascal"] and "fortran" not in seen["pascal"]


def test_two_cases_at_once_in_two_threads(tmp_path):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(kiln.run_case_file, BANNER, case_dir=tmp_path / str(i))
                for i in range(2)]
        records = [r.result() for r in runs]
    assert [r["outcome"] for r in records] == ["pass", "pass"]
    assert records[0]["case_dir"] != records[1]["case_dir"]


def test_a_stop_fd_interrupts_the_case(tmp_path):
    r, w = os.pipe()
    os.write(w, b"x")
    try:
        record = kiln.run_case_file(BANNER, case_dir=tmp_path, stop_fd=r)
    finally:
        os.close(r)
        os.close(w)
    assert (record["outcome"], record["reason"]) == ("harness_error", "interrupted")


def test_the_library_is_found_in_order(monkeypatch, tmp_path):
    # $KILN_LIBKILN first (libkiln_python.sh names $BUILD's library, which
    # is build/minimal/'s under make test-minimal), then the tree's
    # build/libkiln.so, then the loader's libkiln.so.1.
    monkeypatch.setenv("KILN_LIBKILN", str(tmp_path / "libkiln.so"))
    assert kiln.library_path() == str(tmp_path / "libkiln.so")
    monkeypatch.delenv("KILN_LIBKILN")
    tree = os.path.join(os.path.dirname(os.path.abspath(kiln.__file__)), "..", "..")
    built = os.path.normpath(os.path.join(tree, "build", "libkiln.so"))
    assert kiln.library_path() == (built if os.path.exists(built) else "libkiln.so.1")
