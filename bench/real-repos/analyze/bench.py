#!/usr/bin/env python3
"""`dhtl analyze` against hand-checked expectations on the real repositories of ../repos.json, beside deptry.

For each repository (or the ids/categories given):
  1. the pinned commit's tree, exported from the local mirror (`git archive`, no history, no .venv);
  2. `dhtl analyze --json --no-user` on it, timed;
  3. deptry (from PyPI, in its own virtual environment under the results directory) on the same tree,
     run the way a user runs it (`deptry .` in the tree, no project environment), timed;
  4. both tools' findings judged against expectations.json: the project type, the true undeclared
     imports and the true unused declarations, each with the reason a person gave after reading the code.

What counts (expectations.json states it per repository, with reasons):
  - undeclared: a third-party module the project's runtime code imports unconditionally (not behind
    `try/except ImportError`, not for type checking only) that no declared dependency provides — in
    any section — for some Python the project supports;
  - unused: a declared distribution the project does not need at all: nothing imports it, runs it,
    configures it as a plugin, loads it as another dependency's backend, types an imported module with
    it, and no dependency of the project needs it (a pinned transitive dependency is needed).
  A finding is true when it is in the repository's expected set, false otherwise. dhtl's findings are
  `inferred.undeclared` and `inferred.unused`; deptry's are DEP001 + DEP003 and DEP002.

Prints a row per repository and the totals: type accuracy, and per tool and class the findings, the
false ones and their share of what the tool reports. Exits 1 when a target is missed:
type >= 95%, dhtl false <= 10% of its findings in each class, dhtl fewer false findings than deptry.

Usage: bench/real-repos/analyze/bench.py [ids or categories…] [--dhtl DIR] [--results DIR]
       [--deptry-version X] [--details] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOS = HERE.parent / "repos.json"
EXPECTATIONS = HERE / "expectations.json"
DEFAULT_DHTL = HERE.parent.parent.parent
MIRRORS = Path(os.environ.get("REAL_REPOS_MIRRORS", "/work/.mirror"))
UV_BIN = Path(os.environ.get("REAL_REPOS_UV_BIN", str(Path.home() / ".cache/dhtl-ci/uv-0.13.9/bin")))
DEPTRY_PYTHON = os.environ.get("DEPTRY_PYTHON", str(Path.home() / ".pyenv/versions/3.12.1/bin/python3.12"))

TARGET_TYPE = 0.95
TARGET_FALSE = 0.10


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def mirror_git_dir(repo: str) -> Path:
    base = MIRRORS / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def export_tree(entry: dict, into: Path) -> tuple[Path, list[str]]:
    """The pinned commit's files (what a checkout holds, without .git), and the paths whose contents the
    mirror lacks (its largest files may be absent): those are left out."""
    git_dir = mirror_git_dir(entry["repo"])
    if not git_dir.is_dir():
        raise RuntimeError(f"no mirror for {entry['repo']} (fetch github:{entry['repo']})")
    dest = into / entry["repo"].split("/")[1]
    dest.mkdir(parents=True)
    git = ["git", "--git-dir", str(git_dir)]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", entry["commit"]], check=True, capture_output=True).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((mode.decode(), sha.decode(), path.decode("utf-8", "surrogateescape")))
    batch = subprocess.run(
        [*git, "cat-file", "--batch"], input="".join(f"{sha}\n" for _, sha, _ in entries).encode(),
        check=True, capture_output=True,
    ).stdout
    missing = []
    at = 0
    for mode, sha, path in entries:
        header_end = batch.index(b"\n", at)
        header = batch[at:header_end].split()
        at = header_end + 1
        if header[-1] == b"missing":
            missing.append(path)
            continue
        size = int(header[2])
        content = batch[at:at + size]
        at += size + 1
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            try:
                os.symlink(content.decode(), target)
            except OSError:
                pass
        else:
            target.write_bytes(content)
            if mode == "100755":
                target.chmod(0o755)
    return dest, missing


def ensure_deptry(results: Path, version: str | None) -> Path:
    venv = results / "deptry-venv"
    deptry = venv / "bin" / "deptry"
    if not deptry.exists():
        env = {**os.environ, "PATH": f"{UV_BIN}:{os.environ['PATH']}"}
        subprocess.run(["uv", "venv", "--quiet", "--python", DEPTRY_PYTHON, str(venv)], check=True, env=env)
        spec = f"deptry=={version}" if version else "deptry"
        subprocess.run(["uv", "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), spec], check=True, env=env)
    return deptry


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None, runs: int = 1) -> tuple[subprocess.CompletedProcess, float]:
    """Runs `argv` `runs` times; the last result and the median wall time."""
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=900)
        times.append(time.perf_counter() - start)
    times.sort()
    return result, times[len(times) // 2]


def run_dhtl(dhtl: Path, tree: Path, runs: int) -> tuple[dict | None, float, str]:
    result, seconds = timed(["node", str(dhtl / "bin" / "dhtl.js"), "analyze", str(tree), "--json", "--no-user"], tree, runs=runs)
    try:
        return json.loads(result.stdout), seconds, ""
    except json.JSONDecodeError:
        return None, seconds, (result.stderr or result.stdout)[-400:]


def run_deptry(deptry: Path, tree: Path, out: Path, runs: int) -> tuple[list[dict] | None, float, str]:
    report = out / "deptry.json"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    result, seconds = timed([str(deptry), ".", "--json-output", str(report)], tree, env=env, runs=runs)
    if not report.exists():
        return None, seconds, (result.stderr or result.stdout)[-400:]
    return json.loads(report.read_text()), seconds, ""


def dhtl_findings(analysis: dict) -> tuple[list[str], list[str]]:
    inferred = analysis.get("inferred", {})
    return [u["import"] for u in inferred.get("undeclared", [])], list(inferred.get("unused", []))


def deptry_findings(violations: list[dict]) -> tuple[list[str], list[str]]:
    undeclared, unused = [], []
    for violation in violations:
        code = violation["error"]["code"]
        if code in ("DEP001", "DEP003"):
            undeclared.append(violation["module"])
        elif code == "DEP002":
            unused.append(violation["module"])
    return sorted(set(undeclared)), sorted(set(unused))


def judge_undeclared(found: list[str], expected: dict[str, str]) -> tuple[list[str], list[str]]:
    """True when the import (or the top-level module deptry reports) is an expected undeclared import."""
    keys = set(expected)
    tops = {key.split(".")[0] for key in keys}
    true = [f for f in found if f in keys or f.split(".")[0] in keys or f in tops]
    return true, [f for f in found if f not in true]


def judge_unused(found: list[str], expected: dict[str, str]) -> tuple[list[str], list[str]]:
    keys = {normalize(k) for k in expected}
    true = [f for f in found if normalize(f) in keys]
    return true, [f for f in found if f not in true]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("select", nargs="*", help="repository ids or categories (default: all)")
    parser.add_argument("--dhtl", default=str(DEFAULT_DHTL))
    parser.add_argument("--results", default=os.environ.get("REAL_REPOS_ANALYZE_RESULTS", str(Path(tempfile.gettempdir()) / "real-repos-analyze")))
    parser.add_argument("--deptry-version", default=None)
    parser.add_argument("--details", action="store_true", help="print every finding with its verdict")
    parser.add_argument("--runs", type=int, default=1, help="runs per tool for the times (median)")
    args = parser.parse_args()

    repos = json.loads(REPOS.read_text())["repos"]
    expectations = json.loads(EXPECTATIONS.read_text())["repositories"]
    chosen = [r for r in repos if not args.select or r["id"] in args.select or r["category"] in args.select]
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    deptry = ensure_deptry(results, args.deptry_version)
    deptry_version = subprocess.run([str(deptry), "--version"], capture_output=True, text=True).stdout.strip()
    dhtl = Path(args.dhtl)

    totals = {tool: {cls: {"found": 0, "false": 0} for cls in ("undeclared", "unused")} for tool in ("dhtl", "deptry")}
    types_right = 0
    judged = 0
    time_totals = {"dhtl": 0.0, "deptry": 0.0}
    rows = []
    missing = []
    for entry in chosen:
        expected = expectations.get(entry["id"])
        if expected is None:
            missing.append(entry["id"])
            continue
        out = results / entry["id"]
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        with tempfile.TemporaryDirectory(prefix="rr-analyze-") as tmp:
            tree, absent = export_tree(entry, Path(tmp))
            analysis, dhtl_seconds, dhtl_error = run_dhtl(dhtl, tree, args.runs)
            violations, deptry_seconds, deptry_error = run_deptry(deptry, tree, out, args.runs)
        (out / "analyze.json").write_text(json.dumps(analysis, indent=1) if analysis else dhtl_error)
        judged += 1
        time_totals["dhtl"] += dhtl_seconds
        time_totals["deptry"] += deptry_seconds
        dhtl_type = analysis["type"]["name"] if analysis else "(failed)"
        type_ok = dhtl_type == expected["type"]
        types_right += type_ok
        row = {"id": entry["id"], "type": dhtl_type, "expectedType": expected["type"], "typeOk": type_ok,
               "seconds": {"dhtl": round(dhtl_seconds, 2), "deptry": round(deptry_seconds, 2)},
               "absentFiles": len(absent)}
        for tool, (undeclared, unused), error in (
            ("dhtl", dhtl_findings(analysis) if analysis else ([], []), dhtl_error),
            ("deptry", deptry_findings(violations) if violations is not None else ([], []), deptry_error),
        ):
            true_u, false_u = judge_undeclared(undeclared, expected["undeclared"])
            true_n, false_n = judge_unused(unused, expected["unused"])
            row[tool] = {"undeclared": {"true": true_u, "false": false_u}, "unused": {"true": true_n, "false": false_n}}
            if error:
                row[tool]["error"] = error
            for cls, (t, f) in (("undeclared", (true_u, false_u)), ("unused", (true_n, false_n))):
                totals[tool][cls]["found"] += len(t) + len(f)
                totals[tool][cls]["false"] += len(f)
        rows.append(row)
        print_row(row, args.details)

    (results / "table.json").write_text(json.dumps({"rows": rows, "totals": totals}, indent=1))
    print()
    if missing:
        print(f"no expectations for: {', '.join(missing)}")
    print(f"{judged} repositories; dhtl {dhtl} ({git_head(dhtl)}), {deptry_version}")
    return print_totals(totals, types_right, judged, time_totals)


def git_head(path: Path) -> str:
    result = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return result.stdout.strip() or "?"


def print_row(row: dict, details: bool) -> None:
    def counts(tool: str, cls: str) -> str:
        part = row[tool][cls]
        return f"{len(part['true'])}/{len(part['false'])}"

    mark = "ok" if row["typeOk"] else f"WRONG (expected {row['expectedType']})"
    print(
        f"{row['id']:<22} type {row['type']:<13} {mark:<26} "
        f"undeclared t/f dhtl {counts('dhtl', 'undeclared'):>5} deptry {counts('deptry', 'undeclared'):>5}   "
        f"unused t/f dhtl {counts('dhtl', 'unused'):>5} deptry {counts('deptry', 'unused'):>5}   "
        f"{row['seconds']['dhtl']:.2f}s / {row['seconds']['deptry']:.2f}s"
    )
    if details:
        for tool in ("dhtl", "deptry"):
            for cls in ("undeclared", "unused"):
                part = row[tool][cls]
                if part["true"] or part["false"]:
                    print(f"    {tool:<6} {cls:<10} true: {', '.join(part['true']) or '-'}   false: {', '.join(part['false']) or '-'}")
            if "error" in row[tool]:
                print(f"    {tool} failed: {row[tool]['error']}")


def print_totals(totals: dict, types_right: int, judged: int, times: dict) -> int:
    ok = True
    type_share = types_right / judged if judged else 0.0
    print(f"type: {types_right}/{judged} right ({type_share:.1%}; target >= {TARGET_TYPE:.0%})")
    ok &= type_share >= TARGET_TYPE
    for cls in ("undeclared", "unused"):
        for tool in ("dhtl", "deptry"):
            found = totals[tool][cls]["found"]
            false = totals[tool][cls]["false"]
            share = false / found if found else 0.0
            print(f"{cls:<10} {tool:<6} {found:>4} findings, {false:>4} false ({share:.1%})")
        dhtl_false = totals["dhtl"][cls]["false"]
        dhtl_found = totals["dhtl"][cls]["found"]
        dhtl_share = dhtl_false / dhtl_found if dhtl_found else 0.0
        met_share = dhtl_share <= TARGET_FALSE
        met_peer = dhtl_false < totals["deptry"][cls]["false"]
        print(f"  {cls}: dhtl false <= {TARGET_FALSE:.0%}: {'met' if met_share else 'MISSED'}; fewer false than deptry: {'met' if met_peer else 'MISSED'}")
        ok &= met_share and met_peer
    print(f"time: dhtl {times['dhtl']:.1f}s, deptry {times['deptry']:.1f}s in total ({times['dhtl'] / times['deptry']:.2f}x)" if times["deptry"] else "")
    print("targets met" if ok else "targets MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
