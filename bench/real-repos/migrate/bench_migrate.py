#!/usr/bin/env python3
"""Real-repository bench for `dhtl migrate` (issue 14), side by side with migrate-to-uv from PyPI.

For each Poetry, Pipenv, setup.py, requirements and conda repository of ../repos.json (or the ids and
categories given as arguments), on fresh clones of the pinned commit:
  1. before: `uv build --wheel` of the original (when it is a package: setup.py or [build-system]) and its
     wheel METADATA; the plain uv line of repos.json, then the project's test line (the counts to keep);
  2. for each tool (dhtl, migrate-to-uv with its default options): migrate, then `uv build --wheel` when
     the migrated project is a package (METADATA compared with the original's: name, version,
     requires-dist, entry points, requires-python), `uv sync --frozen` with the project's own Python, then
     the same test line in that `.venv`.
"ok" = the tool exited 0, the build succeeded wherever the original's did with the same METADATA, the
frozen sync succeeded and no test was lost: at least as many passed as before, no more failed or in error.
The project's own Python: the entry's `python`, else the `--python X` of its uv line, else the newest
installed interpreter (uv's choice). Nothing of the repositories is kept in this checkout.
"""

from __future__ import annotations

import argparse
import email.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import bench  # noqa: E402  (the setup bench's helpers: clones, logged steps, environments, summaries)

CATEGORIES = {"poetry1", "poetry2", "pipenv", "setup.py", "requirements", "requirements-chain", "conda", "conda-mlflow", "c-ext-meson"}
M2U_VERSION = os.environ.get("MIGRATE_TO_UV_VERSION", "0.12.0")
TOOLS = ("dhtl", "m2u")

try:
    from packaging.requirements import Requirement
except ImportError:  # the comparison then works on whitespace-normalised strings
    Requirement = None  # type: ignore[assignment,misc]


def own_python(entry: dict) -> str | None:
    if entry.get("python"):
        return entry["python"]
    for line in entry["uv"]:
        found = re.search(r"--python[ =](\S+)", line)
        if found:
            return found.group(1)
    return None


def env_for(work: Path, python: str | None) -> dict[str, str]:
    env = bench.uv_env(work)
    if python:
        env["UV_PYTHON"] = python
    return env


def is_package_original(root: Path) -> bool:
    if (root / "setup.py").exists():
        return True
    pyproject = root / "pyproject.toml"
    return pyproject.exists() and re.search(r"^\s*\[build-system\]", pyproject.read_text(errors="replace"), re.M) is not None


def is_package_migrated(root: Path) -> bool:
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        return False
    text = pyproject.read_text(errors="replace")
    # `[tool.uv] package = false` only keeps `uv sync` from installing the project (Poetry's package-mode =
    # false, pycairo): with a [build-system] `uv build` still builds the wheel, and that must still work.
    return re.search(r"^\s*\[build-system\]", text, re.M) is not None


def build_wheel(root: Path, env: dict[str, str], log: Path, timeout: int, out: Path) -> tuple[int, dict | None]:
    shutil.rmtree(out, ignore_errors=True)
    code, _ = bench.run_logged(["uv", "build", "--wheel", "--out-dir", str(out)], root, env, log, timeout)
    wheels = sorted(out.glob("*.whl")) if out.exists() else []
    return code, (wheel_metadata(wheels[0]) if code == 0 and wheels else None)


def norm_requirement(text: str) -> str:
    if Requirement is not None:
        try:
            req = Requirement(text)
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            spec = ",".join(sorted(str(s) for s in req.specifier))
            marker = f"; {req.marker}" if req.marker else ""
            url = f" @ {req.url}" if req.url else ""
            return f"{re.sub(r'[-_.]+', '-', req.name).lower()}{extras}{url}{spec}{marker}"
        except Exception:
            pass
    return re.sub(r"\s+", "", text)


def wheel_metadata(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(meta_name).decode("utf-8", "replace"))
        ep_name = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
        entry_points = zf.read(ep_name).decode("utf-8", "replace") if ep_name else ""
    points = sorted(
        section + ":" + re.sub(r"[ \t]+", "", line)
        for section, body in re.findall(r"^\[([^\]]+)\]\n((?:(?!\[).*\n?)*)", entry_points, re.M)
        for line in body.splitlines()
        if line.strip()
    )
    return {
        "name": re.sub(r"[-_.]+", "-", meta.get("Name", "")).lower(),
        "version": meta.get("Version"),
        "requires-python": (meta.get("Requires-Python") or "").replace(" ", "") or None,
        "requires-dist": sorted(norm_requirement(r) for r in meta.get_all("Requires-Dist") or []),
        "entry-points": points,
    }


def metadata_diff(before: dict | None, after: dict | None) -> list[str]:
    if before is None or after is None:
        return []
    return [key for key in before if before[key] != after.get(key)]


def test_counts(log: Path) -> dict:
    """passed/failed/errors from pytest's summary or unittest's `Ran N tests` + OK/FAILED."""
    text = log.read_text(errors="replace") if log.exists() else ""
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    summary = bench.pytest_summary(log)
    if re.search(r"\d+ (passed|failed|errors?|skipped)", summary):
        for number, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary):
            counts["errors" if word.startswith("error") else word] = int(number)
        return counts
    ran = re.findall(r"^Ran (\d+) tests?", text, re.M)
    if ran:
        total = int(ran[-1])
        failed = re.findall(r"^FAILED \((.*)\)$", text, re.M)
        details = dict(re.findall(r"(\w+)=(\d+)", failed[-1])) if failed else {}
        counts["failed"] = int(details.get("failures", 0))
        counts["errors"] = int(details.get("errors", 0))
        counts["skipped"] = int(details.get("skipped", 0))
        counts["passed"] = total - counts["failed"] - counts["errors"] - counts["skipped"]
    return counts


def counts_text(test: dict | None) -> str:
    if not test:
        return "-"
    c = test.get("counts") or {}
    if not any(c.values()):
        return "exit 0" if test.get("exit") == 0 else f"exit {test.get('exit')}"
    parts = [f"{c[k]} {k}" for k in ("passed", "failed", "errors") if c.get(k)]
    return ", ".join(parts) or "0 passed"


def same_tests(before: dict | None, after: dict | None) -> bool:
    """No test lost: at least as many passed, no more failed or in error (a kept lock may fix what the
    plain uv line's fresh resolution broke, as in rich)."""
    if not before or not after or after.get("exit") is None:
        return False
    b, a = before.get("counts") or {}, after.get("counts") or {}
    if not any(b.values()):  # an import check or a runner that prints no counts: its exit code decides
        return after.get("exit") == before.get("exit") or after.get("exit") == 0
    broken = lambda c: c.get("failed", 0) + c.get("errors", 0)  # noqa: E731
    return a.get("passed", 0) >= b.get("passed", 0) and broken(a) <= broken(b)


def migrate_argv(tool: str, dhtl: Path, m2u: Path) -> list[str]:
    if tool == "dhtl":
        return ["node", str(dhtl / "bin" / "dhtl.js"), "migrate", "--yes"]
    return [str(m2u)]


def run_tool(tool: str, entry: dict, ctx: dict, before: dict, out: Path) -> dict:
    work = ctx["work"]
    root = bench.materialise(entry, work / tool)
    env = env_for(work, ctx["python"])
    migrate_env = bench.uv_env(work)  # as a user runs it: no UV_PYTHON
    code, seconds = bench.run_logged(migrate_argv(tool, ctx["dhtl"], ctx["m2u"]), root, migrate_env, out / f"{tool}-migrate.log", ctx["timeout"])
    result: dict = {"exit": code, "seconds": round(seconds, 1)}
    if code != 0:
        result["why"] = f"migrate exit {code}: {bench.last_error(out / f'{tool}-migrate.log')}"
        shutil.rmtree(work / tool, ignore_errors=True)
        return result
    if is_package_migrated(root):
        b_code, meta = build_wheel(root, env, out / f"{tool}-build.log", ctx["timeout"], work / f"{tool}-dist")
        result["build"] = {"exit": b_code, "metadataDiff": metadata_diff(before.get("metadata"), meta), "metadata": meta}
    elif before.get("build", {}).get("exit") == 0:
        result["build"] = {"exit": None, "metadataDiff": ["not a package any more"]}
    s_code, _ = bench.run_logged(["uv", "sync", "--frozen"], root, env, out / f"{tool}-sync.log", ctx["timeout"])
    result["sync"] = {"exit": s_code}
    venv = bench.find_venv(root, entry)
    if s_code == 0 and venv is not None:
        t_code, _ = bench.run_tests(entry, root, venv, env, out / f"{tool}-test.log", ctx["timeout"])
        result["tests"] = {"exit": t_code, "counts": test_counts(out / f"{tool}-test.log")}
    result["ok"] = verdict(before, result)
    if not result["ok"]:
        result["why"] = why_not(before, result, tool, out)
    shutil.rmtree(work / tool, ignore_errors=True)
    return result


def verdict(before: dict, result: dict) -> bool:
    build = result.get("build")
    if before.get("build", {}).get("exit") == 0 and (not build or build.get("exit") != 0 or build.get("metadataDiff")):
        return False
    if (result.get("sync") or {}).get("exit") != 0:
        return False
    if before.get("tests", {}).get("exit") is None:  # the original's own environment could not be made
        return (result.get("tests") or {}).get("exit") == 0
    return same_tests(before.get("tests"), result.get("tests"))


def why_not(before: dict, result: dict, tool: str, out: Path) -> str:
    build = result.get("build")
    if before.get("build", {}).get("exit") == 0:
        if not build or build.get("exit") is None:
            return "no longer builds a wheel (no [build-system])"
        if build.get("exit") != 0:
            return f"uv build exit {build['exit']}: {bench.last_error(out / f'{tool}-build.log')}"
        if build.get("metadataDiff"):
            return f"METADATA differs: {', '.join(build['metadataDiff'])}"
    if (result.get("sync") or {}).get("exit") != 0:
        return f"uv sync --frozen exit {result['sync']['exit']}: {bench.last_error(out / f'{tool}-sync.log')}"
    return f"tests {counts_text(result.get('tests'))} (before: {counts_text(before.get('tests'))}): {bench.last_error(out / f'{tool}-test.log')}"


def run_before(entry: dict, ctx: dict, out: Path) -> dict:
    work = ctx["work"]
    root = bench.materialise(entry, work / "before")
    env = env_for(work, ctx["python"])
    before: dict = {}
    if is_package_original(root):
        code, meta = build_wheel(root, env, out / "before-build.log", ctx["timeout"], work / "before-dist")
        before["build"] = {"exit": code, "metadata": meta}
    code, _ = bench.uv_commands(entry, root, env, out / "before-uv.log", ctx["timeout"])
    before["uv"] = {"exit": code}
    venv = bench.find_venv(root, entry)
    if code == 0 and venv is not None:
        t_code, _ = bench.run_tests(entry, root, venv, env, out / "before-test.log", ctx["timeout"])
        before["tests"] = {"exit": t_code, "counts": test_counts(out / "before-test.log")}
    shutil.rmtree(work / "before", ignore_errors=True)
    return before


def bench_one(entry: dict, ctx: dict, out: Path, tools: tuple[str, ...]) -> dict:
    """Runs `before` and the given tools; a rerun of some tools keeps the other parts of the last result."""
    out.mkdir(parents=True, exist_ok=True)
    previous_path = out / "result.json"
    previous = json.loads(previous_path.read_text()) if previous_path.exists() and tools != TOOLS else {}
    if previous.get("commit") != entry["commit"] or "before" not in previous:
        previous = {}
    for old in out.glob("*.log"):
        if not previous or old.name.split("-")[0] in tools:
            old.unlink()
    work = Path(tempfile.mkdtemp(prefix=f"rrm-{entry['id']}-"))
    ctx = {**ctx, "work": work, "python": own_python(entry)}
    result: dict = {**previous, "id": entry["id"], "repo": entry["repo"], "commit": entry["commit"], "category": entry["category"], "python": ctx["python"]}
    result.pop("benchError", None)
    try:
        if "before" not in previous:
            result["before"] = run_before(entry, ctx, out)
        for tool in tools:
            result[tool] = run_tool(tool, entry, ctx, result["before"], out)
    except Exception as exc:  # a bench bug or a missing mirror must not stop the other repositories
        result["benchError"] = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (out / "result.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def build_cell(before: dict, tool: dict) -> str:
    build = tool.get("build")
    if not build:
        return "n/a" if before.get("build", {}).get("exit") != 0 else "no wheel"
    if build.get("exit") is None:
        return "no wheel"
    if build["exit"] != 0:
        return f"fail ({build['exit']})"
    if before.get("build", {}).get("exit") != 0:
        return "ok (original did not build)"
    return "same METADATA" if not build.get("metadataDiff") else f"differs: {', '.join(build['metadataDiff'])}"


def tool_cells(before: dict, tool: dict | None) -> list[str]:
    if not tool:
        return ["-"] * 6
    sync = (tool.get("sync") or {}).get("exit")
    why = (tool.get("why") or "").replace("|", "\\|")[:140]
    return [
        str(tool.get("exit")),
        build_cell(before, tool) if tool.get("exit") == 0 else "-",
        "-" if sync is None else ("ok" if sync == 0 else f"fail ({sync})"),
        counts_text(tool.get("tests")) if tool.get("exit") == 0 else "-",
        "**ok**" if tool.get("ok") else "no",
        why,
    ]


def report(entries: list[dict], results: Path) -> str:
    rows = [json.loads((results / e["id"] / "result.json").read_text()) for e in entries if (results / e["id"] / "result.json").exists()]
    head = "| id | category | python | before: build / tests | dhtl exit | build | sync --frozen | tests | ok | why not | m2u exit | build | sync --frozen | tests | ok | why not |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    totals = {t: {"exit0": 0, "ok": 0} for t in TOOLS}
    ahead = behind = both = 0
    for r in rows:
        before = r.get("before") or {}
        b_build = before.get("build")
        b_cell = ("wheel" if b_build and b_build.get("exit") == 0 else "no build" if b_build else "app") + " / " + counts_text(before.get("tests"))
        cells = [r["id"], r["category"], r.get("python") or "newest", b_cell]
        for tool in TOOLS:
            result = r.get(tool) or {}
            if result.get("exit") == 0:  # the verdict is recomputed from what was measured, as rules change
                result["ok"] = verdict(before, result)
                result["why"] = "" if result["ok"] else why_not(before, result, tool, results / r["id"])
            cells += tool_cells(before, r.get(tool))
            totals[tool]["exit0"] += int((r.get(tool) or {}).get("exit") == 0)
            totals[tool]["ok"] += int(bool((r.get(tool) or {}).get("ok")))
        d, m = r.get("dhtl") or {}, r.get("m2u") or {}
        if d.get("exit") == 0 and m.get("exit") == 0:
            both += 1
            ahead += int(bool(d.get("ok")) and not m.get("ok"))
            behind += int(bool(m.get("ok")) and not d.get("ok"))
        if r.get("benchError"):
            cells[-1] = f"bench error: {r['benchError']}"
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    n = len(rows)
    exit0_not_ok = [r["id"] for r in rows if (r.get("dhtl") or {}).get("exit") == 0 and not (r.get("dhtl") or {}).get("ok")]
    lines += [
        "",
        f"- dhtl migrate: exit 0 on {totals['dhtl']['exit0']}/{n}, ok (builds, same METADATA, syncs frozen, same tests) on {totals['dhtl']['ok']}/{n}; exited 0 but not ok: {', '.join(exit0_not_ok) or 'none'}",
        f"- migrate-to-uv {M2U_VERSION} (default options): exit 0 on {totals['m2u']['exit0']}/{n}, ok on {totals['m2u']['ok']}/{n}",
        f"- where both exited 0 ({both}): dhtl ok and migrate-to-uv not on {ahead}; migrate-to-uv ok and dhtl not on {behind}",
    ]
    return "\n".join(lines) + "\n"


def install_m2u(results: Path) -> Path:
    venv = results / ".migrate-to-uv"
    exe = venv / "bin" / "migrate-to-uv"
    if not exe.exists():
        env = bench.uv_env(results)
        subprocess.run(["uv", "venv", "-q", "--python", "3.11", str(venv)], check=True, env=env)
        subprocess.run(["uv", "pip", "install", "-q", "--python", str(venv / "bin" / "python"), f"migrate-to-uv=={M2U_VERSION}"], check=True, env=env)
    return exe


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("select", nargs="*", help="ids or categories (default: every migrate category)")
    parser.add_argument("--dhtl", default=os.environ.get("DHTL_DIR", str(HERE.parent.parent.parent)))
    parser.add_argument("--repos", default=str(HERE.parent / "repos.json"))
    parser.add_argument("--results", default=os.environ.get("REAL_REPOS_MIGRATE_RESULTS", str(Path(os.environ.get("TMPDIR", "/tmp")) / "real-repos-migrate")))
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--force", action="store_true", help="rerun ids that already have a result")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--tools", default=",".join(TOOLS), help="dhtl,m2u (default both); one tool reruns only that side")
    args = parser.parse_args()

    entries = [e for e in json.loads(Path(args.repos).read_text())["repos"] if e["category"] in CATEGORIES or e.get("migrate")]
    chosen = [e for e in entries if not args.select or e["id"] in args.select or e["category"] in args.select]
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    dhtl = Path(args.dhtl).resolve()
    if not (dhtl / "dist" / "dhtl.cjs").exists():
        print(f"{dhtl}/dist/dhtl.cjs missing: run `npm run build` there first", file=sys.stderr)
        return 2
    tools = tuple(t for t in TOOLS if t in args.tools.split(","))
    if not args.report_only:
        ctx = {"dhtl": dhtl, "m2u": install_m2u(results), "timeout": args.timeout}
        for n, entry in enumerate(chosen, 1):
            if (results / entry["id"] / "result.json").exists() and not args.force and tools == TOOLS:
                print(f"[{n}/{len(chosen)}] {entry['id']}: has a result, skipped (--force to rerun)", flush=True)
                continue
            print(f"[{n}/{len(chosen)}] {entry['id']} ({entry['repo']}@{entry['commit'][:10]}) …", flush=True)
            r = bench_one(entry, ctx, results / entry["id"], tools)
            for tool in tools:
                t = r.get(tool) or {}
                print(f"    {tool}: exit {t.get('exit')} ok={t.get('ok')} {t.get('why', '')}", flush=True)
    table = report(entries, results)
    (results / "table.md").write_text(table)
    print(table)
    print(f"results: {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
