"""kiln: Python binding of libkiln (harness/include/kiln/libkiln/kiln.h), over ctypes.

Owner: libkiln's Python side (docs/libkiln.md). No compiled extension: the
functions of libkiln.so are declared here one by one, with the ownership
the header gives them. A result handle is wrapped in :class:`Result`, which
holds one reference and releases it when closed (or collected); its JSON is
copied out of the borrowed view while the handle lives, so no Python object
ever points into libkiln's memory.

    import kiln
    record = kiln.run_case_file("fixtures/boot/banner.json")
    record["outcome"], record["class"], record["reason"]
    kiln.diag(open("build.log", "rb").read(), "ld")["text"]

The library is found, in order: $KILN_LIBKILN (a path), build/libkiln.so of
the tree this file is in, then libkiln.so.1 on the loader's path. ctypes
releases the GIL during each call, so cases may run in several threads.
"""

import ctypes
import json
import os

__all__ = ["KilnError", "Result", "abi_version", "run_case", "run_case_file", "diag",
           "library_path"]

ABI_MAJOR = 1  # the KILN_ABI_MAJOR this binding is written for


class KilnError(Exception):
    """libkiln said no: the message is its kiln_last_error() (for a fixture
    that does not load, "file:line:column: reason")."""


def library_path():
    """Where libkiln.so is loaded from (see the module's doc)."""
    env = os.environ.get("KILN_LIBKILN")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    built = os.path.join(here, "..", "..", "build", "libkiln.so")
    if os.path.exists(built):
        return os.path.normpath(built)
    return "libkiln.so.1"


def _load():
    lib = ctypes.CDLL(library_path())
    handle = ctypes.c_void_p
    text = ctypes.c_char_p
    for name, res, args in (
        ("kiln_abi_version", ctypes.c_uint, []),
        ("kiln_case_run_utf8", handle, [text, text, text]),
        ("kiln_case_run_file", handle, [text, text]),
        ("kiln_diag_utf8", handle, [text, ctypes.c_size_t, text, text]),
        ("kiln_retain", handle, [handle]),
        ("kiln_release", ctypes.c_int, [handle]),
        # the view is borrowed: c_void_p, so ctypes copies nothing behind our back
        ("kiln_to_utf8", ctypes.c_void_p, [handle, ctypes.POINTER(ctypes.c_size_t)]),
        ("kiln_result_status", ctypes.c_int, [handle]),
        ("kiln_last_error", text, []),
    ):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    major = lib.kiln_abi_version() >> 16
    if major != ABI_MAJOR:
        raise KilnError("%s has ABI %d; this binding is for %d" % (library_path(), major,
                                                                  ABI_MAJOR))
    return lib


_lib = _load()


def _error():
    msg = _lib.kiln_last_error()
    return KilnError(msg.decode("utf-8", "replace") if msg else "libkiln failed")


def _opts(options):
    return None if options is None else json.dumps(options).encode()


def _encode(s):
    return None if s is None else os.fsencode(s)


class Result:
    """One reference to a libkiln result. ``text`` is its JSON, ``data`` that
    JSON parsed, ``status`` the exit status the kiln command would give.
    Closing (or leaving a ``with`` block) releases the reference."""

    def __init__(self, handle):
        if not handle:
            raise _error()
        self._handle = handle
        size = ctypes.c_size_t()
        view = _lib.kiln_to_utf8(handle, ctypes.byref(size))
        if not view:
            raise _error()
        self.text = ctypes.string_at(view, size.value).decode("utf-8")
        self.status = _lib.kiln_result_status(handle)
        self.data = json.loads(self.text)

    def retain(self):
        """Another Result holding its own reference to the same result."""
        return Result(_lib.kiln_retain(self._handle))

    def close(self):
        if self._handle:
            handle, self._handle = self._handle, None
            if _lib.kiln_release(handle) != 0:
                raise _error()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None):
            _lib.kiln_release(self._handle)


def abi_version():
    """(major, minor) of the loaded libkiln."""
    v = _lib.kiln_abi_version()
    return v >> 16, v & 0xFFFF


def _case_options(case_dir, accel, stop_fd, run_root, extra=None):
    options = dict(extra or {})
    for key, value in (("case_dir", case_dir), ("accel", accel), ("stop_fd", stop_fd),
                       ("run_root", run_root)):
        if value is not None:
            options[key] = os.fspath(value) if key in ("case_dir", "run_root") else value
    return options


def run_case_file(path, case_dir=None, accel=None, stop_fd=None, run_root=None):
    """Run the fixture file at path as `kiln run` does; its case.json record
    (a dict, with "case_dir" added). Raises KilnError when it does not load."""
    with Result(_lib.kiln_case_run_file(
            _encode(path), _opts(_case_options(case_dir, accel, stop_fd, run_root)))) as r:
        return r.data


def run_case(fixture_json, base_dir, fixture_path=None, case_dir=None, accel=None,
             stop_fd=None, run_root=None):
    """Run a fixture given as text (or a dict), its relative guest paths
    against base_dir; the case.json record, as run_case_file()."""
    if not isinstance(fixture_json, (str, bytes)):
        fixture_json = json.dumps(fixture_json)
    if isinstance(fixture_json, str):
        fixture_json = fixture_json.encode()
    extra = {"fixture_path": os.fspath(fixture_path)} if fixture_path is not None else None
    with Result(_lib.kiln_case_run_utf8(
            fixture_json, _encode(base_dir),
            _opts(_case_options(case_dir, accel, stop_fd, run_root, extra)))) as r:
        return r.data


def diag(log, kind="auto", exit_code=None, exit_signal=None, triple_fault=False, strict=False):
    """Diagnostics of log (bytes or str) as `kiln diag --from kind` gives them:
    {"findings": [...], "text": "SMOKES_...\\n", "failed": bool}."""
    if isinstance(log, str):
        log = log.encode()
    options = {"triple_fault": bool(triple_fault), "strict": bool(strict)}
    if exit_code is not None:
        options["exit_code"] = exit_code
    if exit_signal is not None:
        options["exit_signal"] = exit_signal
    with Result(_lib.kiln_diag_utf8(log, len(log), _encode(kind), _opts(options))) as r:
        return r.data
