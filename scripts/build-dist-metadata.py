#!/usr/bin/env python3
"""Builds src/facts/mapping/dist-metadata.json: what widely used distributions provide besides imports.

For each distribution below, its real wheel (or, when PyPI has none, its sdist's egg-info) is downloaded
with `pip download --no-deps` and read, never installed or run:

- `modules`: the import names it provides (the file names inside the wheel, as scripts/build-import-map.py
  reads them; an sdist's egg-info top_level.txt);
- `scripts`: its console and GUI scripts (entry_points.txt) and the executables it installs
  (`<name>.data/scripts/`: ruff's and uv's binaries);
- `entryPoints`: its other entry points by group (`pytest11`, `flake8.extension`, `sphinx.html_themes`,
  `mkdocs.plugins` …): plugins a host program loads by name;
- `extras`: the distributions each of its extras adds (METADATA `Requires-Dist: x; extra == "y"`): optional
  backends the distribution itself picks up when installed (pandas[excel] → openpyxl);
- `stubs`: the modules a stub-only distribution types (`yaml-stubs/` in types-PyYAML → yaml);
- `requires`: the distributions it always needs (METADATA `Requires-Dist` without an extra): a pinned
  dependency of a dependency is needed, and a meta-distribution (tox-uv) is used through what it pulls in;
- `startup`: the `.pth` files it puts in site-packages, which Python runs at start-up (pre-commit-uv's
  patch): such a distribution works without any import.

dhtl uses the table to tell a declared distribution nothing imports but that is used (a command, a
plugin, an engine of a declared library) from one that is unused, and to map import names Debian's index
lacks (brotlipy → brotli, legacy-cgi → cgi). Each entry names the file it was read from.

Re-run (needs network access to PyPI; a few minutes the first time, the wheels are cached):

    python3 scripts/build-dist-metadata.py             # the versions recorded in the output again
    python3 scripts/build-dist-metadata.py --refresh   # the newest versions

Options: --cache DIR (default ~/.cache/dhtl-dist-metadata), --output FILE, --refresh,
--file WHEEL_OR_SDIST (repeatable: read these files instead of the list, without any download).
Deterministic for the same files: sorted keys, no timestamps, no absolute paths.
"""

from __future__ import annotations

import argparse
import configparser
import importlib.util
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (distribution, why it is here). Grouped by what it is for; each is a real, widely used distribution.
DISTRIBUTIONS: list[tuple[str, str]] = [
    # Test runners, their plugins, coverage
    *[(name, "test runner or plugin") for name in [
        "pytest", "pytest-cov", "pytest-mock", "pytest-xdist", "pytest-asyncio", "pytest-django",
        "pytest-benchmark", "pytest-timeout", "pytest-randomly", "pytest-env", "pytest-sugar", "pytest-html",
        "pytest-rerunfailures", "pytest-httpx", "pytest-aiohttp", "pytest-flask", "pytest-order",
        "pytest-socket", "pytest-subtests", "pytest-instafail", "pytest-clarity", "pytest-icdiff",
        "pytest-mypy", "pytest-runner", "pytest-bdd", "pytest-factoryboy", "pytest-freezegun",
        "pytest-freezer", "pytest-localserver", "pytest-recording", "pytest-vcr", "pytest-snapshot",
        "pytest-forked", "pytest-dotenv", "pytest-regressions", "pytest-datadir", "pytest-doctestplus",
        "pytest-trio", "pytest-lazy-fixtures", "pytest-split", "pytest-httpserver", "pytest-playwright",
        "pytest-cases", "pytest-metadata", "pytest-repeat", "pytest-check", "pytest-pretty",
        "pytest-memray", "pytest-codspeed", "pytest-github-actions-annotate-failures", "pytest-celery",
        "syrupy", "hypothesis", "anyio", "faker", "coverage", "coveralls", "codecov", "tox", "nox", "nose",
        "nose2", "tox-uv", "tox-uv-bare", "tox-gh-actions", "diff-cover", "mutmut", "locust", "covdefaults",
        "pytest-randomly", "inline-snapshot", "dirty-equals", "mock", "freezegun", "responses", "factory-boy",
        "requests-mock", "parameterized", "time-machine", "trustme", "pretend",
    ]],
    # Linters, formatters, type checkers, their plugins and stubs
    *[(name, "linter, formatter or type checker") for name in [
        "black", "ruff", "isort", "flake8", "flake8-bugbear", "flake8-docstrings", "flake8-import-order",
        "flake8-comprehensions", "flake8-quotes", "flake8-builtins", "flake8-print", "flake8-pyproject",
        "flake8-isort", "flake8-black", "flake8-annotations", "flake8-simplify", "flake8-bandit",
        "flake8-pytest-style", "flake8-polyfill", "pep8-naming", "mccabe", "pycodestyle", "pyflakes",
        "pydocstyle", "pylint", "pylint-django", "pylint-pytest", "mypy", "pyright", "basedpyright", "bandit",
        "autopep8", "yapf", "autoflake", "pyupgrade", "docformatter", "codespell", "vulture", "interrogate",
        "darglint", "pre-commit", "pre-commit-uv", "prek", "safety", "pip-audit", "blacken-docs", "add-trailing-comma",
        "reorder-python-imports", "sqlfluff", "djlint", "check-manifest", "radon", "xenon", "pyroma",
        "deptry", "doc8", "rstcheck", "yamllint", "pylama", "prospector", "pytype", "typeguard",
        "django-stubs", "djangorestframework-stubs", "types-requests", "types-PyYAML", "types-setuptools",
        "types-python-dateutil", "types-redis", "types-six", "types-toml", "types-pytz", "types-simplejson",
        "types-Markdown", "types-tabulate", "types-urllib3", "types-mock", "pandas-stubs", "boto3-stubs",
        "sqlalchemy-stubs", "celery-types", "mypy-extensions",
    ]],
    # Packaging, building, releasing
    *[(name, "packaging or build tool") for name in [
        "setuptools", "wheel", "build", "twine", "setuptools-scm", "hatchling", "hatch", "hatch-vcs",
        "hatch-fancy-pypi-readme", "flit", "flit-core", "poetry-core", "poetry", "pdm", "pdm-backend",
        "maturin", "cython", "pybind11", "scikit-build", "scikit-build-core", "meson-python", "cibuildwheel",
        "bump2version", "bumpversion", "bump-my-version", "towncrier", "commitizen", "pip-tools",
        "virtualenv", "pipenv", "uv", "versioneer", "pyinstaller", "shiv", "pex", "setuptools-rust",
        "auditwheel", "delocate", "cffi", "nodeenv", "meson", "ninja", "cmake", "python-semantic-release", "gitchangelog", "zest-releaser",
    ]],
    # Documentation generators, themes, extensions
    *[(name, "documentation tool, theme or extension") for name in [
        "sphinx", "sphinx-rtd-theme", "furo", "pydata-sphinx-theme", "sphinx-book-theme",
        "sphinx-autodoc-typehints", "sphinx-copybutton", "sphinx-autobuild", "sphinx-click", "sphinx-design",
        "sphinx-tabs", "sphinxcontrib-mermaid", "sphinxcontrib-bibtex", "sphinxcontrib-napoleon",
        "sphinxcontrib-programoutput", "sphinxcontrib-spelling", "sphinxcontrib-apidoc", "sphinx-issues",
        "sphinx-argparse", "sphinx-autoapi", "sphinx-gallery", "sphinx-notfound-page", "sphinx-inline-tabs",
        "sphinx-togglebutton", "sphinx-prompt", "sphinxext-opengraph", "sphinx-sitemap", "sphinx-reredirects",
        "sphinx-automodapi", "sphinx-jsonschema", "sphinx-markdown-tables", "sphinx-immaterial",
        "sphinx-material", "alabaster", "sphinx-bootstrap-theme", "myst-parser", "myst-nb", "nbsphinx",
        "numpydoc", "recommonmark", "breathe", "jupyter-book", "autodocsumm", "enum-tools", "docutils",
        "mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python", "mkdocs-autorefs",
        "mkdocs-gen-files", "mkdocs-literate-nav", "mkdocs-section-index", "mkdocs-minify-plugin",
        "mkdocs-redirects", "mkdocs-git-revision-date-localized-plugin", "mkdocs-macros-plugin",
        "mkdocs-include-markdown-plugin", "mkdocs-awesome-pages-plugin", "mkdocs-jupyter", "mkdocs-click",
        "mkdocs-glightbox", "mkdocs-static-i18n", "mkdocs-exclude", "mike", "pdoc", "pdoc3",
        "pymdown-extensions", "markdown-include", "cairosvg",
    ]],
    # Notebooks, shells, debuggers, profilers
    *[(name, "notebook, shell, debugger or profiler") for name in [
        "ipython", "ipykernel", "jupyter", "jupyterlab", "notebook", "nbconvert", "nbstripout", "jupytext",
        "papermill", "nbqa", "voila", "ipywidgets", "ipdb", "pdbpp", "debugpy", "py-spy", "memray",
        "scalene", "snakeviz", "line-profiler", "memory-profiler", "watermark", "ipython-sql", "jupysql",
        "nbval", "jupyter-server", "jupyterlab-lsp", "python-lsp-server", "rope",
    ]],
    # Servers, workers, task runners, command-line tools projects run
    *[(name, "server, worker or command-line tool") for name in [
        "gunicorn", "uvicorn", "hypercorn", "daphne", "waitress", "granian", "pyuwsgi", "gevent", "eventlet",
        "celery", "flower", "honcho", "supervisor", "invoke", "doit", "watchdog", "watchfiles", "alembic",
        "django", "flask", "streamlit", "fabric", "awscli", "httpie", "cookiecutter", "copier",
        "python-dotenv", "dvc", "mlflow-skinny", "dagster", "prefect", "rq", "huey", "dramatiq", "arq",
        "scrapy", "luigi", "gradio", "panel", "bokeh", "dash", "chalice", "zappa", "mangum", "sanic",
        "litestar", "channels", "whitenoise", "newrelic", "ddtrace", "sentry-sdk", "opentelemetry-distro",
        "opentelemetry-instrumentation", "pyngrok", "localstack",
    ]],
    # Libraries whose extras name the optional backends they load by name when installed
    *[(name, "library with optional backends") for name in [
        "pandas", "fastapi", "starlette", "requests", "urllib3", "httpx", "aiohttp", "pydantic",
        "pydantic-settings", "sqlalchemy", "sqlmodel", "redis", "kombu", "passlib", "python-jose", "pyjwt",
        "fsspec", "boto3", "django-storages", "psycopg", "databases", "tortoise-orm", "dask", "xarray",
        "plotly", "matplotlib", "transformers", "accelerate", "jinja2", "markdown",
        "celery-redbeat", "django-redis", "channels-redis", "uvloop", "orjson", "dj-database-url",
        "django-environ", "environs", "cryptography", "paramiko", "websockets", "httpcore", "h2",
        "tqdm", "rich", "typer", "click", "loguru", "structlog", "marshmallow", "apispec", "flask-restx",
        "connexion", "strawberry-graphql", "graphene-django", "djangorestframework", "drf-spectacular",
        "django-debug-toolbar", "django-extensions", "django-cors-headers", "django-filter",
        "django-allauth", "django-celery-beat", "django-celery-results", "djangorestframework-simplejwt",
        "gql", "openpyxl", "pyarrow", "datasets", "lxml", "beautifulsoup4", "bs4", "html5lib", "pillow", "scikit-learn",
        "statsmodels", "seaborn", "xlsxwriter", "tables", "fastparquet", "s3fs", "gcsfs", "adlfs",
    ]],
    # Distributions whose import name differs from their name, missing from Debian's index
    ("brotlipy", "provides brotli"),
    ("requests-wsgi-adapter", "provides wsgiadapter"),
    ("drf-jwt", "provides rest_framework_jwt"),
    ("cowsay-python", "provides cowsay"),
    # Standard-library modules removed from Python, continued on PyPI
    ("legacy-cgi", "cgi and cgitb after 3.13"),
    ("audioop-lts", "audioop after 3.13"),
    *[(f"standard-{name}", f"{name} after its removal from the stdlib") for name in [
        "aifc", "asynchat", "asyncore", "chunk", "imghdr", "mailcap", "nntplib", "pipes", "smtpd", "sndhdr",
        "sunau", "telnetlib", "uu", "xdrlib", "crypt",
    ]],
    ("pyasynchat", "asynchat after 3.12"),
    ("pyasyncore", "asyncore after 3.12"),
    ("sgmllib3k", "sgmllib on Python 3"),
]

# Distributions published only for newer Pythons: the interpreter version pip asks wheels for.
PYTHON_VERSION = {"audioop-lts": "3.13"}
DEFAULT_PYTHON = "3.12"


def load_import_map_builder():
    """scripts/build-import-map.py reads a wheel's import names; the same reading serves here."""
    spec = importlib.util.spec_from_file_location("build_import_map", REPO / "scripts" / "build-import-map.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def recorded_versions(output: Path) -> dict[str, str]:
    """Versions of the previous run, from the file names it recorded, so a re-run reads the same files."""
    if not output.exists():
        return {}
    data = json.loads(output.read_text(encoding="utf-8"))
    versions = {}
    for key, entry in data.get("distributions", {}).items():
        parsed = file_name_and_version(entry["source"])
        if parsed:
            versions[key] = parsed[1]
    return versions


def file_name_and_version(file: str) -> tuple[str, str] | None:
    """`pytest_cov-6.0.0-py3-none-any.whl` → (pytest-cov, 6.0.0); `requests-wsgi-adapter-0.4.1.tar.gz` too."""
    if file.endswith(".whl"):
        parts = file.split("-")
        return (normalize(parts[0]), parts[1]) if len(parts) >= 5 else None
    match = re.match(r"^(.*)-([0-9][^-]*)\.(tar\.gz|zip)$", file)
    return (normalize(match.group(1)), match.group(2)) if match else None


def download(name: str, version: str | None, cache: Path) -> Path:
    """The wheel (else sdist) of `name` in the cache, downloaded with pip when missing."""

    def cached() -> list[Path]:
        found = []
        for path in cache.iterdir():
            parsed = file_name_and_version(path.name)
            if parsed and parsed[0] == normalize(name) and (version is None or parsed[1] == version):
                found.append(path)
        return sorted(found, key=lambda p: (p.suffix != ".whl", p.name))

    if version and cached():
        return cached()[0]
    requirement = f"{name}=={version}" if version else name
    python = PYTHON_VERSION.get(name, DEFAULT_PYTHON)
    base = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache),
            "--index-url", "https://pypi.org/simple"]
    print(f"pip download {requirement}", file=sys.stderr)
    before = set(cache.iterdir())
    wheel = subprocess.run(
        [*base, "--only-binary=:all:", "--platform", "manylinux2014_x86_64", "--platform", "any",
         "--python-version", python, requirement],
        capture_output=True, text=True,
    )
    if wheel.returncode != 0:
        subprocess.run([*base, "--no-binary=:all:", requirement], check=True, capture_output=True, text=True)
    new = [p for p in cached() if p not in before]
    found = new or cached()
    if not found:
        raise SystemExit(f"pip download {requirement}: nothing in {cache}")
    return found[0]


def entry_points(text: str) -> tuple[list[str], dict[str, list[str]]]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str
    try:
        parser.read_string(text)
    except configparser.Error:
        return [], {}
    scripts: set[str] = set()
    groups: dict[str, list[str]] = {}
    for group in parser.sections():
        names = sorted(name.strip() for name in parser.options(group))
        if group in ("console_scripts", "gui_scripts"):
            scripts.update(names)
        elif names:
            groups[group] = names
    return sorted(scripts), groups


EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requires_of(metadata: str) -> list[str]:
    """Distributions always required (markers on Python version or platform still count)."""
    names = set()
    for requirement in HeaderParser().parsestr(metadata).get_all("Requires-Dist") or []:
        name_match = REQUIREMENT_NAME.match(requirement)
        if name_match and not EXTRA.search(requirement):
            names.add(normalize(name_match.group(1)))
    return sorted(names)


def extras_of(metadata: str) -> dict[str, list[str]]:
    """Distributions each extra adds; self-references (`pkg[all]` listing `pkg[x]`) are followed."""
    headers = HeaderParser().parsestr(metadata)
    own = normalize(headers.get("Name", ""))
    extras: dict[str, set[str]] = {}
    includes: dict[str, set[str]] = {}
    for requirement in headers.get_all("Requires-Dist") or []:
        name_match = REQUIREMENT_NAME.match(requirement)
        extra_match = EXTRA.search(requirement)
        if not name_match or not extra_match:
            continue
        extra = normalize(extra_match.group(1))
        name = normalize(name_match.group(1))
        if name == own:
            inner = re.search(r"\[([^\]]*)\]", requirement)
            for included in (inner.group(1).split(",") if inner else []):
                includes.setdefault(extra, set()).add(normalize(included.strip()))
            continue
        extras.setdefault(extra, set()).add(name)
    for extra, included in includes.items():
        for other in included:
            extras.setdefault(extra, set()).update(extras.get(other, set()))
    return {extra: sorted(names) for extra, names in sorted(extras.items()) if names}


def read_wheel(path: Path, builder) -> dict:
    dist, modules = builder.wheel_modules(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        stubs = sorted({n.split("/")[0][: -len("-stubs")] for n in names if n.split("/")[0].endswith("-stubs")})
        startup = sorted(n for n in names if "/" not in n and n.endswith(".pth"))
        info = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
        read = lambda file: archive.read(f"{info}/{file}").decode("utf-8", "replace") if f"{info}/{file}" in names else ""
        metadata = read("METADATA")
        scripts, groups = entry_points(read("entry_points.txt"))
        top_level = [line.strip() for line in read("top_level.txt").splitlines() if line.strip()]
        data_scripts = {
            n.split("/")[2] for n in names
            if n.count("/") == 2 and n.split("/")[0].endswith(".data") and n.split("/")[1] == "scripts"
        }
    scripts = sorted(set(scripts) | {re.sub(r"\.exe$", "", s) for s in data_scripts if s})
    name = HeaderParser().parsestr(metadata).get("Name") or dist
    # top_level.txt names what setuptools packaged; the file listing finds the rest.
    modules = set(modules) | {m for m in top_level if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", m)}
    entry = {"name": name, "modules": sorted(modules), "scripts": scripts, "entryPoints": groups,
             "extras": extras_of(metadata), "requires": requires_of(metadata)}
    if stubs:
        entry["stubs"] = stubs
    if startup:
        entry["startup"] = startup
    return entry


def read_sdist(path: Path) -> dict:
    """An sdist's egg-info (written by setuptools when the sdist was made): read, never built."""
    with tarfile.open(path) as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}

        def read(suffix: str) -> str:
            for name, member in sorted(members.items()):
                if name.endswith(suffix) and name.count("/") <= 3:
                    return archive.extractfile(member).read().decode("utf-8", "replace")
            return ""

        metadata = read("/PKG-INFO")
        top_level = [line.strip() for line in read(".egg-info/top_level.txt").splitlines() if line.strip()]
        scripts, groups = entry_points(read(".egg-info/entry_points.txt"))
    name = HeaderParser().parsestr(metadata).get("Name") or path.name
    return {"name": name, "modules": sorted(top_level), "scripts": scripts, "entryPoints": groups,
            "extras": extras_of(metadata), "requires": requires_of(metadata)}


def write(entries: dict[str, dict], output: Path, builder) -> None:
    builder.write_rows(output, [
        '  "format": 1,',
        '  "generatedBy": "scripts/build-dist-metadata.py",',
        '  "columns": "name, source file, import names, scripts, entry points by group, distributions by extra",',
        '  "distributions": {',
    ], sorted(entries.items()), sort_keys=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "dhtl-dist-metadata"))
    parser.add_argument("--output", default=str(REPO / "src" / "facts" / "mapping" / "dist-metadata.json"))
    parser.add_argument("--refresh", action="store_true", help="take the newest versions, not the recorded ones")
    parser.add_argument("--file", action="append", help="read this wheel or sdist instead of the list (no download)")
    args = parser.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    output = Path(args.output)
    versions = {} if args.refresh else recorded_versions(output)
    builder = load_import_map_builder()
    entries: dict[str, dict] = {}
    failed: list[str] = []
    for given in args.file or []:
        path = Path(given)
        entry = read_wheel(path, builder) if path.suffix == ".whl" else read_sdist(path)
        entry["source"] = path.name
        entries[normalize(entry["name"])] = entry
    for name, _why in [] if args.file else DISTRIBUTIONS:
        key = normalize(name)
        if key in entries:
            continue
        try:
            path = download(name, versions.get(key), cache)
        except (SystemExit, subprocess.CalledProcessError) as error:
            failed.append(f"{name}: {error}")
            continue
        entry = read_wheel(path, builder) if path.suffix == ".whl" else read_sdist(path)
        entry["source"] = path.name
        entries[key] = entry
    write(entries, output, builder)
    print(f"{len(entries)} distributions -> {output}", file=sys.stderr)
    for failure in failed:
        print(f"not read: {failure}", file=sys.stderr)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
