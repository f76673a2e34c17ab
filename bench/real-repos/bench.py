#!/usr/bin/env python3
"""Real-repository bench for `dhtl setup` (issue 10).

For each repository of repos.json (or the ids/categories given as arguments):
  1. a fresh clone of the pinned commit (from the local mirror the `fetch` tool made),
     `dhtl analyze --json` on it (type and sources, for issue 11);
  2. untimed warm-ups of the shared uv cache, so that neither side pays downloads the other did not: a
     fresh clone with the plain uv commands a user would type, and another with `dhtl setup --yes` (dhtl
     may choose another interpreter or other versions than plain uv, whose wheels the uv side never
     fetched);
  3. a fresh clone: `dhtl setup --yes`, timed, then the project's own test command inside the `.venv`
     dhtl made ("usable" = dhtl exited 0 and the test command exited 0);
  4. a fresh clone: the plain uv commands again, timed (the ratio's denominator), then the same test
     command in the environment uv made (tells a wrong test command from a dhtl failure).
Raw logs and result.json go to <results>/<id>/; table.md and table.json to <results>/.
Nothing of the repositories is kept in this checkout.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DHTL = HERE.parent.parent
MIRRORS = Path(os.environ.get("REAL_REPOS_MIRRORS", "/work/.mirror"))
UV_BIN = Path(os.environ.get("REAL_REPOS_UV_BIN", str(Path.home() / ".cache/dhtl-ci/uv-0.13.9/bin")))
PYENV = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))) / "versions"

ERROR_LINE = re.compile(
    r"(error|Error|ERROR|FAILED|failed|No module named|not found|Traceback|refused|cannot|Cannot|"
    r"No solution|unsatisfiable|Because |fatal|exit code|✗|×)"
)
NOISE = re.compile(r"^\s*(=+|-+|\^+|~+)\s*$|^\s*$|warnings summary|short test summary info")


def mirror_git_dir(repo: str) -> Path:
    base = MIRRORS / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def materialise(entry: dict, into: Path) -> Path:
    """A clone of the pinned commit that looks like the user's own: origin, tags, history."""
    git_dir = mirror_git_dir(entry["repo"])
    if not git_dir.is_dir():
        raise RuntimeError(f"no mirror for {entry['repo']} at {git_dir} (fetch github:{entry['repo']})")
    dest = into / entry["repo"].split("/")[1]
    run_quiet(["git", "clone", "-q", "--shared", "--no-checkout", str(git_dir), str(dest)])
    run_quiet(["git", "-C", str(dest), "-c", "advice.detachedHead=false", "checkout", "-q", entry["commit"]])
    return dest


def run_quiet(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "CONDA_PREFIX")}
    env["PATH"] = f"{UV_BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    env["TMPDIR"] = str(tmp)
    env.setdefault("NO_COLOR", "1")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def uv_env(tmp: Path) -> dict[str, str]:
    """A user who types uv commands has their interpreters on PATH (pyenv builds here); uv must not try
    to download one (GitHub is unreachable on this machine)."""
    env = base_env(tmp)
    versions = sorted(PYENV.iterdir(), key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.name)), reverse=True) if PYENV.is_dir() else []
    pyenv_bins = [str(p / "bin") for p in versions]
    env["PATH"] = ":".join([str(UV_BIN), *pyenv_bins, env["PATH"]])
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


def venv_env(env: dict[str, str], venv: Path) -> dict[str, str]:
    out = dict(env)
    out["VIRTUAL_ENV"] = str(venv)
    out["PATH"] = f"{venv}/bin:{env['PATH']}"
    return out


def run_logged(command: str | list[str], cwd: Path, env: dict[str, str], log: Path, timeout: int) -> tuple[int, float]:
    """Runs one step, appending its output to log; returns (exit code, seconds). 124 on timeout."""
    start = time.monotonic()
    with log.open("ab") as out:
        out.write(f"$ {command if isinstance(command, str) else ' '.join(command)}\n  (cwd {cwd})\n".encode())
        out.flush()
        # Commands of repos.json are shell lines written by us (`cd backend && …`), not project input.
        argv = ["bash", "-c", command] if isinstance(command, str) else command
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
            code = 124
            out.write(f"\n[bench] timed out after {timeout}s\n".encode())
        elapsed = time.monotonic() - start
        out.write(f"[bench] exit {code} after {elapsed:.1f}s\n".encode())
    return code, elapsed


def last_error(log: Path, limit: int = 160) -> str:
    """The last line of a log that looks like the cause, for the table's 'why not'."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    lines = [l for l in lines if not l.startswith("[bench]") and not l.startswith("$ ") and not l.startswith("  (cwd")]
    for line in reversed(lines):  # a missing module is the most telling cause, wherever it was printed
        found = re.search(r"(ModuleNotFoundError: No module named '[^']+'|No module named [\w.']+)", line)
        if found:
            return found.group(1)
    for line in reversed(lines):
        if ERROR_LINE.search(line) and not NOISE.search(line):
            return re.sub(r"\s+", " ", line.strip())[:limit]
    for line in reversed(lines):
        if line.strip():
            return re.sub(r"\s+", " ", line.strip())[:limit]
    return ""


def pytest_summary(log: Path) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    # pytest before 5 ends its summary with "in 2.21 seconds", later ones with "in 2.21s".
    found = re.findall(r"^=* ?(\d+ (?:passed|failed|errors?|skipped|deselected)\b.*? in [\d.]+ ?s.*?)(?: =+)?$|^=+ (no tests ran.*?) =+$", text, re.M)
    if found:
        return next(x for x in found[-1] if x)
    found = re.findall(r"^(Ran \d+ tests? in .*|OK.*|FAILED \(.*\))$", text, re.M)
    return " / ".join(found[-2:]) if found else ""


def why_not(result: dict, out: Path) -> str:
    """Exit code and the telling line of the step that failed first."""
    code, tests = (result.get("dhtl") or {}).get("exit"), result.get("tests") or {}
    if code != 0:
        return f"dhtl exit {code}: {last_error(out / 'dhtl.log')}"
    if tests.get("exit") is None:
        return "no .venv"
    return f"tests exit {tests['exit']}: {last_error(out / 'test.log')}"


def uv_why_not(uv: dict, out: Path) -> str:
    if uv.get("exit") != 0:
        return f"uv exit {uv.get('exit')}: {last_error(out / 'uv.log')}"
    return f"tests exit {(uv.get('tests') or {}).get('exit')}: {last_error(out / 'uv-test.log')}"


def find_venv(root: Path, entry: dict) -> Path | None:
    for candidate in (root / entry.get("cwd", "."), root):
        venv = candidate / ".venv"
        if (venv / "bin" / "python").exists():
            return venv.resolve()
    return None


def run_tests(entry: dict, root: Path, venv: Path | None, env: dict[str, str], log: Path, timeout: int) -> tuple[int | None, float]:
    if venv is None:
        log.write_text("[bench] no .venv to test\n")
        return None, 0.0
    return run_logged(entry["test"], root / entry.get("cwd", "."), venv_env(env, venv), log, timeout)


def uv_commands(entry: dict, root: Path, env: dict[str, str], log: Path, timeout: int) -> tuple[int, float]:
    total = 0.0
    for command in entry["uv"]:
        code, seconds = run_logged(command, root, env, log, timeout)
        total += seconds
        if code != 0:
            return code, total
    return 0, total


def bench_one(entry: dict, dhtl: Path, out: Path, timeout: int, with_uv: bool) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.log"):
        old.unlink()
    work = Path(tempfile.mkdtemp(prefix=f"rr-{entry['id']}-"))
    result: dict = {"id": entry["id"], "repo": entry["repo"], "commit": entry["commit"], "category": entry["category"], "tier": entry["tier"]}
    try:
        env = base_env(work)
        dhtl_cmd = ["node", str(dhtl / "bin" / "dhtl.js")]

        # analyze (issue 11 notes): on a pristine clone
        root = materialise(entry, work / "analyze")
        proc = subprocess.run([*dhtl_cmd, "analyze", "--json", "--no-user"], cwd=root, env=env, capture_output=True, timeout=timeout)
        try:
            facts = json.loads(proc.stdout)
            (out / "analyze.json").write_text(json.dumps(facts, indent=1))
            result["analyze"] = {
                "type": (facts.get("type") or {}).get("name"),
                "packageManager": (facts.get("project") or {}).get("packageManager"),
                "python": ((facts.get("python") or {}).get("chosen") or {}).get("version") if isinstance((facts.get("python") or {}).get("chosen"), dict) else (facts.get("python") or {}).get("chosen"),
            }
        except (json.JSONDecodeError, AttributeError):
            (out / "analyze.log").write_bytes(proc.stdout + proc.stderr)
            result["analyze"] = {"error": f"exit {proc.returncode}"}
        shutil.rmtree(work / "analyze", ignore_errors=True)

        if with_uv:  # warm-up of the shared uv cache, untimed in the ratio
            root = materialise(entry, work / "uv-warm")
            code, seconds = uv_commands(entry, root, uv_env(work), out / "uv-warmup.log", timeout)
            result["uvWarmup"] = {"exit": code, "seconds": round(seconds, 1)}
            shutil.rmtree(work / "uv-warm", ignore_errors=True)
            root = materialise(entry, work / "dhtl-warm")
            code, seconds = run_logged([*dhtl_cmd, "setup", "--yes"], root, env, out / "dhtl-warmup.log", timeout)
            result["dhtlWarmup"] = {"exit": code, "seconds": round(seconds, 1)}
            shutil.rmtree(work / "dhtl-warm", ignore_errors=True)

        root = materialise(entry, work / "dhtl")
        code, seconds = run_logged([*dhtl_cmd, "setup", "--yes"], root, env, out / "dhtl.log", timeout)
        result["dhtl"] = {"exit": code, "seconds": round(seconds, 1)}
        venv = find_venv(root, entry)
        result["dhtl"]["venv"] = str(venv.relative_to(root.resolve())) if venv and venv.is_relative_to(root.resolve()) else (str(venv) if venv else None)
        test_code, test_seconds = run_tests(entry, root, venv, env, out / "test.log", timeout)
        result["tests"] = {"exit": test_code, "seconds": round(test_seconds, 1), "summary": pytest_summary(out / "test.log")}
        (out / "git-status.log").write_text(subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=root, capture_output=True, text=True).stdout)
        result["usable"] = code == 0 and test_code == 0
        if not result["usable"]:
            result["why"] = why_not(result, out)
        shutil.rmtree(work / "dhtl", ignore_errors=True)

        if with_uv:
            root = materialise(entry, work / "uv")
            code, seconds = uv_commands(entry, root, uv_env(work), out / "uv.log", timeout)
            result["uv"] = {"exit": code, "seconds": round(seconds, 1)}
            if code == 0:
                venv = find_venv(root, entry)
                t_code, t_seconds = run_tests(entry, root, venv, uv_env(work), out / "uv-test.log", timeout)
                result["uv"]["tests"] = {"exit": t_code, "summary": pytest_summary(out / "uv-test.log")}
                result["uv"]["usable"] = t_code == 0
            else:
                result["uv"]["usable"] = False
            if not result["uv"]["usable"]:
                result["uv"]["why"] = uv_why_not(result["uv"], out)
            if result["dhtl"]["exit"] == 0 and code == 0 and seconds > 0:
                result["ratio"] = round(result["dhtl"]["seconds"] / seconds, 2)
    except Exception as exc:  # a bench bug or a missing mirror must not stop the other repositories
        result["benchError"] = f"{type(exc).__name__}: {exc}"
        result.setdefault("usable", False)
        result.setdefault("why", f"bench error: {exc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (out / "result.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def geometric_mean(values: list[float]) -> float | None:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "0/0"


def report(entries: list[dict], results_dir: Path) -> tuple[str, dict]:
    rows = []
    for entry in entries:
        path = results_dir / entry["id"] / "result.json"
        if path.exists():
            row = json.loads(path.read_text())
            row.update(category=entry["category"], tier=entry["tier"])  # repos.json is the truth for labels
            if row.get("tests"):  # logs are the truth; summaries of older runs may lack them
                row["tests"]["summary"] = pytest_summary(results_dir / entry["id"] / "test.log")
            if (row.get("uv") or {}).get("tests"):
                row["uv"]["tests"]["summary"] = pytest_summary(results_dir / entry["id"] / "uv-test.log")
            if not row.get("usable") and not row.get("benchError"):
                row["why"] = why_not(row, results_dir / entry["id"])
            if row.get("uv") and not row["uv"].get("usable"):
                row["uv"]["why"] = uv_why_not(row["uv"], results_dir / entry["id"])
            rows.append(row)
    lines = [
        "| id | category | tier | dhtl exit | dhtl s | usable | why not | uv s | uv usable | ratio | analyze type |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        d, u = r.get("dhtl", {}), r.get("uv", {})
        why = (r.get("why") or "").replace("|", "\\|")
        lines.append(
            f"| {r['id']} | {r['category']} | {r['tier']} | {d.get('exit', '-')} | {d.get('seconds', '-')} | "
            f"{'yes' if r.get('usable') else 'no'} | {why} | {u.get('seconds', '-')} | "
            f"{'-' if not u else ('yes' if u.get('usable') else 'no')} | {r.get('ratio', '-')} | {(r.get('analyze') or {}).get('type', '-')} |"
        )
    current = [r for r in rows if r["tier"] == "current"]
    legacy = [r for r in rows if r["tier"] == "legacy"]
    ratios = [r["ratio"] for r in rows if r.get("ratio") and r.get("usable") and (r.get("uv") or {}).get("usable")]
    ratios_all_exit0 = [r["ratio"] for r in rows if r.get("ratio")]
    gm = geometric_mean(ratios)
    gm0 = geometric_mean(ratios_all_exit0)
    totals = {
        "repos": len(rows),
        "usable": sum(1 for r in rows if r.get("usable")),
        "dhtlExit0": sum(1 for r in rows if (r.get("dhtl") or {}).get("exit") == 0),
        "usableCurrent": sum(1 for r in current if r.get("usable")),
        "current": len(current),
        "usableLegacy": sum(1 for r in legacy if r.get("usable")),
        "legacy": len(legacy),
        "uvUsable": sum(1 for r in rows if (r.get("uv") or {}).get("usable")),
        "geomeanRatioBothUsable": round(gm, 2) if gm else None,
        "ratioPairsBothUsable": len(ratios),
        "geomeanRatioBothExit0": round(gm0, 2) if gm0 else None,
        "ratioPairsBothExit0": len(ratios_all_exit0),
    }
    lines += [
        "",
        f"- usable overall: {pct(totals['usable'], totals['repos'])}; dhtl exit 0: {pct(totals['dhtlExit0'], totals['repos'])}",
        f"- usable, current tier: {pct(totals['usableCurrent'], totals['current'])}; legacy tier (2016–2020 pins): {pct(totals['usableLegacy'], totals['legacy'])}",
        f"- plain uv commands usable: {pct(totals['uvUsable'], totals['repos'])}",
        f"- ratio dhtl/uv, geometric mean where both were usable: {totals['geomeanRatioBothUsable']} over {totals['ratioPairsBothUsable']} repos"
        f" (where both exited 0: {totals['geomeanRatioBothExit0']} over {totals['ratioPairsBothExit0']})",
    ]
    return "\n".join(lines) + "\n", {"totals": totals, "rows": rows}


def analyze_notes(entries: list[dict], results_dir: Path) -> str:
    """What `dhtl analyze --json` said about each repository (issue 11 hand-checks these)."""
    lines = [
        "| id | category | type (candidates) | packageManager | isPackage | sources | python chosen | deps / groups |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for entry in entries:
        path = results_dir / entry["id"] / "analyze.json"
        if not path.exists():
            continue
        facts = json.loads(path.read_text())
        project, kind = facts.get("project") or {}, facts.get("type") or {}
        candidates = ", ".join(f"{c.get('name')}:{c.get('score')}" for c in (kind.get("candidates") or [])[:3])
        sources = ", ".join(
            f"{s.get('file')}" + (f" ({s.get('kind')})" if s.get("kind") else "") if isinstance(s, dict) else str(s)
            for s in project.get("sources") or []
        )
        chosen = (facts.get("python") or {}).get("chosen") or {}
        python = f"{chosen.get('value')} ({chosen.get('source')})" if chosen else "-"
        groups = ",".join(sorted((project.get("dependencyGroups") or {}).keys()))
        lines.append(
            f"| {entry['id']} | {entry['category']} | {kind.get('name')} ({candidates}) | {project.get('packageManager')} | "
            f"{project.get('isPackage')} | {sources.replace('|', '/')} | {python.replace('|', '/')} | "
            f"{len(project.get('dependencies') or [])} / {groups or '-'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("select", nargs="*", help="ids or categories to run (default: all)")
    parser.add_argument("--dhtl", default=os.environ.get("DHTL_DIR", str(DEFAULT_DHTL)), help="dhtl checkout (built) to measure")
    parser.add_argument("--repos", default=str(HERE / "repos.json"))
    parser.add_argument("--results", default=os.environ.get("REAL_REPOS_RESULTS", str(Path(os.environ.get("TMPDIR", "/tmp")) / "real-repos-results")))
    parser.add_argument("--timeout", type=int, default=900, help="seconds per step (default 900)")
    parser.add_argument("--force", action="store_true", help="rerun ids that already have a result")
    parser.add_argument("--no-uv", action="store_true", help="skip the plain-uv side (no ratio)")
    parser.add_argument("--tier", choices=["current", "legacy"])
    parser.add_argument("--report-only", action="store_true", help="only rebuild table.md/table.json")
    args = parser.parse_args()

    entries = json.loads(Path(args.repos).read_text())["repos"]
    chosen = [e for e in entries if (not args.select or e["id"] in args.select or e["category"] in args.select) and (not args.tier or e["tier"] == args.tier)]
    unknown = set(args.select) - {e["id"] for e in entries} - {e["category"] for e in entries}
    if unknown:
        print(f"unknown ids/categories: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    results_dir = Path(args.results)
    results_dir.mkdir(parents=True, exist_ok=True)
    dhtl = Path(args.dhtl).resolve()
    if not (dhtl / "dist" / "dhtl.cjs").exists():
        print(f"{dhtl}/dist/dhtl.cjs missing: run `npm run build` there first", file=sys.stderr)
        return 2

    if not args.report_only:
        for n, entry in enumerate(chosen, 1):
            if (results_dir / entry["id"] / "result.json").exists() and not args.force:
                print(f"[{n}/{len(chosen)}] {entry['id']}: has a result, skipped (--force to rerun)", flush=True)
                continue
            print(f"[{n}/{len(chosen)}] {entry['id']} ({entry['repo']}@{entry['commit'][:10]}) …", flush=True)
            r = bench_one(entry, dhtl, results_dir / entry["id"], args.timeout, not args.no_uv)
            print(
                f"    dhtl exit {r.get('dhtl', {}).get('exit')} in {r.get('dhtl', {}).get('seconds')}s, usable={'yes' if r.get('usable') else 'no'}"
                f"{' (' + r['why'] + ')' if r.get('why') else ''}; uv {r.get('uv', {}).get('seconds')}s usable={r.get('uv', {}).get('usable')}",
                flush=True,
            )

    (results_dir / "analyze-notes.md").write_text(analyze_notes(entries, results_dir))
    table, data = report(entries, results_dir)
    (results_dir / "table.md").write_text(table)
    (results_dir / "table.json").write_text(json.dumps(data, indent=1) + "\n")
    print(table)
    print(f"results: {results_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
