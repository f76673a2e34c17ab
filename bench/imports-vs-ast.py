"""The seed plan's import analysis (Phase 1, step 4), kept as the speed baseline for bench/analyze-speed.sh.

It walks every *.py file under ROOT, parses it with CPython's ast and collects top-level imported
names with ast.walk, as the plan's ImportAnalyzer.analyze_imports does. Prints a one-line summary.
Usage: python3 bench/imports-vs-ast.py ROOT
"""

import ast
import sys
from pathlib import Path


def analyze_imports(project_root):
    imports = set()
    failed = 0
    for py_file in project_root.rglob("*.py"):
        if ".venv" in str(py_file) or "__pycache__" in str(py_file):
            continue
        try:
            with open(py_file, "rb") as handle:
                tree = ast.parse(handle.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for name in node.names:
                        imports.add(name.name.split(".")[0])
                elif isinstance(node, ast.ImportFrom):
                    if node.module:
                        imports.add(node.module.split(".")[0])
        except (SyntaxError, ValueError):
            failed += 1
    return imports, failed


if __name__ == "__main__":
    found, failed = analyze_imports(Path(sys.argv[1]))
    third_party = sorted(found - set(sys.stdlib_module_names))
    print("%d top-level names, %d not in sys.stdlib_module_names, %d files failed" % (len(found), len(third_party), failed))
