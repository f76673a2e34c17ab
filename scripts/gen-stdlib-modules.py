#!/usr/bin/env python3
"""Regenerates src/facts/imports/stdlib-modules.json: the top-level stdlib module names per Python minor version.

Each list comes from a real interpreter (the pyenv builds under ~/.pyenv/versions, or PYENV_ROOT):
- 3.10+: sys.stdlib_module_names, CPython's own list (all platforms, test suites excluded);
- 2.7 and 3.6-3.9 have no such list, so it is derived from the interpreter's stdlib directory
  (modules, packages, lib-dynload extensions) plus sys.builtin_module_names, excluding test suites
  the way sys.stdlib_module_names does. Modules of other platforms (winreg, msvcrt ...) cannot be
  seen on Linux, so for 3.6-3.9 the names that 3.10's list has but a listing of 3.10 misses are added.

The script only asks each interpreter about itself; it runs no project code. Usage:
    python3 scripts/gen-stdlib-modules.py [OUTPUT]
"""

import glob
import json
import os
import subprocess
import sys

# Runs inside each interpreter (2.7 too), printing {"version", "official", "listed"} as JSON.
PROBE = r"""
import json, os, sys, sysconfig
def is_test(name):
    return name == "test" or name.startswith(("_test", "xx", "_xx")) or name.endswith("_test")
stdlib = sysconfig.get_paths()["stdlib"]
names = set(sys.builtin_module_names)
for entry in os.listdir(stdlib):
    path = os.path.join(stdlib, entry)
    if entry.endswith(".py"):
        names.add(entry[:-3])
    elif os.path.isfile(os.path.join(path, "__init__.py")):
        names.add(entry)
dynload = os.path.join(stdlib, "lib-dynload")
if os.path.isdir(dynload):
    for entry in os.listdir(dynload):
        if entry.endswith(".so") or entry.endswith(".pyd"):
            names.add(entry.split(".")[0])
listed = sorted(n for n in names if not is_test(n) and n.replace("_", "a").isalnum() and n != "site-packages")
official = sorted(getattr(sys, "stdlib_module_names", [])) or None
print(json.dumps({"version": "%d.%d" % sys.version_info[:2], "official": official, "listed": listed}))
"""


def interpreters():
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = {}
    for bin_dir in sorted(glob.glob(os.path.join(root, "versions", "*", "bin"))):
        for exe in ("python3", "python"):
            path = os.path.join(bin_dir, exe)
            if os.access(path, os.X_OK):
                found.setdefault(bin_dir, path)
                break
    return sorted(found.values())


def probe(python):
    output = subprocess.run([python, "-E", "-s", "-S", "-c", PROBE], check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def main():
    output = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "src", "facts", "imports", "stdlib-modules.json"
    )
    probes = {}
    for python in interpreters():
        result = probe(python)
        probes.setdefault(result["version"], result)
    if not probes:
        sys.exit("no Python interpreters found under ~/.pyenv/versions")
    # Names only other platforms have: in the official list of the oldest version that has one, not on disk here.
    with_official = sorted((v for v in probes if probes[v]["official"]), key=version_key)
    other_platforms = set()
    if with_official:
        first = probes[with_official[0]]
        other_platforms = set(first["official"]) - set(first["listed"])
    lists = {}
    for version in sorted(probes, key=version_key):
        result = probes[version]
        if result["official"]:
            names = set(result["official"])
        else:
            names = set(result["listed"])
            if version.startswith("3."):
                names |= other_platforms
        names.add("__future__")
        lists[version] = sorted(names)
    with open(output, "w") as handle:
        json.dump(lists, handle, indent=1, sort_keys=True)
        handle.write("\n")
    for version, names in lists.items():
        print("%s: %d modules" % (version, len(names)))
    if with_official:
        check = probes[with_official[0]]
        missing = sorted(set(check["listed"]) - set(check["official"]))
        print("derivation check on %s: listed but not official: %s" % (with_official[0], missing))
        print("other-platform names added to 3.6-3.9: %s" % sorted(other_platforms))


if __name__ == "__main__":
    main()
