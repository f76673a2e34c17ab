#!/usr/bin/env python3
"""Builds src/facts/mapping/import-map.json: import name -> distribution names, from real package metadata.

Sources (both real metadata, never hand-typed pairs):

1. Debian's Contents index. Every python3-* package lists the files it installs under
   usr/lib/python3/dist-packages/: its `<Dist>-<version>.dist-info/` (or `.egg-info`) and its top-level
   modules. Pairing the two per Debian package gives "import X is provided by distribution Y". A binary
   package without metadata (python3-bson) borrows the one distribution of its source package (pymongo),
   read from apt's Packages index.
2. A handful of pinned wheels fetched with `pip download --no-deps` for what Debian lacks (cv2, Crypto …):
   the file names inside the wheel (and the directories its .pth file adds) are the import names.

Kept: pairs whose import name differs from the normalised distribution name, namespace packages below
their namespace (google.protobuf -> protobuf, google.cloud.storage -> google-cloud-storage), and the
same-name imports of distributions that have a differing one (attrs: attr and attrs). The plain same-name
case is the default rule at run time. `namespaces` lists the namespace names themselves.

Re-run (as root, on Debian/Ubuntu; takes well under a minute once the index is downloaded):

    apt-get update && apt-get install -y apt-file lz4 && apt-file update
    python3 scripts/build-import-map.py            # writes src/facts/mapping/import-map.json

Options: --contents FILE (repeatable; default: the Contents-*.lz4/.gz files under /var/lib/apt/lists/),
--packages FILE (repeatable; default: apt's Packages files there),
--wheel-cache DIR (default: ~/.cache/dhtl-import-map-wheels), --no-wheels, --output FILE.
The output is deterministic for the same inputs: sorted keys, no timestamps, no absolute paths.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import re
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

PREFIX = "usr/lib/python3/dist-packages/"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# `foo.py`, `foo.cpython-311-x86_64-linux-gnu.so`, `foo.abi3.so`, `foo.pyd`
MODULE_FILE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z0-9_-]+)*\.(py|so|pyd)$")
METADATA_DIR = re.compile(r"^(.+?)-[^-]*?(-py\d[\d.]*)?\.(dist-info|egg-info)$")
METADATA_DIR_NO_VERSION = re.compile(r"^([^-]+)\.(dist-info|egg-info)$")
INIT = re.compile(r"^__init__\.(py|pyi|so)$|^__init__\.[A-Za-z0-9_.-]+\.so$")

# Directory names that packages ship by mistake or that are not importable APIs.
JUNK_MODULES = {
    "bench", "benchmark", "benchmarks", "bin", "build", "common", "conf", "contrib", "data", "debian", "demo",
    "demos", "doc", "docs", "etc", "example", "examples", "fixtures", "lib", "locale", "man", "po",
    "sample", "samples", "scripts", "share", "src", "static", "t", "templates", "test", "testing",
    "tests", "tools", "util", "utils", "__pycache__", "__init__", "setup", "conftest",
}
# An import claimed by more distinct distributions than this in Debian is noise, not a mapping.
MAX_DEBIAN_PROVIDERS = 3
MAX_NAMESPACE_DEPTH = 3

# Pinned wheels for mappings Debian lacks, best candidate first within one import name.
# (requirement, why it is here[, platform tag when not Linux x86_64])
WHEELS: list[tuple[str, ...]] = [
    ("opencv-python==4.10.0.84", "cv2, the default OpenCV build"),
    ("opencv-python-headless==4.10.0.84", "cv2 without GUI libraries"),
    ("opencv-contrib-python==4.10.0.84", "cv2 with contrib modules"),
    ("opencv-contrib-python-headless==4.10.0.84", "cv2 with contrib modules, headless"),
    ("pycryptodome==3.21.0", "Crypto (Debian ships only the Cryptodome flavour)"),
    ("pycryptodomex==3.21.0", "Cryptodome"),
    ("psycopg2-binary==2.9.10", "psycopg2 as a binary wheel"),
    ("setuptools==75.6.0", "pkg_resources, _distutils_hack"),
    ("google-cloud-storage==2.18.2", "google.cloud.storage"),
    ("google-cloud-secret-manager==2.32.0", "google.cloud.secretmanager"),
    ("azure-storage-blob==12.24.0", "azure.storage.blob"),
    ("faiss-cpu==1.9.0", "faiss (Debian's build is named faiss)"),
    ("mysql-connector-python==9.1.0", "mysql.connector"),
    ("python-pptx==1.0.2", "pptx"),
    ("pywin32==308", "win32api, pythoncom … (Windows only)", "win_amd64"),
    ("pyobjc-framework-Cocoa==10.3.1", "Foundation, AppKit … (macOS only)", "macosx_11_0_universal2"),
]


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def display_name(raw: str) -> str:
    # Metadata directory names escape '-' as '_'; '-' is the canonical spelling for people.
    return raw.replace("_", "-")


# ---------------------------------------------------------------- Debian


def default_contents_files() -> list[str]:
    files: list[str] = []
    for pattern in ("*_Contents-all.*", "*_Contents-amd64.*", "*_Contents-all", "*_Contents-amd64"):
        files.extend(glob.glob(os.path.join("/var/lib/apt/lists", pattern)))
    return sorted(f for f in set(files) if not f.endswith(".diff_Index"))


def read_index_text(path: str) -> str:
    """An apt index file as text, whichever compression apt stored it with."""
    if path.endswith(".lz4"):
        return subprocess.run(["lz4cat", path], check=True, capture_output=True).stdout.decode("utf-8", "replace")
    if path.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
            return handle.read()
    return Path(path).read_text(encoding="utf-8", errors="replace")


def read_contents(path: str):
    """Yields (path, [debian packages]) for every line under dist-packages."""
    for line in read_index_text(path).splitlines():
        if not line.startswith(PREFIX):
            continue
        # The package list is the last whitespace-separated field; paths may contain spaces.
        file_path, _, packages = line.rstrip().rpartition(" ")
        file_path = file_path.rstrip()
        if not file_path:
            continue
        yield file_path[len(PREFIX):], [p.rsplit("/", 1)[-1] for p in packages.split(",")]


def metadata_dist_name(entry: str) -> str | None:
    match = METADATA_DIR.match(entry) or METADATA_DIR_NO_VERSION.match(entry)
    if not match:
        return None
    name = match.group(1)
    if name.upper() == "UNKNOWN" or not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", name):
        return None
    return display_name(name)


class FileTree:
    """The files one package installs, as a tree of dicts (leaf files map to None)."""

    def __init__(self) -> None:
        self.root: dict = {}

    def add(self, parts: list[str]) -> None:
        node = self.root
        for part in parts[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            node = child
        node.setdefault(parts[-1], None)


def modules_of(tree: dict, shared_tops: set[str], owner_names: set[str], single_owner: bool) -> set[str]:
    """Importable names a file tree provides.

    A directory with neither `__init__` nor module files of its own but with sub-packages is a namespace
    package (PEP 420, or pkgutil-style once Debian strips the shared `__init__.py`): its sub-packages are
    the importable units, so it is descended. When one distribution alone owns a namespace with many
    children (ansible_collections), the namespace itself is the useful name.
    """
    found: set[str] = set()

    def has_python(node: dict) -> bool:
        return any(MODULE_FILE.match(n) if c is None else has_python(c) for n, c in node.items())

    def descend(node: dict, prefix: str, depth: int) -> None:
        if not has_python(node):
            return
        has_init = any(c is None and INIT.match(n) for n, c in node.items())
        own_modules = sorted(
            m.group(1) for n, c in node.items() if c is None and (m := MODULE_FILE.match(n))
        )
        subdirs = sorted(n for n, c in node.items() if c is not None and IDENTIFIER.match(n))
        shared = prefix.split(".")[0] in shared_tops
        # pkgutil-style namespaces keep their __init__.py: a shared top-level directory is owned whole
        # only by the distribution named after it (Twisted for twisted). Below the top, a package of a
        # single-distribution Debian package is that distribution's (google/protobuf); in a bundle of
        # many (python3-azure) only a directory named after one of them is (azure/core, not azure/storage).
        owns = (
            (depth == 1 and not shared)
            or normalize(prefix) in owner_names
            or (depth >= 2 and single_owner)
        )
        if depth >= MAX_NAMESPACE_DEPTH or owns and (has_init or own_modules or not subdirs):
            found.add(prefix)
            return
        children: set[str] = set()
        # A shared namespace holding modules of its own (PyQt6/Qsci.so from PyQt6-QScintilla).
        for module in own_modules:
            if not module.startswith("__"):
                children.add(f"{prefix}.{module}")
                found.add(f"{prefix}.{module}")
        for name in subdirs:
            if name.startswith("__") or name in JUNK_MODULES:
                continue
            before = set(found)
            descend(node[name], f"{prefix}.{name}", depth + 1)
            children |= found - before
        # One distribution with many sub-packages under the name (ansible_collections, openstack) is its owner.
        # Versions of one API (google.cloud.secretmanager, secretmanager_v1, secretmanager_v1beta1) count
        # once: they are one package in a namespace that other distributions fill too.
        apis = {re.sub(r"_v\d\w*(?=\.|$)", "", child[len(prefix) + 1 :], count=1) for child in children}
        if len(apis) > 3 and single_owner and (not shared or has_init):
            found.difference_update(children)
            found.add(prefix)

    for name, child in sorted(tree.items()):
        if child is None:
            match = MODULE_FILE.match(name)
            if match and not match.group(1).startswith("__"):
                found.add(match.group(1))
        elif IDENTIFIER.match(name) and name not in JUNK_MODULES:
            descend(child, name, 1)
    # Plugins dropped into another project's directory (twisted/plugins/x.py) are found, never imported.
    return {
        m
        for m in found
        if m.split(".")[0].lower() not in JUNK_MODULES
        and m.split(".")[-1].lower() not in JUNK_MODULES
        and "plugins" not in m.split(".")[1:]
    }


# Every module seen, paired or not: tells real namespaces (google) from packages (h5py).
ALL_MODULES: set[str] = set()


def default_packages_files() -> list[str]:
    return sorted(glob.glob("/var/lib/apt/lists/*_Packages*"))


def debian_sources(packages_files: list[str]) -> dict[str, str]:
    """Binary package -> source package, from apt's Packages indexes (a package without a Source field
    is its own source)."""
    sources: dict[str, str] = {}
    for path in packages_files:
        for stanza in read_index_text(path).split("\n\n"):
            package = re.search(r"^Package: (\S+)", stanza, re.M)
            source = re.search(r"^Source: (\S+)", stanza, re.M)
            if package:
                sources[package.group(1)] = source.group(1) if source else package.group(1)
    return sources


def debian_pairs(contents_files: list[str], packages_files: list[str]) -> dict[tuple[str, str], str]:
    trees: dict[str, FileTree] = defaultdict(FileTree)
    dists: dict[str, set[str]] = defaultdict(set)
    for path in contents_files:
        for rel, packages in read_contents(path):
            parts = rel.split("/")
            top = parts[0]
            dist = metadata_dist_name(top)
            for package in packages:
                if dist:
                    dists[package].add(dist)
                elif not top.startswith(".") and not top.endswith((".pth", ".dist-info", ".egg-info")):
                    trees[package].add(parts)

    # A top-level directory shipped by packages of different distributions is a shared namespace
    # (google, azure, zope, sphinxcontrib …): never collapse it onto one distribution.
    owners: dict[str, set[str]] = defaultdict(set)
    for package, tree in trees.items():
        for top, child in tree.root.items():
            if child is not None:
                for dist in dists.get(package, ()):
                    owners[top].add(normalize(dist))
    shared_tops = {top for top, names in owners.items() if len(names) > 1}

    # Debian splits some distributions over several binary packages (pymongo's bson and gridfs live in
    # python3-bson and python3-gridfs): a package without metadata borrows the distribution of its
    # source package, when that source builds exactly one.
    source_of = debian_sources(packages_files)
    dists_of_source: dict[str, set[str]] = defaultdict(set)
    for package, names in dists.items():
        dists_of_source[source_of.get(package, package)].update(names)

    pairs: dict[tuple[str, str], str] = {}
    for package in sorted(trees):
        package_dists = sorted(dists.get(package, ()), key=normalize)
        if not package_dists:
            siblings = dists_of_source.get(source_of.get(package, package), set())
            if len({normalize(d) for d in siblings}) == 1:
                package_dists = sorted(siblings)[:1]
        # A Debian package bundling many distributions (python3-azure) owns only directories named after
        # one of them, and never collapses a namespace onto one of them.
        owners = {normalize(d) for d in package_dists}
        modules = modules_of(trees[package].root, shared_tops, owners, len(package_dists) == 1)
        ALL_MODULES.update(modules)
        for module in sorted(modules):
            if not package_dists:
                continue
            if len(package_dists) == 1:
                dist = package_dists[0]
            else:
                # Several distributions in one Debian package: pair only what matches by name.
                matching = [d for d in package_dists if normalize(d) == normalize(module)]
                if not matching:
                    continue
                dist = matching[0]
            pairs.setdefault((module, dist), f"debian:{package}")
    return pairs


# ---------------------------------------------------------------- wheels


def wheel_modules(wheel: Path) -> tuple[str, set[str]]:
    """Import names a wheel provides: its top-level packages and modules, plus those inside directories
    that a top-level .pth file puts on sys.path (pywin32's win32/, win32/lib/)."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        pth_dirs = [
            line.strip().replace("\\", "/")
            for name in names
            if "/" not in name and name.endswith(".pth")
            for line in archive.read(name).decode("utf-8", "replace").splitlines()
            if line.strip() and not line.startswith(("#", "import")) and ".." not in line
        ]
    dist = None
    roots = {"": FileTree()} | {f"{d.rstrip('/')}/": FileTree() for d in pth_dirs}
    for name in names:
        parts = name.split("/")
        if parts[0].endswith(".dist-info"):
            dist = dist or metadata_dist_name(parts[0])
            continue
        if parts[0].endswith(".data") or not parts[-1]:
            continue
        for root, tree in roots.items():
            if name.startswith(root):
                tree.add(name[len(root):].split("/"))
    if dist is None:
        raise SystemExit(f"{wheel.name}: no .dist-info directory")
    modules: set[str] = set()
    for tree in roots.values():
        modules |= modules_of(tree.root, set(), {normalize(dist)}, True)
    return dist, modules


def fetch_wheels(cache: Path) -> list[Path]:
    cache.mkdir(parents=True, exist_ok=True)
    result = []
    for requirement, _why, *platform in WHEELS:
        name, version = requirement.split("==")
        stem = re.sub(r"[-_.]+", "_", name).lower()
        existing = [p for p in cache.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-")]
        if not existing:
            print(f"pip download {requirement}", file=sys.stderr)
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                 "--platform", platform[0] if platform else "manylinux2014_x86_64", "--python-version", "3.11", "-q",
                 "-d", str(cache), requirement],
                check=True,
            )
            existing = [p for p in cache.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-")]
        if not existing:
            raise SystemExit(f"pip download {requirement}: no wheel found in {cache}")
        result.append(sorted(existing)[0])
    return result


# ---------------------------------------------------------------- output


def differs(module: str, dist: str) -> bool:
    return "." in module or normalize(module) != normalize(dist)


def rank(module: str, dist: str, source: str) -> tuple:
    # Debian's python3-<module> is the canonical provider (psycopg2 before psycopg2-binary); wheels are
    # listed best first on purpose; then distributions whose name contains the module's, then the rest.
    last = normalize(module.split(".")[-1])
    if source.startswith("wheel:") and normalize(dist) in PREFERRED_OVER_DEBIAN:
        return (0, -1, "")
    if source == f"debian:python3-{last}":
        return (0, 0, "")
    if source.startswith("wheel:"):
        return (1, WHEEL_ORDER.get(source, 0), "")
    return (2, 0 if last in normalize(dist) else 1, normalize(dist))


WHEEL_ORDER: dict[str, int] = {}
# Debian names its FAISS build `faiss`, but on PyPI that name holds one stale release; people install faiss-cpu.
PREFERRED_OVER_DEBIAN = {"faiss-cpu"}


def build(pairs: dict[tuple[str, str], str]) -> dict:
    by_module: dict[str, dict[str, str]] = defaultdict(dict)
    for (module, dist), source in sorted(pairs.items(), key=lambda item: (item[0], item[1].startswith("debian:"))):
        if normalize(dist) not in {normalize(d) for d in by_module[module]}:
            by_module[module][dist] = source
    # Distributions with at least one import named otherwise: their same-name imports are kept too, so
    # that "what does attrs provide" answers both attr and attrs.
    interesting = {normalize(d) for m, ds in by_module.items() for d in ds if differs(m, d)}
    imports = {}
    for module in sorted(by_module):
        candidates = by_module[module]
        # Same-name pairs are otherwise the default rule; beside a differing one they fix the order of
        # candidates (psycopg2 before psycopg2-binary).
        if not any(differs(module, dist) or normalize(dist) in interesting for dist in candidates):
            continue
        if sum(1 for s in candidates.values() if s.startswith("debian:")) > MAX_DEBIAN_PROVIDERS:
            continue
        ordered = sorted(candidates.items(), key=lambda item: rank(module, item[0], item[1]))
        imports[module] = [[dist, source] for dist, source in ordered]
    return imports


def namespaces_of(modules: set[str], imports: dict) -> list[str]:
    """Names that are namespaces (google, google.cloud): some module lives below them and none is them,
    or (azure, whose meta-distribution ships an __init__.py) ten or more distributions share them.
    Debian-private sub-directories (h5py/_debian_h5py_serial) do not make a namespace."""
    public = {m for m in modules if not any(part.startswith("_") for part in m.split(".")[1:])}
    prefixes = {".".join(m.split(".")[:n]) for m in public for n in range(1, m.count(".") + 1)}
    sharers: dict[str, set[str]] = defaultdict(set)
    for module, candidates in imports.items():
        parts = module.split(".")
        for n in range(1, len(parts)):
            sharers[".".join(parts[:n])].update(normalize(dist) for dist, _ in candidates)
    # Only namespaces with a mapped module below them: the others are directories Debian ships without
    # an __init__.py (cctbx's), not namespaces anyone installs into.
    found = {p for p in prefixes if (p not in public or len(sharers[p]) >= 10) and sharers[p]}
    # A namespace counts only below namespaces: PyQt5.Qwt3D lacks an __init__.py, but PyQt5 is a package.
    return sorted(p for p in found if all(".".join(p.split(".")[:n]) in found for n in range(1, p.count(".") + 1)))


def write_rows(output: Path, head: list[str], rows: list[tuple[str, object]], sort_keys: bool = False) -> None:
    """A JSON object whose last member holds one row per line: small diffs when a row changes."""
    lines = ["{", *head]
    for index, (key, value) in enumerate(rows):
        comma = "," if index < len(rows) - 1 else ""
        lines.append(f"    {json.dumps(key)}: {json.dumps(value, sort_keys=sort_keys, separators=(',', ':'))}{comma}")
    lines += ["  }", "}", ""]
    output.write_text("\n".join(lines), encoding="utf-8")


def write(imports: dict, namespaces: list[str], output: Path, sources: dict) -> None:
    write_rows(output, [
        '  "format": 1,',
        '  "generatedBy": "scripts/build-import-map.py",',
        f'  "sources": {json.dumps(sources, sort_keys=True)},',
        f'  "namespaces": {json.dumps(namespaces)},',
        '  "columns": ["distribution", "source"],',
        '  "imports": {',
    ], list(imports.items()))


def index_label(path: str) -> str:
    """`<mirror>_debian_dists_bookworm_main_Contents-all.lz4` -> `bookworm/main/Contents-all`: the
    suite and file, without the mirror it happened to come from."""
    name = os.path.basename(path).split("_dists_", 1)[-1]
    return re.sub(r"\.(lz4|gz|xz)$", "", name).replace("_", "/")


def main() -> None:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contents", action="append", help="a Debian Contents file (.lz4, .gz or plain)")
    parser.add_argument("--packages", action="append", help="an apt Packages file (default: apt's lists)")
    parser.add_argument("--wheel-cache", default=str(Path.home() / ".cache" / "dhtl-import-map-wheels"))
    parser.add_argument("--no-wheels", action="store_true")
    parser.add_argument("--output", default=str(repo / "src" / "facts" / "mapping" / "import-map.json"))
    args = parser.parse_args()

    contents = args.contents or default_contents_files()
    packages = args.packages or default_packages_files()
    if not contents:
        raise SystemExit("no Debian Contents files found: run `apt-get install -y apt-file && apt-file update`")
    pairs: dict[tuple[str, str], str] = {}
    sources = {
        "debian": sorted(index_label(c) for c in contents),
        "debianPackages": sorted(index_label(p) for p in packages),
        "wheels": [],
    }
    if not args.no_wheels:
        for order, wheel in enumerate(fetch_wheels(Path(args.wheel_cache))):
            dist, modules = wheel_modules(wheel)
            source = f"wheel:{wheel.name}"
            WHEEL_ORDER[source] = order
            sources["wheels"].append(wheel.name)
            for module in sorted(modules):
                pairs.setdefault((module, dist), source)
    pairs_debian = debian_pairs(contents, packages)
    for key, source in sorted(pairs_debian.items()):
        pairs.setdefault(key, source)
    imports = build(pairs)
    write(imports, namespaces_of(ALL_MODULES | {module for module, _ in pairs}, imports), Path(args.output), sources)
    differing = sum(1 for m, c in imports.items() for d, _ in c if normalize(m) != normalize(d))
    print(f"{len(imports)} import names, {differing} differing pairs -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
