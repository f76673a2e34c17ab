/**
 * An in-tree build backend (PEP 517 `backend-path`) for setuptools packages that support Python 3.6: uv
 * installs the project editable (PEP 660's `build_editable`), which no setuptools that runs on 3.6 has (its
 * last is 59.6; PEP 660 came in 64), and uv 0.13 has no pyproject setting to install the project itself
 * non-editable (only `--no-editable` / UV_NO_EDITABLE). The module is setuptools' own backend (wheels and
 * sdists are setuptools'); only where setuptools lacks `build_editable` it adds one: setuptools' wheel with
 * its code replaced by a `.pth` naming the source folder, as `setup.py develop` did. An sdist carries the
 * module (MANIFEST.in), so a wheel still builds from it.
 */

/** The folder `backend-path` names; no `__init__.py`, so find_packages() never ships it. */
export const EDITABLE_BACKEND_DIR = "_build_backend";
export const EDITABLE_BACKEND_MODULE = "setuptools_pep660";
export const EDITABLE_BACKEND_FILE = `${EDITABLE_BACKEND_DIR}/${EDITABLE_BACKEND_MODULE}.py`;

/** The module's text; `legacy`: setuptools' `__legacy__` backend (the project root on sys.path). */
export function editableBackendText(legacy: boolean): string {
  const backend = legacy ? "build_meta.__legacy__" : "build_meta";
  return `"""setuptools' build backend (setuptools.${backend}), plus editable installs (PEP 660) where the
setuptools that runs predates them (Python 3.6: its last setuptools is 59.6, PEP 660 came in 64), so that
\`uv sync\` installs the project on every Python the package supports. Wheels and sdists are setuptools' own;
an editable wheel there is setuptools' wheel with its code replaced by a .pth naming the source folder, as
\`setup.py develop\` did. Written by \`dhtl migrate\`: with Python 3.6 gone from the project, set
build-backend = "setuptools.${backend}" and delete this folder (and its MANIFEST.in line)."""
import base64
import hashlib
import os
import tempfile
import zipfile

from setuptools import build_meta

_backend = ${backend}

get_requires_for_build_wheel = _backend.get_requires_for_build_wheel
get_requires_for_build_sdist = _backend.get_requires_for_build_sdist
prepare_metadata_for_build_wheel = _backend.prepare_metadata_for_build_wheel
build_wheel = _backend.build_wheel
build_sdist = _backend.build_sdist

if hasattr(_backend, "build_editable"):
    get_requires_for_build_editable = _backend.get_requires_for_build_editable
    prepare_metadata_for_build_editable = _backend.prepare_metadata_for_build_editable
    build_editable = _backend.build_editable
else:

    def get_requires_for_build_editable(config_settings=None):
        return _backend.get_requires_for_build_wheel(config_settings)

    def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
        return _backend.prepare_metadata_for_build_wheel(metadata_directory, config_settings)

    def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
        with tempfile.TemporaryDirectory() as scratch:
            name = _backend.build_wheel(scratch, config_settings, metadata_directory)
            built = os.path.join(scratch, name)
            with zipfile.ZipFile(built) as wheel:
                entries = [entry for entry in wheel.namelist() if not entry.endswith("/")]
                info = [entry for entry in entries if entry.split("/")[0].endswith(".dist-info")]
                kept = info + [entry for entry in entries if _is_kept_data(entry)]
                code = set(entry.split("/")[0] for entry in entries if entry not in kept and ".data/" not in entry)
                roots = _source_roots(code)
                if roots is None:  # code only the build makes (a C extension): setuptools' wheel as it is
                    os.rename(built, os.path.join(wheel_directory, name))
                    return name
                record = next(entry for entry in info if entry.endswith("/RECORD"))
                files = [(entry, wheel.read(entry)) for entry in kept if entry != record]
            dist = record.split("/")[0][: -len(".dist-info")]
            files.append(("__editable__." + dist + ".pth", "".join(root + "\\n" for root in roots).encode()))
            lines = []
            with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as out:
                for entry, data in files:
                    out.writestr(entry, data)
                    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
                    lines.append("%s,sha256=%s,%d\\n" % (entry, digest.decode(), len(data)))
                out.writestr(record, "".join(lines) + record + ",,\\n")
            return name

    def _is_kept_data(entry):
        # scripts, headers and data files install as they are; only the code is replaced by the .pth
        parts = entry.split("/")
        return parts[0].endswith(".data") and len(parts) > 2 and parts[1] not in ("purelib", "platlib")

    def _source_roots(code):
        """The folders (the project's, src/ or lib/) that hold every top-level package and module."""
        here = os.path.abspath(os.getcwd())
        roots = []
        for top in sorted(code):
            found = next(
                (
                    base
                    for base in (here, os.path.join(here, "src"), os.path.join(here, "lib"))
                    if os.path.isdir(os.path.join(base, top))
                    or (top.endswith(".py") and os.path.isfile(os.path.join(base, top)))
                ),
                None,
            )
            if found is None:
                return None
            if found not in roots:
                roots.append(found)
        return roots
`;
}

/** MANIFEST.in with the module included (so an sdist builds its wheel); null when it already is. */
export function manifestWithBackend(before: string | null): string | null {
  const line = `include ${EDITABLE_BACKEND_FILE}`;
  if (before?.split(/\r?\n/).some((l) => l.trim() === line)) return null;
  if (before === null || before === "") return `${line}\n`;
  return `${before}${before.endsWith("\n") ? "" : "\n"}${line}\n`;
}
