"""libkiln_case_compare.py CLI_REPORTS LIB_DIR N: libkiln's case results
against the CLI's case.json, for harness/tests/e2e/libkiln_parity.sh.

Owner: libkiln. LIB_DIR/<i>.{json,rc,err,fixture} are the library's runs of
N fixtures (kiln_example case); CLI_REPORTS is `kiln run --reports`'s root.
Each pair must be equal after times and paths are taken out:
  - times: keys ending in _ms, and the durations in reasons
    ("at 351 ms", "waited 2.9 s");
  - paths: each side's case directory and private run directory
    (kiln-XXXXXX), and the QEMU pid;
  - the host ports kiln picked for machine.network ("host_port" keys,
    and 127.0.0.1:PORT in the argv and in reasons).
Then one more allowance, for what depends on how far the guest had got
when the verdict came (a faster side may stop the guest one byte earlier):
one side may be *behind* the other, and only so:
  - console_bytes may be smaller on one side, whose capsule console_tail
    is then a part of the other's;
  - its markers are then a prefix of the other's, its steps' statuses the
    same except "pending" where the other's is "pass", and last_marker
    (top level and capsule) the last of its own markers;
  - its exit may be kiln's stop where the other's is the guest's own
    debug_exit (the guest got there first), and then the capsule's
    registers and status on one side, registers_error on the other.
Everything else (outcome, class, reason, exit, diagnostics, the replay
recipe, the argv...) must be equal. The status must be kiln run's exit
code for the outcome (docs/reports.md).
"""
import json
import os
import re
import sys

EXIT = {"pass": 0, "fail": 1, "qemu_start_failed": 3, "guest_silent": 4,
        "guest_panicked": 5, "timeout": 6, "harness_error": 7}
RUN_DIR = re.compile(r"/kiln-[A-Za-z0-9]{6}(?=/|$)")
HOST_PORT = re.compile(r"\b127\.0\.0\.1:[0-9]+")
DURATION = re.compile(r"\b(at|waited) [0-9]+(\.[0-9]+)? (ms|s)\b")
BEHIND_KEYS = ("console_bytes", "markers", "last_marker", "steps", "exit")
CAPSULE_BEHIND_KEYS = ("console_tail", "last_marker", "registers", "registers_error", "status")


def norm(v, case_dir):
    """v without times and paths."""
    if isinstance(v, dict):
        return {k: norm(x, case_dir) for k, x in v.items()
                if not k.endswith("_ms") and k not in ("pid", "host_port")}
    if isinstance(v, list):
        return [norm(x, case_dir) for x in v]
    if isinstance(v, str):
        v = RUN_DIR.sub("/<run_dir>", v.replace(case_dir, "<case_dir>"))
        v = HOST_PORT.sub("127.0.0.1:<port>", v)
        return DURATION.sub(lambda m: m.group(1) + " <t> " + m.group(3), v)
    return v


def diff(a, b, where=""):
    if type(a) != type(b):
        return ["%s: %r vs %r" % (where or "/", a, b)]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append("%s/%s: only in the %s" % (where, k, "CLI" if k in a else "library"))
            else:
                out += diff(a[k], b[k], where + "/" + k)
        return out
    if isinstance(a, list) and len(a) == len(b):
        return sum((diff(x, y, "%s/%d" % (where, i)) for i, (x, y) in enumerate(zip(a, b))), [])
    return [] if a == b else ["%s: %r vs %r" % (where or "/", a, b)]


def behind(early, late):
    """Why early is not a record of the same run as late stopped sooner
    (a list of reasons; empty when it is)."""
    errs = []
    if early["console_bytes"] > late["console_bytes"]:
        return ["console_bytes %d > %d" % (early["console_bytes"], late["console_bytes"])]
    tail_e = early.get("capsule", {}).get("console_tail", "")
    tail_l = late.get("capsule", {}).get("console_tail", "")
    if tail_e not in tail_l:
        errs.append("console_tail %r is not part of %r" % (tail_e, tail_l))
    me, ml = early["markers"], late["markers"]
    if me != ml[:len(me)]:
        errs.append("markers %r are not a prefix of %r" % (me, ml))
    last = me[-1]["pattern"] if me else None
    for rec, what in ((early, "last_marker"), (early.get("capsule", {}), "capsule/last_marker")):
        if what.split("/")[-1] in rec and rec[what.split("/")[-1]] != last:
            errs.append("%s %r is not its last marker %r" % (what, rec[what.split("/")[-1]], last))
    se, sl = early["steps"], late["steps"]
    if len(se) != len(sl):
        errs.append("%d steps vs %d" % (len(se), len(sl)))
    for a, b in zip(se, sl):
        if a != b and not (a.get("status") == "pending" and b.get("status") == "pass"
                           and {k: v for k, v in a.items() if k != "status"}
                           == {k: v for k, v in b.items() if k not in ("status",)}):
            errs.append("step %r vs %r" % (a, b))
    # The guest may have ended on its own on the later side only; the
    # capsule then found no machine to read registers from.
    xe, xl = early.get("exit"), late.get("exit")
    ce, cl = early.get("capsule", {}), late.get("capsule", {})
    if xe != xl and not (xe and xl and "debug_exit" not in xe and "debug_exit" in xl):
        errs.append("exit %r vs %r" % (xe, xl))
    if xe == xl:
        for k in ("registers", "registers_error", "status"):
            if ce.get(k) != cl.get(k):
                errs.append("capsule/%s %r vs %r" % (k, ce.get(k), cl.get(k)))
    return errs


def strip_behind(rec):
    """rec without the fields behind() judges."""
    out = {k: v for k, v in rec.items() if k not in BEHIND_KEYS}
    if "capsule" in out:
        out["capsule"] = {k: v for k, v in out["capsule"].items()
                          if k not in CAPSULE_BEHIND_KEYS}
    return out


def compare(cli_rec, lib_rec):
    """(errors, allowance note or None)."""
    errs = diff(cli_rec, lib_rec)
    if not errs:
        return [], None
    errs = diff(strip_behind(cli_rec), strip_behind(lib_rec))
    if errs:
        return errs, None
    # Either side may be the one that stopped sooner.
    for a, b in ((cli_rec, lib_rec), (lib_rec, cli_rec)):
        why = behind(a, b)
        if not why:
            return [], "the %s stopped sooner (%d console bytes vs %d, %d markers vs %d%s)" % (
                "CLI" if a is cli_rec else "library", a["console_bytes"], b["console_bytes"],
                len(a["markers"]), len(b["markers"]),
                ", the guest's own exit on the other side" if a.get("exit") != b.get("exit")
                else "")
    return why + ["(nor the other way round: %s)" % "; ".join(behind(cli_rec, lib_rec))], None


def self_test(cli):
    """The comparison can fail: changes that are not times, paths or an
    earlier stop, made to a real record, are each found; a changed time and
    path are not. Returns the number of mistakes of the comparison."""
    import copy
    mistakes = 0
    name, (rec, d) = next((k, v) for k, v in sorted(cli.items()) if len(v[0]["markers"]) > 1)
    base = norm(rec, d)

    def changed(how, case_dir=d):
        r = copy.deepcopy(rec)
        how(r)
        return norm(r, case_dir)

    def must(what, other, equal):
        nonlocal mistakes
        errs, _ = compare(base, other)
        if (not errs) != equal:
            print("libkiln_parity: FAIL the comparison %s %s (%s)"
                  % ("missed" if equal is False else "refused", what, errs))
            mistakes += 1

    must("a changed duration and case path", changed(lambda r: (
        r.update(json.loads(json.dumps(r).replace(d, "/elsewhere/x"))),
        r.update(duration_ms=r["duration_ms"] + 999)), "/elsewhere/x"), True)
    must("another reason", changed(lambda r: r.update(reason=r["reason"] + "!")), False)
    must("another class", changed(lambda r: r.update({"class": "fail"})), False)
    must("a marker dropped from the middle", changed(
        lambda r: r["markers"].pop(0)), False)
    must("more console bytes with fewer markers, same exit", changed(lambda r: (
        r["markers"].pop(), r.update(console_bytes=r["console_bytes"] + 1))), False)
    must("another exit of the guest's own", changed(lambda r: r["exit"].update(
        status=r["exit"]["status"] + 2, debug_exit=r["exit"]["debug_exit"] + 1)), False)
    must("other diagnostics", changed(lambda r: r["diagnostics"].append({"line": "x"})), False)
    print("libkiln_parity: the comparison's self-test on %s: %d mistakes" % (name, mistakes))
    return mistakes


def main():
    cli_root, lib_root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    run = os.path.join(cli_root, os.readlink(os.path.join(cli_root, "latest")))
    report = json.load(open(os.path.join(run, "report.json")))
    cli = {}
    for case in report["cases"]:
        d = os.path.join(run, case["attempts"][0]["dir"])
        cli[case["name"]] = (json.load(open(os.path.join(d, "case.json"))), os.path.abspath(d))
    bad = self_test(cli)
    same = sooner = 0
    for i in range(1, n + 1):
        base = os.path.join(lib_root, str(i))
        fixture = open(base + ".fixture").read().strip()
        rc = int(open(base + ".rc").read())
        try:
            lib = json.load(open(base + ".json"))
        except ValueError:
            print("libkiln_parity: FAIL %s: no result (exit %d): %s"
                  % (fixture, rc, open(base + ".err").read().strip()))
            bad += 1
            continue
        lib_dir = lib.pop("case_dir")
        if lib["name"] not in cli:
            print("libkiln_parity: FAIL %s: the CLI ran no case %s" % (fixture, lib["name"]))
            bad += 1
            continue
        rec, cli_dir = cli[lib["name"]]
        errs, note = compare(norm(rec, cli_dir), norm(lib, lib_dir))
        if rc != EXIT.get(lib["outcome"]):
            errs.append("status %d for outcome %s" % (rc, lib["outcome"]))
        if errs:
            print("libkiln_parity: FAIL %s (CLI %s, library %s):\n    %s"
                  % (fixture, rec["class"], lib["class"], "\n    ".join(errs[:20])))
            bad += 1
        elif note:
            print("libkiln_parity: ok %s: %s; equal but for when it stopped: %s"
                  % (lib["name"], lib["class"], note))
            sooner += 1
        else:
            print("libkiln_parity: ok %s: %s" % (lib["name"], lib["class"]))
            same += 1
    print("libkiln_parity: cases: %d fixtures compared: %d equal, %d equal but for when the "
          "guest was stopped, %d differ" % (n, same, sooner, bad))
    return 1 if bad else 0


sys.exit(main())
